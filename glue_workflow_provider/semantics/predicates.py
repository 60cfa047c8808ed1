"""When a condition holds, when a trigger fires, and when either can no longer happen (§10.1-§10.3).

``ended`` maps each node that finished in this run to its exact Glue end state. ``dead`` is the set of nodes
known never to run. A node that never ran satisfies no condition, not even FAILED (§10.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from glue_workflow_provider.model.trigger import Condition, Logical, Trigger


def condition_holds(condition: Condition, ended: Mapping[str, str]) -> bool:
    """The watched node ran and ended in exactly the watched state."""
    return ended.get(condition.node_name) == condition.watched_state


def condition_dead(condition: Condition, ended: Mapping[str, str], dead: Set[str]) -> bool:
    """The condition can never hold: its node ended in another state, or will never run."""
    return pair_dead(condition.node_name, condition.watched_state, ended, dead)


def pair_dead(node: str, state: str, ended: Mapping[str, str], dead: Set[str]) -> bool:
    """"``node`` ends in ``state``" can never become true in this run."""
    if node in ended:
        return ended[node] != state
    return node in dead


def trigger_fires(trigger: Trigger, ended: Mapping[str, str]) -> bool:
    """Whether ``trigger`` has fired given the end states so far (a start trigger fires when the run starts)."""
    if trigger.is_start:
        return True
    if trigger.is_deactivated or not trigger.conditions:
        return False
    held = (condition_holds(c, ended) for c in trigger.conditions)
    return any(held) if _logical(trigger) is Logical.ANY else all(held)


def trigger_dead(trigger: Trigger, ended: Mapping[str, str], dead: Set[str]) -> bool:
    """Whether ``trigger`` can no longer fire in this run."""
    if trigger.is_start:
        return False
    if trigger.is_deactivated or not trigger.conditions:
        return True
    gone = (condition_dead(c, ended, dead) for c in trigger.conditions)
    return all(gone) if _logical(trigger) is Logical.ANY else any(gone)


def _logical(trigger: Trigger) -> Logical:
    return trigger.predicate.effective_logical if trigger.predicate is not None else Logical.AND
