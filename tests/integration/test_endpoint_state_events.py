"""The local endpoint's EventBridge state-change events, end to end with boto3 only: a rule made by
``LocalGlueEndpoint.state_change_queue`` delivers to an SQS queue one "Glue Job State Change" per run that
ends SUCCEEDED, FAILED, TIMEOUT or STOPPED, and a crawl's "Glue Crawler State Change" Started, then
Succeeded or Failed (none for a cancelled crawl, as Glue documents none); ``glue-airflow:state-events``
loses (``off``) or delays (``delay:S``) them; a run still RUNNING sends nothing; with no rule nothing is
delivered and nothing breaks.

Timing assertions are generous bounds (an event within a few seconds of the change, a delayed one not
before most of its delay): the machine is shared. The message body is moto's rendering of the event: it
has no ``account`` field (moto's default target template leaves it out) and ``time`` has whole seconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from glue_workflow_provider.local.endpoint import LocalGlueEndpoint
from glue_workflow_provider.local.glue_server import OUTCOME_TAG, RUNNING_SECONDS_TAG, STATE_EVENTS_TAG

pytestmark = [pytest.mark.endpoint]

PREFIX = "arn:aws:glue:us-east-1:123456789012"
#: An event arrives this soon after its change (the emitter looks every 0.15 s; generous on a shared machine).
PROMPT = 5.0
#: How long a test keeps reading after its events came, to see that no more (no duplicate) follow: four
#: looks of the emitter.
SETTLE = 0.6


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalGlueEndpoint]:
    """A fresh endpoint for this module (the tests change its EventBridge rules)."""
    with LocalGlueEndpoint() as local:
        yield local


class Inbox:
    """Every message the state-change queue delivered, with when it arrived; tests pick theirs by name."""

    def __init__(self, endpoint: LocalGlueEndpoint) -> None:
        self.sqs, self.url = endpoint.client("sqs"), endpoint.state_change_queue()
        self.received: list[tuple[float, dict[str, Any]]] = []

    def read(self, seconds: float) -> None:
        """Receive (and delete) for ``seconds``."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            reply = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in reply.get("Messages", []):
                self.received.append((time.time(), json.loads(message["Body"])))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def of(self, name: str) -> list[tuple[float, dict[str, Any]]]:
        """The events (arrival time, body) of the job or crawler ``name``, in arrival order."""
        return [(at, event) for at, event in self.received
                if name in (event["detail"].get("jobName"), event["detail"].get("crawlerName"))]

    def wait(self, counts: dict[str, int], timeout: float = 20.0) -> None:
        """Read until each name has at least its count of events (or ``timeout``), then SETTLE more."""
        deadline = time.time() + timeout
        while time.time() < deadline and any(len(self.of(name)) < n for name, n in counts.items()):
            self.read(0.5)
        self.read(SETTLE)


@pytest.fixture(scope="module")
def inbox(endpoint: LocalGlueEndpoint) -> Inbox:
    return Inbox(endpoint)


def _job(glue: Any, name: str, **tags: str) -> None:
    glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/r",
                    Command={"Name": "glueetl", "ScriptLocation": f"s3://scripts/{name}.py"})
    glue.tag_resource(ResourceArn=f"{PREFIX}:job/{name}", TagsToAdd=tags)


def _crawler(glue: Any, name: str, **tags: str) -> None:
    glue.create_crawler(Name=name, Role="arn:aws:iam::123456789012:role/r", DatabaseName="db",
                        Targets={"S3Targets": [{"Path": f"s3://data/{name}/"}]})
    glue.tag_resource(ResourceArn=f"{PREFIX}:crawler/{name}", TagsToAdd=tags)


def _state(glue: Any, name: str, run_id: str) -> str:
    return str(glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]["JobRunState"])


