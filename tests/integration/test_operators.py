"""The job and crawler operators against the local Glue endpoint: by name only, exact states, bounded and
deferrable waits, no duplicate Glue runs on retry, a new run after a clear, stop on kill."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from botocore.exceptions import ClientError

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.local.glue_server import GET_FAILURES_TAG

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "workflow.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _one_job(name: str, **extra: object) -> dict:
    return {
        "Workflow": {"Name": f"wf-{name}"},
        "Triggers": [{"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": name, **extra}]}],
    }


def _context(run_id: str = "manual__test") -> dict:
    pushed: dict = {}
    ti = SimpleNamespace(
        xcom_push=lambda key, value: pushed.__setitem__(key, value), dag_id="wf", run_id=run_id, task_id="t"
    )
    return {"dag_run": SimpleNamespace(run_id=run_id, clear_number=0), "ti": ti, "pushed": pushed}


def _record():
    from glue_workflow_provider.runtime.run_record import RunRecord

    return RunRecord(lineage=0, token="wf/manual__test/t/-1@0", intent={}, seen={})


def test_missing_job_fails_clearly_and_is_never_created(runner, tmp_path: Path) -> None:
    from glue_workflow_provider.runtime.exceptions import GlueNodeNotFoundError
    from glue_workflow_provider.runtime.operators.job import GlueWorkflowJobOperator

    path = _write(tmp_path, _one_job("never-deployed-job"))
    report = runner.run(path, deploy=False)
    node = report.nodes["never-deployed-job"]
    assert (report.state, node.glue_state, node.airflow_state) == ("failed", None, "failed")
    operator = GlueWorkflowJobOperator(task_id="t", glue_name="never-deployed-job", workflow_name="wf")
    with pytest.raises(GlueNodeNotFoundError, match="Glue job 'never-deployed-job' does not exist"):
        operator.submit(_context(), StartPlan(trigger="start"), {}, _record())
    with pytest.raises(ClientError, match="EntityNotFound"):
        runner.endpoint.client().get_job(JobName="never-deployed-job")


def test_a_missing_job_never_makes_its_successor_upstream_failed(runner, tmp_path: Path) -> None:
    """The last try of a node that fails without a Glue state skips what it can no longer start (rule 5)."""
    document = _one_job("never-deployed-first")
    document["Triggers"].append({
        "Name": "then", "Type": "CONDITIONAL", "Actions": [{"JobName": "deployed-second"}],
        "Predicate": {"Conditions": [{"JobName": "never-deployed-first", "State": "SUCCEEDED"}]},
    })
    document["Airflow"] = {"default_args": {"retries": 0}}
    path = _write(tmp_path, document)
    glue = runner.endpoint.client()
    glue.create_job(Name="deployed-second", Role="arn:aws:iam::123456789012:role/r",
                    Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"})
    report = runner.run(path, deploy=False)
    assert report.state == "failed"
    assert report.nodes["never-deployed-first"].airflow_state == "failed"
    assert report.nodes["deployed-second"].airflow_state == "skipped"
    assert runner.endpoint.job_runs("deployed-second") == []


def test_missing_crawler_fails_clearly(runner) -> None:
    from glue_workflow_provider.runtime.exceptions import GlueNodeNotFoundError
    from glue_workflow_provider.runtime.operators.crawler import GlueWorkflowCrawlerOperator

    operator = GlueWorkflowCrawlerOperator(task_id="t", glue_name="never-deployed-crawler", workflow_name="wf")
    with pytest.raises(GlueNodeNotFoundError, match="Glue crawler 'never-deployed-crawler' does not exist"):
        operator.prepare()
    with pytest.raises(GlueNodeNotFoundError, match="Glue crawler 'never-deployed-crawler' does not exist"):
        operator.submit(_context(), StartPlan(trigger="start"), {}, _record())


def test_action_arguments_timeout_and_properties_reach_the_job_run(runner, tmp_path: Path) -> None:
    document = _one_job(
        "shaped-job",
        Arguments={"--day": "2026-11-01", "--fixed": "overridden?"},
        Timeout=45,
        SecurityConfiguration="local-security",
        NotificationProperty={"NotifyDelayAfter": 5},
    )
    document["Jobs"] = [{"Name": "shaped-job", "NonOverridableArguments": {"--fixed": "kept"}}]
    report = runner.run(_write(tmp_path, document))
    [job_run] = runner.endpoint.job_runs("shaped-job")[:1]
    assert job_run["Timeout"] == 45
    assert job_run["SecurityConfiguration"] == "local-security"
    assert job_run["NotificationProperty"] == {"NotifyDelayAfter": 5}
    arguments = report.nodes["shaped-job"].arguments
    assert arguments["--day"] == "2026-11-01"
    assert "--fixed" not in arguments
    assert arguments["--WORKFLOW_NAME"] == "wf-shaped-job"
    assert arguments["--WORKFLOW_RUN_ID"].startswith("manual__")


def _deferred_tasks(dag_id: str) -> list[str]:
    from tests.airflow_compat import deferred_tasks

    return deferred_tasks(dag_id)


def test_deferrable_wait_goes_through_the_trigger(runner) -> None:
    """Jobs and crawls that are still RUNNING defer to our triggers and resume with the exact end state."""
    runner.endpoint.running_seconds = 6.0  # long enough that no run can end before its first check, however busy the machine
    try:
        report = runner.run(REPO / "dags" / "workflows" / "month_close.yaml", {"Update schema": "CANCELLED"})
    finally:
        runner.endpoint.running_seconds = 0.0
    assert report.state == "failed"
    assert report.nodes["Update schema"].glue_state == "CANCELLED"
    assert report.nodes["De-duplicate"].glue_state == "SUCCEEDED"
    assert _deferred_tasks("Month_close") == ["De-duplicate", "Fix_phone_numbers", "Update_schema"]


def test_a_glue_failure_is_never_retried_by_airflow(runner, tmp_path: Path) -> None:
    document = _one_job("fails-once")
    document["Airflow"] = {"default_args": {"retries": 2, "retry_delay": 0}}
    before = len(runner.endpoint.job_runs("fails-once")) if _exists(runner, "fails-once") else 0
    report = runner.run(_write(tmp_path, document), {"fails-once": "FAILED"})
    assert report.nodes["fails-once"].glue_state == "FAILED"
    assert len(runner.endpoint.job_runs("fails-once")) == before + 1


def test_retry_after_an_outage_reattaches_to_the_same_glue_run(runner, tmp_path: Path) -> None:
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS

    if not AIRFLOW_V_3_1_PLUS:
        pytest.skip("Airflow 3.0's dag.test cannot run a retry (its task instance gets a new id, which dag.test does not "
                    "find); on 3.0 the retry after an outage is tested on a running Airflow: tests/system/"
                    "test_operating.py::test_clearing_one_task_leaves_anothers_retry_attached_to_its_run")
    document = _one_job("outage-job")
    document["Airflow"] = {"default_args": {"retries": 3, "retry_delay": 0}}
    path = _write(tmp_path, document)
    runner.endpoint.deploy(__import__("glue_workflow_provider.sources.definition_file", fromlist=["x"]).read_definition(path))
    arn = "arn:aws:glue:us-east-1:123456789012:job/outage-job"
    runner.endpoint.client().tag_resource(ResourceArn=arn, TagsToAdd={GET_FAILURES_TAG: "8"})
    report = runner.run(path)
    assert report.nodes["outage-job"].glue_state == "SUCCEEDED"
    assert len(runner.endpoint.job_runs("outage-job")) == 1, "a retry must reattach, not start a second run"


def test_clearing_a_node_starts_a_new_glue_run(runner, tmp_path: Path) -> None:
    path = _write(tmp_path, _one_job("cleared-job"))
    moment = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    first = runner.run(path, logical_date=moment)
    second = runner.run(path, logical_date=moment)
    runs = runner.endpoint.job_runs("cleared-job")
    assert len(runs) == 2
    assert first.nodes["cleared-job"].glue_state == second.nodes["cleared-job"].glue_state == "SUCCEEDED"


def _trigger_classes() -> list[type]:
    from airflow.triggers.base import BaseTrigger

    package = importlib.import_module("glue_workflow_provider.runtime.triggers")
    found = []
    for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        module = importlib.import_module(module_info.name)
        found += [
            c for name, c in inspect.getmembers(module, inspect.isclass)
            if c.__module__ == module.__name__ and not name.startswith("_") and issubclass(c, BaseTrigger)
        ]
    return found


def test_every_trigger_survives_the_triggerer_serialization_round_trip() -> None:
    from tests.airflow_compat import import_string

    samples = {
        "GlueJobRunEndedTrigger": {
            "job_name": "j", "run": {"run_id": "jr_1", "timeout": 5}, "waiter_delay": 7, "waiter_max_attempts": 9,
            "logs": {"/aws-glue/jobs/output": "f/1", "/aws-glue/jobs/error": None},
            "state_changes": {"queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/sc", "poll_interval": 60},
        },
        "GlueCrawlEndedTrigger": {
            "crawler_name": "c", "run": {"previous_start": None}, "waiter_delay": 7, "waiter_max_attempts": 9,
            "succeeded_xcoms": {"glue_state": "SUCCEEDED", "glue_note": "SUCCEEDED"},
            "state_changes": {"queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/sc", "poll_interval": 60},
        },
        "GlueEventBatchTrigger": {
            "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "batch_size": 5, "batch_window": 30
        },
    }
    classes = _trigger_classes()
    assert {c.__name__ for c in classes} == set(samples)
    for cls in classes:
        trigger = cls(**samples[cls.__name__], aws_conn_id="aws_default", region_name="us-east-1")
        path, kwargs = trigger.serialize()
        rebuilt = import_string(path)(**kwargs)
        assert rebuilt.serialize() == (path, kwargs)
        assert all(kwargs[key] == value for key, value in samples[cls.__name__].items())


def test_job_trigger_fires_on_every_end_state_not_only_success(runner) -> None:
    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    glue = runner.endpoint.client()
    glue.create_job(Name="trigger-job", Role="arn:aws:iam::123456789012:role/r", Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"})
    glue.tag_resource(
        ResourceArn="arn:aws:glue:us-east-1:123456789012:job/trigger-job",
        TagsToAdd={"glue-airflow:outcome": "TIMEOUT", "glue-airflow:running-seconds": "1"},
    )
    run_id = glue.start_job_run(JobName="trigger-job")["JobRunId"]
    run = {"run_id": run_id, "timeout": None}
    trigger = GlueJobRunEndedTrigger(job_name="trigger-job", run=run, waiter_delay=1, waiter_max_attempts=30)

    async def first_event() -> dict:
        async for event in trigger.run():
            return event.payload
        raise AssertionError("no event")

    payload = asyncio.run(first_event())
    assert payload == {"status": "ended", "run": run, "message": f"Glue job trigger-job run {run_id} is in an end state"}
    assert glue.get_job_run(JobName="trigger-job", RunId=run_id)["JobRun"]["JobRunState"] == "TIMEOUT"


def _exists(runner, job: str) -> bool:
    try:
        runner.endpoint.client().get_job(JobName=job)
    except ClientError:
        return False
    return True
