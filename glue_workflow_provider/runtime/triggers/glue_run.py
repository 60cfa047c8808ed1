"""Triggers that wait, without a worker slot, until a Glue job run or crawl has ended in any end state.

Waiting is configured as data (waiters/glue_workflow.json); the operator reads the exact end state when it
resumes, so a TIMEOUT is never read as a FAILED and ERROR ends the wait at once. Each event carries the
operator's run reference (``run``), so resuming needs nothing else (dag.test() keeps only the event).

A deferred task has no worker to stop its run: when a user marks it failed or success, or clears it, Airflow
cancels its trigger and calls the trigger's ``on_kill`` (never on a triggerer restart or redistribution),
which stops the Glue run here, best effort, as the operator's ``on_kill`` does for a running task.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from airflow.providers.amazon.aws.triggers.base import AwsBaseWaiterTrigger
from airflow.triggers.base import TriggerEvent

from glue_workflow_provider.runtime.hooks import GlueWorkflowCrawlerHook, GlueWorkflowJobHook


class _FirstCheckAfterOneDelay:
    """Check first after one ``waiter_delay``, not at once.

    The operator checks the run before it defers, so an immediate check only repeats that one; and a trigger
    that fires within seconds of the deferral can lose to an Airflow 3.3 scheduler race that fails the
    resumed task (apache/airflow#71580, #72716).
    """

    waiter_delay: int

    async def run(self) -> AsyncIterator[TriggerEvent]:
        await asyncio.sleep(self.waiter_delay)
        async for event in super().run():  # type: ignore[misc]
            yield event


class _StopOnKill:
    """``on_kill``: stop the Glue run through the hook's async client, logging a stop Glue declines."""

    if TYPE_CHECKING:  # provided by AwsBaseWaiterTrigger

        def hook(self) -> Any: ...

        log: Any

    async def stop(self, client: Any) -> None:
        """Ask Glue to stop the run."""
        raise NotImplementedError

    async def on_kill(self) -> None:
        """The user stopped the deferred task (mark failed / success, clear): stop its Glue run."""
        try:
            async with await self.hook().get_async_conn() as client:
                await self.stop(client)
        except Exception:
            self.log.exception("Could not stop the Glue run; it may still be running (a new try stops it)")


class GlueJobRunEndedTrigger(_StopOnKill, _FirstCheckAfterOneDelay, AwsBaseWaiterTrigger):
    """Wait until job run ``run_id`` of ``job_name`` is in a Glue end state."""

    aws_hook_class = GlueWorkflowJobHook

    def __init__(
        self,
        *,
        job_name: str,
        run: dict[str, Any],
        waiter_delay: int,
        waiter_max_attempts: int,
        aws_conn_id: str | None = "aws_default",
        **kwargs: Any,
    ) -> None:
        run_id = run["run_id"]
        super().__init__(
            serialized_fields={"job_name": job_name, "run": run},
            waiter_name="job_run_ended",
            waiter_args={"JobName": job_name, "RunId": run_id},
            failure_message=f"Glue job {job_name} run {run_id} did not end in time",
            status_message=f"Glue job {job_name} run {run_id} is",
            status_queries=["JobRun.JobRunState"],
            return_key="run",
            return_value=run,
            waiter_delay=waiter_delay,
            waiter_max_attempts=waiter_max_attempts,
            aws_conn_id=aws_conn_id,
            **kwargs,
        )
        self.job_name, self.run_id = job_name, run_id

    async def stop(self, client: Any) -> None:
        """BatchStopJobRun."""
        self.log.info("Stopping Glue job %s run %s (the task was stopped in Airflow)", self.job_name, self.run_id)
        reply = await client.batch_stop_job_run(JobName=self.job_name, JobRunIds=[self.run_id])
        for error in reply.get("Errors") or []:
            self.log.warning("Glue declined to stop job %s run %s: %s", self.job_name, self.run_id, error)


class GlueCrawlEndedTrigger(_StopOnKill, _FirstCheckAfterOneDelay, AwsBaseWaiterTrigger):
    """Wait until crawler ``crawler_name`` is READY again (its crawl has ended)."""

    aws_hook_class = GlueWorkflowCrawlerHook

    def __init__(
        self,
        *,
        crawler_name: str,
        run: dict[str, Any],
        waiter_delay: int,
        waiter_max_attempts: int,
        aws_conn_id: str | None = "aws_default",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            serialized_fields={"crawler_name": crawler_name, "run": run},
            waiter_name="crawl_ended",
            waiter_args={"Name": crawler_name},
            failure_message=f"Glue crawler {crawler_name} did not finish in time",
            status_message=f"Glue crawler {crawler_name} is",
            status_queries=["Crawler.State", "Crawler.LastCrawl.Status"],
            return_key="run",
            return_value=run,
            waiter_delay=waiter_delay,
            waiter_max_attempts=waiter_max_attempts,
            aws_conn_id=aws_conn_id,
            **kwargs,
        )
        self.crawler_name = crawler_name

    async def stop(self, client: Any) -> None:
        """StopCrawler (a crawler that is not crawling any more is left as it is)."""
        self.log.info("Stopping Glue crawler %s (the task was stopped in Airflow)", self.crawler_name)
        try:
            await client.stop_crawler(Name=self.crawler_name)
        except client.exceptions.CrawlerNotRunningException:
            self.log.info("Glue crawler %s was not running any more", self.crawler_name)
