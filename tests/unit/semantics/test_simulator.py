"""The reference simulator encodes rules 1-6 of docs/semantics.md#the-rules (and rules 8-9 for properties, arguments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.report import RunReport
from glue_workflow_provider.semantics.simulator import RUN_ID_PLACEHOLDER, simulate
from glue_workflow_provider.sources.definition_file import load_definition, load_text

DATA_VAULT = Path(__file__).resolve().parents[3] / "dags" / "workflows" / "data_vault_load.yaml"


def definition(body: str, header: str = "Workflow:\n  Name: wf\n") -> Definition:
    return load_text(header + body, "test.yaml").require()


START_AB = """
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - JobName: a
      - JobName: b
"""


def when(name: str, logical: str | None, conditions: list[tuple[str, str]], *targets: str, extra: str = "") -> str:
    """A CONDITIONAL trigger over job conditions, starting ``targets`` (jobs)."""
    lines = [f"  - Name: {name}", "    Type: CONDITIONAL", "    StartOnCreation: true"]
    lines += [f"    {line}" for line in extra.splitlines() if line]
    lines.append("    Predicate:")
    if logical:
        lines.append(f"      Logical: {logical}")
    lines.append("      Conditions:")
    lines += [f"        - {{JobName: {job}, State: {state}}}" for job, state in conditions]
    lines.append("    Actions:")
    lines += [f"      - JobName: {target}" for target in targets]
    return "\n".join(lines) + "\n"


def states(report: RunReport) -> dict[str, str | None]:
    return {name: node.glue_state for name, node in report.nodes.items()}


# docs/semantics.md#trigger-fires-once: AND fires only when every condition holds ----------------------------


AND_FLOW = START_AB + when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c")


def test_and_trigger_fires_when_all_conditions_hold() -> None:
    report = simulate(definition(AND_FLOW))
    assert states(report) == {"a": "SUCCEEDED", "b": "SUCCEEDED", "c": "SUCCEEDED"}
    assert report.nodes["c"].started_by == "both"


@pytest.mark.parametrize("failing", ["a", "b"])
def test_and_trigger_does_not_fire_when_one_condition_fails(failing: str) -> None:
    report = simulate(definition(AND_FLOW), {failing: "FAILED"})
    assert report.nodes["c"].glue_state is None and report.nodes["c"].order is None
    assert report.nodes["c"].airflow_state == "skipped"


def test_missing_logical_with_several_conditions_is_and() -> None:
    report = simulate(definition(START_AB + when("both", None, [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c")),
                      {"b": "FAILED"})
    assert report.nodes["c"].order is None


# docs/semantics.md#trigger-fires-once: ANY fires once, on the first condition to hold -----------------------


ANY_FLOW = """
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - JobName: a
""" + when("a-ok", None, [("a", "SUCCEEDED")], "b") + when("b-ok", None, [("b", "SUCCEEDED")], "d") + when(
    "either", "ANY", [("a", "SUCCEEDED"), ("d", "SUCCEEDED")], "c"
)


def test_any_trigger_fires_on_the_first_condition() -> None:
    report = simulate(definition(ANY_FLOW))
    # c starts as soon as a succeeded, together with b and before d exists.
    assert report.ran() == ["a", "b", "c", "d"]
    assert [report.nodes[n].order for n in ("a", "b", "c", "d")] == [1, 2, 3, 4]
    assert report.nodes["c"].started_by == "either"


def test_any_trigger_fires_on_a_later_condition_when_the_first_fails() -> None:
    report = simulate(definition(ANY_FLOW), {"a": "FAILED"})
    assert report.ran() == ["a"]  # a failed: b, d never run, so "d SUCCEEDED" cannot hold either
    assert report.nodes["c"].airflow_state == "skipped"


# docs/semantics.md#conditions-need-a-run: a node that never ran satisfies no condition, not even FAILED -----


NEVER_RAN = """
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - JobName: a
""" + when("a-failed", None, [("a", "FAILED")], "b") + when("b-failed", None, [("b", "FAILED")], "c") + when(
    "b-failed-or-timeout", "ANY", [("b", "FAILED"), ("b", "TIMEOUT")], "d"
)


def test_node_that_never_ran_satisfies_no_condition() -> None:
    report = simulate(definition(NEVER_RAN))
    assert report.ran() == ["a"]
    assert {n: report.nodes[n].airflow_state for n in "bcd"} == {"b": "skipped", "c": "skipped", "d": "skipped"}
    assert report.state == "success"


def test_failed_condition_holds_only_after_the_node_ran_and_failed() -> None:
    report = simulate(definition(NEVER_RAN), {"a": "FAILED", "b": "FAILED"})
    assert report.ran() == ["a", "b", "c", "d"]
    assert report.nodes["c"].started_by == "b-failed" and report.nodes["d"].started_by == "b-failed-or-timeout"


# docs/semantics.md#node-runs-once: a node started by several triggers runs once -----------------------------


SHARED_CLEANUP = START_AB + when("b-ok", None, [("b", "SUCCEEDED")], "c") + when(
    "a-failed", None, [("a", "FAILED")], "cleanup"
).replace("      - JobName: cleanup\n", "      - JobName: cleanup\n        Arguments: {--stage: a}\n") + when(
    "c-failed", None, [("c", "FAILED")], "cleanup"
).replace("      - JobName: cleanup\n", "      - JobName: cleanup\n        Arguments: {--stage: c}\n")


def test_node_started_by_several_triggers_runs_once_from_the_first() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"a": "FAILED", "c": "FAILED"})
    assert report.ran() == ["a", "b", "c", "cleanup"]
    cleanup = report.nodes["cleanup"]
    assert (cleanup.order, cleanup.started_by) == (4, "a-failed")
    assert cleanup.arguments is not None and cleanup.arguments["--stage"] == "a"


def test_the_later_trigger_starts_the_shared_node_when_the_first_never_fires() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"c": "FAILED"})
    assert report.nodes["cleanup"].started_by == "c-failed"
    assert report.nodes["cleanup"].arguments["--stage"] == "c"  # type: ignore[index]


# Failures do not propagate except through triggers; the run outcome (docs/semantics.md#unhandled-failures) ---


def test_failure_does_not_propagate_to_independent_branches() -> None:
    report = simulate(definition(START_AB + when("a-ok", None, [("a", "SUCCEEDED")], "c")), {"b": "FAILED"})
    assert states(report) == {"a": "SUCCEEDED", "b": "FAILED", "c": "SUCCEEDED"}
    assert report.state == "failed"  # b's failure is not listened for


def test_handled_failure_leaves_the_run_successful() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"a": "FAILED", "c": "FAILED"})
    assert report.state == "success"
    assert report.nodes["a"].airflow_state == "failed"


def test_timeout_not_listened_for_fails_the_run() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"a": "TIMEOUT"})
    assert report.nodes["cleanup"].order is None  # a TIMEOUT is not a FAILED
    assert report.state == "failed"


def test_error_can_never_be_handled() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"a": "ERROR"})
    assert report.nodes["a"].glue_state == "ERROR"
    assert report.nodes["cleanup"].order is None
    assert report.state == "failed"


def test_failed_cleanup_fails_the_run() -> None:
    report = simulate(definition(SHARED_CLEANUP), {"a": "FAILED", "cleanup": "FAILED"})
    assert report.state == "failed"


def test_all_succeeded_is_success() -> None:
    report = simulate(definition(SHARED_CLEANUP))
    assert report.state == "success" and report.ran() == ["a", "b", "c"]


# DEACTIVATED conditional triggers ---------------------------------------------------------------------------


def test_deactivated_trigger_never_fires_and_does_not_listen() -> None:
    body = START_AB + when("a-failed", None, [("a", "FAILED")], "cleanup", extra="State: DEACTIVATED")
    report = simulate(definition(body), {"a": "FAILED"})
    assert report.nodes["cleanup"].airflow_state == "skipped"
    assert report.state == "failed"


def test_deactivated_trigger_does_not_fire_even_when_its_predicate_holds() -> None:
    body = START_AB + when("a-ok", None, [("a", "SUCCEEDED")], "c", extra="State: DEACTIVATED")
    report = simulate(definition(body))
    assert report.nodes["c"].order is None and report.state == "success"


# Order and the Airflow state of each node -------------------------------------------------------------------


def test_order_positions_follow_start_step_then_name() -> None:
    report = simulate(load_definition(DATA_VAULT).require())
    assert {n: r.order for n, r in report.nodes.items()} == {
        "extract-landing": 1, "load-hubs": 2, "load-links": 3, "load-satellites": 4, "publish-marts": 5,
        "clean-up-job": None,
    }


@pytest.mark.parametrize(
    ("outcome", "airflow_state"),
    [("SUCCEEDED", "success"), ("FAILED", "failed"), ("TIMEOUT", "failed"), ("STOPPED", "failed"),
     ("ERROR", "failed")],
)
def test_airflow_state_of_each_end_state(outcome: str, airflow_state: str) -> None:
    report = simulate(definition(START_AB), {"a": outcome})
    assert (report.nodes["a"].glue_state, report.nodes["a"].airflow_state) == (outcome, airflow_state)


def test_crawler_cancelled_is_failed_in_airflow_and_can_be_handled() -> None:
    body = """
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - CrawlerName: crawl
  - Name: crawl-cancelled
    Type: CONDITIONAL
    Predicate:
      Conditions:
        - {CrawlerName: crawl, CrawlState: CANCELLED}
    Actions:
      - JobName: alert
