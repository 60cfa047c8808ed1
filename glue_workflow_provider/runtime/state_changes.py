"""Glue's EventBridge state-change events -> the waiting run they concern (``Airflow.state_change_queue_url``).

Glue sends "Glue Job State Change" (``detail.jobName``, ``jobRunId``, ``state``) and "Glue Crawler State
Change" (``detail.crawlerName``, ``state``: Started, Succeeded, Failed) events to EventBridge; a rule can
route them to an SQS queue, which the waiting triggers read (runtime/triggers/state_change_listener.py).

An event only says *when* to look. The trigger it wakes still reads the run's state from Glue, so a late,
repeated, lost or foreign event costs at most one call or one fallback interval, never a wrong state
(Glue's delivery is best effort). No Airflow import here: plain parsing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.model.states import NodeType, is_end_state

JOB_DETAIL_TYPE = "Glue Job State Change"
CRAWLER_DETAIL_TYPE = "Glue Crawler State Change"
#: The crawler event states that mean a crawl has ended (the event names no crawl; "Started" does not).
CRAWL_ENDED = frozenset({"Succeeded", "Failed", "Cancelled"})

#: What a waiter waits for: the node's kind, its Glue name, and the job run id (None for a crawler).
Key = tuple[str, str, str | None]


def job_key(job_name: str, run_id: str) -> Key:
    """The key of job ``job_name``'s run ``run_id``."""
    return (NodeType.JOB.value, job_name, run_id)


def crawler_key(crawler_name: str) -> Key:
    """The key of crawler ``crawler_name`` (its events do not say which crawl)."""
    return (NodeType.CRAWLER.value, crawler_name, None)


@dataclass(frozen=True, slots=True)
class StateChange:
    """One state-change event: whose it is, the state it reports, and whether that state ends the run."""

    key: Key
    state: str
    ended: bool
    event_id: str


def state_change(body: str) -> StateChange | None:
    """The state change an SQS message body (an EventBridge event, as a rule's SQS target delivers it)
    reports; None for anything else (another source, another detail type, not JSON)."""
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("source") != "aws.glue" or not isinstance(event.get("detail"), dict):
        return None
    detail: dict[str, Any] = event["detail"]
    state = str(detail.get("state") or "")
    event_id = str(event.get("id") or "")
    if event.get("detail-type") == JOB_DETAIL_TYPE and detail.get("jobName") and detail.get("jobRunId"):
        key = job_key(str(detail["jobName"]), str(detail["jobRunId"]))
        return StateChange(key, state, is_end_state(NodeType.JOB, state), event_id)
    if event.get("detail-type") == CRAWLER_DETAIL_TYPE and detail.get("crawlerName"):
        return StateChange(crawler_key(str(detail["crawlerName"])), state, state in CRAWL_ENDED, event_id)
    return None
