"""plan_workflow(): a validated definition -> DagPlan, choosing the smallest exact mechanism for each trigger.

The rule (docs/semantics.md#how-triggers-compile): trigger rules give the timing, pruning gives the exactness.

- A node with one AND trigger (or one condition) waits on the watched nodes with ``all_success`` (all
  SUCCEEDED), ``all_failed`` (no SUCCEEDED) or ``all_done`` (mixed): the predicate can only hold once every
  watched node has ended, which is exactly when these rules fire.
- Otherwise (ANY over several conditions, or several triggers) the node fires on the first of its signals
  with ``one_success``. A SUCCEEDED condition's signal is the watched node itself; any other condition gets a
  condition gate, and an AND trigger with several conditions gets a trigger gate. Gates are EmptyOperators,
  which the scheduler resolves without a worker.
- When a node ends, its operator records the exact Glue state and skips every node and gate whose
  predicate can no longer hold (``DagPlan.tasks_to_skip``), so nothing fires on the wrong failure state and
  a node that never runs is skipped, never upstream_failed.
- One outcome task (``none_failed``) downstream of every node is the DAG's only leaf: the run fails exactly
  on an unhandled failure (docs/semantics.md#unhandled-failures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from glue_workflow_provider.compile.naming import (
    OUTCOME_TASK_ID,
    airflow_id,
    condition_gate_id,
    node_group_id,
    trigger_gate_id,
)
from glue_workflow_provider.compile.plan import (
    DagPlan,
    StartPlan,
    TaskKind,
    TaskPlan,
    Upstream,
)
from glue_workflow_provider.compile.plan_docs import dag_doc, node_doc, predicate_text
from glue_workflow_provider.compile.schedule import plan_schedule
from glue_workflow_provider.model.diagnostics import Diagnostic, error, warning
from glue_workflow_provider.model.schedule import GlueCronError
from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.model.trigger import Trigger
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.predicates import is_conjunction
from glue_workflow_provider.semantics.progress import runnable_nodes
from glue_workflow_provider.semantics.trigger_table import TriggerRow, TriggerTable

DEFAULT_TAGS = ("glue-workflow",)
#: Node tasks retry once by default: a retry reattaches to the same Glue run (never a second run), and a Glue
#: end state is never retried, so retries only cover lost workers, API outages and Airflow races.
DEFAULT_TASK_ARGS = {"retries": 1, "retry_delay": 15}

Pair = tuple[str, str]  # (node name, watched state)


@dataclass(frozen=True)
class PlanResult:
    """A plan (with warnings the trigger semantics give, such as GWF034), or the problems that stop it."""

    plan: DagPlan | None
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass
class _Builder:
    definition: Definition
    table: TriggerTable
    gates: dict[str, TaskPlan] = field(default_factory=dict)

    def node_task(self, node: str, node_type: str, start: TriggerRow | None) -> TaskPlan:
        triggers = self._active_starters(node, start)
        rule, upstream = self._wiring(triggers, is_root=start is not None and node in start.starts)
        starters = self.table.starters(node)
        models = {t.name: t for t in self.definition.triggers}
        return TaskPlan(
            task_id=airflow_id(node),
            display_name=node,
            kind=TaskKind.JOB if node_type == "JOB" else TaskKind.CRAWLER,
            trigger_rule=rule,
            upstream=upstream,
            glue_name=node,
            starts=tuple(_start_plan(models[row.name], node) for row in starters if not row.deactivated),
            doc=node_doc(node, node_type, starters),
        )

    def _active_starters(self, node: str, start: TriggerRow | None) -> list[TriggerRow]:
        if start is not None and node in start.starts:
            return []
        return [row for row in self.table.starters(node) if not row.is_start and not row.deactivated]

    def _wiring(self, triggers: list[TriggerRow], *, is_root: bool) -> tuple[str, tuple[Upstream, ...]]:
        if is_root or not triggers:
            return "all_success", ()
        if len(triggers) == 1 and is_conjunction(triggers[0]):
            pairs = triggers[0].watched
            return _and_rule(pairs), _edges((airflow_id(n), triggers[0].name) for n, _ in pairs)
        signals: list[tuple[str, str]] = []
        for row in triggers:
            if is_conjunction(row) and len(row.watched) > 1:
                signals.append((self._trigger_gate(row), row.name))
            else:
                signals.extend((self._signal(pair), row.name) for pair in row.watched)
        return "one_success", _edges(signals)

    def _signal(self, pair: Pair) -> str:
        node, state = pair
        if state == SUCCEEDED:
            return airflow_id(node)
        task_id = condition_gate_id(node, state)
        self.gates.setdefault(
            task_id,
            TaskPlan(
                task_id=task_id,
                display_name=f"{node} {state}",
                kind=TaskKind.CONDITION_GATE,
                trigger_rule="all_failed",
                upstream=(Upstream(airflow_id(node), f"ended {state}"),),
                glue_name=node,
                glue_state=state,
                doc=f"Holds when Glue node '{node}' ended in state {state} (a condition of a trigger).",
                group=node_group_id(node),
            ),
        )
        return task_id

    def _trigger_gate(self, row: TriggerRow) -> str:
        task_id = trigger_gate_id(row.name)
        self.gates[task_id] = TaskPlan(
            task_id=task_id,
            display_name=row.name,
            kind=TaskKind.TRIGGER_GATE,
            trigger_rule=_and_rule(row.watched),
            upstream=_edges((airflow_id(n), row.name) for n, _ in row.watched),
            glue_name=row.name,
            doc=f"Glue trigger '{row.name}': {predicate_text(row)}.",
            group=node_group_id(row.starts[0]),
        )
        return task_id


def plan_workflow(definition: Definition, source: tuple[str, str] | None = None) -> PlanResult:
    """Compile a validated definition into a DagPlan, or say why it cannot be compiled exactly.

    ``source`` is the definition's (file, text) as read (``LoadResult.source``): the DAG's docs show it.
    """
    table = TriggerTable.of(definition)
    start_row = table.start_triggers[0] if table.start_triggers else None
    start = next((t for t in definition.triggers if start_row is not None and t.name == start_row.name), None)
    try:
        schedule = plan_schedule(start, definition.airflow)
    except GlueCronError as exc:  # validation reports it too; kept so the planner never raises on it
        return PlanResult(None, (error("GWF019", "Triggers", str(exc)),))
    builder = _Builder(definition, table)
    nodes = [builder.node_task(node, node_type, start_row) for node, node_type in table.nodes.items()]
    nodes = _boxed(nodes, builder.gates.values())  # after every node is wired: wiring makes the gates
    outcome = _outcome_task(nodes)
    tasks = tuple(sorted([*nodes, *builder.gates.values(), outcome], key=lambda t: t.task_id))
    problems = _collisions(tasks)
    if problems:
        return PlanResult(None, tuple(problems))
    settings = definition.airflow
    plan = DagPlan(
        dag_id=settings.dag_id or airflow_id(definition.name),
        display_name=definition.name,
        workflow_name=definition.name,
        description=definition.workflow.description,
        schedule=schedule,
        params=dict(definition.workflow.default_run_properties or {}),
        max_active_runs=definition.workflow.max_concurrent_runs,
        is_paused_upon_creation=start is not None and not start.is_activated,
        tags=tuple(dict.fromkeys(DEFAULT_TAGS + tuple(settings.tags))),
        owner=settings.owner,
        aws_conn_id=settings.aws_conn_id,
        region_name=settings.region_name,
        run_properties_uri=settings.run_properties_uri,
        deferrable=settings.deferrable,
        poll_interval=settings.poll_interval,
        stream_logs=settings.stream_logs,
        state_change_queue_url=settings.state_change_queue_url,
        state_change_poll_interval=settings.state_change_poll_interval,
        task_args={**DEFAULT_TASK_ARGS, **settings.default_args.model_dump(exclude_none=True)},
        tasks=tasks,
        triggers=table,
        doc_md=dag_doc(definition, table, start_row, source),
    )
    return PlanResult(plan, tuple(never_run_warnings(table)))


def never_run_warnings(table: TriggerTable) -> list[Diagnostic]:
    """GWF034: nodes that no combination of outcomes starts (e.g. AND over two states of one job)."""
    runnable = runnable_nodes(table)
    positions = {row.name: i for i, row in enumerate(table.triggers)}
    problems = []
    for node in table.nodes:
        if node not in runnable:
            starters = [row.name for row in table.starters(node)]
            problems.append(
                warning(
                    "GWF034",
                    f"Triggers[{positions[starters[0]]}].Actions" if starters else "Triggers",
                    f"'{node}' can never run: no outcome of the other nodes fires trigger(s) "
                    f"{', '.join(starters)}; check their conditions (a DEACTIVATED trigger, or one job watched "
                    "for two different states in one AND)",
                )
            )
    return problems


def _boxed(nodes: list[TaskPlan], gates: Iterable[TaskPlan]) -> list[TaskPlan]:
    """Nodes that have gates drawn with them get their group: the Graph then shows one box per Glue node
    (a condition gate goes with the node it watches, a trigger gate with the first node its trigger starts)."""
    used = {gate.group for gate in gates}
    boxed = []
    for node in nodes:
        group = node_group_id(node.glue_name or node.task_id)
        boxed.append(replace(node, group=group) if group in used else node)
    return boxed


def _and_rule(pairs: tuple[Pair, ...]) -> str:
    states = {state == SUCCEEDED for _, state in pairs}
    if states == {True}:
        return "all_success"
    if states == {False}:
        return "all_failed"
    return "all_done"


def _edges(sources: Iterable[tuple[str, str]]) -> tuple[Upstream, ...]:
    """One edge per upstream task id, labelled with every trigger it stands for."""
    labels: dict[str, list[str]] = defaultdict(list)
    for task_id, trigger in sources:
        if trigger not in labels[task_id]:
            labels[task_id].append(trigger)
    return tuple(Upstream(task_id, ", ".join(names)) for task_id, names in labels.items())


def _outcome_task(nodes: list[TaskPlan]) -> TaskPlan:
    return TaskPlan(
        task_id=OUTCOME_TASK_ID,
        display_name="Workflow run outcome",
        kind=TaskKind.OUTCOME,
        trigger_rule="none_failed",
        upstream=tuple(Upstream(node.task_id) for node in nodes),
        doc=(
            "Decides the DAG run's state: success when every job and crawler succeeded (or never ran); skipped "
            "when some failed but every failure is handled by a trigger; upstream_failed when a failure is "
            "unhandled, which fails the run."
        ),
    )


def _collisions(tasks: tuple[TaskPlan, ...]) -> list[Diagnostic]:
    owners: dict[str, set[str]] = defaultdict(set)
    for task in tasks:
        owners[task.task_id].add(_origin(task))
        if task.group and task.is_node:
            owners[task.group].add(f"the box of {_origin(task)}")
    problems = []
    for task_id, origins in sorted(owners.items()):
        if len(origins) > 1:
            names = " and ".join(sorted(origins))
            problems.append(
                error(
                    "GWF018",
                    "Triggers",
                    f"{names} all become the Airflow id '{task_id}'; rename one so the ids differ "
                    "(ids keep letters, digits, '-' and '_')",
                )
            )
    return problems


def _origin(task: TaskPlan) -> str:
    if task.kind is TaskKind.TRIGGER_GATE:
        return f"trigger '{task.glue_name}'"
    if task.kind is TaskKind.CONDITION_GATE:
        return f"condition '{task.glue_name} = {task.glue_state}'"
    if task.kind is TaskKind.OUTCOME:
        return "the outcome task"
    return f"{task.kind.lower()} '{task.glue_name}'"


def _start_plan(trigger: Trigger, node: str) -> StartPlan:
    action = next(a for a in trigger.actions if a.node_name == node)
    notify = action.notification_property.notify_delay_after if action.notification_property else None
    return StartPlan(
        trigger=trigger.name,
        arguments=dict(action.arguments) if action.arguments else None,
        timeout=action.timeout,
        security_configuration=action.security_configuration,
        notify_delay_after=notify,
    )
