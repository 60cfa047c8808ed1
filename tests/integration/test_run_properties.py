"""Run properties end to end: defaults and start values, puts seen by successors, the job-side module run as
a Glue job runs it, puts from a failed job, Python tasks in a workflow's DAG, and invalid input."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.jobside import MODULE_PATH
from glue_workflow_provider.jobside.glue_airflow_run_properties import LOCATION_ARG
from glue_workflow_provider.sources.definition_file import load_data

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

FLOW = {
    "Workflow": {"Name": "props-flow", "DefaultRunProperties": {"region": "eu", "day": "monday"}},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "extract"}]},
        {
            "Name": "extracted",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "extract", "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": "load"}],
        },
        {
            "Name": "extract-failed",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "extract", "State": "FAILED"}]},
            "Actions": [{"JobName": "cleanup"}],
        },
    ],
}


def _write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "props.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_defaults_start_values_and_a_put_seen_by_the_successor(runner, tmp_path: Path) -> None:
    report = runner.run(_write(tmp_path, FLOW), conf={"day": "friday"}, puts={"extract": {"batch": "42"}})
    assert report.nodes["extract"].run_properties == {"region": "eu", "day": "friday"}
    assert report.nodes["load"].run_properties == {"region": "eu", "day": "friday", "batch": "42"}
    assert report.run_properties == {"region": "eu", "day": "friday", "batch": "42"}


def test_the_final_properties_are_recorded_by_the_last_task(runner, tmp_path: Path) -> None:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    runner.run(_write(tmp_path, FLOW), puts={"extract": {"batch": "7"}, "load": {"loaded": "yes"}})
    with create_session() as session:
        row = session.scalars(
            select(XComModel)
            .where(XComModel.dag_id == "props-flow", XComModel.task_id == "load", XComModel.key == "run_properties_after")
            .order_by(XComModel.timestamp.desc())
        ).first()
        after = XComModel.deserialize_value(row)
    assert after == {"region": "eu", "day": "monday", "batch": "7", "loaded": "yes"}


def test_a_put_counts_even_when_the_job_then_fails(runner, tmp_path: Path) -> None:
    report = runner.run(_write(tmp_path, FLOW), {"extract": "FAILED"}, puts={"extract": {"failed_at": "step 3"}})
    assert report.state == "success"
    assert report.nodes["cleanup"].run_properties["failed_at"] == "step 3"
    assert report.run_properties["failed_at"] == "step 3"


JOB_SCRIPT = """
import sys
import glue_airflow_run_properties

