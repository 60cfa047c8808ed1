"""What a node recorded, read back by every reader: ``status``, the demo report and the workflow view (Airflow's
REST API), the local runner (the metadata database), each counting only what the node's current try recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.cli.airflow_api import AirflowApi, run_path
from glue_workflow_provider.runtime.node_record.rest import run_path as rest_run_path
from tests.airflow_compat import known_to_the_api
from tests.integration.rest_server import RestServer, airflow_rest_api

FLOW = {
    "Workflow": {"Name": "record-flow"},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "extract"}]},
        {
            "Name": "extract-failed",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "extract", "State": "FAILED"}]},
            "Actions": [{"JobName": "cleanup"}],
        },
    ],
}


def _plan(path: Path):
    from glue_workflow_provider.compile.planner import plan_workflow
    from glue_workflow_provider.sources.definition_file import load_definition

    result = load_definition(path)
    definition = result.require()
    planned = plan_workflow(definition, result.source)
    assert planned.plan is not None
    return planned.plan, definition


@pytest.fixture
def cleared_then_skipped(runner, tmp_path: Path) -> Iterator[tuple[Path, str, RestServer]]:
    """A DAG run whose ``cleanup`` ended SUCCEEDED, then was cleared and skipped (through Airflow's REST API, as a
    user or the next node's pruning does): its first try's XComs are still in the database."""
    path = tmp_path / "record.yaml"
    path.write_text(yaml.safe_dump(FLOW))
    first = runner.run(path, {"extract": "FAILED"}, puts={"cleanup": {"cleaned": "yes"}})
    assert first.nodes["cleanup"].glue_state == "SUCCEEDED" and first.run_properties == {"cleaned": "yes"}
    known_to_the_api(runner.home / "dags", "record-flow")
    with airflow_rest_api() as server:
        api = AirflowApi(server.url, server.token)
        run_id = str(api.get("/api/v2/dags/record-flow/dagRuns", order_by="-run_after", limit=1)["dag_runs"][0]["dag_run_id"])
        body = {"dry_run": False, "only_failed": False, "dag_run_id": run_id, "task_ids": ["cleanup"]}
        api.call("POST", "/api/v2/dags/record-flow/clearTaskInstances", body)
        api.call("PATCH", f"{run_path('record-flow', run_id)}/taskInstances/cleanup", {"new_state": "skipped"})
        entry = api.fetch(f"{rest_run_path('record-flow', run_id)}/taskInstances/cleanup/xcomEntries/glue_state", {})
        assert entry["value"] == "SUCCEEDED"  # the earlier try's record is still there
        yield path, run_id, server


def test_the_runner_shows_no_state_for_a_task_cleared_and_then_skipped(runner, cleared_then_skipped) -> None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    path, run_id, _server = cleared_then_skipped
    plan, definition = _plan(path)
    with create_session() as session:
        dag_run = session.query(DagRun).filter(DagRun.dag_id == plan.dag_id, DagRun.run_id == run_id).one()
        report = runner.report(plan, definition, dag_run, {})
    assert report.nodes["cleanup"].airflow_state == "skipped"
    assert report.nodes["cleanup"].glue_state is None, "an earlier try's glue_state"
    assert report.nodes["cleanup"].run_properties is None
    assert report.nodes["extract"].glue_state == "FAILED"
    assert report.run_properties == {}, "a put of an earlier try"


def test_status_the_demo_report_and_the_view_show_no_state_for_a_task_cleared_and_then_skipped(
    runner, cleared_then_skipped
) -> None:
    from glue_workflow_provider.cli.status_command import read_report
    from glue_workflow_provider.local import demo_api
    from glue_workflow_provider.local.rest_report import rest_report
    from glue_workflow_provider.runtime.node_record.rest import rest_records
    from glue_workflow_provider.runtime.workflow_view.airflow_rest import AirflowRest
    from glue_workflow_provider.runtime.workflow_view.run_view import XCOM_KEYS, run_view

    path, run_id, server = cleared_then_skipped
    plan, definition = _plan(path)
    status = read_report(AirflowApi(server.url, server.token), plan.dag_id, run_id)

    class Demo(demo_api.AirflowApi):
        token = server.token
        base_url = server.url  # type: ignore[assignment]

    demo = rest_report(Demo(), runner.endpoint, plan, definition, run_id)
    with AirflowRest(server.url, server.token) as rest:
        run = rest.run(plan.dag_id, run_id)
        tis = rest.task_instances(plan.dag_id, run_id)
        view = run_view(plan, run, tis, rest_records(rest.fetch, plan.dag_id, run_id, tis, XCOM_KEYS))
    for report in (status, demo):
        assert report.nodes["cleanup"].airflow_state == "skipped"
        assert report.nodes["cleanup"].glue_state is None, "an earlier try's glue_state"
        assert report.nodes["extract"].glue_state == "FAILED"
        assert report.run_properties == {}, "a put of an earlier try"
    assert view.states()["cleanup"] == "NEVER RAN"
    assert view.states()["extract"] == "FAILED"


GATED = {
    "Workflow": {"Name": "gated-record-flow"},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "a"}, {"JobName": "b"}]},
        {
            "Name": "both",
            "Type": "CONDITIONAL",
            "Predicate": {"Logical": "AND", "Conditions": [
                {"JobName": "a", "State": "SUCCEEDED"}, {"JobName": "b", "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": "c"}],
        },
        {
            "Name": "a-failed",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "a", "State": "FAILED"}]},
            "Actions": [{"JobName": "c"}],
        },
    ],
}


def test_the_operator_names_airflow_records_are_the_ones_the_record_knows(runner, tmp_path: Path) -> None:
    """Gates and the outcome task record nothing, and are known by the operator name Airflow records for them
    (their class's, not ``EmptyOperator``): no reader asks for their XCom."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    from glue_workflow_provider.compile.plan import TaskKind
    from glue_workflow_provider.runtime.node_record.orm import records
    from glue_workflow_provider.runtime.node_record.record import (
        GATE_OPERATORS,
        NODE_OPERATORS,
        PUT_KEY,
        REPORT_KEYS,
        is_current,
        may_have_put,
    )
    from glue_workflow_provider.runtime.operators import gate

    path = tmp_path / "gated.yaml"
    path.write_text(yaml.safe_dump(GATED))
    plan, _definition = _plan(path)
    gates = {task.task_id for task in plan.tasks if task.kind in (TaskKind.TRIGGER_GATE, TaskKind.CONDITION_GATE)}
    assert gates, "the definition compiles to a DAG with a gate"
    assert runner.run(path).nodes["c"].glue_state == "SUCCEEDED"
    with create_session() as session:
        run = session.query(DagRun).filter(DagRun.dag_id == plan.dag_id).order_by(DagRun.id.desc()).first()
        recorded = records(session, plan.dag_id, run.run_id, REPORT_KEYS)
    operators = {task_id: record.operator for task_id, record in recorded.items()}
    assert {operators[task_id] for task_id in gates} == {gate.GlueTriggerGateOperator.__name__}
    assert operators["workflow_outcome"] == gate.GlueWorkflowOutcomeOperator.__name__
    assert set(operators.values()) <= GATE_OPERATORS | set(NODE_OPERATORS)
    held = [task_id for task_id in gates if recorded[task_id].airflow_state == "success"]
    assert held, "a gate held (the scheduler resolved it: success, as a task that may have recorded)"
    for task_id in gates:
        assert not may_have_put(recorded[task_id].airflow_state, operators[task_id])
        assert not is_current(PUT_KEY, "success", operators[task_id])
    assert may_have_put(recorded["c"].airflow_state, operators["c"])
