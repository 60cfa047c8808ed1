"""What a run's end states so far decide: which triggers fired, which nodes can never run, and the outcome.

This is shared by the simulator and by the operators in a running DAG (which use it to skip, before they
report their own state, every task that can no longer run). Deadness only grows as nodes end, so whoever
records its end state last sees all that decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from glue_workflow_provider.model.graph import WorkflowGraph
from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.semantics.predicates import trigger_dead, trigger_fires


@dataclass(frozen=True)
class Settled:
    """The consequences of a set of end states."""

    ended: Mapping[str, str]
    fired: frozenset[str]
    dead_triggers: frozenset[str]
    dead_nodes: frozenset[str]

    def is_complete(self, graph: WorkflowGraph) -> bool:
        """Every node has ended or can never run: the run is over."""
        return all(node in self.ended or node in self.dead_nodes for node in graph.nodes)


def settle(graph: WorkflowGraph, ended: Mapping[str, str]) -> Settled:
    """The fixed point of deadness: a node is dead when every trigger that could start it is dead."""
    dead_nodes: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in graph.nodes:
            if node in ended or node in dead_nodes:
                continue
            starters = graph.starters.get(node, ())
            if all(trigger_dead(t, ended, dead_nodes) for t in starters):
                dead_nodes.add(node)
                changed = True
    fired = frozenset(t.name for t in graph.triggers if trigger_fires(t, ended))
    dead_triggers = frozenset(t.name for t in graph.triggers if trigger_dead(t, ended, dead_nodes))
    return Settled(ended, fired, dead_triggers, frozenset(dead_nodes))


def listened_states(graph: WorkflowGraph) -> dict[str, frozenset[str]]:
    """For each node, the end states some (not deactivated) trigger of the workflow listens for."""
    listened: dict[str, set[str]] = {}
    for trigger in graph.triggers:
        if trigger.is_start or trigger.is_deactivated:
            continue
        for condition in trigger.conditions:
            listened.setdefault(condition.node_name, set()).add(condition.watched_state)
    return {node: frozenset(states) for node, states in listened.items()}


def unhandled_failures(graph: WorkflowGraph, ended: Mapping[str, str]) -> dict[str, str]:
    """Nodes that ended in a non-SUCCEEDED state no trigger listens for (§10.6), with that state."""
    listened = listened_states(graph)
    return {
        node: state
        for node, state in ended.items()
        if state != SUCCEEDED and state not in listened.get(node, frozenset())
    }


def run_outcome(graph: WorkflowGraph, ended: Mapping[str, str]) -> str:
    """``failed`` exactly when some node ended in an unhandled state, otherwise ``success`` (§10.6)."""
    return "failed" if unhandled_failures(graph, ended) else "success"
