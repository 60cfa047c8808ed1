"""``render --format mwaa-serverless`` output loaded by dag-factory (the YAML format MWAA Serverless runs): a DAG
whose tasks and edges are the compiled plan's (``render --format json``, less the outcome task), built of the
amazon provider's Glue operators with the action's settings; generated workflows render exactly when they fit."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from glue_workflow_provider.cli.main import main
from tests.conformance.strategies import workflow_documents
from tests.mwaa_serverless_shape import month_close_without_run_properties, shape_problems

pytestmark = pytest.mark.airflow


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def _plan_graph(definition: Path) -> dict[str, set[str]]:
    """Job and crawler task -> its upstream tasks, as ``render --format json`` gives the compiled DAG."""
    code, out = _cli("render", str(definition), "--format", "json")
    assert code == 0, out
    tasks = json.loads(out)["tasks"]
    return {t["task_id"]: set(t["upstream"]) for t in tasks if t["glue_type"] in ("JOB", "CRAWLER")}


def _factory_dag(definition: Path, folder: Path) -> Any:
    """The one DAG dag-factory builds from the rendered YAML (the file checked against the documented shape).
    dag-factory is a development dependency: a matrix leg, which installs the wheel alone, skips these."""
    load_yaml_dags = pytest.importorskip("dagfactory").load_yaml_dags

    target = folder / f"{definition.stem}.mwaa.yaml"
    assert _cli("render", str(definition), "--format", "mwaa-serverless", "-o", str(target)) == (0, "")
    assert shape_problems(yaml.safe_load(target.read_text())) == []
    built: dict[str, Any] = {}
    load_yaml_dags(built, config_filepath=str(target), defaults_config_path=str(folder))
    (dag,) = built.values()
    return dag


def _assert_same_graph(definition: Path, folder: Path) -> Any:
    dag = _factory_dag(definition, folder)
    assert {task.task_id: set(task.upstream_task_ids) for task in dag.tasks} == _plan_graph(definition)
    assert all(task.retries == 0 for task in dag.tasks)
    return dag


def test_month_close_without_run_properties_is_the_same_dag(tmp_path: Path) -> None:
    definition = tmp_path / "month_close.yaml"
    definition.write_text(month_close_without_run_properties())
    dag = _assert_same_graph(definition, tmp_path)
    assert (dag.dag_id, dag.timetable.expression, dag.max_active_runs) == ("Month_close", "0 6 1 * *", 1)
    tasks = dag.task_dict
    assert [type(tasks[t]).__name__ for t in sorted(tasks)] == ["GlueJobOperator", "GlueJobOperator", "GlueCrawlerOperator"]
    assert (tasks["Fix_phone_numbers"].job_name, tasks["Fix_phone_numbers"].script_args) == (
        "Fix phone numbers",
        {"--country_code": "+1"},
    )
    assert tasks["Update_schema"].config == {"Name": "Update schema"}


def test_run_settings_reach_the_job_operator(tmp_path: Path) -> None:
    definition = tmp_path / "settings.yaml"
    definition.write_text(
        "Workflow: {Name: settings}\nTriggers:\n  - {Name: go, Type: ON_DEMAND, Actions: [{JobName: j, Timeout: 9, "
        "SecurityConfiguration: sec, NotificationProperty: {NotifyDelayAfter: 2}}]}\n"
        "Airflow: {default_args: {execution_timeout: 900}}\n"
    )
    (task,) = _assert_same_graph(definition, tmp_path).tasks
    assert task.run_job_kwargs == {"Timeout": 9, "SecurityConfiguration": "sec", "NotificationProperty": {"NotifyDelayAfter": 2}}
    assert task.execution_timeout.total_seconds() == 900


def _expressible(document: dict[str, Any]) -> bool:
    """The rule, stated on the document itself: AND over SUCCEEDED only, active triggers, one trigger a node."""
    started: list[str] = []
    for trigger in document["Triggers"]:
        predicate = trigger.get("Predicate", {})
        conditions = predicate.get("Conditions", [])
        states = {c.get("State") or c.get("CrawlState") for c in conditions}
        if states - {"SUCCEEDED"} or trigger.get("State") == "DEACTIVATED":
            return False
        if predicate.get("Logical") == "ANY" and len({json.dumps(c, sort_keys=True) for c in conditions}) > 1:
            return False
        started.extend({a.get("JobName") or a.get("CrawlerName") for a in trigger["Actions"]})
    return len(started) == len(set(started)) and "DefaultRunProperties" not in document["Workflow"]


def _fitted(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` made expressible: SUCCEEDED conditions under AND, active, each node in its first trigger only."""
    fitted = copy.deepcopy(document)
    fitted["Workflow"].pop("DefaultRunProperties", None)
    seen: set[str] = set()
    triggers = []
    for trigger in fitted["Triggers"]:
        trigger.pop("State", None)
        for condition in trigger.get("Predicate", {}).get("Conditions", []):
            condition["State" if "JobName" in condition else "CrawlState"] = "SUCCEEDED"
        trigger.get("Predicate", {}).pop("Logical", None)
        trigger["Actions"] = [a for a in trigger["Actions"] if (a.get("JobName") or a.get("CrawlerName")) not in seen]
        seen.update(a.get("JobName") or a.get("CrawlerName") for a in trigger["Actions"])
        if trigger["Actions"]:
            triggers.append(trigger)
    fitted["Triggers"] = triggers
    return fitted


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=workflow_documents())
def test_generated_workflows_render_exactly_when_they_fit(tmp_path_factory: pytest.TempPathFactory, document: dict) -> None:
    folder = Path(tmp_path_factory.mktemp("generated"))
    raw = folder / "raw.yaml"
    raw.write_text(yaml.safe_dump({**document, "Workflow": {"Name": document["Workflow"]["Name"]}}))
    code, out = _cli("render", str(raw), "--format", "mwaa-serverless")
    assert code == (0 if _expressible(yaml.safe_load(raw.read_text())) else 1), out
    fitted = folder / "fitted.yaml"
    fitted.write_text(yaml.safe_dump(_fitted(document)))
    _assert_same_graph(fitted, folder)
