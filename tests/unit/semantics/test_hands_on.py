"""TriggerTable.hands_on: the nodes whose SUCCEEDED end decides nothing a worker would have to act on (nothing to
skip, the run goes on), so their tasks may end in the triggerer. Checked on hand-made graphs, then against
``settle`` itself on random workflows: for every such node and any states of the others, its SUCCEEDED adds no
dead node or trigger and never completes the run."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.semantics.progress import settle
from glue_workflow_provider.semantics.trigger_table import TriggerTable
from glue_workflow_provider.sources.definition_file import load_data
from tests.conformance.strategies import outcomes_for, workflow_documents
from tests.unit.semantics.test_progress import ANY_GRAPH, CHAIN, graph_of, start, when


def test_a_chain_hands_on_until_a_node_is_watched_for_another_state() -> None:
    assert CHAIN.hands_on("a")
    assert CHAIN.hands_on("b")
    assert not CHAIN.hands_on("c"), "c is watched for FAILED: its success kills to-d"
    assert not CHAIN.hands_on("d"), "the last node: its end may complete the run"


def test_a_node_whose_successor_has_other_starters_does_not_hand_on() -> None:
    assert not ANY_GRAPH.hands_on("a"), "c may have started (and ended) already through b"
    shared = graph_of(start("a", "b"), when("from-a", "AND", [("a", "SUCCEEDED")], "c"),
                      when("from-b", "AND", [("b", "SUCCEEDED")], "c"))
    assert not shared.hands_on("a") and not shared.hands_on("b")


def test_a_successor_behind_a_join_or_a_deactivated_trigger_does_not_count() -> None:
    join = graph_of(start("a", "b"), when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"))
    assert not join.hands_on("a")
    off = graph_of(start("a"), when("to-b", "AND", [("a", "SUCCEEDED")], "b", state="DEACTIVATED"))
    assert not off.hands_on("a")


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
        assert not after.is_complete(table), f"{node}'s success completed the run"
