"""The workflow graph as inline SVG: trigger pills, node boxes coloured by Glue state, watched states on edges.

Pure string building; every name is escaped. Each shape carries ``data-trigger`` / ``data-node`` and
``data-state`` attributes, which the page's own tests (and users' scripts) can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from glue_workflow_provider.model.states import STATISTICS
from glue_workflow_provider.runtime.workflow_view.layout import BOX_H, BOX_W, Edge, Layout, Vertex
from glue_workflow_provider.semantics.trigger_table import TriggerRow, TriggerTable

#: CSS class of each of Glue's run statistics (the page's stylesheet colours them).
STATISTIC_CLASSES = {"succeeded": "ok", "failed": "bad", "timed out": "bad", "errored": "bad", "stopped": "warn"}
#: CSS class of each shown state: an end state's statistic's, and RUNNING's.
STATE_CLASSES = {state: STATISTIC_CLASSES[label] for label, states in STATISTICS for state in states} | {"RUNNING": "run"}
LABEL_CHARS = 26


def state_class(state: str | None) -> str:
    """The CSS class for a shown state (``idle`` for no run or never ran)."""
    return STATE_CLASSES.get(state or "", "idle")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _trigger_caption(row: TriggerRow) -> str:
    """Second line of a trigger: its type for a start trigger, its predicate logic otherwise."""
    if row.is_start:
        caption = row.type
    else:
        caption = "ALL (AND)" if row.logical == "AND" else "ANY"
    return caption + (" \u00b7 DEACTIVATED" if row.deactivated else "")


def _edge(edge: Edge) -> str:
    x1, y1 = edge.source.x + BOX_W // 2, edge.source.y + BOX_H
    x2, y2 = edge.target.x + BOX_W // 2, edge.target.y
    bend = max(30, (y2 - y1) // 2)
    path = f'<path class="edge" d="M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2 - 6}" marker-end="url(#arrow)"/>'
    if not edge.label:
        return path
    lx, ly = (x1 + x2) // 2, min(y1 + 30, (y1 + y2) // 2 + 4)  # the curve's middle, or just below a long edge's start
    return path + f'<text class="edge-label" x="{lx}" y="{ly}" text-anchor="middle">{escape(edge.label)}</text>'


def _trigger(vertex: Vertex, row: TriggerRow, fired: bool | None) -> str:
    status = "" if fired is None else (" fired" if fired else " unfired")
    cx = vertex.x + BOX_W // 2
    return (
        f'<g class="trigger{status}" data-trigger="{escape(row.name)}"><title>{escape(row.name)}</title>'
        f'<rect x="{vertex.x}" y="{vertex.y + 4}" width="{BOX_W}" height="{BOX_H - 8}" rx="{(BOX_H - 8) // 2}"/>'
        f'<text class="name" x="{cx}" y="{vertex.y + 24}" text-anchor="middle">{escape(_short(row.name))}</text>'
        f'<text class="caption" x="{cx}" y="{vertex.y + 40}" text-anchor="middle">{escape(_trigger_caption(row))}</text></g>'
    )


def _node(vertex: Vertex, node_type: str, state: str | None) -> str:
    shown = f"{node_type} \u00b7 {state}" if state else node_type
    state_attribute = f' data-state="{escape(state)}"' if state else ""
    return (
        f'<g class="node {state_class(state)}" data-node="{escape(vertex.name)}"{state_attribute}>'
        f"<title>{escape(vertex.name)}</title>"
        f'<rect x="{vertex.x}" y="{vertex.y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
        f'<text class="name" x="{vertex.x + 10}" y="{vertex.y + 22}">{escape(_short(vertex.name))}</text>'
        f'<text class="caption" x="{vertex.x + 10}" y="{vertex.y + 41}">{escape(shown)}</text></g>'
    )


def graph_svg(
    table: TriggerTable, placed: Layout, states: Mapping[str, str] | None = None, fired: frozenset[str] | None = None
) -> str:
    """The whole graph; with ``states`` (shown state by node) and ``fired`` (trigger names) for a run."""
    rows = {row.name: row for row in table.triggers}
    parts = [
        f'<svg class="workflow-graph" xmlns="http://www.w3.org/2000/svg" width="{placed.width}" height="{placed.height}" '
        f'viewBox="0 0 {placed.width} {placed.height}" role="img" aria-label="Glue workflow graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    parts.extend(_edge(edge) for edge in placed.edges)
    for vertex in placed.vertices:
        if vertex.kind == "trigger":
            parts.append(_trigger(vertex, rows[vertex.name], None if fired is None else vertex.name in fired))
        else:
            parts.append(_node(vertex, table.nodes[vertex.name], (states or {}).get(vertex.name)))
    parts.append("</svg>")
    return "".join(parts)
