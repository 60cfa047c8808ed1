"""The one table of Glue node states: which are final, which a trigger can watch, which count as success.

The simulator, the operators, the waiters, the run notes, the workflow view, the local endpoint and the CLI
all take their lists from this module (docs/semantics.md#exact-end-states, docs/semantics.md#watched-states);
``tests/unit/model/test_states.py`` holds the waiter JSON to it.
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


class CrawlerState(StrEnum):
    """Glue API ``CrawlerState``: the crawler's own state (READY once its crawl has ended), not a crawl's."""

    READY = "READY"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"


SUCCEEDED = "SUCCEEDED"
#: How a node that failed without any Glue end state counts (its task marked failed by hand, its job missing,
#: its retries spent on an outage): ended, in a state no trigger can watch, so nothing waits on it and the run
#: fails unless something else decides it (docs/semantics.md#no-glue-state). Not a Glue state (Glue's have no
#: spaces), so it can never be mistaken for ERROR; it is never recorded in XCom ``glue_state``.
NO_GLUE_STATE = "NO GLUE STATE"

#: The states in which a node's run ends (docs/semantics.md#exact-end-states). ERROR and EXPIRED end a job run but no
#: trigger watches them.
END_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"),
    NodeType.CRAWLER: ("SUCCEEDED", "FAILED", "CANCELLED"),
}

#: The only states a trigger condition can listen for (Glue API ``Condition`` doc, docs/semantics.md#watched-states).
WATCHABLE_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"),
    NodeType.CRAWLER: ("SUCCEEDED", "FAILED", "CANCELLED"),
}

#: States in which a run is still in progress (the waiters retry on these).
ACTIVE_STATES: dict[NodeType, tuple[str, ...]] = {
    NodeType.JOB: ("STARTING", "RUNNING", "STOPPING", "WAITING"),
    NodeType.CRAWLER: ("RUNNING", "CANCELLING"),
}
#: Every state in which a job run or a crawl is still in progress, whatever its kind.
ANY_ACTIVE_STATE = frozenset(state for states in ACTIVE_STATES.values() for state in states)

#: The crawler states the crawl waiter retries on; every other one (READY) ends the wait.
CRAWLER_BUSY_STATES = tuple(state.value for state in CrawlerState if state is not CrawlerState.READY)

#: Each end state's line in Glue's run statistics (GetWorkflowRun ``Statistics``), in the console's order: a
#: crawl's CANCELLED counts as stopped, a node that failed without a Glue state as errored.
STATISTICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("succeeded", (SUCCEEDED,)),
    ("failed", ("FAILED",)),
    ("timed out", ("TIMEOUT",)),
    ("stopped", ("STOPPED", "CANCELLED")),
    ("errored", ("ERROR", "EXPIRED", NO_GLUE_STATE)),
)


def is_end_state(node_type: NodeType, state: str) -> bool:
    """Whether ``state`` ends a run of a node of ``node_type``."""
    return state in END_STATES[node_type]


def is_watchable(node_type: NodeType, state: str) -> bool:
    """Whether a trigger condition may listen for ``state`` on a node of ``node_type``."""
    return state in WATCHABLE_STATES[node_type]


def airflow_state_for(glue_state: str | None) -> str:
    """The Airflow task state that shows a Glue end state: only SUCCEEDED is a success
    (docs/semantics.md#exact-end-states, docs/semantics.md#never-run-never-failed)."""
    if glue_state is None:
        return "skipped"
    return "success" if glue_state == SUCCEEDED else "failed"
