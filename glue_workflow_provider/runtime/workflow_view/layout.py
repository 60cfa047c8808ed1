"""Where each trigger and node of a workflow graph goes: Glue's own graph (trigger -> node -> trigger), top
to bottom, in layers by longest path from the start triggers, with no gate tasks (they are Airflow's, not
Glue's). Top to bottom keeps a long chain readable at the page's width and leaves room for edge labels.
Pure: positions from the trigger table alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from glue_workflow_provider.semantics.trigger_table import TriggerTable

COLUMN, ROW = 230, 104
BOX_W, BOX_H = 200, 54
MARGIN = 24


@dataclass(frozen=True)
class Vertex:
    """A trigger (``kind`` "trigger") or a node (``kind`` "node") at its box's top-left corner."""

    kind: str
    name: str
    x: int
    y: int


@dataclass(frozen=True)
class Edge:
    """An arrow: trigger -> node it starts, or node -> trigger watching it (``label``: the watched states)."""

    source: Vertex
    target: Vertex
    label: str | None = None


@dataclass(frozen=True)
class Layout:
    """The placed graph and the drawing's size."""

    vertices: tuple[Vertex, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int


def _key(kind: str, name: str) -> tuple[str, str]:
    return (kind, name)


Key = tuple[str, str]
Outgoing = dict[Key, list[tuple[Key, str | None]]]


def _graph(table: TriggerTable) -> tuple[list[Key], Outgoing]:
    """Vertices in table order, and each vertex's outgoing edges (target, label)."""
    vertices = [_key("trigger", row.name) for row in table.triggers] + [_key("node", name) for name in table.nodes]
    out: Outgoing = {v: [] for v in vertices}
    for row in table.triggers:
        for node in row.starts:
            out[_key("trigger", row.name)].append((_key("node", node), None))
        watched: dict[str, list[str]] = {}
        for node, state in row.watched:
            watched.setdefault(node, []).append(state)
        for node, states in watched.items():
            out.setdefault(_key("node", node), []).append((_key("trigger", row.name), " | ".join(states)))
    return vertices, out


def _columns(vertices: list[Key], out: Outgoing) -> dict[Key, int]:
    """Longest path from a source; bounded by the vertex count, so a cycle (refused by validation) cannot hang."""
    column = dict.fromkeys(vertices, 0)
    for _ in range(len(vertices)):
        changed = False
        for source in vertices:
            for target, _label in out.get(source, []):
                if column.get(target, 0) < column[source] + 1 <= len(vertices):
                    column[target] = column[source] + 1
                    changed = True
        if not changed:
            break
    return column


def layout(table: TriggerTable) -> Layout:
    """Place every trigger and node; within a layer, order by the mean position of what points at each one."""
    vertices, out = _graph(table)
    column = _columns(vertices, out)
    into: dict[tuple[str, str], list[tuple[str, str]]] = {v: [] for v in vertices}
    for source, targets in out.items():
        for target, _label in targets:
            into.setdefault(target, []).append(source)
    rows: dict[tuple[str, str], float] = {}
    columns: dict[int, list[tuple[str, str]]] = {}
    for vertex in vertices:
        columns.setdefault(column[vertex], []).append(vertex)
    for index in sorted(columns):
        members = columns[index]
        first = {vertex: position for position, vertex in enumerate(members)}
        members.sort(key=lambda v: (sum(rows.get(s, 0) for s in into[v]) / len(into[v]) if into[v] else first[v], first[v]))
        rows.update({vertex: float(position) for position, vertex in enumerate(members)})
    widest = max((len(m) for m in columns.values()), default=1)
    placed: dict[tuple[str, str], Vertex] = {}
    for index, members in columns.items():
        offset = (widest - len(members)) * COLUMN // 2
        for position, (kind, name) in enumerate(members):
            placed[(kind, name)] = Vertex(kind, name, MARGIN + offset + position * COLUMN, MARGIN + index * ROW)
    edges = tuple(
        Edge(placed[source], placed[target], label)
        for source in vertices
        for target, label in out.get(source, [])
        if target in placed
    )
    width = MARGIN * 2 + (widest - 1) * COLUMN + BOX_W
    height = MARGIN * 2 + max(columns, default=0) * ROW + BOX_H
    return Layout(tuple(placed[v] for v in vertices), edges, width, height)
