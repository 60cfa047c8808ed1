"""TriggerTable.hands_on: the nodes whose SUCCEEDED end decides nothing a worker would have to act on (nothing to
skip; the outcome task never to skip because the run ended with its failures handled), so their tasks may end in
the triggerer. Checked on hand-made graphs, then against ``settle`` and the pruning itself on random workflows:
for every such node and any states of the others, its SUCCEEDED makes no task skippable that was not already."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from glue_workflow_provider.compile.plan import TaskKind
from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.runtime.pruning import tasks_to_skip
from glue_workflow_provider.semantics.progress import settle
from glue_workflow_provider.semantics.trigger_table import TriggerTable
from glue_workflow_provider.sources.definition_file import load_data
from tests.conformance.strategies import outcomes_for, workflow_documents
from tests.unit.semantics.test_progress import ANY_GRAPH, CHAIN, graph_of, start, when


def test_a_chain_hands_on_until_a_node_is_watched_for_another_state() -> None:
    assert CHAIN.hands_on("a")
    assert CHAIN.hands_on("b")
    assert not CHAIN.hands_on("c"), "c is watched for FAILED: its success kills to-d"
    assert not CHAIN.hands_on("d"), "the last node of a workflow that handles a failure: its end may skip the outcome"


def test_in_a_workflow_that_handles_failures_a_successor_with_other_starters_stops_the_hand_on() -> None:
    handled = when("on-fail", "AND", [("x", "FAILED")], "y")
    either = graph_of(start("a", "b", "x"), when("either", "ANY", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"), handled)
    assert not either.hands_on("a"), "c may have started (and ended) already through b"
    shared = graph_of(start("a", "b", "x"), when("from-a", "AND", [("a", "SUCCEEDED")], "c"),
                      when("from-b", "AND", [("b", "SUCCEEDED")], "c"), handled)
    assert not shared.hands_on("a") and not shared.hands_on("b")
    join = graph_of(start("a", "b", "x"), when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"), handled)
    assert not join.hands_on("a")
    off = graph_of(start("a", "x"), when("to-b", "AND", [("a", "SUCCEEDED")], "b", state="DEACTIVATED"), handled)
    assert not off.hands_on("a")


def test_in_a_workflow_that_handles_no_failure_every_node_watched_only_for_success_hands_on() -> None:
    assert ANY_GRAPH.hands_on("a") and ANY_GRAPH.hands_on("c")
    join = graph_of(start("a", "b"), when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"))
    assert all(join.hands_on(node) for node in "abc"), "the run's summary is the notes listener's"
    off = graph_of(start("a"), when("to-b", "AND", [("a", "FAILED")], "b", state="DEACTIVATED"))
    assert not off.handles_failures and not off.hands_on("a"), "a deactivated trigger's FAILED still counts for a"


#: The outcome task, the one task a node's success could newly make skippable (pruning.tasks_to_skip).
OUTCOME = SimpleNamespace(task_id="outcome", is_node=False, kind=TaskKind.OUTCOME)


def _table(document: dict) -> TriggerTable:
    return TriggerTable.of(load_data(document, "random.yaml").require())


def _after(table: TriggerTable, node: str) -> set[str]:
    """Nodes that cannot have ended before ``node`` has: every trigger starting them waits for it (under AND, or
    as its only condition)."""
    def waits(row: Any) -> bool:
        watched = {c.node for c in row.conditions}
        return node in watched and (row.logical == "AND" or watched == {node})

    return {other for other in table.nodes if table.starters(other) and all(waits(r) for r in table.starters(other))}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_node_that_hands_on_never_settles_anything_by_succeeding(data: st.DataObject) -> None:
    document = data.draw(workflow_documents())
    table = _table(document)
    outcomes = data.draw(outcomes_for(document))
    for node in (n for n in table.nodes if table.hands_on(n)):
        later = _after(table, node)
        others = {name: state for name, state in outcomes.items() if name != node and name not in later}
        ended = data.draw(st.sets(st.sampled_from(sorted(others))) if others else st.just(set()))
        before = settle(table, {name: others[name] for name in ended})
        after = settle(table, {**before.ended, node: SUCCEEDED})
        assert after.dead_nodes <= before.dead_nodes and after.dead_triggers <= before.dead_triggers, node
        plan: Any = SimpleNamespace(tasks=[OUTCOME], triggers=table)
        assert set(tasks_to_skip(plan, after)) <= set(tasks_to_skip(plan, before)), f"{node}'s success skips the outcome"
