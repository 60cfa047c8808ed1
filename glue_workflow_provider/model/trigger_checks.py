"""Checks of one trigger at a time: its type's fields, predicate, activation, actions and conditions (docs/semantics.md#triggers).

``validation.validate`` runs these for every trigger, then the checks that span the whole workflow.
"""

from __future__ import annotations

from collections.abc import Iterator

from glue_workflow_provider.model.diagnostics import Diagnostic, error, warning
from glue_workflow_provider.model.graph import WorkflowGraph
from glue_workflow_provider.model.schedule import GlueCronError, parse_glue_cron
from glue_workflow_provider.model.states import WATCHABLE_STATES, NodeType
from glue_workflow_provider.model.trigger import Action, Condition, Trigger, TriggerType
from glue_workflow_provider.model.workflow import Definition

MAX_CRAWLERS_PER_TRIGGER = 2
MAX_ACTIONS_PER_TRIGGER = 50
MAX_ENTITIES = 100



def trigger_path(index: int) -> str:
    return f"Triggers[{index}]"


def a(word: str) -> str:
    """``word`` with its indefinite article ("an ON_DEMAND", "a SCHEDULED")."""
    return f"an {word}" if word[:1] in "AEIOU" else f"a {word}"


def said(value: bool | None) -> str:
    return "not set" if value is None else str(value).lower()


def check_trigger(
    definition: Definition, graph: WorkflowGraph, index: int, trigger: Trigger
) -> Iterator[Diagnostic]:
    path = trigger_path(index)
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
                f"Schedule is ignored on {a(trigger.type)} trigger; only SCHEDULED triggers use it: remove it",
            )
    yield from _check_predicate_presence(path, trigger)
    if trigger.event_batching_condition is not None and trigger.type is not TriggerType.EVENT:
        yield warning(
            "GWF025",
            f"{path}.EventBatchingCondition",
            f"EventBatchingCondition is ignored on {a(trigger.type)} trigger; only EVENT triggers batch "
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
            f"Predicate is ignored on {a(trigger.type)} trigger; only CONDITIONAL triggers have conditions: "
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
            f"StartOnCreation {said(trigger.start_on_creation)}); Glue may not fire it, glue-airflow fires it. "
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
    """A node runs once per run (docs/semantics.md#node-runs-once): a repeat in one trigger would silently lose its Arguments."""
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


