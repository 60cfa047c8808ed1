"""Whole-workflow validation: every problem at once, each with the field path and what to do (§3, §10.9).

Field facts (types, enum values, lengths) are checked when the model is built; this module checks the facts
that span fields, triggers and nodes. Paths use the document's own keys (``Triggers[2].Predicate...``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from glue_workflow_provider.model.diagnostics import Diagnostic, error, warning
from glue_workflow_provider.model.graph import WorkflowGraph
from glue_workflow_provider.model.run_properties import key_problem
from glue_workflow_provider.model.schedule import GlueCronError, parse_glue_cron
from glue_workflow_provider.model.states import WATCHABLE_STATES, NodeType
from glue_workflow_provider.model.trigger import (
    Action,
    Condition,
    Trigger,
    TriggerType,
)
from glue_workflow_provider.model.workflow import Crawler, Definition, Job

MAX_CRAWLERS_PER_TRIGGER = 2
MAX_ACTIONS_PER_TRIGGER = 50
MAX_ENTITIES = 100


def validate(definition: Definition) -> list[Diagnostic]:
    """Every problem of ``definition`` that spans fields or triggers, errors and warnings alike."""
    graph = WorkflowGraph.of(definition)
    problems: list[Diagnostic] = []
    problems += _check_run_properties(definition)
    for index, trigger in enumerate(definition.triggers):
        problems += _check_trigger(definition, graph, index, trigger)
    problems += _check_trigger_names(definition)
    problems += _check_start_triggers(definition, graph)
    problems += _check_cycles(definition, graph)
    problems += _check_node_kinds(definition)
    problems += _check_carried_specs(definition, graph)
    return problems


def _trigger_path(index: int) -> str:
    return f"Triggers[{index}]"


def _a(word: str) -> str:
    """``word`` with its indefinite article ("an ON_DEMAND", "a SCHEDULED")."""
    return f"an {word}" if word[:1] in "AEIOU" else f"a {word}"


def _said(value: bool | None) -> str:
    return "not set" if value is None else str(value).lower()


def _check_run_properties(definition: Definition) -> Iterator[Diagnostic]:
    for key in definition.workflow.default_run_properties or {}:
        problem = key_problem(key)
        if problem is not None:
            yield error("GWF037", f"Workflow.DefaultRunProperties[{key[:40]!r}]", f"run property {problem}: shorten it")


def _check_trigger(
    definition: Definition, graph: WorkflowGraph, index: int, trigger: Trigger
) -> Iterator[Diagnostic]:
    path = _trigger_path(index)
    yield from _check_trigger_type_fields(path, trigger)
    if trigger.workflow_name and trigger.workflow_name != definition.name:
        yield error(
            "GWF028",
            f"{path}.WorkflowName",
            f"trigger '{trigger.name}' belongs to workflow '{trigger.workflow_name}', not '{definition.name}'; "
            "fix WorkflowName or remove it (a trigger belongs to one workflow)",
        )
    yield from _check_actions(graph, path, trigger)
    for number, condition in enumerate(trigger.conditions):
        yield from _check_condition(graph, f"{path}.Predicate.Conditions[{number}]", condition)


def _check_trigger_type_fields(path: str, trigger: Trigger) -> Iterator[Diagnostic]:
    if trigger.type is TriggerType.SCHEDULED and not trigger.schedule:
        yield error(
            "GWF010",
            f"{path}.Schedule",
            f"SCHEDULED trigger '{trigger.name}' has no Schedule; add one, e.g. Schedule: cron(15 12 * * ? *)",
        )
    if trigger.schedule:
        if trigger.type is TriggerType.SCHEDULED:
            try:
                parse_glue_cron(trigger.schedule)
            except GlueCronError as exc:
                yield error("GWF019", f"{path}.Schedule", str(exc))
        else:
            yield warning(
                "GWF023",
                f"{path}.Schedule",
                f"Schedule is ignored on {_a(trigger.type)} trigger; only SCHEDULED triggers use it: remove it",
            )
    yield from _check_predicate_presence(path, trigger)
    if trigger.event_batching_condition is not None and trigger.type is not TriggerType.EVENT:
        yield warning(
            "GWF025",
            f"{path}.EventBatchingCondition",
            f"EventBatchingCondition is ignored on {_a(trigger.type)} trigger; only EVENT triggers batch "
            "events: remove it",
        )
    if trigger.type is TriggerType.CONDITIONAL:
        yield from _check_activation(path, trigger)
    if trigger.type is TriggerType.ON_DEMAND and trigger.start_on_creation:
        yield warning(
            "GWF040",
            f"{path}.StartOnCreation",
            "StartOnCreation is not supported on an ON_DEMAND trigger (Glue rejects true); remove it",
        )


def _check_predicate_presence(path: str, trigger: Trigger) -> Iterator[Diagnostic]:
    if trigger.type is TriggerType.CONDITIONAL and not trigger.conditions:
        yield error(
            "GWF011",
            f"{path}.Predicate",
            f"CONDITIONAL trigger '{trigger.name}' has no Predicate conditions; add Predicate.Conditions "
            "naming the jobs or crawlers it waits for",
        )
    elif trigger.is_start and trigger.predicate is not None:
        yield warning(
            "GWF024",
            f"{path}.Predicate",
            f"Predicate is ignored on {_a(trigger.type)} trigger; only CONDITIONAL triggers have conditions: "
            "remove it, or make the trigger CONDITIONAL",
        )


def _check_activation(path: str, trigger: Trigger) -> Iterator[Diagnostic]:
    if trigger.is_deactivated:
        yield warning(
            "GWF026",
            f"{path}.State",
            f"conditional trigger '{trigger.name}' is {trigger.state}: it never fires, so what it starts "
            "does not run from it; remove State (or set ACTIVATED) to let it fire",
        )
    elif not trigger.is_activated:
        yield warning(
            "GWF027",
            f"{path}.StartOnCreation",
            f"conditional trigger '{trigger.name}' was never activated (State {trigger.state or 'not set'}, "
            f"StartOnCreation {_said(trigger.start_on_creation)}); Glue may not fire it, glue-airflow fires it. "
            "Set StartOnCreation: true to say so",
        )


def _check_actions(graph: WorkflowGraph, path: str, trigger: Trigger) -> Iterator[Diagnostic]:
    if not trigger.actions:
        yield error("GWF012", f"{path}.Actions", f"trigger '{trigger.name}' starts nothing; add an action")
    trigger_names = {t.name for t in graph.triggers}
    for number, action in enumerate(trigger.actions):
        yield from _check_action(f"{path}.Actions[{number}]", action, trigger_names)
    yield from _check_repeated_actions(path, trigger)
    crawlers = [a.crawler_name for a in trigger.actions if a.crawler_name and not a.job_name]
    if len(crawlers) > MAX_CRAWLERS_PER_TRIGGER:
        yield error(
            "GWF020",
            f"{path}.Actions",
            f"trigger '{trigger.name}' starts {len(crawlers)} crawlers ({', '.join(crawlers)}); Glue allows at "
            f"most {MAX_CRAWLERS_PER_TRIGGER} per trigger: split them across triggers",
        )
    if len(trigger.actions) > MAX_ACTIONS_PER_TRIGGER:
        yield warning(
            "GWF038",
            f"{path}.Actions",
            f"trigger '{trigger.name}' starts {len(trigger.actions)} jobs and crawlers; Glue's default quota "
            f"is {MAX_ACTIONS_PER_TRIGGER}: split them across triggers with the same predicate",
        )


def _check_repeated_actions(path: str, trigger: Trigger) -> Iterator[Diagnostic]:
    """A node runs once per run (README "How it runs"): a repeat in one trigger would silently lose its Arguments."""
    first: dict[str, int] = {}
    for number, action in enumerate(trigger.actions):
        if not action.node_name or bool(action.job_name) == bool(action.crawler_name):
            continue
        if action.node_name not in first:
            first[action.node_name] = number
            continue
        yield warning(
            "GWF044",
            f"{path}.Actions[{number}]",
            f"'{action.node_name}' is already started by Actions[{first[action.node_name]}] of trigger "
            f"'{trigger.name}'; it runs once per workflow run, with the arguments of Actions"
            f"[{first[action.node_name]}]: remove this action, or merge its Arguments into the first one",
        )


def _check_action(path: str, action: Action, trigger_names: set[str]) -> Iterator[Diagnostic]:
    if bool(action.job_name) == bool(action.crawler_name):
        which = "both JobName and CrawlerName" if action.job_name else "neither JobName nor CrawlerName"
        yield error("GWF012", path, f"action names {which}; give exactly one of them")
        return
    if action.node_name in trigger_names:
        field = "JobName" if action.job_name else "CrawlerName"
        yield error(
            "GWF022",
            f"{path}.{field}",
            f"'{action.node_name}' is the name of a trigger, not of a job or crawler; name the job or "
            "crawler to start",
        )


def _check_condition(graph: WorkflowGraph, path: str, condition: Condition) -> Iterator[Diagnostic]:
    if bool(condition.job_name) == bool(condition.crawler_name):
        which = "both JobName and CrawlerName" if condition.job_name else "neither JobName nor CrawlerName"
        yield error("GWF013", path, f"condition names {which}; give exactly one of them")
        return
    yield from _check_condition_state(path, condition)
    name = condition.node_name
    field = "JobName" if condition.job_name else "CrawlerName"
    if name in {t.name for t in graph.triggers}:
        yield error(
            "GWF022",
            f"{path}.{field}",
            f"'{name}' is the name of a trigger; a condition watches a job or a crawler",
        )
    elif name not in graph.nodes:
        yield error(
            "GWF021",
            f"{path}.{field}",
            f"no trigger of this workflow starts {condition.node_type.lower()} '{name}', so this condition "
            "can never hold; add an action that starts it or fix the name",
        )
    elif graph.nodes[name] is not condition.node_type:
        actual = graph.nodes[name].lower()
        right = "CrawlerName/CrawlState" if actual == "crawler" else "JobName/State"
        yield error(
            "GWF021",
            f"{path}.{field}",
            f"'{name}' is started as a {actual}, not a {condition.node_type.lower()}; watch it with {right}",
        )


def _check_condition_state(path: str, condition: Condition) -> Iterator[Diagnostic]:
    node_type = condition.node_type
    own, other = ("State", "CrawlState") if node_type is NodeType.JOB else ("CrawlState", "State")
    other_value = condition.crawl_state if node_type is NodeType.JOB else condition.state
    if other_value is not None:
        yield error(
            "GWF013",
            f"{path}.{other}",
            f"a {node_type.lower()} condition uses {own}, not {other}; move the value to {own}",
        )
    state = condition.watched_state
    allowed = ", ".join(WATCHABLE_STATES[node_type])
    if not state:
        yield error("GWF013", f"{path}.{own}", f"condition has no {own}; give one of {allowed}")
    elif state not in WATCHABLE_STATES[node_type]:
        yield error(
            "GWF014",
            f"{path}.{own}",
            f"a trigger cannot watch {node_type.lower()} state {state}; it can watch {allowed}",
        )


def _check_trigger_names(definition: Definition) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for index, trigger in enumerate(definition.triggers):
        if trigger.name in seen:
            yield error(
                "GWF017",
                f"{_trigger_path(index)}.Name",
                f"trigger name '{trigger.name}' is used more than once; trigger names are unique",
            )
        seen.add(trigger.name)


def _check_start_triggers(definition: Definition, graph: WorkflowGraph) -> Iterator[Diagnostic]:
    starts = [(i, t) for i, t in enumerate(definition.triggers) if t.is_start]
    for index, trigger in starts[1:]:
        yield error(
            "GWF015",
            f"{_trigger_path(index)}.Type",
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


def _check_event_queue(definition: Definition, start: list[tuple[int, Trigger]]) -> Iterator[Diagnostic]:
    """An EVENT start trigger reads its events from ``Airflow.event_queue_url``; nothing else uses that queue."""
    queue = definition.airflow.event_queue_url
    is_event = bool(start) and start[0][1].type is TriggerType.EVENT
    if is_event and not queue:
        index, trigger = start[0]
        yield error(
            "GWF042",
            f"{_trigger_path(index)}.Type",
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


def _check_start_actions(
    definition: Definition, graph: WorkflowGraph, index: int, start: Trigger
) -> Iterator[Diagnostic]:
    for node in sorted({a.node_name for a in start.actions if a.node_name}):
        others = [t.name for t in graph.starters.get(node, ()) if t is not start]
        if others:
            yield warning(
                "GWF029",
                f"{_trigger_path(index)}.Actions",
                f"'{node}' is started by the start trigger, so trigger(s) {', '.join(others)} can never start "
                "it again in the same run (a node runs at most once per run)",
            )


def _check_cycles(definition: Definition, graph: WorkflowGraph) -> Iterator[Diagnostic]:
    positions = {t.name: i for i, t in enumerate(definition.triggers)}
    for cycle in graph.cycles():
        first = cycle.triggers[0] if cycle.triggers else ""
        yield error(
            "GWF016",
            f"{_trigger_path(positions.get(first, 0))}.Predicate",
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
                where.setdefault(action.node_name, f"{_trigger_path(index)}.Actions[{number}]")
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
                    f"{_trigger_path(index)}.Actions[{number}]",
                    f"'{name}' is not in {section}; it must already exist in the AWS account",
                )
