"""How a node tells its crawl apart from the crawler's others, written once for the operator and its trigger.

Glue's crawls have no id: a node records the start time of the crawler's last crawl before its own
(``previous_start``; None when there was none), and its crawl is the first one newer than that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from glue_workflow_provider.model.states import NodeType, is_end_state


def iso_time(value: object) -> str | None:
    """A crawl's start time as text (boto3 gives datetimes), so it can be kept in JSON and compared."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if value else None


def crawl_is_ours(crawler: dict[str, Any], run: dict[str, Any]) -> bool:
    """Whether the crawler is running the crawl of ``run``: crawling, with the crawl before ours still its last.

    ``LastCrawl`` is the last crawl that ended (its Status is SUCCEEDED, CANCELLED or FAILED), so while ours
    runs it still is the one recorded before we started; a crawl started since ours ended would follow a newer
    one. StopCrawler names no crawl, so it is only called when this holds.
    """
    last = iso_time((crawler.get("LastCrawl") or {}).get("StartTime"))
    return crawler.get("State") == "RUNNING" and last == run.get("previous_start")


def crawl_end_state(crawler: dict[str, Any], run: dict[str, Any]) -> str | None:
    """``LastCrawl.Status`` once the crawler is READY again after a crawl newer than the one before ours (None
    while ours has not ended); fills ``run`` with the crawl's start and Glue's error message."""
    last = crawler.get("LastCrawl") or {}
    started = iso_time(last.get("StartTime"))
    if crawler.get("State") != "READY" or not last or started == run.get("previous_start"):
        return None
    run["started"] = started
    if last.get("ErrorMessage"):
        run["error"] = last["ErrorMessage"]
    status = last.get("Status")
    return status if status and is_end_state(NodeType.CRAWLER, status) else None
