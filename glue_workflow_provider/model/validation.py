"""Whole-workflow validation: every problem at once, each with the field path and what to do
(docs/semantics.md#triggers, docs/semantics.md#refused-definitions).

Field facts (types, enum values, lengths) are checked when the model is built; this module checks the facts
that span fields, triggers and nodes. Paths use the document's own keys (``Triggers[2].Predicate...``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from glue_workflow_provider.model.diagnostics import Diagnostic, error, warning
from glue_workflow_provider.model.graph import WorkflowGraph
from glue_workflow_provider.model.run_properties import key_problem
from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.model.trigger import (
    Trigger,
    TriggerType,
)
from glue_workflow_provider.model.trigger_checks import (
    MAX_ENTITIES,
    check_trigger,
    trigger_path,
)
from glue_workflow_provider.model.workflow import Crawler, Definition, Job


def validate(definition: Definition) -> list[Diagnostic]:
    """Every problem of ``definition`` that spans fields or triggers, errors and warnings alike."""
    graph = WorkflowGraph.of(definition)
    problems: list[Diagnostic] = []
    problems += _check_run_properties(definition)
    for index, trigger in enumerate(definition.triggers):
        problems += check_trigger(definition, graph, index, trigger)
    problems += _check_trigger_names(definition)
    problems += _check_start_triggers(definition, graph)
    problems += _check_cycles(definition, graph)
    problems += _check_node_kinds(definition)
    problems += _check_carried_specs(definition, graph)
    return problems


def _check_run_properties(definition: Definition) -> Iterator[Diagnostic]:
    for key in definition.workflow.default_run_properties or {}:
        problem = key_problem(key)
        if problem is not None:
            yield error("GWF037", f"Workflow.DefaultRunProperties[{key[:40]!r}]", f"run property {problem}: shorten it")


def _check_trigger_names(definition: Definition) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for index, trigger in enumerate(definition.triggers):
        if trigger.name in seen:
            yield error(
                "GWF017",
                f"{trigger_path(index)}.Name",
                f"trigger name '{trigger.name}' is used more than once; trigger names are unique",
            )
        seen.add(trigger.name)


def _check_start_triggers(definition: Definition, graph: WorkflowGraph) -> Iterator[Diagnostic]:
    starts = [(i, t) for i, t in enumerate(definition.triggers) if t.is_start]
    for index, trigger in starts[1:]:
        yield error(
            "GWF015",
            f"{trigger_path(index)}.Type",
            f"'{trigger.name}' is a second start trigger ({trigger.type}); a workflow has one start trigger "
            f"('{starts[0][1].name}'). Make it CONDITIONAL or move it to another workflow",
        )
    if not definition.triggers:
        yield warning(
            "GWF033",
            "Triggers",
            "the workflow has no triggers, so a run starts nothing; add a start trigger (ON_DEMAND, "
            "SCHEDULED or EVENT) whose actions name the first jobs or crawlers",
        )
    elif graph.nodes and not starts:
        yield error(
            "GWF041",
            "Triggers",
            "the workflow has no start trigger (ON_DEMAND, SCHEDULED or EVENT), so nothing can ever start; "
            "add one whose actions are the first jobs or crawlers",
        )
    for index, trigger in starts[:1]:
        yield from _check_start_actions(definition, graph, index, trigger)
    yield from _check_event_queue(definition, starts[:1])
    yield from _check_state_change_queue(definition)


def _check_event_queue(definition: Definition, start: list[tuple[int, Trigger]]) -> Iterator[Diagnostic]:
    """An EVENT start trigger reads its events from ``Airflow.event_queue_url``; nothing else uses that queue."""
    queue = definition.airflow.event_queue_url
    is_event = bool(start) and start[0][1].type is TriggerType.EVENT
    if is_event and not queue:
        index, trigger = start[0]
        yield error(
            "GWF042",
            f"{trigger_path(index)}.Type",
            f"EVENT start trigger '{trigger.name}' has no queue to read its EventBridge events from; set "
            "Airflow.event_queue_url to the URL of the SQS queue your EventBridge rule sends them to",
        )
    elif queue and not is_event:
        yield warning(
            "GWF043",
            "Airflow.event_queue_url",
            "event_queue_url is ignored: only an EVENT start trigger reads events; remove it or make the start "
            "trigger EVENT",
        )


def _check_state_change_queue(definition: Definition) -> Iterator[Diagnostic]:
    """Only deferred waits read ``Airflow.state_change_queue_url``, and it needs a queue of its own."""
    settings = definition.airflow
    queue = settings.state_change_queue_url
    if queue and queue == settings.event_queue_url:
        yield error(
            "GWF047",
            "Airflow.state_change_queue_url",
            "state_change_queue_url is the event_queue_url: the EVENT start and the waiting tasks would each "
            "delete the other's messages; send Glue's state changes to a queue of their own",
        )
    if queue and not settings.deferrable:
        yield warning(
            "GWF046",
            "Airflow.state_change_queue_url",
            "state_change_queue_url is ignored with deferrable: false (tasks that wait on a worker poll); set "
            "deferrable: true or remove it",
        )


def _check_start_actions(
    definition: Definition, graph: WorkflowGraph, index: int, start: Trigger
) -> Iterator[Diagnostic]:
    for node in sorted({a.node_name for a in start.actions if a.node_name}):
        others = [t.name for t in graph.starters.get(node, ()) if t is not start]
        if others:
            yield warning(
                "GWF029",
                f"{trigger_path(index)}.Actions",
                f"'{node}' is started by the start trigger, so trigger(s) {', '.join(others)} can never start "
                "it again in the same run (a node runs at most once per run)",
            )


def _check_cycles(definition: Definition, graph: WorkflowGraph) -> Iterator[Diagnostic]:
    positions = {t.name: i for i, t in enumerate(definition.triggers)}
    for cycle in graph.cycles():
        first = cycle.triggers[0] if cycle.triggers else ""
        yield error(
            "GWF016",
            f"{trigger_path(positions.get(first, 0))}.Predicate",
            f"cycle: {' -> '.join(cycle.nodes + cycle.nodes[:1])} is closed by trigger(s) "
            f"{', '.join(cycle.triggers)}; a node cannot start itself again in one run: remove one of these "
            "triggers or have it start a different job",
        )


def _check_node_kinds(definition: Definition) -> Iterator[Diagnostic]:
    kinds: dict[str, set[NodeType]] = {}
    where: dict[str, str] = {}
    for index, trigger in enumerate(definition.triggers):
        for number, action in enumerate(trigger.actions):
            if action.node_name and bool(action.job_name) != bool(action.crawler_name):
                kinds.setdefault(action.node_name, set()).add(action.node_type)
                where.setdefault(action.node_name, f"{trigger_path(index)}.Actions[{number}]")
    for name, types in kinds.items():
        if len(types) > 1:
            yield error(
                "GWF036",
                where[name],
                f"'{name}' is started both as a job and as a crawler; give the job and the crawler "
                "different names",
            )


def _check_carried_specs(definition: Definition, graph: WorkflowGraph) -> Iterator[Diagnostic]:
    sections: tuple[tuple[str, tuple[Job | Crawler, ...], NodeType], ...] = (
        ("Jobs", definition.jobs, NodeType.JOB),
        ("Crawlers", definition.crawlers, NodeType.CRAWLER),
    )
    for section, specs, node_type in sections:
        counts = Counter(spec.name for spec in specs)
        for index, spec in enumerate(specs):
            if counts[spec.name] > 1:
                yield error(
                    "GWF035",
                    f"{section}[{index}].Name",
                    f"'{spec.name}' is listed more than once in {section}; keep one entry",
                )
            if graph.nodes.get(spec.name) is not node_type:
                yield warning(
                    "GWF032",
                    f"{section}[{index}].Name",
                    f"'{spec.name}' is listed in {section} but no trigger starts it; add an action for it or "
                    "remove the entry",
                )
        if specs:
            yield from _missing_specs(definition, section, node_type, set(counts))
    entities = len(graph.nodes) + len(definition.triggers)
    if entities > MAX_ENTITIES:
        yield warning(
            "GWF039",
            "Triggers",
            f"{entities} jobs, crawlers and triggers; Glue advises at most {MAX_ENTITIES} per workflow (stop "
            "and resume can fail above that): consider splitting the workflow",
        )


def _missing_specs(
    definition: Definition, section: str, node_type: NodeType, listed: set[str]
) -> Iterator[Diagnostic]:
    reported: set[str] = set()
    for index, trigger in enumerate(definition.triggers):
        for number, action in enumerate(trigger.actions):
            name = action.node_name
            if action.node_type is node_type and name and name not in listed and name not in reported:
                reported.add(name)
                yield warning(
                    "GWF031",
                    f"{trigger_path(index)}.Actions[{number}]",
                    f"'{name}' is not in {section}; it must already exist in the AWS account",
                )
