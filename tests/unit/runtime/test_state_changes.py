"""Which waiting run a Glue state-change event (as an EventBridge rule's SQS target delivers it) concerns."""

from __future__ import annotations

import json

import pytest

from glue_workflow_provider.runtime.state_changes import crawler_key, job_key, state_change


def _event(detail_type: str, detail: dict[str, str], source: str = "aws.glue") -> str:
    return json.dumps({"version": "0", "id": "e-1", "detail-type": detail_type, "source": source,
                       "account": "123456789012", "time": "2026-12-01T18:00:00Z", "region": "us-east-1",
                       "resources": [], "detail": detail})


@pytest.mark.parametrize(("state", "ended"), [("SUCCEEDED", True), ("FAILED", True), ("TIMEOUT", True),
                                               ("STOPPED", True), ("RUNNING", False), ("STARTING", False)])
def test_a_job_event_names_its_run_and_says_whether_the_state_ends_it(state: str, ended: bool) -> None:
    body = _event("Glue Job State Change", {"jobName": "load", "jobRunId": "jr_1", "state": state, "severity": "INFO"})
    change = state_change(body)
    assert change is not None
    assert (change.key, change.state, change.ended, change.event_id) == (job_key("load", "jr_1"), state, ended, "e-1")


@pytest.mark.parametrize(("state", "ended"), [("Succeeded", True), ("Failed", True), ("Started", False)])
def test_a_crawler_event_names_the_crawler_only(state: str, ended: bool) -> None:
    change = state_change(_event("Glue Crawler State Change", {"crawlerName": "raw", "state": state}))
    assert change is not None
    assert (change.key, change.ended) == (crawler_key("raw"), ended)


@pytest.mark.parametrize("body", [
    "not json",
    json.dumps(["a list"]),
    _event("Glue Job State Change", {"jobName": "load", "jobRunId": "jr_1", "state": "SUCCEEDED"}, source="my.app"),
    _event("Glue Job Run Status", {"jobName": "load", "jobRunId": "jr_1", "state": "RUNNING"}),
    _event("Glue Job State Change", {"jobName": "load", "state": "SUCCEEDED"}),  # no run id: whose?
    _event("Object Created", {"bucket": {"name": "b"}}, source="aws.s3"),
])
def test_anything_else_concerns_no_run(body: str) -> None:
    assert state_change(body) is None
