"""The ``glue-airflow`` command line as users and scripts call it (the contract in ARCHITECTURE.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "dags" / "workflows"
MONTH_CLOSE = str(EXAMPLES / "month_close.yaml")
VAULT = str(EXAMPLES / "data_vault_load.yaml")


def glue_airflow(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in a clean environment (no test-session Airflow settings)."""
    script = shutil.which("glue-airflow", path=str(Path(sys.executable).parent))
    assert script, "the glue-airflow console script is installed with the package"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_"))}
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_validate_clean_files_and_folders_exit_zero() -> None:
    result = glue_airflow("validate", str(EXAMPLES), MONTH_CLOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_validate_prints_one_line_per_problem_and_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "Workflow: {Name: w}\nTriggers:\n"
        "  - {Name: s, Type: SCHEDULED, Schedule: 'rate(5 minutes)', Actions: [{JobName: a}]}\n"
        "  - {Name: t, Type: CONDITIONAL, Predicate: {Conditions: [{JobName: a, State: RUNNING}]}, Actions: [{JobName: b}]}\n"
    )
    result = glue_airflow("validate", str(bad), MONTH_CLOSE)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{bad}: Triggers[0].Schedule: 'rate(5 minutes)' is a rate() expression; Glue trigger schedules only "
        "take cron(...) (for example cron(0/15 * * * ? *) for every 15 minutes) (line 3) [GWF019]",
        f"{bad}: Triggers[1].Predicate.Conditions[0].State: a trigger cannot watch job state RUNNING; it can "
        "watch SUCCEEDED, STOPPED, FAILED, TIMEOUT (line 4) [GWF014]",
    ]
    assert "Traceback" not in result.stderr


