"""``glue-airflow render``: the schedule as the JSON contract gives it, with exact next run times.

Expected times are worked out by hand from a printed calendar: 2031 has the calendar of 2025 (both start on
a Wednesday and are not leap years), so 2031-01-01 is a Wednesday.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.compile.render import render
from glue_workflow_provider.sources.definition_file import load_text

NOW = datetime(2031, 1, 1, tzinfo=UTC)
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-events"


def view(trigger: str, airflow: str = "") -> dict:
    text = f"Workflow:\n  Name: wf\nTriggers:\n{trigger}    Actions:\n      - JobName: a\n{airflow}"
    plan = plan_workflow(load_text(text, "wf.yaml").require()).plan
    assert plan is not None
    return json.loads(render(plan, "json", now=NOW))


def scheduled(expression: str) -> str:
    return f"  - Name: s\n    Type: SCHEDULED\n    Schedule: {expression}\n"


NEXT_RUNS = [
    ("cron(0 6 1 * ? *)", ["2031-01-01T06:00:00Z", "2031-02-01T06:00:00Z", "2031-03-01T06:00:00Z",
                           "2031-04-01T06:00:00Z", "2031-05-01T06:00:00Z"]),
    ("cron(0 12 ? * 2 *)", ["2031-01-06T12:00:00Z", "2031-01-13T12:00:00Z", "2031-01-20T12:00:00Z",
                            "2031-01-27T12:00:00Z", "2031-02-03T12:00:00Z"]),  # 2 = Monday
    ("cron(0 10 ? * 6#3 *)", ["2031-01-17T10:00:00Z", "2031-02-21T10:00:00Z", "2031-03-21T10:00:00Z",
                              "2031-04-18T10:00:00Z", "2031-05-16T10:00:00Z"]),  # third Fridays
    ("cron(0 0 L * ? *)", ["2031-01-31T00:00:00Z", "2031-02-28T00:00:00Z", "2031-03-31T00:00:00Z",
                           "2031-04-30T00:00:00Z", "2031-05-31T00:00:00Z"]),
    ("cron(0 0 15W * ? *)", ["2031-01-15T00:00:00Z", "2031-02-14T00:00:00Z", "2031-03-14T00:00:00Z",
                             "2031-04-15T00:00:00Z", "2031-05-15T00:00:00Z"]),  # Feb/Mar 15th: Sat
    ("cron(0 12 1 1 ? 2032-2033)", ["2032-01-01T12:00:00Z", "2033-01-01T12:00:00Z"]),  # then none left
    ("cron(0 12 * * ? 2020)", []),  # a past year never fires
]


@pytest.mark.parametrize(("expression", "runs"), NEXT_RUNS)
def test_json_next_runs_are_the_exact_glue_fire_times(expression: str, runs: list[str]) -> None:
    rendered = view(scheduled(expression))
    assert rendered["next_runs"] == runs
    assert rendered["schedule"]["expression"] == expression


def test_json_schedule_says_the_cron_in_words() -> None:
    schedule = view(scheduled("cron(0 6 1 * ? *)"))["schedule"]
    assert (schedule["kind"], schedule["cron"], schedule["timezone"]) == ("cron", "0 6 1 * *", "UTC")
    assert schedule["description"] == "At 06:00 UTC on day 1 of every month"
    assert schedule["event"] is None


def test_json_event_schedule_names_the_queue_and_the_batching() -> None:
    trigger = "  - Name: e\n    Type: EVENT\n    EventBatchingCondition: {BatchSize: 3, BatchWindow: 60}\n"
    rendered = view(trigger, f"Airflow:\n  event_queue_url: {QUEUE}\n")
    schedule = rendered["schedule"]
    assert schedule["kind"] == "event"
    assert schedule["event"] == {"queue_url": QUEUE, "batch_size": 3, "batch_window": 60}
    assert QUEUE in schedule["summary"] and "every 3 events" in schedule["summary"]
    assert "60 s after the first event" in schedule["description"]
    assert rendered["next_runs"] == []


def test_event_batching_defaults_are_glues() -> None:
    rendered = view("  - Name: e\n    Type: EVENT\n", f"Airflow:\n  event_queue_url: {QUEUE}\n")
    assert rendered["schedule"]["event"] == {"queue_url": QUEUE, "batch_size": 1, "batch_window": 900}


def test_text_render_shows_the_schedule_in_words() -> None:
    text = "Workflow:\n  Name: wf\nTriggers:\n" + scheduled("cron(0 10 ? * 6L *)") + "    Actions:\n      - JobName: a\n"
    plan = plan_workflow(load_text(text, "wf.yaml").require()).plan
    assert plan is not None
    lines = render(plan, "text", now=NOW).splitlines()
    assert "  schedule: cron(0 10 ? * 6L *) (UTC)" in lines
    assert "  which is: At 10:00 UTC on the last Friday of every month" in lines
    assert "  next runs: 2031-01-31T10:00:00Z, 2031-02-28T10:00:00Z, 2031-03-28T10:00:00Z, " \
           "2031-04-25T10:00:00Z, 2031-05-30T10:00:00Z" in lines