glue_client = glue_airflow_run_properties.client()
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
name, run_id = args["--WORKFLOW_NAME"], args["--WORKFLOW_RUN_ID"]
props = glue_client.get_workflow_run_properties(Name=name, RunId=run_id)["RunProperties"]
glue_client.put_workflow_run_properties(Name=name, RunId=run_id, RunProperties={"seen_region": props["region"]})
print("ok", sorted(props))
"""


def test_job_side_module_round_trips_through_the_operator(runner, tmp_path: Path) -> None:
    """The shipped module, alone on the path as with --extra-py-files, run with the job run's own arguments
    while the job is RUNNING; its put reaches the successor through the operator and XCom."""
    extra_py_files = tmp_path / "extra"
    extra_py_files.mkdir()
    shutil.copy(MODULE_PATH, extra_py_files / MODULE_PATH.name)
    (tmp_path / "job.py").write_text(JOB_SCRIPT)
    results: list[subprocess.CompletedProcess[str]] = []

    def act_as_the_job() -> None:
        arguments = _wait_for_running_run(runner, "extract")
        argv = [item for pair in arguments.items() for item in pair]
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(extra_py_files),
            "AWS_ENDPOINT_URL": runner.endpoint.url,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        command = [sys.executable, str(tmp_path / "job.py"), *argv]
        results.append(subprocess.run(command, capture_output=True, text=True, env=env, timeout=120))

    runner.endpoint.running_seconds = 8.0
    worker = threading.Thread(target=act_as_the_job)
    worker.start()
    try:
        report = runner.run(_write(tmp_path, FLOW), conf={"region": "ap"})
    finally:
        runner.endpoint.running_seconds = 0.0
        worker.join(timeout=120)
    assert results and results[0].returncode == 0, results[0].stderr if results else "the job never ran"
    assert results[0].stdout.strip() == "ok ['day', 'region']"
    assert report.nodes["load"].run_properties["seen_region"] == "ap"


def _wait_for_running_run(runner, job: str) -> dict[str, str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = [r for r in runner.endpoint.job_runs(job) if r["JobRunState"] == "RUNNING"]
        if runs and LOCATION_ARG in (runs[0].get("Arguments") or {}):
            return runs[0]["Arguments"]
        time.sleep(0.2)
    raise AssertionError(f"no RUNNING run of {job} with {LOCATION_ARG}")


def test_job_side_module_needs_nothing_but_boto3() -> None:
    tree = ast.parse(MODULE_PATH.read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported <= {"__future__", "json", "sys", "collections", "typing", "boto3"}


def test_job_side_module_rejects_what_glue_rejects(runner) -> None:
    from glue_workflow_provider.jobside import glue_airflow_run_properties as module

    argv = ["job.py", LOCATION_ARG, "s3://glue-airflow-local/run-properties/check/"]
    kwargs = {"endpoint_url": runner.endpoint.url, "region_name": "us-east-1"}
    with pytest.raises(ValueError, match="values are strings"):
        module.put_run_properties({"count": 5}, argv, **kwargs)
    with pytest.raises(ValueError, match="1 to 255"):
        module.put_run_properties({"": "x"}, argv, **kwargs)
    module.put_run_properties({"a": "1"}, argv, **kwargs)
    module.put_run_properties({"a": "2", "b": "3"}, argv, **kwargs)
    assert module.get_run_properties(argv, **kwargs) == {"a": "2", "b": "3"}


def test_a_non_string_start_value_fails_with_a_clear_error(runner, tmp_path: Path, capfd) -> None:
    runs_before = len(runner.endpoint.job_runs("extract")) if _job_exists(runner, "extract") else 0
    report = runner.run(_write(tmp_path, FLOW), conf={"retries": 5})
    assert (report.state, report.nodes["extract"].glue_state) == ("failed", None)
    assert len(runner.endpoint.job_runs("extract")) == runs_before, "no Glue run starts with invalid properties"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", capfd.readouterr().err)  # Airflow 3.0 prints the traceback in colour,
    shown = " ".join(shown.split())  # wrapped to the terminal's width
    assert "the run's conf: run property 'retries' must be a string, got int 5; give it in quotes" in shown


def _job_exists(runner, job: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        runner.endpoint.client().get_job(JobName=job)
    except ClientError:
        return False
    return True


def test_a_non_string_value_for_a_default_is_refused_when_triggered(runner, tmp_path: Path) -> None:
    from airflow.sdk.definitions.param import ParamValidationError

    with pytest.raises(ParamValidationError, match="day"):
        runner.run(_write(tmp_path, FLOW), conf={"day": 5})


PYTHON_DAG = '''
"""airflow dag: a workflow's DAG with a Python task that reads and puts run properties."""
from pathlib import Path

from airflow.sdk import task

from glue_workflow_provider.api import workflow_dag
from glue_workflow_provider.runtime.run_properties import get_run_properties, put_run_properties

dag = workflow_dag(Path(__file__).parent / "python_task_flow.yaml")
with dag:
    @task(task_id="enrich")
    def enrich():
        props = get_run_properties()
        put_run_properties({"enriched": props["region"] + "-" + props.get("batch", "none")})

    enrich_task = enrich()
    dag.task_dict["extract"] >> enrich_task >> dag.task_dict["load"]
