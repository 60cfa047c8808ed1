"""Throttling and passing faults injected at the local endpoint (issue 9.8): every run still ends as Glue
would, no run is ever started twice, and the calls it took are counted and bounded.

The faults are steered through the endpoint's ``glue-airflow:faults`` tag: each call of an action on the
tagged job or crawler takes the next entry (an error before anything is done, ``500-after``: done, then
answered 500). The runs are real ``dag.test()`` runs of one-node workflows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.local.glue_server import FAULTS_TAG
from glue_workflow_provider.sources.definition_file import read_definition

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]


def _prepared(runner: Any, tmp_path: Path, node: dict[str, str], faults: dict[str, list[str]]) -> Path:
    name = node.get("JobName") or node["CrawlerName"]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "Workflow": {"Name": f"wf-{name}"},
        "Triggers": [{"Name": "start", "Type": "ON_DEMAND", "Actions": [node]}],
        "Airflow": {"default_args": {"retries": 0}},
    }))
    runner.endpoint.deploy(read_definition(path))
    kind = "job" if "JobName" in node else "crawler"
    runner.endpoint.client().tag_resource(
        ResourceArn=f"arn:aws:glue:us-east-1:123456789012:{kind}/{name}", TagsToAdd={FAULTS_TAG: json.dumps(faults)}
    )
    runner.endpoint.request_counts(reset=True)
    return path


def _calls(runner: Any, action: str, name: str) -> int:
    return int(runner.endpoint.request_counts()["airflow_by_name"].get(f"{action} {name}", 0))


def test_refused_and_failed_starts_are_retried_and_start_one_run(runner, tmp_path: Path) -> None:
    faults = {"StartJobRun": ["ThrottlingException", "503", "ConcurrentRunsExceededException", "500"]}
    path = _prepared(runner, tmp_path, {"JobName": "fault-start"}, faults)
    report = runner.run(path)
    assert report.nodes["fault-start"].glue_state == "SUCCEEDED" and report.state == "success"
    assert len(runner.endpoint.job_runs("fault-start")) == 1
    assert _calls(runner, "StartJobRun", "fault-start") == 5  # four faults, then the start; none resent by botocore
    # from the first ambiguous failure (the 503) on, each attempt first looks for a run it may have started
    assert _calls(runner, "GetJobRuns", "fault-start") == 3


def test_a_start_that_worked_but_answered_500_is_found_not_repeated(runner, tmp_path: Path) -> None:
    path = _prepared(runner, tmp_path, {"JobName": "fault-after"}, {"StartJobRun": ["500-after"]})
    report = runner.run(path)
    assert report.nodes["fault-after"].glue_state == "SUCCEEDED"
    assert len(runner.endpoint.job_runs("fault-after")) == 1, "the run the failed call started was found"
    assert _calls(runner, "StartJobRun", "fault-after") == 1
    assert _calls(runner, "GetJobRuns", "fault-after") == 1


def test_faults_while_waiting_are_outlasted(runner, tmp_path: Path) -> None:
    faults = {"GetJobRun": ["ThrottlingException", "500", "503"]}
    path = _prepared(runner, tmp_path, {"JobName": "fault-wait"}, faults)
    report = runner.run(path, {"fault-wait": "TIMEOUT"})
    assert report.nodes["fault-wait"].glue_state == "TIMEOUT"  # the exact state, after the faults
    assert len(runner.endpoint.job_runs("fault-wait")) == 1
    assert _calls(runner, "GetJobRun", "fault-wait") <= 3 + 10  # the faults, then a bounded number of polls


def test_crawler_faults_are_outlasted_with_one_crawl(runner, tmp_path: Path) -> None:
    faults = {"StartCrawler": ["ThrottlingException", "500-after"], "GetCrawler": ["503", "500"]}
    path = _prepared(runner, tmp_path, {"CrawlerName": "fault-crawler"}, faults)
    report = runner.run(path)
    assert report.nodes["fault-crawler"].glue_state == "SUCCEEDED"
    assert _calls(runner, "StartCrawler", "fault-crawler") == 2  # throttled, then started (answered 500)
    crawler = runner.endpoint.client().get_crawler(Name="fault-crawler")["Crawler"]
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"


def test_a_start_refused_for_longer_than_its_budget_fails_the_task_clearly(runner, tmp_path: Path, monkeypatch) -> None:
    from glue_workflow_provider.runtime import start_call

    monkeypatch.setattr(start_call, "START_BUDGET_SECONDS", 3.0)
    path = _prepared(runner, tmp_path, {"JobName": "fault-budget"}, {"StartJobRun": ["ThrottlingException"] * 50})
    report = runner.run(path)
    assert (report.state, report.nodes["fault-budget"].airflow_state) == ("failed", "failed")
    assert runner.endpoint.job_runs("fault-budget") == []
    assert 2 <= _calls(runner, "StartJobRun", "fault-budget") <= 4  # 1 s, 2 s backoff within 3 s
