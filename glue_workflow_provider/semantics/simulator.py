"""The reference simulator: (workflow, each node's end state) -> which nodes run, in what order, and the outcome.

Nodes take one time step each. At every step the nodes that ended are recorded, every conditional trigger
whose predicate now holds fires once (docs/semantics.md#trigger-fires-once), and each node it starts begins,
unless it already ran (docs/semantics.md#node-runs-once).
The order is by start step, then by name (Glue starts nodes of one step concurrently).
"""

from __future__ import annotations

from collections.abc import Mapping

from glue_workflow_provider.model.states import SUCCEEDED, airflow_state_for
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.arguments import job_run_arguments
from glue_workflow_provider.semantics.predicates import trigger_fires
from glue_workflow_provider.semantics.progress import run_outcome
from glue_workflow_provider.semantics.report import NodeReport, RunReport
from glue_workflow_provider.semantics.run_properties import PropertyLedger
from glue_workflow_provider.semantics.trigger_table import TriggerRow, TriggerTable

RUN_ID_PLACEHOLDER = "<run_id>"


def simulate(
    definition: Definition,
    outcomes: Mapping[str, str] | None = None,
    *,
    dag_id: str = "",
    conf: Mapping[str, str] | None = None,
    puts: Mapping[str, Mapping[str, str]] | None = None,
) -> RunReport:
    """What Glue would do for these end states (nodes not named end SUCCEEDED)."""
    table = TriggerTable.of(definition)
    outcomes = outcomes or {}
    started: dict[str, tuple[int, TriggerRow]] = {}
    ended: dict[str, str] = {}
    ledger = PropertyLedger.start(definition.workflow.default_run_properties, conf)
    seen: dict[str, dict[str, str]] = {}
    fired: set[str] = set()
    step = 0
    running = _fire(table, ended, fired, started, step)
    while running:
        for node in running:
            seen[node] = ledger.visible()
        step += 1
        for node in sorted(running):
            ended[node] = outcomes.get(node, SUCCEEDED)
            ledger.put(node, (puts or {}).get(node, {}))
        running = _fire(table, ended, fired, started, step)
    return _report(definition, table, dag_id, started, ended, seen, ledger)


def _fire(
    table: TriggerTable,
    ended: Mapping[str, str],
    fired: set[str],
    started: dict[str, tuple[int, TriggerRow]],
    step: int,
) -> list[str]:
    """Fire every trigger that now holds (once each) and start the nodes it names that never started."""
    newly: list[str] = []
    for row in table.triggers:
        if row.name in fired or not trigger_fires(row, ended):
            continue
        if row.is_start and (step > 0 or row is not table.start_triggers[0]):
            continue
        fired.add(row.name)
        for node in row.starts:
            if node not in started:
                started[node] = (step, row)
                newly.append(node)
    return newly


def _report(
    definition: Definition,
    table: TriggerTable,
    dag_id: str,
    started: Mapping[str, tuple[int, TriggerRow]],
    ended: Mapping[str, str],
    seen: Mapping[str, Mapping[str, str]],
    ledger: PropertyLedger,
) -> RunReport:
    order = {node: i + 1 for i, node in enumerate(sorted(started, key=lambda n: (started[n][0], n)))}
    triggers = {trigger.name: trigger for trigger in definition.triggers}
    nodes: dict[str, NodeReport] = {}
    for node, node_type in table.nodes.items():
        trigger = started[node][1] if node in started else None
        arguments = None
        if trigger is not None and node_type == "JOB":
            arguments = job_run_arguments(definition, triggers[trigger.name], node, RUN_ID_PLACEHOLDER)
        nodes[node] = NodeReport(
            type=node_type,
            glue_state=ended.get(node),
            airflow_state=airflow_state_for(ended.get(node)),
            order=order.get(node),
            arguments=arguments,
            run_properties=seen.get(node),
            started_by=trigger.name if trigger is not None else None,
        )
    return RunReport(dag_id, run_outcome(table, ended), nodes, ledger.visible())
