"""The local endpoint's EventBridge events: "Glue Job State Change" and "Glue Crawler State Change", as AWS
Glue sends them to the default event bus, so a client can wait on an SQS queue (an EventBridge rule's
target) instead of polling GetJobRun, and be tested against the ordinary AWS APIs.

Why a thread: a steered run's state is computed when it is read (steering.py), so no code runs at the
moment a run ends. A daemon thread in the server process looks at every job run and every crawl in moto's
Glue backend about every 0.15 s and announces each change it has not announced yet, by putting one event
into moto's EventBridge backend in this process; moto delivers it to each rule whose pattern matches (an
SQS target receives the event as its message body). Events are the ones Glue documents (EventBridge user
guide, "AWS Glue events"), with the fields of its examples:

- a job run ending SUCCEEDED, FAILED, TIMEOUT or STOPPED (BatchStopJobRun): one "Glue Job State Change"
  (detail ``jobName``, ``severity``, ``state``, ``jobRunId``, ``message``), once per run, the severity of
  the documented examples (INFO, ERROR, WARN, INFO). ERROR and EXPIRED runs send none, as Glue documents
  events for those four states only;
- a crawl: "Glue Crawler State Change" with state ``Started`` when it starts, then ``Succeeded`` or
  ``Failed`` when it ends. Glue documents no event for a cancelled crawl (StopCrawler): it sends only
  its ``Started``.

``glue-airflow:state-events`` on a job or crawler (read when the change is seen) steers delivery: ``off``
sends none of its runs' events (a lost event), ``delay:S`` sends each S seconds late (a late event; its
``time`` stays the moment of the change, as a late delivery's does). Events seen while no rule matches
are gone, as on AWS: a rule created later receives only later events.

Thread safety: the thread only reads the Glue models, over copies of their lists and dicts, and holds no
lock of its own (none is shared with the request threads) while it puts an event. A scan that races a
request and raises is repeated at the next tick; a put that raises is tried again at the next ticks
(a put that failed half-way can reach a target twice: at least once, as EventBridge delivers).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from glue_workflow_provider.local.steering import STATE_EVENTS_TAG
from glue_workflow_provider.model.states import ANY_ACTIVE_STATE

ACCOUNT, REGION = "123456789012", "us-east-1"
SOURCE = "aws.glue"
JOB_STATE_CHANGE = "Glue Job State Change"
CRAWLER_STATE_CHANGE = "Glue Crawler State Change"
#: The job-run end states Glue announces: the severity and message of its documented example events.
JOB_EVENTS: dict[str, tuple[str, str]] = {
    "SUCCEEDED": ("INFO", "Job run succeeded"),
    "FAILED": ("ERROR", "JobName:{job} and JobRunId:{run} failed to execute with exception {error}"),
    "TIMEOUT": ("WARN", "Job run timed out"),
    "STOPPED": ("INFO", "Job run stopped"),
}
#: A crawl's end states, as the event names them.
CRAWL_EVENTS = {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}
POLL_SECONDS = 0.15
#: How many ticks a put that raises is tried again before its event is dropped (a target that can never
#: take it must not hold back every later event).
PUT_ATTEMPTS = 5
_STEERED_ERROR = "FAILED (steered by the local Glue endpoint)"
_LOG = logging.getLogger(__name__)


def job_detail(job_name: str, run_id: str, state: str) -> dict[str, str]:
    """The detail of the "Glue Job State Change" a run ending in ``state`` sends (one of JOB_EVENTS)."""
    severity, message = JOB_EVENTS[state]
    return {
        "jobName": job_name,
        "severity": severity,
        "state": state,
        "jobRunId": run_id,
        "message": message.format(job=job_name, run=run_id, error=_STEERED_ERROR),
    }


def crawler_detail(crawler_name: str, state: str, started_at: float, now: float) -> dict[str, str]:
    """The detail of a "Glue Crawler State Change" (``state``: Started, Succeeded or Failed), with the
    fields of Glue's examples (all strings, as Glue sends them); a steered crawl changes no tables."""
    detail = {"crawlerName": crawler_name, "accountId": ACCOUNT, "state": state, "message": f"Crawler {state}"}
    if state == "Started":
        return {**detail, "startTime": _iso(started_at)}
    log_link = (
        f"https://console.aws.amazon.com/cloudwatch/home?region={REGION}"
        f"#logEventViewer:group=/aws-glue/crawlers;stream={crawler_name}"
    )
    if state == "Failed":
        return {**detail, "errorMessage": _STEERED_ERROR, "cloudWatchLogLink": log_link}
    unchanged = ("tablesCreated", "tablesUpdated", "tablesDeleted", "partitionsCreated", "partitionsUpdated",
                 "partitionsDeleted")
    return {
        **detail,
        **dict.fromkeys(unchanged, "0"),
        "warningMessage": "N/A",
        "runningTime (sec)": str(max(0, round(now - started_at))),
        "completionDate": _iso(now),
        "cloudWatchLogLink": log_link,
    }


