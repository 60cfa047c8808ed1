"""What a node task records in XCom, which of it its current try recorded, and what it means per node kind.

A node task (job or crawler) records, per try: at its start, before it may defer, the trigger that started it
(``glue_started_by``), the run properties it saw (``run_properties``) and its Glue run's id (``glue_run_id``); when
its Glue run ends, the run properties it put (``run_properties_put``), the run's properties right after it
(``run_properties_after``), its exact Glue end state (``glue_state``) and its note (``glue_note``); a node task
that finishes on a worker and sees the workflow run complete also leaves the run's summary (``glue_run_summary``;
otherwise the notes listener writes it, runtime/notes.py). Gates record nothing.

Airflow clears a task's XCom when its next try *starts*, not when it is cleared: a task cleared and then skipped
(or not run yet) still holds what an earlier try recorded. Its Airflow state says whether its current try can
have recorded a key (``is_current``), and every reader (execution API, ORM, REST) applies that one rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.semantics.run_properties import Put, recorded_put

#: XCom key holding a node's exact Glue end state (SUCCEEDED, FAILED, TIMEOUT, STOPPED, ERROR, ...; never NO_GLUE_STATE).
GLUE_STATE_KEY = "glue_state"
#: XCom key holding the Glue run id (job run id, or for a crawler the start time of the crawl before its own).
GLUE_RUN_KEY = "glue_run_id"
#: XCom key naming the trigger that started the node.
STARTED_BY_KEY = "glue_started_by"
#: XCom keys of the run properties a task saw, put ({"ended_at", "values"}) and left right after it ended.
SEEN_KEY, PUT_KEY, AFTER_KEY = "run_properties", "run_properties_put", "run_properties_after"
#: XCom key of a node task's note text (its Glue end state and error message).
NOTE_KEY = "glue_note"
#: XCom key of the run summary, left by a node task that finished on a worker and saw the run complete.
SUMMARY_KEY = "glue_run_summary"
#: The keys a run's report reads (``status``, the demo's report, the local runner).
REPORT_KEYS = (GLUE_STATE_KEY, GLUE_RUN_KEY, STARTED_BY_KEY, SEEN_KEY, AFTER_KEY, PUT_KEY)
#: Keys recorded when a try starts, before the task may defer (and kept while it is deferred).
RECORDED_AT_START = frozenset({GLUE_RUN_KEY, STARTED_BY_KEY, SEEN_KEY})

#: Airflow states of a task that may have pushed XCom in its current try. A task in any other state has
#: not run in this try (none, scheduled, queued, skipped, upstream_failed, removed), has not yet reached
#: the point where it records (deferred: it records after resuming), or starts a new try that clears its
#: XCom first (restarting). ``up_for_retry`` keeps what the failed try recorded, as Glue keeps a put made
#: before a job failed.
MAY_HAVE_RECORDED = frozenset({"running", "success", "failed", "up_for_retry"})
#: The same for the keys recorded at the start of a try: a deferred task has recorded them.
MAY_HAVE_STARTED = MAY_HAVE_RECORDED | {"deferred"}

#: The node operators, by the name Airflow records for their task instances, and their Glue node types.
NODE_OPERATORS = {"GlueWorkflowJobOperator": "JOB", "GlueWorkflowCrawlerOperator": "CRAWLER"}
#: Operators whose tasks record nothing (the gates and the outcome are EmptyOperators the scheduler resolves
#: without running them; a task group's start is a plain EmptyOperator), by the name Airflow records.
GATE_OPERATORS = frozenset({"GlueTriggerGateOperator", "GlueWorkflowOutcomeOperator", "EmptyOperator"})


def airflow_state(state: Any) -> str | None:
    """A task's Airflow state as text (the ORM gives an enum, the REST API text), None for none."""
    value = getattr(state, "value", state)
    return str(value) if value else None


def is_current(key: str, state: Any, operator: Any = None) -> bool:
    """Whether XCom ``key`` of a task in Airflow state ``state`` (run by ``operator``) can have been recorded by
    its current try: the one rule every reader of a node's record applies."""
    if operator in GATE_OPERATORS:
        return False
    return airflow_state(state) in (MAY_HAVE_STARTED if key in RECORDED_AT_START else MAY_HAVE_RECORDED)


def may_have_put(state: Any, operator: Any) -> bool:
    """Whether a task of a DAG run, by its Airflow state and operator name, may hold a run-property put of its
    current try: what the run's reports replay."""
    return is_current(PUT_KEY, state, operator)


@dataclass(frozen=True)
class NodeRecord:
    """What one task of a DAG run recorded in its current try (every value None when it recorded nothing), with
    its Airflow state, operator and times (ISO text, as the REST API gives them)."""

    task_id: str
    airflow_state: str | None = None
    operator: str | None = None
    start: str | None = None
    end: str | None = None
    glue_state: str | None = None
    glue_run_id: str | None = None
    started_by: str | None = None
    seen: dict[str, str] | None = None
    after: dict[str, str] | None = None
    put: Put | None = None
    note: str | None = None
    summary: str | None = None

    @property
    def node_type(self) -> str | None:
        """The Glue node type of the task (JOB, CRAWLER), by its operator; None for a task that is no node."""
        return NODE_OPERATORS.get(self.operator or "")

    @property
    def ended(self) -> bool:
        """Whether the node recorded a Glue end state in its current try."""
        return self.glue_state is not None

    @classmethod
    def of(cls, task_id: str, state: Any, operator: Any, values: Mapping[str, Any], *, start: Any = None,
           end: Any = None) -> NodeRecord:
        """The record of a task from its XCom ``values`` by key, keeping only what its current try recorded."""
        current = {key: value for key, value in values.items() if is_current(key, state, operator)}
        return cls(
            task_id=task_id,
            airflow_state=airflow_state(state),
            operator=str(operator) if operator else None,
            start=_time(start),
            end=_time(end),
            glue_state=_text(current.get(GLUE_STATE_KEY)),
            glue_run_id=_text(current.get(GLUE_RUN_KEY)),
            started_by=_text(current.get(STARTED_BY_KEY)),
            seen=_properties(current.get(SEEN_KEY)),
            after=_properties(current.get(AFTER_KEY)),
            put=recorded_put(task_id, current.get(PUT_KEY)),
            note=_text(current.get(NOTE_KEY)),
            summary=_text(current.get(SUMMARY_KEY)),
        )


def decoded(value: Any) -> Any:
    """An XCom value as it was recorded. The REST API returns what the database holds, which may still be JSON
    text; and what a trigger recorded when it ended its task (runtime/triggers/task_end.py) is JSON-encoded once
    more than a task's own push (Airflow stores it through the ORM's serializer and then its JSON column). Each
    reader's adapter (execution API, ORM, REST) decodes what it reads, once, with this. So a mapping, a list
    or a quoted string in JSON text is decoded, at most twice; other text,
    such as a Glue state or a run id, is the value itself (none of this record's values starts with a quote)."""
    for _ in range(2):
        if not (isinstance(value, str) and value.lstrip()[:1] in ("{", "[", '"')):
            break
        try:
            value = json.loads(value)
        except ValueError:
            break
    return value


def _text(value: Any) -> str | None:
    return str(value) if value is not None and value != "" else None


def _properties(value: Any) -> dict[str, str] | None:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else None


def _time(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
