"""A run's report (``run --json`` shape, semantics/report.py) from the records of its tasks: what ``status``, the
demo's report and the local runner print, whichever access path read the records.

Each reader says only what it alone knows: a node's Glue name, the arguments its run was started with and when
it began (``status`` from the task instance, the demo and the runner from the local endpoint), and the run
properties at the start. The rest is read from the records here, once: a node's Glue state and the properties
it saw are its current try's; the order follows when the nodes that ended began; the final properties are those
left by the last of the reported nodes to end (the start properties if none did; a DAG may hold other workflows'
groups) with every current put replayed over them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from glue_workflow_provider.runtime.node_record.record import NodeRecord
from glue_workflow_provider.semantics.report import NodeReport, RunReport
from glue_workflow_provider.semantics.run_properties import final_properties


@dataclass(frozen=True)
class ReportedNode:
    """One node as its reader knows it: its Glue name and type, and its task's record."""

    name: str
    type: str
    record: NodeRecord


#: What a reader knows of an ended node's Glue run: (arguments it was started with, when it began), either None.
RunFacts = Callable[[ReportedNode], tuple[Mapping[str, str] | None, Any]]


def run_report(
    dag_id: str,
    state: str,
    nodes: Iterable[ReportedNode],
    facts: RunFacts,
    start: Mapping[str, str],
    records: Iterable[NodeRecord],
) -> RunReport:
    """The report of a run in Airflow state ``state`` from its nodes (in the order the report lists them; the
    properties left by the last of them to end) and the records of all its tasks (any task may put)."""
    reports: dict[str, NodeReport] = {}
    began: dict[str, Any] = {}
    nodes = list(nodes)
    for node in nodes:
        arguments, when = facts(node) if node.record.ended else (None, None)
        if when is not None:
            began[node.name] = when
        reports[node.name] = NodeReport(
            type=node.type,
            glue_state=node.record.glue_state,
            airflow_state=node.record.airflow_state or "none",
            order=None,
            arguments=dict(arguments) if arguments is not None else None,
            run_properties=node.record.seen if node.record.ended else None,
        )
    order = {name: i + 1 for i, name in enumerate(sorted(began, key=lambda n: (began[n], n)))}
    reports = {name: replace(report, order=order.get(name)) for name, report in reports.items()}
    ended = [(r.end, r.task_id, r.after) for r in (node.record for node in nodes) if r.ended and r.end and r.after is not None]
    snapshot = max(ended)[2] if ended else start
    puts = [r.put for r in records if r.put is not None]
    return RunReport(dag_id, state, reports, final_properties(snapshot or {}, puts))
