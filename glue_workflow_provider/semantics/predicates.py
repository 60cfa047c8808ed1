"""When a condition holds, when a trigger fires, and when either can no longer happen (rules 1-3 of
docs/semantics.md#the-rules).

``ended`` maps each node that finished in this run to its exact Glue end state. ``dead`` is the set of nodes
known never to run. A node that never ran satisfies no condition, not even FAILED
(docs/semantics.md#conditions-need-a-run). This is the one home of the firing rule and of what ``AND`` and
``ANY`` mean: the simulator, validation's reachability check, the planner and the running DAG all decide
through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from glue_workflow_provider.semantics.trigger_table import TriggerRow, Watch


def combine(logical: str, values: Iterable[bool]) -> bool:
    """Whether a predicate with ``logical`` (``ANY`` or ``AND``) holds over its conditions' ``values``."""
    return any(values) if logical == "ANY" else all(values)


def is_conjunction(row: TriggerRow) -> bool:
    """Whether every watched pair must hold for ``row`` to fire (AND, or a single pair)."""
    return row.logical != "ANY" or len(row.watched) == 1


def condition_holds(condition: Watch, ended: Mapping[str, str]) -> bool:
    """The watched node ran and ended in exactly the watched state."""
    return ended.get(condition.node) == condition.state


def pair_dead(node: str, state: str, ended: Mapping[str, str], dead: Set[str]) -> bool:
    """"``node`` ends in ``state``" can never become true in this run."""
    if node in ended:
        return ended[node] != state
    return node in dead


def trigger_fires(row: TriggerRow, ended: Mapping[str, str]) -> bool:
    """Whether ``row`` has fired given the end states so far (a start trigger fires when the run starts)."""
    if row.is_start:
        return True
    if row.deactivated or not row.conditions:
        return False
    return combine(row.logical, (condition_holds(c, ended) for c in row.conditions))


def trigger_dead(row: TriggerRow, ended: Mapping[str, str], dead: Set[str]) -> bool:
    """Whether ``row`` can no longer fire in this run: the dual of ``trigger_fires`` over dead conditions."""
    if row.is_start:
        return False
    if row.deactivated or not row.conditions:
        return True
    gone = (pair_dead(c.node, c.state, ended, dead) for c in row.conditions)
    return not combine(row.logical, (not g for g in gone))


def could_fire(row: TriggerRow, runnable: Set[str]) -> bool:
    """Whether some outcome of the nodes in ``runnable`` fires ``row``: the best case for it, where each
    watched node that can run ends in the first state the trigger watches it for, decides."""
    best: dict[str, str] = {}
    for condition in row.conditions:
        if condition.node in runnable:
            best.setdefault(condition.node, condition.state)
    return trigger_fires(row, best)