def delivery_delay(tag: str | None) -> float | None:
    """The seconds ``glue-airflow:state-events`` delays an event by (None: it is lost; 0: sent at once)."""
    if tag is None or not tag.strip():
        return 0.0
    if tag.strip() == "off":
        return None
    kind, _, seconds = tag.partition(":")
    if kind.strip() == "delay":
        try:
            return max(0.0, float(seconds))
        except ValueError:
            pass
    _LOG.warning("ignoring %s=%r (expected 'off' or 'delay:S'): sent at once", STATE_EVENTS_TAG, tag)
    return 0.0


class StateEventEmitter:
    """Finds the state changes of the Glue backend's runs and crawls not announced yet, and puts their
    events into the EventBridge backend when due. ``tick`` does one round; ``run`` repeats it forever."""

    def __init__(self, poll_seconds: float = POLL_SECONDS) -> None:
        self.poll_seconds = poll_seconds
        #: What has been announced (or lost by steering): "job <run id>", "crawl <id> Started", "crawl <id> end".
        self._announced: set[str] = set()
        #: Events not sent yet: (due on the monotonic clock, order, attempts left, PutEvents entry).
        self._pending: list[tuple[float, int, int, dict[str, Any]]] = []
        self._order = itertools.count()

    def run(self) -> None:
        """Tick every ``poll_seconds`` until the process ends (the thread is a daemon)."""
        while True:
            self.tick()
            time.sleep(self.poll_seconds)

    def tick(self) -> None:
        """Look for new state changes, then send the events that are due."""
        try:
            self.scan(time.time())
        except Exception:  # noqa: BLE001 - a request changed a model mid-scan: look again at the next tick
            _LOG.debug("state-change scan failed; repeated at the next tick", exc_info=True)
        self.send_due(time.monotonic())

    def scan(self, now: float) -> None:
        """Schedule an event for each run or crawl whose state changed since it was last announced."""
        from moto.glue.models import glue_backends

        backend: Any = glue_backends[ACCOUNT][REGION]
        for job in list(backend.jobs.values()):
            for run in list(job.job_runs):
                key = f"job {run.job_run_id}"
                if key in self._announced:
                    continue
                state = run.status
                if not state or state in ANY_ACTIVE_STATE:
                    continue
                if state in JOB_EVENTS:
                    self._schedule(job, JOB_STATE_CHANGE, job_detail(job.name, run.job_run_id, state), now)
                self._announced.add(key)
        for crawler in list(backend.crawlers.values()):
            for crawl in list(crawler.crawls):
                self._scan_crawl(crawler, crawl, now)

    def _scan_crawl(self, crawler: Any, crawl: Any, now: float) -> None:
        started_at = float(getattr(crawl, "started_at", now))
        started, ended = f"crawl {crawl.crawl_id} Started", f"crawl {crawl.crawl_id} end"
        if started not in self._announced:
            self._schedule(crawler, CRAWLER_STATE_CHANGE, crawler_detail(crawler.name, "Started", started_at, now),
                           started_at)
            self._announced.add(started)
        if ended in self._announced:
            return
        state = crawl.status
        if not state or state in ANY_ACTIVE_STATE:
            return
        if state in CRAWL_EVENTS:
            detail = crawler_detail(crawler.name, CRAWL_EVENTS[state], started_at, now)
            self._schedule(crawler, CRAWLER_STATE_CHANGE, detail, now)
        self._announced.add(ended)

    def _schedule(self, resource: Any, detail_type: str, detail: dict[str, str], when: float) -> None:
        """Queue the event of a change of ``resource`` (a job or crawler) that happened at epoch ``when``,
        as its steering tag says."""
        delay = delivery_delay(resource.backend.get_tags(resource.arn).get(STATE_EVENTS_TAG))
        if delay is None:
            return
        entry = {"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail), "Time": when}
        heapq.heappush(self._pending, (time.monotonic() + delay, next(self._order), PUT_ATTEMPTS, entry))

    def send_due(self, now: float) -> None:
        """Put each event due by monotonic ``now`` on the default bus, in order; one that raises is tried
        again at the next tick (``PUT_ATTEMPTS`` times in all)."""
        if not self._pending or self._pending[0][0] > now:
            return
        from moto.events.models import events_backends

        backend: Any = events_backends[ACCOUNT][REGION]
        retry = []
        while self._pending and self._pending[0][0] <= now:
            due, order, attempts, entry = heapq.heappop(self._pending)
            try:
                backend.put_events([entry])
            except Exception:  # noqa: BLE001 - a target could not take it (or a rule changed meanwhile)
                _LOG.warning("putting %s failed (%d attempts left)", entry["DetailType"], attempts - 1, exc_info=True)
                if attempts > 1:
                    retry.append((due, order, attempts - 1, entry))
        for item in retry:
            heapq.heappush(self._pending, item)


def start(poll_seconds: float = POLL_SECONDS) -> StateEventEmitter:
    """Start the emitter on a daemon thread of this (the server) process."""
    emitter = StateEventEmitter(poll_seconds)
    threading.Thread(target=emitter.run, name="glue-airflow-state-events", daemon=True).start()
    return emitter


def _iso(epoch: float) -> str:
    """An epoch time as Glue's event fields write it: ``2017-11-11T01:09:46Z``."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
