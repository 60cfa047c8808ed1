"""The node/trigger graph of a workflow: who starts each node, who watches it, and where the cycles are.

Edges follow Glue's own graph (docs/semantics.md#the-workflow-and-its-graph): watched job/crawler -> trigger ->
action job/crawler.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.model.trigger import Trigger
from glue_workflow_provider.model.workflow import Definition


@dataclass(frozen=True, slots=True)
class Cycle:
    """Nodes that start each other in a loop, and the triggers that close it."""

    nodes: tuple[str, ...]
    triggers: tuple[str, ...]


@dataclass(frozen=True)
class WorkflowGraph:
    """Indexes over a definition's triggers, computed once."""

    nodes: dict[str, NodeType]
    triggers: tuple[Trigger, ...]
    starters: dict[str, tuple[Trigger, ...]] = field(default_factory=dict)
    watchers: dict[str, tuple[Trigger, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, definition: Definition) -> WorkflowGraph:
        """Build the graph of ``definition``."""
        starters: dict[str, list[Trigger]] = {}
        watchers: dict[str, list[Trigger]] = {}
        for trigger in definition.triggers:
            for action in trigger.actions:
                if action.node_name and trigger not in starters.setdefault(action.node_name, []):
                    starters[action.node_name].append(trigger)
            for condition in trigger.conditions:
                if condition.node_name and trigger not in watchers.setdefault(condition.node_name, []):
                    watchers[condition.node_name].append(trigger)
        return cls(
            nodes=definition.node_types(),
            triggers=definition.triggers,
            starters={name: tuple(ts) for name, ts in starters.items()},
            watchers={name: tuple(ts) for name, ts in watchers.items()},
        )

    @property
    def start_triggers(self) -> tuple[Trigger, ...]:
        """The ON_DEMAND, SCHEDULED and EVENT triggers."""
        return tuple(t for t in self.triggers if t.is_start)

    def successors(self, node: str) -> Iterator[tuple[str, Trigger]]:
        """Each (node, trigger) where ``trigger`` watches ``node`` and starts the other node."""
        for trigger in self.watchers.get(node, ()):
            for action in trigger.actions:
                if action.node_name:
                    yield action.node_name, trigger

    def cycles(self) -> list[Cycle]:
        """Every strongly connected group of nodes that can start itself again (Tarjan's algorithm)."""
        return [self._describe(group) for group in _strongly_connected(self) if self._is_cyclic(group)]

    def _is_cyclic(self, group: list[str]) -> bool:
        if len(group) > 1:
            return True
        node = group[0]
        return any(target == node for target, _ in self.successors(node))

    def _describe(self, group: list[str]) -> Cycle:
        members = set(group)
        closing = sorted(
            {trigger.name for node in group for target, trigger in self.successors(node) if target in members}
        )
        return Cycle(nodes=tuple(sorted(group)), triggers=tuple(closing))


def _strongly_connected(graph: WorkflowGraph) -> list[list[str]]:
    """Tarjan's SCC over the node graph, iterative so deep workflows cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    all_nodes = list(graph.nodes) + [n for n in graph.watchers if n not in graph.nodes]
    for root in all_nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[tuple[str, Trigger]]]] = [(root, graph.successors(root))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for target, _ in successors:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, graph.successors(target)))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
