"""plan_workflow(): trigger rules, gates, edges, ids, schedule and pruning of the compiled DAG plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glue_workflow_provider.compile.naming import OUTCOME_TASK_ID, airflow_id
from glue_workflow_provider.compile.plan import DagPlan, TaskKind
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.compile.schedule import ScheduleKind
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.runtime.pruning import tasks_to_skip
from glue_workflow_provider.semantics.progress import settle
from glue_workflow_provider.sources.definition_file import load_definition, load_text

WORKFLOWS = Path(__file__).resolve().parents[3] / "dags" / "workflows"


def definition(triggers: str, header: str = "Workflow:\n  Name: wf\n") -> Definition:
    return load_text(header + "Triggers:\n" + triggers, "test.yaml").require()


def plan_of(triggers: str, header: str = "Workflow:\n  Name: wf\n") -> DagPlan:
    result = plan_workflow(definition(triggers, header))
    assert result.plan is not None, result.diagnostics
    return result.plan


def start(*nodes: str, kind: str = "ON_DEMAND", extra: str = "") -> str:
    actions = "".join(f"      - {'CrawlerName' if n.startswith('crawl') else 'JobName'}: {n}\n" for n in nodes)
    return f"  - Name: start\n    Type: {kind}\n{extra}    Actions:\n{actions}"


def when(name: str, logical: str | None, conditions: list[tuple[str, str]], *targets: str) -> str:
    body = f"  - Name: {name}\n    Type: CONDITIONAL\n    Predicate:\n"
    body += f"      Logical: {logical}\n" if logical else ""
    body += "      Conditions:\n" + "".join(f"        - {{JobName: '{j}', State: {s}}}\n" for j, s in conditions)
    actions = "".join(f"      - {'CrawlerName' if t.startswith('crawl') else 'JobName'}: '{t}'\n" for t in targets)
    return body + "    Actions:\n" + actions


def wiring(plan: DagPlan, task_id: str) -> tuple[str, list[tuple[str, str | None]]]:
    task = plan.task(task_id)
    return task.trigger_rule, [(u.task_id, u.label) for u in task.upstream]


ALL_SUCCEEDED = (
    start("a", "b")
    + when("t1", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c")
    + when("t2", "ANY", [("a", "SUCCEEDED"), ("c", "SUCCEEDED")], "d")
    + when("t3", None, [("b", "SUCCEEDED")], "e")
    + when("t4", None, [("c", "SUCCEEDED")], "e")
    + when("t5", None, [("d", "SUCCEEDED")], "crawl")
)


def test_all_succeeded_workflow_is_one_task_per_node_plus_the_outcome() -> None:
    plan = plan_of(ALL_SUCCEEDED)
    assert len(plan.tasks) == 7
    assert [t.task_id for t in plan.tasks] == ["a", "b", "c", "crawl", "d", "e", OUTCOME_TASK_ID]
    assert not [t for t in plan.tasks if t.kind in (TaskKind.TRIGGER_GATE, TaskKind.CONDITION_GATE)]
    assert plan.task("crawl").kind is TaskKind.CRAWLER and plan.task("a").kind is TaskKind.JOB


def test_all_succeeded_rules_and_labelled_edges() -> None:
    plan = plan_of(ALL_SUCCEEDED)
    assert wiring(plan, "a") == ("all_success", [])
    assert wiring(plan, "b") == ("all_success", [])
    assert wiring(plan, "c") == ("all_success", [("a", "t1"), ("b", "t1")])
    assert wiring(plan, "d") == ("one_success", [("a", "t2"), ("c", "t2")])
    assert wiring(plan, "e") == ("one_success", [("b", "t3"), ("c", "t4")])
    assert wiring(plan, "crawl") == ("all_success", [("d", "t5")])


def test_one_upstream_standing_for_two_triggers_carries_both_names() -> None:
    plan = plan_of(start("a", "b") + when("p", None, [("a", "SUCCEEDED")], "x")
                   + when("q", "ANY", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "x"))
    assert wiring(plan, "x") == ("one_success", [("a", "p, q"), ("b", "q")])


def test_outcome_task_is_none_failed_over_every_node() -> None:
    plan = plan_of(ALL_SUCCEEDED)
    outcome = plan.task(OUTCOME_TASK_ID)
    assert (outcome.kind, outcome.trigger_rule) == (TaskKind.OUTCOME, "none_failed")
    assert sorted(u.task_id for u in outcome.upstream) == ["a", "b", "c", "crawl", "d", "e"]
    assert all(u.label is None for u in outcome.upstream)


@pytest.mark.parametrize(
    ("conditions", "rule"),
    [
        ([("a", "FAILED"), ("b", "FAILED")], "all_failed"),
        ([("a", "TIMEOUT")], "all_failed"),
        ([("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "all_success"),
    ],
)
def test_single_and_trigger_rule_depends_on_the_watched_states(conditions: list[tuple[str, str]], rule: str) -> None:
    plan = plan_of(start("a", "b") + when("t", "AND", conditions, "c"))
    assert wiring(plan, "c") == (rule, [(n, "t") for n, _ in conditions])
    assert len(plan.tasks) == 4  # no gates


def test_mixed_and_trigger_waits_for_all_done() -> None:
    # "a SUCCEEDED AND b FAILED" holds when b fails: all_success would make c upstream_failed instead of running it.
    plan = plan_of(start("a", "b") + when("t", "AND", [("a", "SUCCEEDED"), ("b", "FAILED")], "c"))
    assert wiring(plan, "c") == ("all_done", [("a", "t"), ("b", "t")])


def test_any_with_a_failed_condition_uses_a_condition_gate() -> None:
    plan = plan_of(start("a", "b") + when("t", "ANY", [("a", "SUCCEEDED"), ("b", "FAILED")], "c"))
    assert wiring(plan, "c") == ("one_success", [("a", "t"), ("b__FAILED", "t")])
    gate = plan.task("b__FAILED")
    assert (gate.kind, gate.trigger_rule, gate.glue_name, gate.glue_state) == (
        TaskKind.CONDITION_GATE, "all_failed", "b", "FAILED")
    assert [(u.task_id, u.label) for u in gate.upstream] == [("b", "ended FAILED")]
    assert "b__FAILED" not in [u.task_id for u in plan.task(OUTCOME_TASK_ID).upstream]


def test_node_with_two_and_triggers_gets_trigger_gates() -> None:
    plan = plan_of(
        start("a", "b")
        + when("both ok", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c")
        + when("both/failed", "AND", [("a", "FAILED"), ("b", "FAILED")], "c")
    )
    assert wiring(plan, "c") == ("one_success", [("trigger__both_ok", "both ok"), ("trigger__both_failed", "both/failed")])
    ok, failed = plan.task("trigger__both_ok"), plan.task("trigger__both_failed")
    assert (ok.kind, ok.trigger_rule, ok.display_name) == (TaskKind.TRIGGER_GATE, "all_success", "both ok")
    assert (failed.trigger_rule, failed.glue_name) == ("all_failed", "both/failed")
    assert [(u.task_id, u.label) for u in failed.upstream] == [("a", "both/failed"), ("b", "both/failed")]


def test_glue_names_become_valid_ids_and_stay_as_display_names() -> None:
    plan = plan_workflow(load_definition(WORKFLOWS / "month_close.yaml").require()).plan
    assert plan is not None
    assert plan.node_task_ids() == {
        "De-duplicate": "De-duplicate", "Fix phone numbers": "Fix_phone_numbers", "Update schema": "Update_schema",
    }
    assert plan.task("Fix_phone_numbers").display_name == "Fix phone numbers"
    assert wiring(plan, "Update_schema") == (
        "all_success", [("De-duplicate", "Fix/De-dupe succeeded"), ("Fix_phone_numbers", "Fix/De-dupe succeeded")])
    assert (plan.dag_id, plan.display_name) == ("Month_close", "Month close")


@pytest.mark.parametrize(
    ("name", "task_id"),
    [("Fix/De-dupe", "Fix_De-dupe"), ("a  b", "a_b"), ("__x__", "x"), ("é", "unnamed"), ("n" * 300, "n" * 250)],
)
def test_airflow_id(name: str, task_id: str) -> None:
    assert airflow_id(name) == task_id


@pytest.mark.parametrize(
    ("nodes", "fragment"),
    [(("a b", "a/b"), "job 'a b' and job 'a/b'"), (("x", "workflow_outcome"), "job 'workflow_outcome' and the outcome task")],
)
def test_names_that_collide_as_ids_give_gwf018(nodes: tuple[str, ...], fragment: str) -> None:
    triggers = "  - Name: start\n    Type: ON_DEMAND\n    Actions:\n" + "".join(f"      - JobName: '{n}'\n" for n in nodes)
    result = plan_workflow(definition(triggers))
    assert result.plan is None
    (problem,) = result.diagnostics
    assert (problem.code, problem.is_error) == ("GWF018", True)
    assert fragment in problem.message and "rename one" in problem.message


@pytest.mark.parametrize(
    ("start_trigger", "kind", "cron"),
    [
        (start("a"), ScheduleKind.MANUAL, None),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 6 1 * ? *)\n"), ScheduleKind.CRON, "0 6 1 * *"),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 12 ? * 2 *)\n"), ScheduleKind.CRON, "0 12 * * MON"),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 8 ? * MON-FRI *)\n"), ScheduleKind.CRON,
         "0 8 * * MON,TUE,WED,THU,FRI"),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 10 ? * 6L *)\n"), ScheduleKind.GLUE_CRON, None),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 0 15W * ? *)\n"), ScheduleKind.GLUE_CRON, None),
        (start("a", kind="SCHEDULED", extra="    Schedule: cron(0 12 * * ? 2030)\n"), ScheduleKind.GLUE_CRON, None),
        (start("a", kind="EVENT"), ScheduleKind.EVENT, None),
    ],
)
def test_schedule_kind_of_the_start_trigger(start_trigger: str, kind: ScheduleKind, cron: str | None) -> None:
    header = EVENT_HEADER if kind is ScheduleKind.EVENT else "Workflow:\n  Name: wf\n"
    schedule = plan_of(start_trigger, header).schedule
    assert (schedule.kind, schedule.cron, schedule.timezone) == (kind, cron, "UTC")


QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/wf-events"
EVENT_HEADER = f"Workflow:\n  Name: wf\nAirflow:\n  event_queue_url: {QUEUE}\n"


@pytest.mark.parametrize(
    ("batching", "size", "window"),
    [
        ("", 1, 900),  # Glue's defaults: one event per run, 900 s window
        ("    EventBatchingCondition: {BatchSize: 3}\n", 3, 900),
        ("    EventBatchingCondition: {BatchSize: 10, BatchWindow: 2}\n", 10, 2),
    ],
)
def test_event_start_trigger_reads_the_airflow_queue_with_its_batching(batching: str, size: int, window: int) -> None:
    schedule = plan_of(start("a", kind="EVENT", extra=batching), EVENT_HEADER).schedule
    assert schedule.kind is ScheduleKind.EVENT
    assert schedule.event is not None
    assert (schedule.event.queue_url, schedule.event.batch_size, schedule.event.batch_window) == (QUEUE, size, window)


def test_only_an_event_schedule_carries_an_event_source() -> None:
    scheduled = start("a", kind="SCHEDULED", extra="    Schedule: cron(0 6 1 * ? *)\n")
    assert plan_of(scheduled, EVENT_HEADER).schedule.event is None  # the queue is ignored (warned: GWF043)
    assert plan_of(start("a")).schedule.event is None


def test_start_trigger_not_activated_pauses_the_dag() -> None:
    scheduled = "    Schedule: cron(0 6 1 * ? *)\n"
    assert plan_of(start("a", kind="SCHEDULED", extra=scheduled + "    StartOnCreation: false\n")).is_paused_upon_creation
    assert not plan_of(start("a", kind="SCHEDULED", extra=scheduled + "    StartOnCreation: true\n")).is_paused_upon_creation
    assert not plan_of(start("a")).is_paused_upon_creation
    assert plan_of(start("a", kind="EVENT", extra="    State: DEACTIVATED\n"), EVENT_HEADER).is_paused_upon_creation
    assert not plan_of(start("a", kind="EVENT", extra="    StartOnCreation: true\n"), EVENT_HEADER).is_paused_upon_creation


def test_plan_carries_params_concurrency_and_action_arguments() -> None:
    plan = plan_workflow(load_definition(WORKFLOWS / "data_vault_load.yaml").require()).plan
    assert plan is not None
    assert plan.params == {"load_date": "today"} and plan.max_active_runs is None
    (satellites,) = plan.task("load-satellites").starts
    assert (satellites.trigger, satellites.arguments) == ("hubs-succeeded", {"--mode": "incremental"})
    cleanup = plan.task("clean-up-job")
    assert [s.trigger for s in cleanup.starts] == ["landing-failed", "hubs-failed", "links-or-satellites-failed", "publish-failed"]
    assert cleanup.starts[1].arguments == {"--failed_stage": "hubs"}


def test_stream_logs_travels_in_the_plan_and_is_off_by_default() -> None:
    assert plan_of(start("a")).stream_logs is False
    plan = plan_of(start("a", "crawl"), "Workflow:\n  Name: wf\nAirflow:\n  stream_logs: true\n")
    assert plan.stream_logs is True
    assert DagPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan


def test_plan_is_deterministic_and_json_ready() -> None:
    first = plan_workflow(load_definition(WORKFLOWS / "data_vault_load.yaml").require()).plan
    second = plan_workflow(load_definition(WORKFLOWS / "data_vault_load.yaml").require()).plan
    assert first is not None and second is not None
    assert first.to_json() == second.to_json()
    assert json.loads(json.dumps(first.to_json())) == json.loads(json.dumps(second.to_json()))
    ids = [t.task_id for t in first.tasks]
    assert ids == sorted(ids) and len(ids) == len(set(ids))


# runtime.pruning.tasks_to_skip on the data-vault example ---------------------------------------------------------

_VAULT = load_definition(WORKFLOWS / "data_vault_load.yaml").require()
_VAULT_PLAN = plan_workflow(_VAULT).plan
_DOWNSTREAM = ["load-hubs", "load-links", "load-satellites", "publish-marts"]
_DOWNSTREAM_GATES = ["load-hubs__FAILED", "load-hubs__TIMEOUT", "load-links__FAILED", "load-satellites__FAILED",
                     "publish-marts__FAILED"]


@pytest.mark.parametrize(
    ("ended", "skipped"),
    [
        ({}, []),
        ({"extract-landing": "SUCCEEDED"}, ["extract-landing__FAILED"]),
        ({"extract-landing": "FAILED"}, _DOWNSTREAM + _DOWNSTREAM_GATES),
        # the failure was handled by the clean-up job: the outcome task is skipped so the run succeeds
        ({"extract-landing": "FAILED", "clean-up-job": "SUCCEEDED"}, _DOWNSTREAM + _DOWNSTREAM_GATES + [OUTCOME_TASK_ID]),
        # a TIMEOUT nobody listens for: clean-up can never run and the outcome must fail, not be skipped
        ({"extract-landing": "TIMEOUT"}, ["clean-up-job", "extract-landing__FAILED"] + _DOWNSTREAM + _DOWNSTREAM_GATES),
        ({"extract-landing": "SUCCEEDED", "load-hubs": "TIMEOUT"},
         ["extract-landing__FAILED", "load-hubs__FAILED", "load-links", "load-links__FAILED", "load-satellites",
          "load-satellites__FAILED", "publish-marts", "publish-marts__FAILED"]),
        ({"extract-landing": "SUCCEEDED", "load-hubs": "SUCCEEDED", "load-links": "SUCCEEDED",
          "load-satellites": "SUCCEEDED", "publish-marts": "SUCCEEDED"}, ["clean-up-job"] + [
            "extract-landing__FAILED"] + _DOWNSTREAM_GATES),
    ],
)
def test_tasks_to_skip(ended: dict[str, str], skipped: list[str]) -> None:
    assert _VAULT_PLAN is not None
    assert sorted(tasks_to_skip(_VAULT_PLAN, settle(_VAULT_PLAN.triggers, ended))) == sorted(skipped)


def test_node_started_only_by_a_deactivated_trigger_is_skipped_before_anything_ends() -> None:
    triggers = start("a") + when("t", None, [("a", "SUCCEEDED")], "b").replace(
        "    Type: CONDITIONAL\n", "    Type: CONDITIONAL\n    State: DEACTIVATED\n")
    d = definition(triggers)
    plan = plan_workflow(d).plan
    assert plan is not None and wiring(plan, "b") == ("all_success", [])
    assert tasks_to_skip(plan, settle(plan.triggers, {})) == ["b"]


def test_trigger_gate_is_skipped_when_its_trigger_is_dead() -> None:
    d = definition(
        start("a", "b")
        + when("ok", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c")
        + when("ko", "AND", [("a", "FAILED"), ("b", "FAILED")], "c")
    )
    plan = plan_workflow(d).plan
    assert plan is not None
    assert tasks_to_skip(plan, settle(plan.triggers, {"a": "SUCCEEDED"})) == ["trigger__ko"]
    # b's FAILED is listened for (by "ko", which can no longer fire), so by the letter of rule 6 (docs/semantics.md#unhandled-failures) it is handled and
    # the outcome task is skipped too.
    assert sorted(tasks_to_skip(plan, settle(plan.triggers, {"a": "SUCCEEDED", "b": "FAILED"}))) == [
        "c", "trigger__ko", "trigger__ok", OUTCOME_TASK_ID]


def test_the_dags_docs_show_the_definition_as_authored_comments_and_syntax_kept() -> None:
    text = "# nightly load: owned by the data team\nWorkflow:\n  Name: wf\n  Description: 'uses ```fences```'\n"
    text += "Triggers:\n" + start("load")
    result = load_text(text, "wf.yaml")
    plan = plan_workflow(result.require(), result.source).plan
    assert plan is not None
    block = plan.doc_md.split("## Definition\n\n", 1)[1]
    assert block == "````yaml\n" + text.rstrip("\n") + "\n````"  # a fence longer than the text's ``` run
    as_json = json.dumps({"Workflow": {"Name": "wf"}, "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "load"}]}]}, indent=2)
    loaded = load_text(as_json, "wf.json")
    json_plan = plan_workflow(loaded.require(), loaded.source).plan
    assert json_plan is not None and json_plan.doc_md.endswith("```json\n" + as_json + "\n```")


def test_a_definition_not_read_from_text_is_shown_as_the_model_read_it() -> None:
    plan = plan_of(start("load"))
    assert plan.doc_md.split("## Definition\n\n", 1)[1].startswith("```yaml\nWorkflow:\n  Name: wf\n")