def test_validate_reports_a_syntax_error_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Workflow:\n  Name: w\nTriggers:\n  - Name: [unclosed\n")
    result = glue_airflow("validate", str(broken))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{broken}: (line ")
    assert "YAML syntax error" in result.stdout


def test_usage_errors_exit_two() -> None:
    assert glue_airflow("simulate", MONTH_CLOSE, "--outcome", "Nope=FAILED").returncode == 2
    assert glue_airflow("simulate", MONTH_CLOSE, "--outcome", "De-duplicate").returncode == 2
    assert glue_airflow("render", MONTH_CLOSE, "--format", "svg").returncode == 2


def test_render_json_gives_the_compiled_dag() -> None:
    result = glue_airflow("render", VAULT, "--format", "json")
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert (view["dag_id"], view["display_name"], view["schedule"]["kind"]) == ("data-vault-load", "data-vault-load", "manual")
    assert view["next_runs"] == []
    assert view["params"] == {"load_date": "today"}
    tasks = {t["task_id"]: t for t in view["tasks"]}
    assert tasks["clean-up-job"]["trigger_rule"] == "one_success"
    assert tasks["clean-up-job"]["glue_type"] == "JOB"
    assert tasks["load-hubs__TIMEOUT"]["glue_type"] == "CONDITION"
    assert tasks["publish-marts"]["upstream"] == ["load-links", "load-satellites"]
    assert tasks["publish-marts"]["edge_labels"] == {
        "load-links": "links-and-satellites-succeeded",
        "load-satellites": "links-and-satellites-succeeded",
    }


def test_render_json_next_runs_follow_the_glue_schedule() -> None:
    view = json.loads(glue_airflow("render", MONTH_CLOSE, "--format", "json").stdout)
    assert view["schedule"]["expression"] == "cron(0 6 1 * ? *)"
    assert len(view["next_runs"]) == 5
    assert all(run.endswith("-01T06:00:00Z") for run in view["next_runs"])


@pytest.mark.parametrize("fmt", ["text", "mermaid", "dot"])
def test_render_other_formats_show_every_task(fmt: str) -> None:
    result = glue_airflow("render", MONTH_CLOSE, "--format", fmt)
    assert result.returncode == 0
    for name in ("De-duplicate", "Update schema" if fmt != "text" else "Update_schema", "workflow_outcome" if fmt == "text" else "Workflow run outcome"):
        assert name in result.stdout


def test_simulate_json_shape() -> None:
    result = glue_airflow(
        "simulate", VAULT, "--outcome", "load-hubs=TIMEOUT", "--conf", "load_date=2026-11-20", "--json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"dag_id", "state", "nodes", "run_properties"}
    assert report["state"] == "success"
    assert report["run_properties"] == {"load_date": "2026-11-20"}
    hubs = report["nodes"]["load-hubs"]
    assert set(hubs) == {"type", "glue_state", "airflow_state", "order", "arguments", "run_properties"}
    assert (hubs["glue_state"], hubs["airflow_state"], hubs["order"]) == ("TIMEOUT", "failed", 2)
    assert report["nodes"]["clean-up-job"]["arguments"]["--failed_stage"] == "hubs"
    assert report["nodes"]["publish-marts"] == {
        "type": "JOB", "glue_state": None, "airflow_state": "skipped", "order": None,
        "arguments": None, "run_properties": None,
    }


def test_schema_is_json_schema_of_the_definition() -> None:
    schema = json.loads(glue_airflow("schema").stdout)
    assert set(schema["properties"]) == {"Workflow", "Triggers", "Jobs", "Crawlers", "Airflow"}


@pytest.mark.airflow
@pytest.mark.endpoint
@pytest.mark.slow
def test_run_json_is_a_real_local_run() -> None:
    result = glue_airflow("run", MONTH_CLOSE, "--outcome", "Fix phone numbers=STOPPED", "--running-seconds", "0", "--json", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["state"] == "failed"
    nodes = report["nodes"]
    assert (nodes["Fix phone numbers"]["glue_state"], nodes["Fix phone numbers"]["airflow_state"]) == ("STOPPED", "failed")
    assert (nodes["Update schema"]["glue_state"], nodes["Update schema"]["airflow_state"]) == (None, "skipped")
    assert nodes["Fix phone numbers"]["arguments"]["--country_code"] == "+1"
    assert nodes["De-duplicate"]["arguments"]["--WORKFLOW_RUN_ID"].startswith("manual__")
    # the notes of the run are written before its home is removed (below Airflow 3.3 a node's end state other
    # than SUCCEEDED is logged with a traceback: version_compat.NODE_ENDED_BASE)
    assert ("Traceback" if AIRFLOW_V_3_3_PLUS else "DetachedInstanceError") not in result.stderr


def test_run_json_keeps_standard_output_for_the_json(tmp_path: Path) -> None:
    """Airflow's and the loader's log lines (here a GWF044 warning) go to standard error, never into the JSON."""
    definition = tmp_path / "repeated.yaml"
    definition.write_text(
        "Workflow: {Name: repeated}\n"
        "Triggers:\n"
        "  - Name: start\n"
        "    Type: ON_DEMAND\n"
        "    Actions: [{JobName: a, Arguments: {--day: '1'}}, {JobName: a, Arguments: {--day: '2'}}]\n"
    )
    result = glue_airflow("run", str(definition), "--running-seconds", "0", "--json", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["state"] == "success"
    assert report["nodes"]["a"]["arguments"]["--day"] == "1"
    assert "GWF044" in result.stderr


def test_simulate_put_is_seen_by_successors_not_by_siblings() -> None:
    result = glue_airflow(
        "simulate", VAULT, "--put", "load-links:links_rows=10", "--put", "load-hubs:hubs=ok", "--json"
    )
    assert result.returncode == 0, result.stderr
    nodes = json.loads(result.stdout)["nodes"]
    assert nodes["load-links"]["run_properties"] == {"load_date": "today", "hubs": "ok"}
    assert "links_rows" not in nodes["load-satellites"]["run_properties"], "a sibling started at the same time"
    assert nodes["publish-marts"]["run_properties"]["links_rows"] == "10"
    assert json.loads(result.stdout)["run_properties"] == {"load_date": "today", "hubs": "ok", "links_rows": "10"}


def test_put_on_a_crawler_is_a_usage_error() -> None:
    result = glue_airflow("simulate", MONTH_CLOSE, "--put", "Update schema:k=v")
    assert result.returncode == 2
    assert "'Update schema' is a crawler; only jobs put run properties" in result.stderr
