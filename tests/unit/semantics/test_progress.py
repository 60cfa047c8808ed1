"""settle / run_outcome / unhandled_failures: what the end states so far decide (rules 1-3 and 6 of
docs/semantics.md#the-rules)."""

from __future__ import annotations

import pytest

from glue_workflow_provider.semantics.progress import (
    listened_states,
    run_outcome,
    settle,
    unhandled_failures,
)
from glue_workflow_provider.semantics.trigger_table import TriggerTable
from glue_workflow_provider.sources.definition_file import load_text


def graph_of(*triggers: str) -> TriggerTable:
    text = "Workflow:\n  Name: wf\nTriggers:\n" + "".join(triggers)
    return TriggerTable.of(load_text(text, "test.yaml").require())


def start(*jobs: str) -> str:
    return "  - Name: start\n    Type: ON_DEMAND\n    Actions:\n" + "".join(f"      - JobName: {j}\n" for j in jobs)


def when(name: str, logical: str, conditions: list[tuple[str, str]], target: str, state: str = "") -> str:
    body = f"  - Name: {name}\n    Type: CONDITIONAL\n"
    body += f"    State: {state}\n" if state else ""
    body += f"    Predicate:\n      Logical: {logical}\n      Conditions:\n"
    body += "".join(f"        - {{JobName: {job}, State: {s}}}\n" for job, s in conditions)
    return body + f"    Actions:\n      - JobName: {target}\n"


CHAIN = graph_of(
    start("a"),
    when("to-b", "AND", [("a", "SUCCEEDED")], "b"),
    when("to-c", "AND", [("b", "SUCCEEDED")], "c"),
    when("to-d", "AND", [("c", "FAILED")], "d"),
)


def test_nothing_ended_only_the_start_trigger_has_fired_and_nothing_is_dead() -> None:
    settled = settle(CHAIN, {})
    assert settled.fired == {"start"}
    assert settled.dead_nodes == frozenset() and settled.dead_triggers == frozenset()
    assert not settled.is_complete(CHAIN)


def test_deadness_runs_through_a_chain_to_a_fixed_point() -> None:
    settled = settle(CHAIN, {"a": "FAILED"})
    # b can never run, so c can never run, so "c FAILED" can never hold and d can never run either.
    assert settled.dead_nodes == {"b", "c", "d"}
    assert settled.dead_triggers == {"to-b", "to-c", "to-d"}
    assert settled.is_complete(CHAIN)


def test_fired_triggers_follow_the_end_states() -> None:
    settled = settle(CHAIN, {"a": "SUCCEEDED", "b": "SUCCEEDED", "c": "FAILED"})
    assert settled.fired == {"start", "to-b", "to-c", "to-d"}
    assert settled.dead_nodes == frozenset()
    assert not settled.is_complete(CHAIN)  # d has not ended yet


def test_a_condition_on_another_state_is_dead_once_the_node_ended() -> None:
    settled = settle(CHAIN, {"a": "SUCCEEDED", "b": "SUCCEEDED", "c": "SUCCEEDED"})
    assert settled.dead_nodes == {"d"} and settled.dead_triggers == {"to-d"}
    assert settled.is_complete(CHAIN)


ANY_GRAPH = graph_of(
    start("a", "b"),
    when("either", "ANY", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"),
    when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "d"),
)


def test_any_trigger_stays_alive_while_one_condition_can_still_hold() -> None:
    settled = settle(ANY_GRAPH, {"a": "FAILED"})
    assert "either" not in settled.dead_triggers and "c" not in settled.dead_nodes
    assert "both" in settled.dead_triggers and "d" in settled.dead_nodes  # AND dies with one condition


def test_any_trigger_is_dead_only_when_all_conditions_are_dead() -> None:
    settled = settle(ANY_GRAPH, {"a": "FAILED", "b": "STOPPED"})
    assert settled.dead_triggers == {"either", "both"}
    assert settled.dead_nodes == {"c", "d"}


def test_any_trigger_fires_on_one_condition() -> None:
    settled = settle(ANY_GRAPH, {"a": "FAILED", "b": "SUCCEEDED"})
    assert "either" in settled.fired and "both" not in settled.fired


SHARED = graph_of(
    start("a", "b"),
    when("a-failed", "AND", [("a", "FAILED")], "cleanup"),
    when("b-failed", "AND", [("b", "FAILED")], "cleanup"),
    when("disabled", "AND", [("a", "TIMEOUT")], "never", state="DEACTIVATED"),
)


def test_node_with_several_starters_is_dead_only_when_all_are_dead() -> None:
    assert "cleanup" not in settle(SHARED, {"a": "SUCCEEDED"}).dead_nodes
    assert "cleanup" in settle(SHARED, {"a": "SUCCEEDED", "b": "SUCCEEDED"}).dead_nodes


def test_deactivated_trigger_is_dead_from_the_start_and_never_fires() -> None:
    settled = settle(SHARED, {"a": "TIMEOUT"})
    assert "disabled" in settled.dead_triggers and "disabled" not in settled.fired
    assert "never" in settled.dead_nodes


def test_listened_states_ignore_deactivated_triggers() -> None:
    assert listened_states(SHARED) == {"a": {"FAILED"}, "b": {"FAILED"}}


@pytest.mark.parametrize(
    ("ended", "unhandled", "outcome"),
    [
        ({}, {}, "success"),
        ({"a": "SUCCEEDED", "b": "SUCCEEDED"}, {}, "success"),
        ({"a": "FAILED", "b": "SUCCEEDED", "cleanup": "SUCCEEDED"}, {}, "success"),
        ({"a": "FAILED", "b": "FAILED", "cleanup": "SUCCEEDED"}, {}, "success"),
        ({"a": "TIMEOUT", "b": "SUCCEEDED"}, {"a": "TIMEOUT"}, "failed"),  # only a DEACTIVATED trigger listens
        ({"a": "ERROR", "b": "SUCCEEDED"}, {"a": "ERROR"}, "failed"),
        ({"a": "STOPPED", "b": "FAILED", "cleanup": "FAILED"}, {"a": "STOPPED", "cleanup": "FAILED"}, "failed"),
    ],
)
def test_unhandled_failures_and_run_outcome(ended: dict[str, str], unhandled: dict[str, str], outcome: str) -> None:
    assert unhandled_failures(SHARED, ended) == unhandled
    assert run_outcome(SHARED, ended) == outcome


def test_a_listened_state_counts_as_handled_even_if_its_trigger_cannot_fire() -> None:
    graph = graph_of(
        start("a", "b"),
        when("a-failed-and-b-ok", "AND", [("a", "FAILED"), ("b", "SUCCEEDED")], "cleanup"),
    )
    ended = {"a": "FAILED", "b": "FAILED"}
    # docs/semantics.md#unhandled-failures says "a state no trigger listens for": a's FAILED is listened for, b's is not.
    assert unhandled_failures(graph, ended) == {"b": "FAILED"}
    assert settle(graph, ended).dead_nodes == {"cleanup"}
