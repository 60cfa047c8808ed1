"""A deferred crawler task's trigger stops its crawl, and never a newer one (runtime/triggers/crawl_stop.py).

StopCrawler names no crawl. When a user clears a deferred crawler task, the trigger's ``on_kill`` and the
new try (which stops the old crawl itself, waits and starts its own) run at once; a StopCrawler retried by
botocore after a 500 once landed after the new start and cancelled the new try's crawl (CI, 2026-12-07).
Here the trigger's ``on_kill`` runs against the local endpoint's real HTTP Glue API, with faults steered
there, and, in the second test, with a new try's stop and start made while it waits to ask again.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]


def _running_crawler(runner: Any, tmp_path: Path, name: str, faults: dict[str, list[str]]) -> dict[str, Any]:
    """Crawler ``name`` deployed and crawling (for a minute), with ``faults`` steered; the run a task records."""
    from glue_workflow_provider.local.endpoint import ACCOUNT, REGION
    from glue_workflow_provider.local.steering import FAULTS_TAG, RUNNING_SECONDS_TAG
    from glue_workflow_provider.sources.definition_file import read_definition

    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"Workflow": {"Name": f"wf-{name}"},
                                    "Triggers": [{"Name": "start", "Type": "ON_DEMAND", "Actions": [{"CrawlerName": name}]}]}))
    runner.endpoint.deploy(read_definition(path))
    glue = runner.endpoint.client()
    arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:crawler/{name}"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={RUNNING_SECONDS_TAG: "60"})
    glue.start_crawler(Name=name)
    glue.tag_resource(ResourceArn=arn, TagsToAdd={FAULTS_TAG: json.dumps(faults)})
    runner.endpoint.request_counts(reset=True)
    return {"previous_start": None}


def _trigger(name: str, crawl: dict[str, Any]) -> Any:
    from glue_workflow_provider.runtime.triggers.glue_run import GlueCrawlEndedTrigger

    return GlueCrawlEndedTrigger(crawler_name=name, run=crawl, waiter_delay=1, waiter_max_attempts=10)


def _calls(runner: Any, action: str, name: str) -> int:
    return int(runner.endpoint.request_counts()["by_name"].get(f"{action} {name}", 0))


def test_a_failed_stop_is_asked_again_after_reading_the_crawler_again(runner, tmp_path: Path) -> None:
    name = "stop-faults"
    crawl = _running_crawler(runner, tmp_path, name, {"GetCrawler": ["ThrottlingException"], "StopCrawler": ["500"]})
    asyncio.run(_trigger(name, crawl).on_kill())
    crawler = runner.endpoint.client().get_crawler(Name=name)["Crawler"]
    assert crawler["LastCrawl"]["Status"] == "CANCELLED", crawler
    # throttled read, read, 500 on the stop (not resent by botocore), read again, stop; and the test's read
    assert (_calls(runner, "GetCrawler", name), _calls(runner, "StopCrawler", name)) == (4, 2)


def test_a_crawl_a_new_try_started_meanwhile_is_left_running(runner, tmp_path: Path) -> None:
    name = "stop-race"
    crawl = _running_crawler(runner, tmp_path, name, {"StopCrawler": ["500"]})
    glue = runner.endpoint.client()

    def new_try() -> None:
        """What a cleared task's new try does once the old stop failed: stop the old crawl, wait, start."""
        deadline = time.monotonic() + 30
        while _calls(runner, "StopCrawler", name) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        glue.stop_crawler(Name=name)
        while glue.get_crawler(Name=name)["Crawler"]["State"] != "READY":
            time.sleep(0.05)
        glue.start_crawler(Name=name)

    async def both() -> None:
        await asyncio.gather(_trigger(name, crawl).on_kill(), asyncio.to_thread(new_try))

    asyncio.run(both())
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["State"] == "RUNNING", "the old trigger stopped the new try's crawl"
    assert crawler["LastCrawl"]["Status"] == "CANCELLED"
