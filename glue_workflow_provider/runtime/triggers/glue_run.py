"""Triggers that wait, without a worker slot, until a Glue job run or crawl has ended in any end state.

Waiting is configured as data (waiters/glue_workflow.json); the operator reads the exact end state when it
resumes, so a TIMEOUT is never read as a FAILED and ERROR ends the wait at once. Each event carries the
operator's run reference (``run``), so resuming needs nothing else (dag.test() keeps only the event).
With ``Airflow.stream_logs``, the job trigger also copies the run's log lines into the task log while it
waits, beside the waiter and without a Glue call (runtime/job_logs.py).

A deferred task has no worker to stop its run: when a user marks it failed or success, or clears it, Airflow
cancels its trigger and calls the trigger's ``on_kill`` (never on a triggerer restart or redistribution),
which stops the Glue run here, best effort, as the operator's ``on_kill`` does for a running task.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from airflow.providers.amazon.aws.triggers.base import AwsBaseWaiterTrigger
from airflow.triggers.base import TriggerEvent
from asgiref.sync import sync_to_async

from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.runtime.check_phase import first_check_delay
from glue_workflow_provider.runtime.hooks import (
    GlueWorkflowCrawlerHook,
    GlueWorkflowJobHook,
)
from glue_workflow_provider.runtime.job_logs import AsyncJobLogStream, streamed_while_waiting
from glue_workflow_provider.runtime.state_changes import Key, crawler_key, job_key
from glue_workflow_provider.runtime.triggers.crawl_stop import NO_RETRIES, stop_our_crawl
from glue_workflow_provider.runtime.triggers.crawls import crawl_end_state
from glue_workflow_provider.runtime.triggers.state_change_wait import StateChangeSettings, checks_on_state_changes
from glue_workflow_provider.runtime.triggers.task_end import ended_here, succeeded_field, warm_put_channel
from glue_workflow_provider.runtime.triggers.waiter_checks import last_reply, poll_until_ended


class _GlueRunEndedTrigger(AwsBaseWaiterTrigger):
    """The one base of the waiting triggers: what they share, with an explicit ``run()``.

    - ``run()``: the first check comes on the grid of the run's start, at least 5 s (or a ``waiter_delay``)
      after the trigger starts (runtime/check_phase.py), not at once. The operator checks the run before it
      defers, so an immediate check only repeats that one; and a trigger that fires within seconds of the
      deferral can lose to an Airflow 3.3 scheduler race that fails the resumed task
      (apache/airflow#71580, #72716). Then the checks (``checks()``), with whatever runs beside them
      (``waiting()``), each step cancellable with its message, each event saying what happened.
    - ``hook()``: the subclass's ``aws_hook_class`` on the serialised connection (the oldest supported
      amazon provider has no default).
    - ``on_kill()``: the user stopped the deferred task (mark failed / success, clear): stop its Glue run.
      Airflow 3.3's triggerer calls it; older ones never do (docs/airflow-versions.md).
    - ``succeeded()``: with ``succeeded_xcoms``, a run that ended SUCCEEDED ends its task here (task_end.py).
    """

    aws_hook_class: type[Any]
    state_changes: StateChangeSettings | None
    #: What the task records when its run SUCCEEDED, if the trigger may end it then (runtime/triggers/task_end.py).
    succeeded_xcoms: dict[str, Any] | None = None

    #: botocore settings of the client that stops the run, over the connection's (crawlers: crawl_stop.py).
    stop_config: dict[str, Any] = {}

    def hook(self) -> Any:
        """The Glue hook of this trigger's connection (one per trigger: it keeps the connection it read)."""
        if getattr(self, "_hook", None) is None:
            self._hook = self._new_hook(self.botocore_config)
        return self._hook

    def _new_hook(self, config: dict[str, Any] | None) -> Any:
        """A hook of ``aws_hook_class`` on the serialised connection, with botocore settings ``config``."""
        return self.aws_hook_class(aws_conn_id=self.aws_conn_id, region_name=self.region_name,
                                   verify=self.verify, config=config)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        warming = asyncio.ensure_future(warm_put_channel(self))
        await asyncio.sleep(first_check_delay(self.return_value, self.waiter_delay))
        await _to_the_end(warming)
        await _to_the_end(sync_to_async(lambda: self.hook().conn_config)())
        async for event in _cancellable_here(self.waiting(self.checks())):
            yield await ended_here(self, _says_what_happened(event, self.status_message))

    def checks(self) -> AsyncIterator[TriggerEvent]:
        """The waiter's checks: every ``waiter_delay`` (waiter_checks.py), or, with a state-change queue, on
        each end event of the run and every fallback interval (state_change_wait.py)."""
        if self.state_changes:
            return checks_on_state_changes(self, self.state_changes, self.state_change_key)
        return poll_until_ended(self)

    @property
    def state_change_key(self) -> Key:
        """Whose state-change events wake this wait."""
        raise NotImplementedError

    def waiting(self, events: AsyncIterator[TriggerEvent]) -> AsyncIterator[TriggerEvent]:
        """The waiter's events, with whatever else runs while it waits (nothing here; job logs for jobs)."""
        return events

    async def stop(self, client: Any) -> None:
        """Ask Glue to stop the run."""
        raise NotImplementedError

    async def succeeded(self, client: Any) -> bool:
        """Whether the run ended SUCCEEDED (asked once the wait says it ended)."""
        raise NotImplementedError

    async def on_kill(self) -> None:
        """The user stopped the deferred task (mark failed / success, clear): stop its Glue run."""
        hook = self._new_hook({**(self.botocore_config or {}), **self.stop_config}) if self.stop_config else self.hook()
        try:
            async with await hook.get_async_conn() as client:
                await self.stop(client)
        except Exception:
            self.log.exception("Could not stop the Glue run; it may still be running (a new try stops it)")