def _epoch(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S%z").timestamp()


def _assert_job_event(event: dict[str, Any], name: str, run_id: str, state: str, severity: str) -> None:
    assert event["source"] == "aws.glue" and event["detail-type"] == "Glue Job State Change"
    assert event["region"] == "us-east-1" and event["resources"] == []
    detail = event["detail"]
    assert (detail["jobName"], detail["jobRunId"], detail["state"], detail["severity"]) == (
        name, run_id, state, severity)
    assert detail["message"]
    _epoch(event["time"])  # an ISO time, as EventBridge writes it


def test_each_ended_run_sends_one_event_with_its_state(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue = endpoint.client()
    outcomes = {"ev-succeeds": ("SUCCEEDED", "INFO"), "ev-fails": ("FAILED", "ERROR"),
                "ev-times-out": ("TIMEOUT", "WARN")}  # the severities of Glue's documented examples
    for name, (state, _) in outcomes.items():
        _job(glue, name, **{OUTCOME_TAG: state, RUNNING_SECONDS_TAG: "0.5"})
    before = time.time()
    runs = {name: glue.start_job_run(JobName=name)["JobRunId"] for name in outcomes}
    inbox.wait(dict.fromkeys(outcomes, 1))
    for name, (state, severity) in outcomes.items():
        events = inbox.of(name)
        assert len(events) == 1, events
        arrived, event = events[0]
        _assert_job_event(event, name, runs[name], state, severity)
        assert before + 0.5 <= arrived < before + 0.5 + PROMPT  # not before the run ended, soon after
        assert glue.get_job_run(JobName=name, RunId=runs[name])["JobRun"]["JobRunState"] == state
    assert "failed to execute" in inbox.of("ev-fails")[0][1]["detail"]["message"]


def test_a_running_run_sends_nothing_until_it_is_stopped(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue = endpoint.client()
    _job(glue, "ev-stopped", **{RUNNING_SECONDS_TAG: "600"})
    run_id = glue.start_job_run(JobName="ev-stopped")["JobRunId"]
    inbox.read(1.0)  # several looks of the emitter
    assert inbox.of("ev-stopped") == []
    assert glue.get_job_run(JobName="ev-stopped", RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
    stopped_at = time.time()
    glue.batch_stop_job_run(JobName="ev-stopped", JobRunIds=[run_id])
    inbox.wait({"ev-stopped": 1})
    events = inbox.of("ev-stopped")
    assert len(events) == 1, events
    _assert_job_event(events[0][1], "ev-stopped", run_id, "STOPPED", "INFO")
    assert stopped_at <= events[0][0] < stopped_at + PROMPT


def test_a_crawl_sends_started_then_its_end(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue = endpoint.client()
    _crawler(glue, "ev-crawls", **{RUNNING_SECONDS_TAG: "0.5"})
    _crawler(glue, "ev-crawl-fails", **{RUNNING_SECONDS_TAG: "0.5", OUTCOME_TAG: "FAILED"})
    _crawler(glue, "ev-crawl-stopped", **{RUNNING_SECONDS_TAG: "600"})
    before = time.time()
    for name in ("ev-crawls", "ev-crawl-fails", "ev-crawl-stopped"):
        glue.start_crawler(Name=name)
    inbox.wait({"ev-crawls": 2, "ev-crawl-fails": 2, "ev-crawl-stopped": 1})
    glue.stop_crawler(Name="ev-crawl-stopped")  # cancelled: Glue documents no event for it
    for name, end in (("ev-crawls", "Succeeded"), ("ev-crawl-fails", "Failed")):
        events = inbox.of(name)
        assert [event["detail"]["state"] for _, event in events] == ["Started", end], events
        (started_at, started), (ended_at, ended) = events
        assert started["detail"]["message"] == "Crawler Started" and ended["detail"]["message"] == f"Crawler {end}"
        for event in (started, ended):
            assert event["source"] == "aws.glue" and event["detail-type"] == "Glue Crawler State Change"
            assert event["detail"]["accountId"] == "123456789012"
        assert started_at < before + PROMPT
        assert before + 0.5 <= ended_at < before + 0.5 + PROMPT
    assert "errorMessage" in inbox.of("ev-crawl-fails")[1][1]["detail"]
    inbox.read(SETTLE)
    assert [event["detail"]["state"] for _, event in inbox.of("ev-crawl-stopped")] == ["Started"]
    last = glue.get_crawler(Name="ev-crawl-stopped")["Crawler"]["LastCrawl"]
    assert last["Status"] == "CANCELLED"


def test_off_loses_the_events_of_a_job_and_a_crawler(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue = endpoint.client()
    _job(glue, "ev-off", **{RUNNING_SECONDS_TAG: "0.5", STATE_EVENTS_TAG: "off"})
    _crawler(glue, "ev-crawl-off", **{RUNNING_SECONDS_TAG: "0.5", STATE_EVENTS_TAG: "off"})
    _job(glue, "ev-on", **{RUNNING_SECONDS_TAG: "0.5"})  # the same run untagged: the emitter is working
    run_id = glue.start_job_run(JobName="ev-off")["JobRunId"]
    glue.start_crawler(Name="ev-crawl-off")
    glue.start_job_run(JobName="ev-on")
    inbox.wait({"ev-on": 1})
    assert len(inbox.of("ev-on")) == 1
    assert inbox.of("ev-off") == [] and inbox.of("ev-crawl-off") == []
    assert glue.get_job_run(JobName="ev-off", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    assert glue.get_crawler(Name="ev-crawl-off")["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"


def test_delay_sends_the_event_late_with_the_time_of_the_change(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue = endpoint.client()
    delay = 2.0
    _job(glue, "ev-late", **{RUNNING_SECONDS_TAG: "0.5", STATE_EVENTS_TAG: f"delay:{delay:g}"})
    before = time.time()
    run_id = glue.start_job_run(JobName="ev-late")["JobRunId"]
    inbox.wait({"ev-late": 1})
    events = inbox.of("ev-late")
    assert len(events) == 1, events
    arrived, event = events[0]
    _assert_job_event(event, "ev-late", run_id, "SUCCEEDED", "INFO")
    ended = before + 0.5
    assert ended + delay - 0.3 <= arrived < ended + delay + PROMPT  # about S late (never before)
    assert _epoch(event["time"]) <= arrived - 1.0  # the event's time is the change's, not the delivery's


def test_without_a_rule_nothing_is_delivered_and_nothing_breaks(endpoint: LocalGlueEndpoint, inbox: Inbox) -> None:
    glue, events = endpoint.client(), endpoint.client("events")
    rule = "glue-airflow-state-changes"
    events.remove_targets(Rule=rule, Ids=[target["Id"] for target in events.list_targets_by_rule(Rule=rule)["Targets"]])
    events.delete_rule(Name=rule)
    _job(glue, "ev-no-rule", **{RUNNING_SECONDS_TAG: "0.3"})
    first = glue.start_job_run(JobName="ev-no-rule")["JobRunId"]
    deadline = time.time() + 20
    while _state(glue, "ev-no-rule", first) == "RUNNING" and time.time() < deadline:
        time.sleep(0.1)
    assert _state(glue, "ev-no-rule", first) == "SUCCEEDED"
    inbox.read(SETTLE)  # its event is put while no rule matches
    assert endpoint.request_counts()["actions"]  # the server still answers
    assert endpoint.state_change_queue() == inbox.url == endpoint.state_change_queue()  # idempotent
    second = glue.start_job_run(JobName="ev-no-rule")["JobRunId"]
    inbox.wait({"ev-no-rule": 1})
    assert [event["detail"]["jobRunId"] for _, event in inbox.of("ev-no-rule")] == [second]  # once, and not the first
