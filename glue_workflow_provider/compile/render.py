"""The static view of a compiled workflow: text, Mermaid, Graphviz dot, JSON, or a standalone Python DAG file
(``glue-airflow render``; the Python file is ``python_render.py``'s)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan, TaskKind, TaskPlan
from glue_workflow_provider.compile.schedule import (
    ScheduleKind,
    SchedulePlan,
    next_fire_times,
)

FORMATS = ("text", "mermaid", "dot", "json", "python")
NEXT_RUNS = 5

_GLUE_TYPES = {
    TaskKind.JOB: "JOB",
    TaskKind.CRAWLER: "CRAWLER",
    TaskKind.TRIGGER_GATE: "TRIGGER",
    TaskKind.CONDITION_GATE: "CONDITION",
    TaskKind.OUTCOME: None,
}


def render(plan: DagPlan, fmt: str, *, now: datetime | None = None, source: str | None = None) -> str:
    """``plan`` in format ``fmt`` (one of FORMATS); ``source`` names the definition file (the Python file says it)."""
    if fmt == "python":
        from glue_workflow_provider.compile.python_render import render_python

        return render_python(plan, source=source or f"{plan.workflow_name} (definition)")
    now = now or datetime.now(UTC)
    if fmt == "json":
        return json.dumps(plan_view(plan, now), indent=2)
    if fmt == "mermaid":
        return _mermaid(plan)
    if fmt == "dot":
        return _dot(plan)
    return _text(plan, now)


def plan_view(plan: DagPlan, now: datetime) -> dict[str, Any]:
    """The compiled DAG as the ``render --format json`` contract gives it."""
    return {
        "dag_id": plan.dag_id,
        "display_name": plan.display_name,
        "description": plan.description,
        "schedule": _schedule_view(plan.schedule),
        "next_runs": [_iso(t) for t in next_fire_times(plan.schedule, now, NEXT_RUNS)],
        "params": dict(plan.params),
        "max_active_runs": plan.max_active_runs,
        "is_paused_upon_creation": plan.is_paused_upon_creation,
        "tags": list(plan.tags),
        "tasks": [_task_view(task) for task in _ordered(plan)],
    }


def _schedule_view(schedule: SchedulePlan) -> dict[str, Any]:
    """How the DAG starts: its kind, the Glue cron (and a 5-field equivalent), or the event queue and batching."""
    return {
        "kind": schedule.kind.value,
        "expression": schedule.glue_expression,
        "cron": schedule.cron,
        "timezone": schedule.timezone,
        "summary": schedule.summary,
        "description": schedule.description,
        "event": asdict(schedule.event) if schedule.event is not None else None,
    }


def _task_view(task: TaskPlan) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "display_name": task.display_name,
        "glue_type": _GLUE_TYPES[task.kind],
        "glue_name": task.glue_name,
        "trigger_rule": task.trigger_rule,
        "upstream": [edge.task_id for edge in task.upstream],
        "edge_labels": {edge.task_id: edge.label for edge in task.upstream if edge.label},
        "group": task.group,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ordered(plan: DagPlan) -> list[TaskPlan]:
    """Tasks in dependency order (upstream first), ties by task id: the order people read a DAG in."""
    done: set[str] = set()
    ordered: list[TaskPlan] = []
    pending = list(plan.tasks)
    while pending:
        ready = [t for t in pending if all(e.task_id in done for e in t.upstream)] or pending[:1]
        for task in sorted(ready, key=lambda t: t.task_id):
            ordered.append(task)
            done.add(task.task_id)
        pending = [t for t in pending if t.task_id not in done]
    return ordered


def _text(plan: DagPlan, now: datetime) -> str:
    view = plan_view(plan, now)
    lines = [f"DAG {plan.dag_id}  ({plan.display_name})", f"  schedule: {plan.schedule.summary}"]
    if plan.schedule.kind in (ScheduleKind.CRON, ScheduleKind.GLUE_CRON):
        lines.append(f"  which is: {plan.schedule.description}")
    if view["next_runs"]:
        lines.append(f"  next runs: {', '.join(view['next_runs'])}")
    if plan.params:
        lines.append("  params: " + ", ".join(f"{k}={v}" for k, v in plan.params.items()))
    if plan.max_active_runs:
        lines.append(f"  max active runs: {plan.max_active_runs}")
    if plan.is_paused_upon_creation:
        lines.append("  paused on creation (start trigger not activated)")
    lines.append("  tasks:")
    width = max(len(t.task_id) for t in plan.tasks)
    for task in _ordered(plan):
        kind = _GLUE_TYPES[task.kind] or "OUTCOME"
        upstream = ", ".join(f"{e.task_id}" + (f" [{e.label}]" if e.label else "") for e in task.upstream) or "-"
        lines.append(f"    {task.task_id:<{width}}  {kind:<9}  {task.trigger_rule:<12}  <- {upstream}")
    return "\n".join(lines)


def _mermaid(plan: DagPlan) -> str:
    lines = ["flowchart LR"]
    for task in _ordered(plan):
        lines.append(f"    {_node_id(task.task_id)}{_mermaid_shape(task)}")
    for task in plan.tasks:
        for edge in task.upstream:
            label = f"|{_escape(edge.label)}|" if edge.label else ""
            lines.append(f"    {_node_id(edge.task_id)} -->{label} {_node_id(task.task_id)}")
    return "\n".join(lines)


def _mermaid_shape(task: TaskPlan) -> str:
    text = _escape(task.display_name)
    if task.kind is TaskKind.CRAWLER:
        return f'[("{text}")]'
    if task.kind in (TaskKind.TRIGGER_GATE, TaskKind.CONDITION_GATE):
        return f'{{"{text}"}}'
    if task.kind is TaskKind.OUTCOME:
        return f'(("{text}"))'
    return f'["{text}"]'


def _dot(plan: DagPlan) -> str:
    shapes = {TaskKind.JOB: "box", TaskKind.CRAWLER: "cylinder", TaskKind.OUTCOME: "doublecircle"}
    lines = [f'digraph "{_escape(plan.dag_id)}" {{', "  rankdir=LR;"]
    for task in _ordered(plan):
        shape = shapes.get(task.kind, "diamond")
        lines.append(f'  "{task.task_id}" [label="{_escape(task.display_name)}", shape={shape}];')
    for task in plan.tasks:
        for edge in task.upstream:
            label = f' [label="{_escape(edge.label)}"]' if edge.label else ""
            lines.append(f'  "{edge.task_id}" -> "{task.task_id}"{label};')
    lines.append("}")
    return "\n".join(lines)


def _node_id(task_id: str) -> str:
    return "n_" + "".join(ch if ch.isalnum() else "_" for ch in task_id)


def _escape(text: str) -> str:
    return text.replace('"', "'")
