"""Job log streaming (``Airflow.stream_logs``): a Glue job run's CloudWatch log lines copied into the task log.

Glue names each stream after the job run id, in the groups under GetJobRun's ``LogGroupName``
(``/aws-glue/jobs`` by default): ``output`` and ``error`` for the driver's output, and ``logs-v2`` when the
job has continuous logging on. Lines are read with GetLogEvents, each stream from where the last read
stopped (its forward token), and printed in the amazon provider's verbose format (``format_glue_logs``),
so a user of its ``verbose=True`` recognises them. The worker and the trigger read the same way: the
worker's positions travel to the trigger as plain data (``{group: token}``), so a deferral prints no line
twice.

Streaming is a view and decides nothing: it makes no Glue call, and it never fails the task. A group or
stream that does not exist yet is the usual case in a run's first seconds (and ``logs-v2`` stays missing
without continuous logging), so it is passed over in silence; any other error is logged as one warning
line and streaming stops for the rest of the wait, which goes on untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from airflow.providers.amazon.aws.hooks.logs import AwsLogsHook
from airflow.triggers.base import TriggerEvent
from botocore.exceptions import ClientError

#: Glue's log group prefix when GetJobRun does not say (it always does on AWS).
DEFAULT_LOG_GROUP_PREFIX = "/aws-glue/jobs"
#: The groups under the prefix: the driver's output and error (the amazon provider's ``DEFAULT_LOG_SUFFIX`` and
#: ``ERROR_LOG_SUFFIX``), and continuous logging's (its driver stream is the job run id too).
OUTPUT_LOG_SUFFIX, ERROR_LOG_SUFFIX, CONTINUOUS_LOG_SUFFIX = "output", "error", "logs-v2"
#: How long a trigger's event waits for the last lines once the run has ended (the event is never held longer).
LAST_LINES_SECONDS = 30.0


def log_groups(job_run: Mapping[str, Any]) -> list[str]:
    """The groups holding the run's streams: the provider's ``output`` and ``error``, and ``logs-v2``."""
    prefix = str(job_run.get("LogGroupName") or DEFAULT_LOG_GROUP_PREFIX).rstrip("/")
    return [f"{prefix}/{suffix}" for suffix in (OUTPUT_LOG_SUFFIX, ERROR_LOG_SUFFIX, CONTINUOUS_LOG_SUFFIX)]


def format_glue_logs(lines: list[str], group: str) -> str:
    """Lines as the amazon provider's ``verbose=True`` prints them (its ``format_glue_logs``, which providers
    older than MWAA's newest do not have: written here so every supported provider prints the same)."""
    messages = "\t".join(line.rstrip() + "\n" for line in lines)
    return f"Glue Job Run {group} Logs:\n\t{messages}"


def _missing(exc: Exception) -> bool:
    """Whether ``exc`` says the group or stream does not exist (yet)."""
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"


class _Forwarding:
    """Which streams are copied, where each read stopped, and whether streaming has stopped."""

    def __init__(self, *, job_name: str, run_id: str, positions: Mapping[str, str | None], log: Any) -> None:
        self.job_name, self.run_id, self.log = job_name, run_id, log
        self.tokens: dict[str, str | None] = dict(positions)
        self.stopped = False

    def positions(self) -> dict[str, str | None]:
        """Each group with the forward token its next read starts from (None: from the stream's start)."""
        return dict(self.tokens)

    def _print(self, group: str, lines: list[str]) -> None:
        if lines:
            self.log.info("%s", format_glue_logs(lines, group))

    def _failed(self, group: str, exc: Exception) -> None:
        """A missing stream is silent; anything else is one warning, and no more reading."""
        if _missing(exc):
            return
        self.stopped = True
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self.log.warning(
            "Stopped streaming the logs of Glue job '%s' run %s (reading %s failed: %s); the wait goes on",
            self.job_name, self.run_id, group, reason,
        )


class JobLogStream(_Forwarding):
    """The worker's reader, through the provider's ``AwsLogsHook.get_log_events`` (it follows the tokens)."""

    def __init__(self, logs_hook: AwsLogsHook, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.logs_hook = logs_hook

    def forward(self) -> None:
        """Print every line written to the run's streams since the last call."""
        for group in self.tokens:
            if self.stopped:
                return
            token = AwsLogsHook.ContinuationToken()  # type: ignore[no-untyped-call]
            token.value = self.tokens[group]
            lines: list[str] = []
            failure: Exception | None = None
            try:
                for event in self.logs_hook.get_log_events(group, self.run_id, continuation_token=token):
                    lines.append(event["message"])
            except Exception as exc:  # streaming never fails the task (module docstring)
                failure = exc
            self.tokens[group] = token.value
            self._print(group, lines)
            if failure is not None:
                self._failed(group, failure)


class AsyncJobLogStream(_Forwarding):
    """The trigger's reader: GetLogEvents on an aiobotocore client, as the provider's verbose trigger reads."""

    async def forward(self, client: Any) -> None:
        """Print every line written to the run's streams since the last call."""
        for group in self.tokens:
            if self.stopped:
                return
            lines: list[str] = []
            try:
                await self._read(client, group, lines)
            except Exception as exc:  # streaming never fails the task (module docstring)
                self._print(group, lines)
                self._failed(group, exc)
            else:
                self._print(group, lines)

    async def _read(self, client: Any, group: str, lines: list[str]) -> None:
        while True:
            token = self.tokens[group]
            response = await client.get_log_events(
                logGroupName=group, logStreamName=self.run_id, startFromHead=True,
                **({"nextToken": token} if token else {}),
            )
            events = response.get("events") or []
            lines.extend(event["message"] for event in events)
            self.tokens[group] = response.get("nextForwardToken") or token
            if not events or self.tokens[group] == token:
                return

    async def follow(self, connect: Callable[[], Awaitable[Any]], delay: float, ended: asyncio.Event) -> None:
        """Forward new lines every ``delay`` seconds until ``ended`` is set, then once more (the last lines)."""
        try:
            async with await connect() as client:
                while not self.stopped:
                    last = ended.is_set()
                    await self.forward(client)
                    if last:
                        return
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(ended.wait(), delay)
        except Exception as exc:  # no client (bad connection settings): streaming never fails the task
            self._failed("(no CloudWatch Logs client)", exc)


async def streamed_while_waiting(
    events: AsyncIterator[TriggerEvent], stream: AsyncJobLogStream, connect: Callable[[], Awaitable[Any]], delay: float
) -> AsyncIterator[TriggerEvent]:
    """``events`` unchanged, while ``stream`` copies the run's log lines beside them (in a task of its own).

    Each event waits for the last lines at most ``LAST_LINES_SECONDS``; leaving (an event taken, the trigger
    cancelled) stops the copying.
    """
    ended = asyncio.Event()
    follower = asyncio.ensure_future(stream.follow(connect, delay, ended))
    try:
        async for event in events:
            ended.set()
            await asyncio.wait({follower}, timeout=LAST_LINES_SECONDS)
            yield event
    finally:
        follower.cancel()

