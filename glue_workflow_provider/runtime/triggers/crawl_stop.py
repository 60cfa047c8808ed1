"""Stopping a deferred crawler task's crawl from the triggerer without ever stopping a newer crawl.

StopCrawler names no crawl: it stops whatever the crawler is running. When a user clears a deferred
crawler task, Airflow cancels its trigger and calls ``on_kill`` while the new try already runs: that try
stops the old crawl itself, waits for it to end and starts its own (operators/retire.py). A StopCrawler
from ``on_kill`` that botocore retried after a 500 or a throttle landed after that start and cancelled
the new try's crawl (CI, 2026-12-07: the cleared crawler ended CANCELLED on both of its tries). So the
stop is asked on a client without botocore's retries (``NO_RETRIES``), and before each attempt the
crawler is read again: only a crawl that is still this try's is stopped (``crawl_is_ours``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from glue_workflow_provider.runtime.triggers.crawls import crawl_is_ours

#: botocore settings for the stopping client: one attempt per call; the loop below retries, asking first.
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}
#: How often a failed GetCrawler / StopCrawler is tried again (waits 1, 2, 4, 4 s between).
STOP_ATTEMPTS = 5


async def stop_our_crawl(client: Any, crawler_name: str, crawl: dict[str, Any], log: Any) -> None:
    """StopCrawler while, and only while, the crawler is running the crawl of ``crawl``."""
    for attempt in range(1, STOP_ATTEMPTS + 1):
        try:
            await _stop_once(client, crawler_name, crawl, log)
            return
        except client.exceptions.CrawlerNotRunningException:
            log.info("Glue crawler %s was not running any more", crawler_name)
            return
        except Exception as exc:  # a 500, a throttle, a lost connection: ask again whether the crawl is ours
            if attempt == STOP_ATTEMPTS:
                raise
            log.warning("Stopping Glue crawler %s failed (%s); asking again whether its crawl is ours",
                        crawler_name, exc)
            await asyncio.sleep(min(2 ** (attempt - 1), 4))


async def _stop_once(client: Any, crawler_name: str, crawl: dict[str, Any], log: Any) -> None:
    """One GetCrawler and, if the crawl running is ours, one StopCrawler."""
    crawler = (await client.get_crawler(Name=crawler_name))["Crawler"]
    if not crawl_is_ours(crawler, crawl):
        log.info("Glue crawler %s is not running the crawl of this try; left as it is", crawler_name)
        return
    log.info("Stopping Glue crawler %s (the task was stopped in Airflow)", crawler_name)
    await client.stop_crawler(Name=crawler_name)
