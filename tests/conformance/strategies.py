"""Hypothesis strategies: random, valid, acyclic Glue workflows and outcomes for their nodes."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from glue_workflow_provider.model.states import END_STATES, WATCHABLE_STATES, NodeType


def _name(index: int, node_type: NodeType) -> str:
    return f"Job {index}/x" if node_type is NodeType.JOB else f"crawl-{index}"


@st.composite
def workflow_documents(draw: st.DrawFn, max_nodes: int = 6) -> dict[str, Any]:
    """An authored definition: one start trigger, then conditional triggers that only watch earlier nodes."""
    count = draw(st.integers(2, max_nodes))
    types = [NodeType.CRAWLER if draw(st.integers(0, 3)) == 0 else NodeType.JOB for _ in range(count)]
    names = [_name(i, t) for i, t in enumerate(types)]
    roots = draw(st.integers(1, min(2, count - 1)))
    triggers: list[dict[str, Any]] = [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [_action(names[i], types[i], i) for i in range(roots)]}
    ]
    for index in range(roots, count):
        for _ in range(draw(st.integers(1, 2))):
            triggers.append(_conditional(draw, len(triggers), index, names, types))
    return {"Workflow": {"Name": f"random-{draw(st.integers(0, 10**6))}", "DefaultRunProperties": {"p": "v"}},
            "Triggers": triggers}


def _conditional(draw: st.DrawFn, number: int, index: int, names: list[str], types: list[NodeType]) -> dict[str, Any]:
    watched = draw(st.lists(st.integers(0, index - 1), min_size=1, max_size=min(3, index), unique=True))
    conditions = []
    for node in watched:
        state = draw(st.sampled_from(WATCHABLE_STATES[types[node]]))
        key = ("JobName", "State") if types[node] is NodeType.JOB else ("CrawlerName", "CrawlState")
        conditions.append({key[0]: names[node], key[1]: state})
    predicate: dict[str, Any] = {"Conditions": conditions}
    logical = draw(st.sampled_from([None, "AND", "ANY"]))
    if logical is not None:
        predicate["Logical"] = logical
    actions = [_action(names[index], types[index], index)]
    later = [i for i in range(index + 1, len(names)) if types[i] is NodeType.JOB]
    if later and draw(st.booleans()):
        actions.append(_action(names[later[0]], types[later[0]], later[0]))
    trigger = {"Name": f"t{number}", "Type": "CONDITIONAL", "Predicate": predicate, "Actions": actions}
    if draw(st.integers(0, 9)) == 0:
        trigger["State"] = "DEACTIVATED"
    return trigger


def _action(name: str, node_type: NodeType, index: int) -> dict[str, Any]:
    if node_type is NodeType.CRAWLER:
        return {"CrawlerName": name}
    return {"JobName": name, "Arguments": {"--node": str(index)}}


def outcomes_for(document: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """End states for the document's nodes, weighted towards SUCCEEDED and towards the states its triggers
    listen for (so that failure branches and mixed predicates actually fire), any end state possible."""
    nodes: dict[str, NodeType] = {}
    listened: dict[str, list[str]] = {}
    for trigger in document["Triggers"]:
        for action in trigger["Actions"]:
            if "JobName" in action:
                nodes[action["JobName"]] = NodeType.JOB
            else:
                nodes[action["CrawlerName"]] = NodeType.CRAWLER
        for condition in trigger.get("Predicate", {}).get("Conditions", []):
            name = condition.get("JobName") or condition.get("CrawlerName")
            listened.setdefault(name, []).append(condition.get("State") or condition.get("CrawlState"))
    return st.fixed_dictionaries(
        {
            name: st.sampled_from(("SUCCEEDED",) * 3 + tuple(listened.get(name, ())) * 3 + END_STATES[kind])
            for name, kind in nodes.items()
        }
    )