"""
    report = simulate(definition(body), {"crawl": "CANCELLED"})
    assert report.nodes["crawl"].type == "CRAWLER" and report.nodes["crawl"].airflow_state == "failed"
    assert report.nodes["crawl"].arguments is None
    assert report.nodes["alert"].order == 2 and report.state == "success"


# Rules 8-9 (docs/semantics.md#run-properties, #arguments): arguments and run properties ---------------------


ARGS = """
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - JobName: a
        Arguments:
          --mode: full
          --locked: from-trigger
Jobs:
  - Name: a
    DefaultArguments: {--mode: incremental}
    NonOverridableArguments: {--locked: from-job}
"""


def test_arguments_are_the_action_arguments_plus_the_workflow_identity() -> None:
    report = simulate(definition(ARGS.replace("          --locked: from-trigger\n", "")))
    assert report.nodes["a"].arguments == {
        "--mode": "full", "--WORKFLOW_NAME": "wf", "--WORKFLOW_RUN_ID": RUN_ID_PLACEHOLDER,
    }


def test_non_overridable_argument_keys_are_dropped() -> None:
    report = simulate(definition(ARGS))
    assert report.nodes["a"].arguments == {
        "--mode": "full", "--WORKFLOW_NAME": "wf", "--WORKFLOW_RUN_ID": RUN_ID_PLACEHOLDER,
    }


def test_job_without_action_arguments_gets_only_the_workflow_identity() -> None:
    report = simulate(definition(START_AB))
    assert report.nodes["b"].arguments == {"--WORKFLOW_NAME": "wf", "--WORKFLOW_RUN_ID": RUN_ID_PLACEHOLDER}


def test_never_run_node_has_no_arguments_or_properties() -> None:
    report = simulate(definition(AND_FLOW), {"a": "FAILED"})
    assert report.nodes["c"].arguments is None and report.nodes["c"].run_properties is None


PROPS_HEADER = "Workflow:\n  Name: wf\n  DefaultRunProperties: {period: latest, region: eu}\n"


def test_run_properties_are_defaults_overridden_by_conf() -> None:
    report = simulate(definition(START_AB, PROPS_HEADER), conf={"period": "2024-01"})
    assert report.nodes["a"].run_properties == {"period": "2024-01", "region": "eu"}
    assert report.run_properties == {"period": "2024-01", "region": "eu"}


def test_defaults_alone_without_conf() -> None:
    report = simulate(definition(START_AB, PROPS_HEADER))
    assert report.nodes["b"].run_properties == {"period": "latest", "region": "eu"}


def test_later_nodes_see_properties_put_by_nodes_that_ended_before_they_started() -> None:
    report = simulate(definition(AND_FLOW, PROPS_HEADER), puts={"a": {"rows": "10", "period": "p"}})
    assert report.nodes["b"].run_properties == {"period": "latest", "region": "eu"}  # started with a
    assert report.nodes["c"].run_properties == {"period": "p", "region": "eu", "rows": "10"}


def test_report_json_contract() -> None:
    data = simulate(definition(AND_FLOW), {"b": "FAILED"}, dag_id="wf").to_json()
    assert data["dag_id"] == "wf" and data["state"] == "failed"
    assert data["nodes"]["c"] == {
        "type": "JOB", "glue_state": None, "airflow_state": "skipped", "order": None,
        "arguments": None, "run_properties": None,
    }