def _says_what_happened(event: TriggerEvent, subject: str) -> TriggerEvent:
    """The waiter's "success" means only that the run reached *an* end state (a TIMEOUT too): say "ended".

    The operator reads the exact end state when it resumes; an event never claims a success it cannot know.
    """
    payload = event.payload if isinstance(event.payload, dict) else None
    if payload is None or payload.get("status") != "success":
        return event
    return TriggerEvent({**payload, "status": "ended", "message": f"{subject} in an end state"})  # type: ignore[no-untyped-call]


async def _to_the_end(awaitable: Awaitable[Any]) -> Any:
    """``awaitable``, finished even when this trigger is cancelled meanwhile (the cancel is raised after it).

    Reading the connection asks the triggerer's supervisor over one socket; a request cancelled between its
    question and its answer leaves that answer for the next request, and Airflow 3.0's trigger runner then
    dies ("Response read out of order"). So the connection is read once, at the start, to the end.
    """
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


async def _cancellable_here(events: AsyncIterator[TriggerEvent]) -> AsyncIterator[TriggerEvent]:
    """``events``, each step run in a task of its own, so that a cancel lands on this frame with its message.

    Airflow tells a user's action (mark failed / success, clear) from a triggerer shutdown by the message of
    the CancelledError ("user-action"), and calls ``on_kill`` only for the first. A cancel that lands inside
    aiobotocore's client set-up comes out as a new CancelledError without that message, and the Glue run was
    left running (seen with a crawler trigger cancelled during its first GetCrawler).
    """
    while True:
        step = asyncio.ensure_future(anext(events))
        try:
            event = await asyncio.shield(step)
        except StopAsyncIteration:
            return
        except asyncio.CancelledError:
            step.cancel()
            raise
        yield event


