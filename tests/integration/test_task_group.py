"""GlueWorkflowTaskGroup in an ordinary DAG: parsed by a real DagBag (ids, edges, warnings, errors) and run
with dag.test() against the local Glue endpoint (two groups of one definition, a skipped or failed upstream)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.jobside.glue_airflow_run_properties import LOCATION_ARG
from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.test_task_group_conformance import (
    group_report,
    remove_wrapper,
    task_states,
    wrapper_dag,
)
from tests.integration.definition_folders import bag

REPO = Path(__file__).resolve().parents[2]
MONTH_CLOSE = REPO / "dags" / "workflows" / "month_close.yaml"
MIXED_AND = REPO / "tests" / "fixtures" / "mixed_and.yaml"

pytestmark = pytest.mark.airflow

DAG_FILE = """
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

from glue_workflow_provider.api import GlueWorkflowTaskGroup

with DAG(dag_id="embedding", schedule=None) as dag:
    extract = EmptyOperator(task_id="extract")
    close = GlueWorkflowTaskGroup(group_id="month_close", definition="workflows/month_close.yaml")
    again = GlueWorkflowTaskGroup(group_id="again", definition="workflows/month_close.yaml")
    report = EmptyOperator(task_id="report")
    extract >> close >> again >> report
"""


def _folder(tmp_path: Path, dag_file: str = DAG_FILE) -> Path:
    folder = tmp_path / "dags"
    (folder / "workflows").mkdir(parents=True)
    (folder / "workflows" / "month_close.yaml").write_bytes(MONTH_CLOSE.read_bytes())
    (folder / "embedding.py").write_text(textwrap.dedent(dag_file))
    return folder


def test_a_group_adds_the_workflow_between_its_neighbours(tmp_path: Path) -> None:
    parsed = bag(_folder(tmp_path))
    assert parsed.import_errors == {}
    dag = parsed.dags["embedding"]
    tasks = dag.task_dict
    assert tasks["month_close.workflow_start"].upstream_task_ids == {"extract"}
    assert tasks["month_close.De-duplicate"].upstream_task_ids == {"month_close.workflow_start"}
    assert tasks["month_close.Update_schema"].upstream_task_ids == {"month_close.De-duplicate", "month_close.Fix_phone_numbers"}
    assert dag.get_edge_info("month_close.De-duplicate", "month_close.Update_schema") == {"label": "Fix/De-dupe succeeded"}
    assert tasks["month_close.workflow_end"].upstream_task_ids == {
        "month_close.workflow_outcome", "month_close.workflow_start",
        "month_close.De-duplicate", "month_close.Fix_phone_numbers", "month_close.Update_schema",
    }
    assert tasks["month_close.workflow_end"].trigger_rule == "all_done"
    assert tasks["again.workflow_start"].upstream_task_ids == {"month_close.workflow_end"}
    assert tasks["report"].upstream_task_ids == {"again.workflow_end"}
    assert dag.task_group_dict["month_close"].group_display_name == "Month close"
    assert dag.params == {}  # the group's run properties come from conf["month_close"], not the DAG's params


def test_two_groups_of_one_definition_do_not_share_ids_or_runtime(tmp_path: Path) -> None:
    dag = bag(_folder(tmp_path)).dags["embedding"]
    first = dag.task_group_dict["month_close"].glue_workflow_runtime
    second = dag.task_group_dict["again"].glue_workflow_runtime
    assert first.group_id == "month_close" and second.group_id == "again"
    assert first.plan.node_task_ids() == {
        "De-duplicate": "month_close.De-duplicate",
        "Fix phone numbers": "month_close.Fix_phone_numbers",
        "Update schema": "month_close.Update_schema",
    }
    assert set(first.plan.node_task_ids().values()).isdisjoint(second.plan.node_task_ids().values())
    assert dag.task_dict["again.Update_schema"].runtime is second
    assert {t.task_id for t in first.plan.tasks} <= set(dag.task_dict)


def test_the_unused_schedule_is_a_warning_on_the_dag_file(tmp_path: Path) -> None:
    parsed = bag(_folder(tmp_path))
    found = [str(w) for warnings in parsed.captured_warnings.values() for w in warnings]
    assert any("schedule (cron(0 6 1 * ? *) (UTC)) is not used by task group 'month_close'" in w for w in found), found


def test_an_invalid_definition_raises_every_problem(tmp_path: Path) -> None:
    from airflow.sdk import DAG

    from glue_workflow_provider.api import GlueWorkflowTaskGroup

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "Workflow: {Name: b}\nTriggers:\n"
        "  - {Name: t1, Type: CONDITIONAL, Actions: [{JobName: a}]}\n"
        "  - {Name: t2, Type: SCHEDULED, Schedule: 'cron(bad)', Actions: [{JobName: c}]}\n"
    )
    with DAG(dag_id="broken_embedding", schedule=None), pytest.raises(DefinitionError) as raised:
        GlueWorkflowTaskGroup(group_id="b", definition=broken)
    assert len(raised.value.diagnostics) >= 2
    assert all(str(d).startswith(str(broken)) for d in raised.value.diagnostics)


def test_a_missing_definition_is_a_definition_error_naming_the_resolved_path(tmp_path: Path) -> None:
    parsed = bag(_folder(tmp_path, DAG_FILE.replace("workflows/month_close.yaml", "workflows/missing.yaml")))
    (error,) = parsed.import_errors.values()
    assert str(tmp_path / "dags" / "workflows" / "missing.yaml") in error


@pytest.mark.endpoint
@pytest.mark.slow
def test_two_groups_in_one_run_keep_their_properties_and_puts_apart(runner) -> None:
    definition = read_definition(MONTH_CLOSE)
    dag = wrapper_dag(runner, MONTH_CLOSE, "embedded__two_groups", groups=("first", "second"))
    puts = {"De-duplicate": {"put.dedupe": "1"}}
    conf = {"first": {"period": "2026-11"}, "second": {"period": "2026-12"}}
    try:
        dag_run = runner.run_dag(dag, definition, {}, conf, puts=puts)
        first = group_report(runner, dag, definition, dag_run, "first", conf["first"])
        second = group_report(runner, dag, definition, dag_run, "second", conf["second"])
    finally:
        remove_wrapper(runner, "embedded__two_groups")
    assert str(dag_run.state) == "success"
    assert first.nodes["De-duplicate"].run_properties == {"period": "2026-11"}
    # The second group starts after the first ended: it sees its own conf, and none of the first group's puts.
    assert second.nodes["De-duplicate"].run_properties == {"period": "2026-12"}
    assert first.nodes["Update schema"].run_properties == {"period": "2026-11", "put.dedupe": "1"}
    assert second.nodes["Update schema"].run_properties == {"period": "2026-12", "put.dedupe": "1"}
    assert first.run_properties == {"period": "2026-11", "put.dedupe": "1"}
    locations = {first.nodes["De-duplicate"].arguments[LOCATION_ARG], second.nodes["De-duplicate"].arguments[LOCATION_ARG]}
    assert len(locations) == 2 and all(f"/{group}.De-duplicate/" in " ".join(locations) for group in ("first", "second"))
    assert task_states(dag_run)["after"] == "success"


@pytest.mark.endpoint
@pytest.mark.slow
@pytest.mark.parametrize(
    ("before", "end_state", "after_state", "node_state"),
    [
        ('raise AirflowSkipException("not today")', "skipped", "skipped", "skipped"),
        ('raise AirflowFailException("upstream broke")', "failed", "upstream_failed", "upstream_failed"),
    ],
    ids=["skipped", "failed"],
)
def test_an_upstream_that_does_not_succeed_starts_no_glue_run(
    runner, before: str, end_state: str, after_state: str, node_state: str
) -> None:
    definition = read_definition(MIXED_AND)
    dag_id = f"embedded__upstream_{node_state}"
    dag = wrapper_dag(runner, MIXED_AND, dag_id, before=before)
    runner.endpoint.deploy(definition)
    started = {job: len(runner.endpoint.job_runs(job)) for job in definition.node_types()}
    try:
        dag_run = runner.run_dag(dag, definition, {"validate": "FAILED"})
    finally:
        remove_wrapper(runner, dag_id)
    states = task_states(dag_run)
    assert {job: len(runner.endpoint.job_runs(job)) for job in definition.node_types()} == started
    assert states["wf.workflow_start"] == node_state
    assert states["wf.workflow_end"] == end_state
    assert states["after"] == after_state
    assert {states[f"wf.{job}"] for job in ("extract", "validate")} == {node_state}
