"""``Airflow.state_change_queue_url``: deferred waits wake on Glue's state-change events, polling only as the
fallback, and still take the run's state from Glue.

The local endpoint sends "Glue Job State Change" and "Glue Crawler State Change" events through its
EventBridge to the SQS queue of a rule (``LocalGlueEndpoint.state_change_queue``), as Glue does; its
``glue-airflow:state-events`` tag loses a job's events. dag.test() runs the tasks and their triggers in this
process. Counts are taken at the endpoint: with a fallback interval far longer than each run, a wait that
ended after exactly one check was woken by the event, not found by a poll.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.test_job_logs import _deferred, info_logs  # noqa: F401 - a fixture

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

#: Far longer than any run here: a wait that ends before it was woken by an event.
FALLBACK = 90
RUN_SECONDS = 4.0


@pytest.fixture
def queue(runner, request) -> str:
    """A state-change queue of the test's own (with its rule on Glue's events), so no test sees another's."""
    name = "sc-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:60]
    return str(runner.endpoint.state_change_queue(name))


@pytest.fixture
def slower(runner) -> Iterator[Any]:
    """Runs RUNNING for RUN_SECONDS with a 1 s first check (poll_interval), so every task defers."""
    saved = runner.endpoint.running_seconds, runner.poll_interval
    runner.endpoint.running_seconds, runner.poll_interval = RUN_SECONDS, 1
    try:
        yield runner
    finally:
        runner.endpoint.running_seconds, runner.poll_interval = saved


def _definition(tmp_path: Path, name: str, queue_url: str | None, fallback: int = FALLBACK,
                jobs: tuple[str, ...] = (), crawlers: tuple[str, ...] = ()) -> Path:
    settings: dict[str, Any] = {"deferrable": True}
    if queue_url:
        settings.update(state_change_queue_url=queue_url, state_change_poll_interval=fallback)
    actions = [{"JobName": j} for j in jobs] + [{"CrawlerName": c} for c in crawlers]
    document = {"Workflow": {"Name": name}, "Triggers": [{"Name": "start", "Type": "ON_DEMAND", "Actions": actions}],
                "Airflow": settings}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _calls(runner, action: str, name: str) -> int:
    """Calls Airflow made (by its User-Agent; the runner's own report reads each run once more)."""
    return int(runner.endpoint.request_counts()["airflow_by_name"].get(f"{action} {name}", 0))


def test_a_deferred_job_wakes_on_its_end_event_after_one_check(slower, queue, tmp_path: Path) -> None:
    slower.endpoint.request_counts(reset=True)
    report = slower.run(_definition(tmp_path, "sc-wake", queue, jobs=("sc-a", "sc-b")), {"sc-b": "FAILED"})
    assert {n: r.glue_state for n, r in report.nodes.items()} == {"sc-a": "SUCCEEDED", "sc-b": "FAILED"}
    assert _deferred("sc-wake") == ["sc-a", "sc-b"]
    for job in ("sc-a", "sc-b"):
        # after StartJobRun; the trigger's one check, on the event; the resumed task's
        assert _calls(slower, "GetJobRun", job) == 3, slower.endpoint.request_counts()["airflow_by_name"]


def test_without_a_queue_the_same_wait_polls(slower, tmp_path: Path) -> None:
    slower.endpoint.request_counts(reset=True)
    report = slower.run(_definition(tmp_path, "sc-poll", None, jobs=("sc-p",)))
    assert report.nodes["sc-p"].glue_state == "SUCCEEDED"
    assert _calls(slower, "GetJobRun", "sc-p") > 3  # one check a second while the run lasts


def test_a_crawler_wakes_on_its_end_event(slower, queue, tmp_path: Path) -> None:
    slower.endpoint.request_counts(reset=True)
    report = slower.run(_definition(tmp_path, "sc-crawl", queue, crawlers=("sc-c",)), {"sc-c": "FAILED"})
    assert report.nodes["sc-c"].glue_state == "FAILED"
    assert _deferred("sc-crawl") == ["sc-c"]
    polled = _calls(slower, "GetCrawler", "sc-c")
    slower.endpoint.request_counts(reset=True)
    slower.run(_definition(tmp_path, "sc-crawl-poll", None, crawlers=("sc-c",)), {"sc-c": "FAILED"})
    assert polled < _calls(slower, "GetCrawler", "sc-c")  # fewer checks than polling once a second


def test_a_lost_event_falls_back_to_polling_and_says_so(slower, queue, tmp_path: Path, capfd, info_logs) -> None:  # noqa: F811
    from glue_workflow_provider.local.glue_server import STATE_EVENTS_TAG

    path = _definition(tmp_path, "sc-lost-wf", queue, fallback=3, jobs=("sc-lost",))
    slower.endpoint.deploy(_load(path))
    slower.endpoint.client().tag_resource(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/sc-lost",
                                          TagsToAdd={STATE_EVENTS_TAG: "off"})
    capfd.readouterr()
    report = slower.run(path)
    output = "".join(capfd.readouterr())
    assert report.nodes["sc-lost"].glue_state == "SUCCEEDED"
    assert "no state-change event of it came" in output


def test_an_unreadable_queue_polls_at_the_poll_interval(slower, tmp_path: Path, capfd, info_logs) -> None:  # noqa: F811
    missing = f"{slower.endpoint.url}/123456789012/no-such-queue"
    capfd.readouterr()
    slower.endpoint.request_counts(reset=True)
    report = slower.run(_definition(tmp_path, "sc-missing", missing, jobs=("sc-m",)))
    output = "".join(capfd.readouterr())
    assert report.nodes["sc-m"].glue_state == "SUCCEEDED"
    assert "cannot be read" in output  # said in the task log (the triggerer log has the error)
    assert _calls(slower, "GetJobRun", "sc-m") > 3  # polled every second, not every FALLBACK


def _load(path: Path) -> Any:
    from glue_workflow_provider.sources.definition_file import load_definition

    return load_definition(path).require()