class GlueJobRunEndedTrigger(_GlueRunEndedTrigger):
    """Wait until job run ``run_id`` of ``job_name`` is in a Glue end state.

    :param logs: CloudWatch log groups whose stream of this run is copied into the task log while waiting,
        each with the forward token to resume from (None: from the start); empty: no copying
        (``Airflow.stream_logs``, runtime/job_logs.py). The wait and its Glue calls are the same either way.
    """

    aws_hook_class = GlueWorkflowJobHook

    def __init__(
        self,
        *,
        job_name: str,
        run: dict[str, Any],
        waiter_delay: int,
        waiter_max_attempts: int,
        aws_conn_id: str | None = "aws_default",
        logs: dict[str, str | None] | None = None,
        state_changes: StateChangeSettings | None = None,
        succeeded_xcoms: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        run_id = run["run_id"]
        super().__init__(
            serialized_fields={"job_name": job_name, "run": run, **({"logs": logs} if logs else {}),
                               **_state_change_fields(state_changes), **succeeded_field(succeeded_xcoms)},
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
        self.job_name, self.run_id, self.logs = job_name, run_id, dict(logs or {})
        self.state_changes, self.succeeded_xcoms = state_changes, succeeded_xcoms

    @property
    def state_change_key(self) -> Key:
        """This job run's events."""
        return job_key(self.job_name, self.run_id)

    def waiting(self, events: AsyncIterator[TriggerEvent]) -> AsyncIterator[TriggerEvent]:
        """With ``logs``, the run's new log lines are copied every ``waiter_delay`` beside the waiter."""
        if not self.logs:
            return events
        stream = AsyncJobLogStream(job_name=self.job_name, run_id=self.run_id, positions=self.logs, log=self.log)
        return streamed_while_waiting(events, stream, self._logs_client, self.waiter_delay)

    async def _logs_client(self) -> Any:
        """A CloudWatch Logs client. The hook's ``logs_hook`` reads the connection (its region) synchronously:
        done on the triggerer's event loop that read waits for the loop itself, which deadlocks the triggerer,
        so it runs in a thread, as the provider's own ``get_async_conn`` does."""
        logs_hook = await sync_to_async(lambda: self.hook().logs_hook)()
        return await logs_hook.get_async_conn()

    async def succeeded(self, client: Any) -> bool:
        """The run's JobRunState is SUCCEEDED (in the waiter's last GetJobRun reply, else asked again)."""
        reply = last_reply(client, "get_job_run") or await client.get_job_run(
            JobName=self.job_name, RunId=self.run_id, PredecessorsIncluded=False)
        return bool(reply["JobRun"]["JobRunState"] == SUCCEEDED)

    async def stop(self, client: Any) -> None:
        """BatchStopJobRun."""
        self.log.info("Stopping Glue job %s run %s (the task was stopped in Airflow)", self.job_name, self.run_id)
        reply = await client.batch_stop_job_run(JobName=self.job_name, JobRunIds=[self.run_id])
        for error in reply.get("Errors") or []:
            self.log.warning("Glue declined to stop job %s run %s: %s", self.job_name, self.run_id, error)


class GlueCrawlEndedTrigger(_GlueRunEndedTrigger):
    """Wait until crawler ``crawler_name`` is READY again (its crawl has ended)."""

    aws_hook_class = GlueWorkflowCrawlerHook
    stop_config = NO_RETRIES

    def __init__(
        self,
        *,
        crawler_name: str,
        run: dict[str, Any],
        waiter_delay: int,
        waiter_max_attempts: int,
        aws_conn_id: str | None = "aws_default",
        state_changes: StateChangeSettings | None = None,
        succeeded_xcoms: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            serialized_fields={"crawler_name": crawler_name, "run": run, **_state_change_fields(state_changes),
                               **succeeded_field(succeeded_xcoms)},
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
        self.crawler_name, self.crawl = crawler_name, run
        self.state_changes, self.succeeded_xcoms = state_changes, succeeded_xcoms

    @property
    def state_change_key(self) -> Key:
        """This crawler's events (they name no crawl)."""
        return crawler_key(self.crawler_name)

    async def succeeded(self, client: Any) -> bool:
        """The crawler is READY after a crawl newer than the one before ours, which SUCCEEDED (in the waiter's
        last GetCrawler reply, else asked again)."""
        crawler = (last_reply(client, "get_crawler") or await client.get_crawler(Name=self.crawler_name))["Crawler"]
        return crawl_end_state(crawler, dict(self.crawl)) == SUCCEEDED

    async def stop(self, client: Any) -> None:
        """StopCrawler, while the crawl running is still the one this task started (a new try may own it now)."""
        await stop_our_crawl(client, self.crawler_name, dict(self.crawl), self.log)


def _state_change_fields(settings: StateChangeSettings | None) -> dict[str, Any]:
    """The serialised ``state_changes`` (absent without a queue, so those triggers serialise as before)."""
    return {"state_changes": settings} if settings else {}
