"""StateChangeListener: one reader of a state-change queue per triggerer event loop, shared by every trigger
waiting on that queue, waking each one on the events of its own run (``Airflow.state_change_queue_url``).

Why one shared reader: a triggerer runs hundreds of waits, and one long poll per queue costs one request per
20 s whatever their number, where a reader per wait would cost one each and steal the others' events.

What happens to a message (events are parsed by runtime/state_changes.py):

- an end event of a run waited here wakes its waiters and is deleted;
- an end event of a run nobody here waits for (waited in another triggerer, or ended before its task had
  deferred) is left in the queue, so it is visible again after ``VISIBILITY_SECONDS`` to another
  triggerer, and remembered here for a waiter that registers later;
- anything else (a crawl's "Started", a job's RUNNING, a message that is no Glue event) is deleted, as is
  an end event older than ``MAX_AGE_SECONDS``: every waiter has checked Glue since (the queue is ours alone).

The reader runs only while someone waits, and ends after the long poll it is in when the last waiter leaves,
never in the middle of one: SQS does not see a long poll cancelled by its client, hands it the next message
anyway and hides that message for ``VISIBILITY_SECONDS`` (the next node of a chain, waiting a second later,
saw its run's end 30 s late). What that last poll brings is remembered for a waiter that comes meanwhile.
A queue that cannot be read marks the listener ``failing``:
waiters then check every poll interval, as without a queue, until a read succeeds again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from airflow.providers.amazon.aws.hooks.sqs import SqsHook
from botocore.exceptions import BotoCoreError, ClientError

from glue_workflow_provider.runtime.state_changes import Key, state_change

#: SQS limits: at most 10 messages and 20 s of long polling per ReceiveMessage call.
MAX_MESSAGES, MAX_WAIT_SECONDS = 10, 20
#: How long a message nobody here waits for stays invisible before another reader may take it.
VISIBILITY_SECONDS = 30
#: An end event older than this has been overtaken by every waiter's fallback check: it is deleted.
MAX_AGE_SECONDS = 600
#: A queue that cannot be read is retried with this backoff.
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 5, 300
_AWS_ERRORS = (BotoCoreError, ClientError, OSError)
_LISTENERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str | None, str | None], StateChangeListener]]
_LISTENERS = weakref.WeakKeyDictionary()
log = logging.getLogger(__name__)


class StateChangeListener:
    """The reader of one queue, for one event loop (use ``shared``)."""

    def __init__(self, queue_url: str, aws_conn_id: str | None, region_name: str | None) -> None:
        self.queue_url, self.aws_conn_id, self.region_name = queue_url, aws_conn_id, region_name
        self.failing = False
        self._waiters: dict[Key, list[asyncio.Event]] = {}
        #: End events nobody waited for when they came: key -> (when read, receipt handle).
        self._unclaimed: dict[Key, tuple[float, str]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._client: Any = None
        self._deleting: set[asyncio.Task[None]] = set()  # referenced until done (asyncio keeps weak ones)

    @classmethod
    def shared(cls, queue_url: str, aws_conn_id: str | None, region_name: str | None) -> StateChangeListener:
        """This event loop's listener of ``queue_url`` through that connection (made on first use)."""
        listeners = _LISTENERS.setdefault(asyncio.get_running_loop(), {})
        key = (queue_url, aws_conn_id, region_name)
        if key not in listeners:
            listeners[key] = cls(queue_url, aws_conn_id, region_name)
        return listeners[key]

    @asynccontextmanager
    async def watching(self, key: Key) -> AsyncIterator[asyncio.Event]:
        """An event set whenever an end event of ``key`` arrives (already set if one came unclaimed)."""
        woken = asyncio.Event()
        self._waiters.setdefault(key, []).append(woken)
        if self._claim(key):
            woken.set()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.ensure_future(self._read_while_watched())
        try:
            yield woken
        finally:
            waiters = self._waiters.get(key, [])
            if woken in waiters:
                waiters.remove(woken)
            if not waiters:
                self._waiters.pop(key, None)
            # the reader, if nobody waits any more, stops after its current long poll (see the module docstring)

    def _claim(self, key: Key) -> bool:
        """Take the unclaimed end event of ``key``, if one is remembered (and delete its message)."""
        self._forget_old()
        unclaimed = self._unclaimed.pop(key, None)
        if unclaimed is None:
            return False
        if self._client is not None:
            task = asyncio.ensure_future(self._delete(self._client, unclaimed[1]))
            self._deleting.add(task)
            task.add_done_callback(self._deleting.discard)
        return True

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key, (seen, _) in list(self._unclaimed.items()):
            if now - seen > MAX_AGE_SECONDS:
                del self._unclaimed[key]

    async def _read_while_watched(self) -> None:
        """Long-poll the queue while anyone waits; retry a queue that cannot be read, with backoff."""
        retry = FIRST_RETRY_SECONDS
        while self._waiters:
            try:
                hook = SqsHook(aws_conn_id=self.aws_conn_id, region_name=self.region_name)
                async with await hook.get_async_conn() as client:  # type: ignore[no-untyped-call]
                    self._client = client
                    while self._waiters:
                        messages = await self._receive(client)
                        self._recovered()
                        retry = FIRST_RETRY_SECONDS
                        await self._dispatch(client, messages)
            except Exception as exc:  # noqa: BLE001 - whatever it is, the waits must go on (by polling)
                self._failed(exc, retry)
                await asyncio.sleep(retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)
            finally:
                self._client = None

    def _failed(self, exc: Exception, retry: int) -> None:
        """Waiters go back to polling at their poll interval: wake them once so they do at once."""
        log.error("Cannot read the state-change queue %s (%s); waits poll until it can be read (retry in %d s)",
                  self.queue_url, exc, retry, exc_info=not isinstance(exc, _AWS_ERRORS))
        if not self.failing:
            self.failing = True
            for waiters in self._waiters.values():
                for woken in waiters:
                    woken.set()

    def _recovered(self) -> None:
        if self.failing:
            log.info("The state-change queue %s can be read again", self.queue_url)
        self.failing = False

    async def _receive(self, client: Any) -> list[dict[str, Any]]:
        response = await client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=MAX_MESSAGES,
            WaitTimeSeconds=MAX_WAIT_SECONDS,
            VisibilityTimeout=VISIBILITY_SECONDS,
            MessageSystemAttributeNames=["SentTimestamp"],
        )
        return list(response.get("Messages") or [])

    async def _dispatch(self, client: Any, messages: list[dict[str, Any]]) -> None:
        """Wake the waiters of each end event; delete what nobody will need (see the module docstring)."""
        now_ms = time.time() * 1000
        self._forget_old()
        for message in messages:
            change = state_change(str(message.get("Body") or ""))
            sent_ms = float((message.get("Attributes") or {}).get("SentTimestamp") or now_ms)
            waiters = self._waiters.get(change.key, []) if change is not None and change.ended else []
            for woken in waiters:
                woken.set()
            if change is not None and change.ended and not waiters and now_ms - sent_ms < MAX_AGE_SECONDS * 1000:
                self._unclaimed[change.key] = (time.monotonic(), str(message["ReceiptHandle"]))
                continue
            await self._delete(client, str(message["ReceiptHandle"]))

    async def _delete(self, client: Any, receipt_handle: str) -> None:
        """Delete one message; a failed delete only means it comes back (acting on it again costs one check)."""
        try:
            await client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt_handle)
        except _AWS_ERRORS as exc:
            log.debug("Could not delete a message from %s: %s", self.queue_url, exc)
