"""What a run's end states so far decide: which triggers fired, which nodes can never run, and the outcome.

This is shared by the simulator and by the operators in a running DAG (which use it to skip, before they
report their own state, every task that can no longer run). Deadness only grows as nodes end, so whoever
records its end state last sees all that decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.semantics.predicates import could_fire, trigger_dead, trigger_fires
from glue_workflow_provider.semantics.trigger_table import TriggerTable


@dataclass(frozen=True)
class Settled:
    """The consequences of a set of end states."""

    ended: Mapping[str, str]
    fired: frozenset[str]
    dead_triggers: frozenset[str]
    dead_nodes: frozenset[str]

    def is_complete(self, table: TriggerTable) -> bool:
        """Every node has ended or can never run: the run is over."""
        return all(node in self.ended or node in self.dead_nodes for node in table.nodes)


def settle(table: TriggerTable, ended: Mapping[str, str]) -> Settled:
    """The fixed point of deadness: a node is dead when every trigger that could start it is dead."""
    dead_nodes: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in table.nodes:
            if node in ended or node in dead_nodes:
                continue
            if all(trigger_dead(row, ended, dead_nodes) for row in table.starters(node)):
                dead_nodes.add(node)
                changed = True
    fired = frozenset(row.name for row in table.triggers if trigger_fires(row, ended))
    dead_triggers = frozenset(row.name for row in table.triggers if trigger_dead(row, ended, dead_nodes))
    return Settled(ended, fired, dead_triggers, frozenset(dead_nodes))


def runnable_nodes(table: TriggerTable) -> set[str]:
    """The nodes that some combination of outcomes starts (the rest can never run, GWF034)."""
    runnable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for row in table.triggers:
            if could_fire(row, runnable) and not runnable.issuperset(row.starts):
                runnable.update(row.starts)
                changed = True
    return runnable


def listened_states(table: TriggerTable) -> dict[str, frozenset[str]]:
    """For each node, the end states some (not deactivated) trigger of the workflow listens for."""
    listened: dict[str, set[str]] = {}
    for row in table.triggers:
        if row.is_start or row.deactivated:
            continue
        for condition in row.conditions:
            listened.setdefault(condition.node, set()).add(condition.state)
    return {node: frozenset(states) for node, states in listened.items()}


def unhandled_failures(table: TriggerTable, ended: Mapping[str, str]) -> dict[str, str]:
    """Nodes that ended in a non-SUCCEEDED state no trigger listens for, with that state
    (docs/semantics.md#unhandled-failures)."""
    listened = listened_states(table)
    return {
        node: state
        for node, state in ended.items()
        if state != SUCCEEDED and state not in listened.get(node, frozenset())
    }


def run_outcome(table: TriggerTable, ended: Mapping[str, str]) -> str:
    """``failed`` exactly when some node ended in an unhandled state, otherwise ``success``
    (docs/semantics.md#unhandled-failures)."""
    return "failed" if unhandled_failures(table, ended) else "success"
