"""The view's HTML pages: a workflow (static graph) and, for a chosen DAG run, each node's Glue run.

Pure: plan + run view -> HTML, server-rendered with inline SVG and no JavaScript. Links are built from the
paths the app passes in, so the page works under any prefix Airflow is served at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from urllib.parse import quote

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.runtime.workflow_view.layout import layout
from glue_workflow_provider.runtime.workflow_view.run_view import NodeRun, RunView
from glue_workflow_provider.runtime.workflow_view.svg import graph_svg, state_class


@dataclass(frozen=True)
class Links:
    """Where the page links to: this view's root and the Airflow UI's root (both end without a slash)."""

    view: str
    airflow: str

    def dag(self, dag_id: str) -> str:
        return f"{self.view}/dags/{quote(dag_id, safe='')}"

    def run(self, dag_id: str, run_id: str) -> str:
        return f"{self.dag(dag_id)}/runs/{quote(run_id, safe='')}"

    def airflow_run(self, dag_id: str, run_id: str) -> str:
        return f"{self.airflow}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def _stylesheet() -> str:
    return files("glue_workflow_provider.runtime.workflow_view").joinpath("workflow_view.css").read_text(encoding="utf-8")


def document(title: str, body: str) -> str:
    """A whole HTML page."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_stylesheet()}</style></head><body>{body}</body></html>"
    )


def message_page(title: str, text: str) -> str:
    """A page that only says something (not a Glue workflow DAG, not signed in, ...)."""
    return document(title, f'<h1>{escape(title)}</h1><p class="message">{escape(text)}</p>')


def index_page(dags: Sequence[Mapping[str, str]], links: Links) -> str:
    """Every Glue workflow DAG, each linking to its view."""
    items = "".join(
        f'<li><a href="{escape(links.dag(d["dag_id"]))}">{escape(d.get("dag_display_name") or d["dag_id"])}</a>'
        f' <span class="muted">{escape(d["dag_id"])}</span></li>'
        for d in dags
    )
    return document("Glue workflows", f"<h1>Glue workflows</h1><ul class=\"dags\">{items or '<li>none</li>'}</ul>")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _properties(values: Mapping[str, str] | None) -> str:
    if not values:
        return ""
    return "<br>".join(f"<code>{escape(k)}={escape(v)}</code>" for k, v in sorted(values.items()))


def _node_row(node: NodeRun, finished: bool) -> str:
    shown = node.shown_state(finished)
    cells = [
        f'<td class="name">{escape(node.name)}</td>',
        f"<td>{escape(node.type)}</td>",
        f'<td><span class="state {state_class(shown)}">{escape(shown)}</span></td>',
        f"<td>{escape(node.start or '')}</td>",
        f"<td>{escape(node.end or '')}</td>",
        f"<td>{_duration(node.duration)}</td>",
        f"<td>{escape(node.started_by or '')}</td>",
        f'<td class="note">{escape(node.note or "")}</td>',
        f"<td>{_properties(node.run_properties)}</td>",
    ]
    return f'<tr data-node="{escape(node.name)}" data-state="{escape(shown)}">{"".join(cells)}</tr>'


NODE_COLUMNS = ("Node", "Type", "Glue state", "Started", "Ended", "Duration", "Started by", "Error / note", "Run properties")


def _runs_table(view: RunView) -> str:
    head = "".join(f"<th>{h}</th>" for h in NODE_COLUMNS)
    rows = "".join(_node_row(node, view.finished) for node in view.nodes)
    return f'<table class="nodes"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _triggers_table(plan: DagPlan, view: RunView | None) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("Trigger", "Type", "Logic", "Watches", "Starts") + (("Fired",) if view else ()))
    rows = []
    for row in plan.triggers.triggers:
        watches = ", ".join(f"{node} {state}" for node, state in row.watched) or "-"
        logic = "-" if row.is_start else row.logical
        fired = f"<td>{'yes' if row.name in view.settled.fired else 'no'}</td>" if view else ""
        rows.append(
            f'<tr data-trigger="{escape(row.name)}"><td class="name">{escape(row.name)}</td><td>{escape(row.type)}</td>'
            f"<td>{escape(logic)}</td><td>{escape(watches)}</td><td>{escape(', '.join(row.starts))}</td>{fired}</tr>"
        )
    return f'<table class="triggers"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _run_picker(plan: DagPlan, runs: Sequence[Mapping[str, str]], chosen: str | None, links: Links) -> str:
    if not runs:
        return '<p class="muted">No DAG run yet.</p>'
    options = "".join(
        f'<li class="{"chosen" if r["dag_run_id"] == chosen else ""}">'
        f'<a href="{escape(links.run(plan.dag_id, r["dag_run_id"]))}">{escape(r["dag_run_id"])}</a> '
        f'<span class="airflow-state">{escape(str(r.get("state")))}</span></li>'
        for r in runs
    )
    return f'<nav class="runs"><h2>Runs</h2><ul>{options}</ul></nav>'


def _outcome(view: RunView, links: Links) -> str:
    return (
        f'<section class="outcome {state_class(view.outcome)}" data-outcome="{escape(view.outcome)}">'
        f"<h2>Run <code>{escape(view.run_id)}</code>: {escape(view.outcome)}</h2>"
        f"<p>{escape(view.reason)}. Airflow state: <b>{escape(view.airflow_state)}</b>; "
        f"started {escape(view.start or '-')}, ended {escape(view.end or '-')}. "
        f'<a href="{escape(links.airflow_run(view.dag_id, view.run_id))}" target="_top">Open the run in Airflow</a></p>'
        f'{f"<p class=note>{escape(view.note)}</p>" if view.note else ""}</section>'
    )


def workflow_page(plan: DagPlan, runs: Sequence[Mapping[str, str]], view: RunView | None, links: Links) -> str:
    """The workflow's graph (with the run's states when ``view`` is given), the run list and the tables."""
    states = view.states() if view else None
    graph = graph_svg(plan.triggers, layout(plan.triggers), states, view.settled.fired if view else None)
    title = f"Glue workflow {plan.workflow_name}"
    body = [
        f'<h1>{escape(title)}</h1><p class="muted">DAG <code>{escape(plan.dag_id)}</code>'
        f"{' &middot; ' + escape(plan.description) if plan.description else ''}</p>",
        _run_picker(plan, runs, view.run_id if view else None, links),
        _outcome(view, links) if view else "",
        f'<section class="graph">{graph}</section>',
        f"<h2>Nodes</h2>{_runs_table(view)}" if view else "",
        f"<h2>Triggers</h2>{_triggers_table(plan, view)}",
    ]
    return document(title, "".join(body))
