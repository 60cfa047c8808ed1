"""A deferred node whose trigger says its run ended while the operator still reads no end state waits again,
logged and bounded (runtime/operators/wait.py, ``REDEFER_LIMIT``).

The local endpoint holds a crawler's ``LastCrawl`` back (``glue-airflow:last-crawl-held``): once the crawl
has ended the crawler is READY, which is all the crawler waiter reads, while ``LastCrawl`` is still the crawl
before it, so the operator cannot tell the crawl's end state. Held for a few answers, the node waits again and
ends in its real state; held for good, the task fails after the limit with a message saying what to do,
instead of starting a worker forever.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.local.steering import LAST_CRAWL_HELD_TAG
from glue_workflow_provider.runtime.operators.wait import REDEFER_LIMIT

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

WARNING = "the trigger said the run ended"
#: What the crawler trigger's event says: it saw the crawler READY (glue_run.py, ``_says_what_happened``).
TRIGGER_SAW_READY = "is in an end state"


def _prepared(runner, tmp_path: Path, crawler: str, held: str) -> Path:
    """A crawler that starts a job on success, deployed, its crawls' ``LastCrawl`` held back ``held`` answers."""
    from glue_workflow_provider.local.endpoint import ACCOUNT, REGION
    from glue_workflow_provider.sources.definition_file import read_definition

    document = {
        "Workflow": {"Name": f"wf-{crawler}"},
        "Triggers": [
            {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"CrawlerName": crawler}]},
            {"Name": "then", "Type": "CONDITIONAL", "Actions": [{"JobName": f"{crawler}-next"}],
             "Predicate": {"Conditions": [{"CrawlerName": crawler, "CrawlState": "SUCCEEDED"}]}},
        ],
        "Airflow": {"default_args": {"retries": 0}},
    }
    path = tmp_path / f"{crawler}.yaml"
    path.write_text(yaml.safe_dump(document))
    runner.endpoint.deploy(read_definition(path))
    arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:crawler/{crawler}"
    runner.endpoint.client().tag_resource(ResourceArn=arn, TagsToAdd={LAST_CRAWL_HELD_TAG: held})
    return path


def test_the_endpoint_holds_last_crawl_back_for_the_answers_asked(runner, tmp_path: Path) -> None:
    """The steering itself: READY at once, ``LastCrawl`` the crawl before for two answers, then the new crawl."""
    from glue_workflow_provider.local.steering import OUTCOME_TAG, RUNNING_SECONDS_TAG

    _prepared(runner, tmp_path, "held-crawler", "0")
    glue = runner.endpoint.client()
    arn = "arn:aws:glue:us-east-1:123456789012:crawler/held-crawler"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={OUTCOME_TAG: "FAILED", RUNNING_SECONDS_TAG: "0"})
    glue.start_crawler(Name="held-crawler")
    first = glue.get_crawler(Name="held-crawler")["Crawler"]["LastCrawl"]
    glue.tag_resource(ResourceArn=arn, TagsToAdd={LAST_CRAWL_HELD_TAG: "2", OUTCOME_TAG: "SUCCEEDED"})
    glue.start_crawler(Name="held-crawler")
    answers = [glue.get_crawler(Name="held-crawler")["Crawler"] for _ in range(3)]
    assert [answer["State"] for answer in answers] == ["READY"] * 3
    assert [answer["LastCrawl"]["Status"] for answer in answers] == ["FAILED", "FAILED", "SUCCEEDED"]
    assert answers[0]["LastCrawl"]["StartTime"] == first["StartTime"] != answers[2]["LastCrawl"]["StartTime"]


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if WARNING in line]


def test_a_crawl_seen_late_waits_again_and_ends_in_its_state(runner, tmp_path: Path, capfd) -> None:
    from tests.airflow_compat import deferred_tasks

    capfd.readouterr()
    # Each wait reads the crawler three times (before deferring, the trigger's check, on resuming): 7 answers
    # held is two waits again.
    report = runner.run(_prepared(runner, tmp_path, "late-crawler", "7"))
    captured = capfd.readouterr()
    warnings = _warnings(captured.out + captured.err)
    assert report.nodes["late-crawler"].glue_state == "SUCCEEDED"
    assert report.nodes["late-crawler-next"].glue_state == "SUCCEEDED"
    assert report.state == "success"
    assert 1 <= len(warnings) < REDEFER_LIMIT, warnings
    assert all("late-crawler" in line and TRIGGER_SAW_READY in line for line in warnings), warnings
    assert f"(1 of at most {REDEFER_LIMIT})" in warnings[0]
    assert "late-crawler" in deferred_tasks("wf-late-crawler")


def test_a_crawl_never_seen_fails_after_the_limit_instead_of_waiting_forever(runner, tmp_path: Path, capfd) -> None:
    capfd.readouterr()
    report = runner.run(_prepared(runner, tmp_path, "unseen-crawler", "forever"))
    captured = capfd.readouterr()
    output = captured.out + captured.err
    warnings = _warnings(output)
    node = report.nodes["unseen-crawler"]
    assert (report.state, node.airflow_state, node.glue_state) == ("failed", "failed", None)
    assert report.nodes["unseen-crawler-next"].airflow_state == "skipped"  # no Glue end state: never started
    assert runner.endpoint.job_runs("unseen-crawler-next") == []
    crawler = runner.endpoint.client().get_crawler(Name="unseen-crawler")["Crawler"]
    assert crawler["State"] == "READY" and "LastCrawl" not in crawler  # what the waiter saw: READY, no crawl of ours
    assert len(warnings) == REDEFER_LIMIT, warnings
    assert all(TRIGGER_SAW_READY in line for line in warnings), warnings
    assert f"its trigger said the run ended {REDEFER_LIMIT + 1} times" in output
    assert "a retry reattaches to the same run" in output
