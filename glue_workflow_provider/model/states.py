"""The one table of Glue node states: which are final, which a trigger can watch, which count as success.

The simulator, the operators, the waiters and the CLI all consult this module and nothing else
(glue-semantics.md §3.5 and §10.4).
"""

from __future__ import annotations

from enum import StrEnum


class NodeType(StrEnum):
    """The kinds of workflow node that run (Glue ``Node.Type`` minus ``TRIGGER``)."""

    JOB = "JOB"
    CRAWLER = "CRAWLER"


class JobRunState(StrEnum):
    """Glue API ``JobRunState``."""

    STARTING = "STARTING"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMEOUT = "TIMEOUT"
    ERROR = "ERROR"
    WAITING = "WAITING"
    EXPIRED = "EXPIRED"


class CrawlState(StrEnum):
    """Glue API ``CrawlState``."""

    RUNNING = "RUNNING"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ERROR = "ERROR"


SUCCEEDED = "SUCCEEDED"

#: The states in which a node's run ends (§10.4). ERROR and EXPIRED end a job run but no trigger watches them.
END_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"),
    NodeType.CRAWLER: ("SUCCEEDED", "FAILED", "CANCELLED"),
}

#: The only states a trigger condition can listen for (Glue API ``Condition`` doc, §3.5).
WATCHABLE_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"),
    NodeType.CRAWLER: ("SUCCEEDED", "FAILED", "CANCELLED"),
}

#: States in which a run is still in progress (the waiters retry on these).
ACTIVE_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("STARTING", "RUNNING", "STOPPING", "WAITING"),
    NodeType.CRAWLER: ("RUNNING", "CANCELLING"),
}


def is_end_state(node_type: NodeType, state: str) -> bool:
    """Whether ``state`` ends a run of a node of ``node_type``."""
    return state in END_STATES[node_type]


def is_watchable(node_type: NodeType, state: str) -> bool:
    """Whether a trigger condition may listen for ``state`` on a node of ``node_type``."""
    return state in WATCHABLE_STATES[node_type]


def airflow_state_for(glue_state: str | None) -> str:
    """The Airflow task state that shows a Glue end state: only SUCCEEDED is a success (§10.4, §10.5)."""
    if glue_state is None:
        return "skipped"
    return "success" if glue_state == SUCCEEDED else "failed"
