"""GlueEventBatchTrigger: reads the SQS queue that receives a workflow's EventBridge events and yields one
event per Glue event batch (docs/semantics.md#event-batching), for the AssetWatcher of an EVENT workflow's DAG.

The queue is read with long polling through the amazon provider's SqsHook (aiobotocore, the connection's
endpoint and credentials). Messages stay invisible while their batch waits (the visibility timeout covers the
batch window), are deleted when their batch closes, and the batch is yielded at once: its payload becomes the
asset event that starts the run. The batching rule itself is ``runtime.events.EventBatcher``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from airflow.providers.amazon.aws.hooks.sqs import SqsHook
from airflow.triggers.base import BaseEventTrigger, TriggerEvent
from botocore.exceptions import BotoCoreError, ClientError

from glue_workflow_provider.runtime.events import EventBatch, EventBatcher, queued_event

#: SQS limits: at most 10 messages and 20 s of long polling per ReceiveMessage call.
MAX_MESSAGES = 10
MAX_WAIT_SECONDS = 20
#: Extra invisibility beyond the batch window, so a waiting batch's messages are not read twice.
VISIBILITY_MARGIN_SECONDS = 60
MAX_VISIBILITY_SECONDS = 43200
#: A queue that cannot be read (missing, no permission, endpoint down) is retried with this backoff.
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 5, 300
_AWS_ERRORS = (BotoCoreError, ClientError, OSError)


class GlueEventBatchTrigger(BaseEventTrigger):
    """Yield one TriggerEvent per batch of EventBridge events on ``queue_url``, batched as Glue batches them.

    :param queue_url: The SQS queue the workflow's EventBridge rule sends its events to.
    :param batch_size: Events per run (the EVENT trigger's ``EventBatchingCondition.BatchSize``).
    :param batch_window: Seconds after a batch's first event when it starts a run anyway (``BatchWindow``).
    :param aws_conn_id: The Airflow connection used to read the queue.
    :param region_name: AWS region of the queue (the connection's when None).
    """

    def __init__(
        self,
        *,
        queue_url: str,
        batch_size: int = 1,
        batch_window: int = 900,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's BaseTrigger is untyped
        self.queue_url = queue_url
        self.batch_size = batch_size
        self.batch_window = batch_window
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "queue_url": self.queue_url,
                "batch_size": self.batch_size,
                "batch_window": self.batch_window,
                "aws_conn_id": self.aws_conn_id,
                "region_name": self.region_name,
            },
        )

    @property
    def visibility_timeout(self) -> int:
        """How long a read message stays invisible: long enough for its batch to close first."""
        return min(self.batch_window + VISIBILITY_MARGIN_SECONDS, MAX_VISIBILITY_SECONDS)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        batcher = EventBatcher(self.batch_size, self.batch_window)
        hook = SqsHook(aws_conn_id=self.aws_conn_id, region_name=self.region_name)
        async with await hook.get_async_conn() as client:  # type: ignore[no-untyped-call]
            while True:
                messages = await self._read(client, batcher)
                batcher.add(queued_event(message) for message in messages)
                for batch in list(batcher.take_ready(_now(), caught_up=len(messages) < MAX_MESSAGES)):
                    await self._delete(client, batch)
                    self.log.info(
                        "Glue event batch of %d event(s) closed by %s: %s",
                        len(batch.events), batch.closed_by, batch.event_ids,
                    )
                    yield TriggerEvent(batch.payload())  # type: ignore[no-untyped-call]

    async def _read(self, client: Any, batcher: EventBatcher) -> list[dict[str, Any]]:
        """The next messages; a queue that cannot be read is retried with backoff rather than failing the
        watcher (the triggerer would restart a failed watcher at once, in a tight loop)."""
        retry = FIRST_RETRY_SECONDS
        while True:
            try:
                return await self._receive(client, self._wait_seconds(batcher))
            except _AWS_ERRORS as exc:
                self.log.error("Cannot read SQS queue %s (%s); retrying in %d s", self.queue_url, exc, retry)
                await asyncio.sleep(retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)

    def _wait_seconds(self, batcher: EventBatcher) -> int:
        """Long-poll until the open batch's window closes (at most 20 s; 0 once it has closed)."""
        end = batcher.window_end()
        if end is None:
            return MAX_WAIT_SECONDS
        left = (end - _now()).total_seconds()
        return max(0, min(MAX_WAIT_SECONDS, math.ceil(left)))

    async def _receive(self, client: Any, wait_seconds: int) -> list[dict[str, Any]]:
        response = await client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=MAX_MESSAGES,
            WaitTimeSeconds=wait_seconds,
            VisibilityTimeout=self.visibility_timeout,
            MessageSystemAttributeNames=["SentTimestamp"],
        )
        return list(response.get("Messages") or [])

    async def _delete(self, client: Any, batch: EventBatch) -> None:
        """Delete the batch's messages (10 per call); a failed delete is logged: the message may come back."""
        events = list(batch.events)
        for start in range(0, len(events), MAX_MESSAGES):
            chunk = events[start : start + MAX_MESSAGES]
            entries = [{"Id": str(number), "ReceiptHandle": e.receipt_handle} for number, e in enumerate(chunk)]
            try:
                response = await client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            except _AWS_ERRORS as exc:
                response = {"Failed": [{"Id": entry["Id"], "Message": str(exc)} for entry in entries]}
            for failure in response.get("Failed") or []:
                event = chunk[int(failure["Id"])]
                self.log.warning(
                    "Could not delete event %s (message %s) from %s: %s; it may start another run",
                    event.event_id, event.message_id, self.queue_url, failure.get("Message"),
                )


def _now() -> datetime:
    return datetime.now(UTC)
