"""GlueWorkflowCrawlerOperator: run an existing Glue crawler as a workflow node (StartCrawler only)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.runtime.exceptions import (
    GlueNodeNotFoundError,
    GlueNodeWaitError,
)
from glue_workflow_provider.runtime.hooks import GlueWorkflowCrawlerHook
from glue_workflow_provider.runtime.links import CRAWLER_LINKS, aws_domain, crawler_url, link_fields
from glue_workflow_provider.runtime.node_record.record import GLUE_RUN_KEY
from glue_workflow_provider.runtime.operators.node import GlueNodeOperator
from glue_workflow_provider.runtime.operators.state_change_option import WakesOnStateChanges
from glue_workflow_provider.runtime.run_record import RunRecord
from glue_workflow_provider.runtime.start_call import start_once
from glue_workflow_provider.runtime.triggers.crawls import crawl_end_state, crawl_is_ours, iso_time
from glue_workflow_provider.runtime.triggers.glue_run import GlueCrawlEndedTrigger

#: XCom ``glue_run_id`` of a node whose crawl is the crawler's first (no crawl before it to tell it by).
FIRST_CRAWL = "first crawl"
#: Crawls have no Glue timeout; waiting stops after this long (a week, Glue's longest job limit).
MAX_CRAWL_MINUTES = 7 * 24 * 60


class GlueWorkflowCrawlerOperator(WakesOnStateChanges, GlueNodeOperator[GlueWorkflowCrawlerHook]):
    """Start an existing Glue crawler with StartCrawler only (never UpdateCrawler) and wait for its crawl.

    The crawl is told apart from earlier ones by ``LastCrawl.StartTime`` (no clock comparison), and its exact
    end state (SUCCEEDED, FAILED, CANCELLED) is recorded in XCom ``glue_state``.

    .. seealso:: docs/operating.md#operators
    """

    aws_hook_class = GlueWorkflowCrawlerHook
    node_type = NodeType.CRAWLER
    operator_extra_links = CRAWLER_LINKS
    ui_color = "#2e7d6b"

    #: A crawl puts no run property, so no task reads this task's put (one execution-API call saved each).
    can_put_run_properties = False

    def __init__(self, **kwargs: Any) -> None:
        """Airflow wraps each operator class's own ``__init__`` (``apply_defaults``) and expects the one it
        calls first to be wrapped: without this, that would be the (unwrapped) mixin's."""
        super().__init__(**kwargs)

    def _crawler(self) -> dict[str, Any]:
        crawler: dict[str, Any] = self.glue.get_crawler(Name=self.glue_name)["Crawler"]
        return crawler

    def prepare(self) -> dict[str, Any]:
        """Which crawl was the last before ours (ours is the first newer one)."""
        try:
            return {"previous_start": iso_time((self._crawler().get("LastCrawl") or {}).get("StartTime"))}
        except ClientError as exc:
            self._raise_not_found(exc)
            raise

    def submit(self, context: Any, start: StartPlan, seen: dict[str, str], record: RunRecord) -> dict[str, Any]:
        """StartCrawler (waiting out a crawl that is still running, within the start budget)."""
        run = {"previous_start": record.intent.get("previous_start")}

        def start_crawl() -> dict[str, Any]:
            self.hook.start_client.start_crawler(Name=self.glue_name)
            return run

        try:
            start_once(start_crawl, lambda: self.find_started(record), f"Glue crawler '{self.glue_name}'")
        except ClientError as exc:
            self._raise_not_found(exc)
            if exc.response.get("Error", {}).get("Code") == "CrawlerRunningException":
                raise GlueNodeWaitError(
                    f"Glue crawler '{self.glue_name}' is still running a crawl started elsewhere; "
                    "this node starts it when that crawl ends (retry)"
                ) from exc
            raise
        self.log.info("Started Glue crawler '%s'", self.glue_name)
        self.reattached(context, run)
        return run

    def find_started(self, record: RunRecord) -> dict[str, Any] | None:
        """The crawl started for ``record``: the crawler is crawling, or has crawled since the intent."""
        if "previous_start" not in record.intent:
            return None
        crawler = self._crawler()
        latest = iso_time((crawler.get("LastCrawl") or {}).get("StartTime"))
        if crawler.get("State") in ("RUNNING", "STOPPING") or latest != record.intent["previous_start"]:
            return {"previous_start": record.intent["previous_start"]}
        return None

    def reattached(self, context: Any, run: dict[str, Any]) -> None:
        """Which crawl this node waits for in XCom (cleared by Airflow between tries), and the links' fields.

        The links name the crawler, not the crawl (Glue's crawls have no id; the log stream is the crawler's).
        """
        context["ti"].xcom_push(key=GLUE_RUN_KEY, value=run.get("previous_start") or FIRST_CRAWL)
        self.link_fields = link_fields(self, crawler_name=self.glue_name)

    def run_from_glue_run_id(self, value: str | None) -> dict[str, Any] | None:
        """``{"previous_start": ...}``: the start of the crawl before ours (FIRST_CRAWL: there was none)."""
        return {"previous_start": None if value in (None, FIRST_CRAWL) else value}

    def _raise_not_found(self, exc: ClientError) -> None:
        if exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
            raise GlueNodeNotFoundError(
                f"Glue crawler '{self.glue_name}' does not exist (region {self.hook.conn_region_name}); "
                "glue-airflow never creates crawlers while running: deploy it or fix its name"
            ) from exc

    def end_state(self, run: dict[str, Any]) -> str | None:
        """LastCrawl.Status once the crawler is READY again after a crawl newer than the one before ours."""
        return crawl_end_state(self._crawler(), run)

    def wait_minutes(self, run: dict[str, Any]) -> int:
        """Crawls have no timeout in Glue."""
        return MAX_CRAWL_MINUTES

    def ended_trigger(
        self, run: dict[str, Any], attempts: int, succeeded_xcoms: dict[str, Any] | None = None
    ) -> GlueCrawlEndedTrigger:
        """Wait in the triggerer until the crawler is READY."""
        return GlueCrawlEndedTrigger(crawler_name=self.glue_name, **self.trigger_kwargs(run, attempts, succeeded_xcoms))

    def stop(self, run: dict[str, Any]) -> None:
        """StopCrawler, if the crawl running is the one of ``run`` (a crawler that is not is left as it is)."""
        if not crawl_is_ours(self._crawler(), run):
            self.log.info("Glue crawler '%s' is not running the crawl of this task; left as it is", self.glue_name)
            return
        try:
            self.glue.stop_crawler(Name=self.glue_name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "CrawlerNotRunningException":
                raise
            self.log.info("Glue crawler '%s' was not running any more", self.glue_name)

    def describe(self, run: dict[str, Any]) -> str:
        """The crawl's start time, and Glue's error message when there is one."""
        error = f": {run['error']}" if run.get("error") else ""
        return f"crawl started {run.get('started') or 'after ' + str(run.get('previous_start'))}{error}"


    def console_link(self, run: dict[str, Any]) -> str | None:
        """The crawler's Glue console page."""
        domain = aws_domain(self)
        return crawler_url(domain, self.hook.conn_region_name, self.glue_name) if domain else None

    def run_details(self, run: dict[str, Any]) -> dict[str, Any]:
        """The crawler and the start of its crawl (crawls have no id, arguments or timeout)."""
        return {"crawler_name": self.glue_name, "crawl_started": run.get("started")}