'''


def test_a_python_task_reads_and_puts_like_a_job(runner, tmp_path: Path) -> None:
    from tests.airflow_compat import dag_bag as DagBag

    document = dict(FLOW, Workflow={"Name": "python-task-flow", "DefaultRunProperties": {"region": "eu"}})
    dags = runner.home / "dags"
    (dags / "python_task_flow.yaml").write_text(yaml.safe_dump(document))
    (dags / "python_task_dag.py").write_text(PYTHON_DAG)
    try:
        definition = load_data(document).require()
        runner.endpoint.deploy(definition)
        runner.endpoint.steer(definition, puts={"extract": {"batch": "9"}})
        bag = DagBag(str(dags))
        assert not bag.import_errors
        dag_run = bag.dags["python-task-flow"].test()
        xcoms = _recorded(dag_run, ("run_properties", "run_properties_put"))
    finally:
        (dags / "python_task_flow.yaml").unlink()
        (dags / "python_task_dag.py").unlink()
    assert str(dag_run.state) == "success"
    assert xcoms["enrich"]["run_properties_put"]["values"] == {"enriched": "eu-9"}
    assert xcoms["load"]["run_properties"] == {"region": "eu", "batch": "9", "enriched": "eu-9"}


def _recorded(dag_run, keys: tuple[str, ...]) -> dict:
    from glue_workflow_provider.runtime.airflow_internals import metadata_session
    from glue_workflow_provider.runtime.node_record.orm import recorded_values

    with metadata_session() as session:
        return recorded_values(session, dag_run.dag_id, dag_run.run_id, keys)


def test_secret_looking_values_are_masked_in_logs() -> None:
    from glue_workflow_provider.runtime.run_properties import mask_sensitive
    from tests.airflow_compat import redact

    mask_sensitive({"db_password": "s3cr3t-value", "region": "eu-west-1"})
    assert redact("connecting with s3cr3t-value") == "connecting with ***"
    assert redact("region eu-west-1") == "region eu-west-1"


def test_run_json_reports_puts_per_node(runner, tmp_path: Path) -> None:
    report = runner.run(_write(tmp_path, FLOW), puts={"extract": {"k": "v"}}).to_json()
    assert report["nodes"]["load"]["run_properties"]["k"] == "v"
    assert "k" not in report["nodes"]["extract"]["run_properties"]
    json.dumps(report)


def test_a_local_run_leaves_its_glue_notes_written_before_the_process_goes_on(runner, tmp_path: Path) -> None:
    """The notes listener writes in a thread; wait_for_pending (called by LocalRunner.close and at exit) lets it
    finish, so a dag.test() process neither exits nor removes its home under it."""
    from sqlalchemy import select

    from glue_workflow_provider.runtime.after_commit import wait_for_pending
    from glue_workflow_provider.runtime.airflow_internals import metadata_session, note_models

    runner.run(_write(tmp_path, FLOW), puts={"extract": {"batch": "8"}})
    wait_for_pending()
    task_instance, dag_run = note_models()
    with metadata_session() as session:
        run = session.scalars(select(dag_run).where(dag_run.dag_id == "props-flow").order_by(dag_run.id.desc())).first()
        ti = session.scalar(select(task_instance).where(
            task_instance.dag_id == "props-flow", task_instance.run_id == run.run_id, task_instance.task_id == "load"))
        assert run.note and "SUCCEEDED" in run.note
        assert ti.note and "SUCCEEDED" in ti.note


def test_a_put_of_a_task_cleared_and_then_skipped_is_not_in_the_final_properties(runner, tmp_path: Path) -> None:
    """Running a DAG run again clears its tasks: a put made by a task that ran in the first try and is skipped
    in the second is not in the report of the second."""
    import pendulum

    path, moment = _write(tmp_path, FLOW), pendulum.datetime(2026, 3, 1, tz="UTC")
    first = runner.run(path, {"extract": "FAILED"}, puts={"cleanup": {"cleaned": "yes"}}, logical_date=moment)
    assert first.run_properties["cleaned"] == "yes"
    second = runner.run(path, puts={"extract": {"batch": "9"}}, logical_date=moment)
    assert second.nodes["cleanup"].airflow_state == "skipped"
    assert second.run_properties == {"region": "eu", "day": "monday", "batch": "9"}
