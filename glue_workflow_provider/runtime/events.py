"""EventBridge events -> Glue event batches (docs/semantics.md#event-batching): which events start a run together,
and what the run is told.

Glue starts an EVENT workflow when ``BatchSize`` events have arrived, or ``BatchWindow`` seconds after the
first event of the batch, whichever comes first; then the batch starts again from empty. ``EventBatcher``
applies exactly that rule to the events read from the workflow's SQS queue, timing each event by when the
queue received it (SQS ``SentTimestamp``), so the batches do not depend on when or how often the queue is
read, and a batch interrupted by a triggerer restart is rebuilt the same when its messages reappear.

The run learns its batch through the asset event the watcher emits: Airflow 3.3 stores a watcher's
``TriggerEvent`` payload as the asset event's ``extra["payload"]`` (``Trigger.submit_event``), and the payload
carries ``run_properties`` with ``aws:eventIds`` (a JSON list of the EventBridge event ids), as Glue sets it.
No Airflow import here: the batching rule is plain data and time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: The run property Glue sets on an event-started run: the ids of the batch's EventBridge events.
EVENT_IDS_PROPERTY = "aws:eventIds"
#: Which condition closed a batch (Glue's ``StartingEventBatchCondition`` members).
BY_SIZE, BY_WINDOW = "BatchSize", "BatchWindow"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """One EventBridge event as read from SQS.

    :param message_id: The SQS message id (the same message read twice is one event).
    :param receipt_handle: What deletes the message once its batch has started a run.
    :param event_id: The EventBridge event ``id`` (the SQS message id when the body is not an EventBridge event).
    :param arrived_at: When the queue received the message (SQS ``SentTimestamp``), in UTC.
    """

    message_id: str
    receipt_handle: str
    event_id: str
    arrived_at: datetime


@dataclass(frozen=True, slots=True)
class EventBatch:
    """The events that start one run, and the condition that closed the batch."""

    events: tuple[QueuedEvent, ...]
    closed_by: str
    batch_size: int
    batch_window: int

    @property
    def event_ids(self) -> list[str]:
        """The EventBridge event ids, in arrival order."""
        return [event.event_id for event in self.events]

    def payload(self) -> dict[str, Any]:
        """The TriggerEvent payload: the run properties Glue would set, and how the batch closed."""
        condition = {BY_SIZE: 0, BY_WINDOW: 0}
        condition[self.closed_by] = len(self.events) if self.closed_by == BY_SIZE else self.batch_window
        return {
            "run_properties": {EVENT_IDS_PROPERTY: json.dumps(self.event_ids)},
            "starting_event_batch_condition": condition,
            "first_event_at": self.events[0].arrived_at.isoformat(),
            "message_ids": [event.message_id for event in self.events],
        }


@dataclass
class EventBatcher:
    """Collects queued events and closes batches by Glue's rule.

    :param batch_size: Events per batch (Glue ``BatchSize``, 1-100).
    :param batch_window: Seconds from a batch's first event until it starts a run anyway (``BatchWindow``).
    """

    batch_size: int
    batch_window: int
    pending: list[QueuedEvent] = field(default_factory=list)

    def add(self, events: Iterable[QueuedEvent]) -> None:
        """Take newly read events (a message read again keeps its place, with its newest receipt handle)."""
        by_id = {event.message_id: event for event in self.pending}
        for event in events:
            by_id[event.message_id] = event
        self.pending = sorted(by_id.values(), key=lambda e: (e.arrived_at, e.message_id))

    def window_end(self) -> datetime | None:
        """When the current batch closes by time (None while no event is waiting)."""
        if not self.pending:
            return None
        return self.pending[0].arrived_at + timedelta(seconds=self.batch_window)

    def take_ready(self, now: datetime, *, caught_up: bool) -> Iterator[EventBatch]:
        """Every batch that is complete at ``now``, oldest first; they leave the batcher.

        :param caught_up: Whether the last read found no more waiting messages. A batch closes by time only
            then, so a window never closes on part of what had already arrived.
        """
        while self.pending:
            end = self.window_end()
            assert end is not None
            in_window = [event for event in self.pending if event.arrived_at <= end]
            if len(in_window) >= self.batch_size:
                yield self._close(in_window[: self.batch_size], BY_SIZE)
            elif now >= end and caught_up:
                yield self._close(in_window, BY_WINDOW)
            else:
                return

    def _close(self, events: list[QueuedEvent], closed_by: str) -> EventBatch:
        taken = {event.message_id for event in events}
        self.pending = [event for event in self.pending if event.message_id not in taken]
        return EventBatch(tuple(events), closed_by, self.batch_size, self.batch_window)


def queued_event(message: Mapping[str, Any]) -> QueuedEvent:
    """An SQS ``ReceiveMessage`` message (with its ``SentTimestamp`` attribute) as a QueuedEvent."""
    sent_ms = int((message.get("Attributes") or {}).get("SentTimestamp", 0)) or None
    arrived = datetime.fromtimestamp(sent_ms / 1000, UTC) if sent_ms else datetime.now(UTC)
    return QueuedEvent(
        message_id=message["MessageId"],
        receipt_handle=message["ReceiptHandle"],
        event_id=eventbridge_id(message.get("Body")) or message["MessageId"],
        arrived_at=arrived,
    )


def eventbridge_id(body: object) -> str | None:
    """The ``id`` of an EventBridge event delivered as an SQS message body (None for anything else)."""
    if not isinstance(body, str):
        return None
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or "detail-type" not in event:
        return None
    event_id = event.get("id")
    return event_id if isinstance(event_id, str) else None


def asset_event_run_properties(extra: Mapping[str, Any] | None) -> dict[str, str]:
    """The run properties an asset event carries: ``extra["run_properties"]``, or, for an event a watcher
    emitted, ``extra["payload"]["run_properties"]`` (where Airflow 3.3 puts a TriggerEvent's payload)."""
    extra = extra or {}
    found = extra.get("run_properties")
    payload = extra.get("payload")
    if found is None and isinstance(payload, Mapping):
        found = payload.get("run_properties")
    return dict(found) if isinstance(found, Mapping) else {}


def merged_run_properties(extras: Iterable[Mapping[str, Any] | None]) -> dict[str, str]:
    """The run properties of several asset events consumed by one run, oldest first, later winning, except
    ``aws:eventIds``, which lists the events of every batch (Airflow merges batches that arrive while the next
    run cannot start yet into one run; no event id is dropped)."""
    merged: dict[str, str] = {}
    event_ids: list[str] = []
    for extra in extras:
        properties = asset_event_run_properties(extra)
        if EVENT_IDS_PROPERTY in properties:
            event_ids += _id_list(properties[EVENT_IDS_PROPERTY])
        merged.update(properties)
    if event_ids:
        merged[EVENT_IDS_PROPERTY] = json.dumps(event_ids)
    return merged


def _id_list(value: str) -> list[str]:
    """The ids in an ``aws:eventIds`` value (a JSON list; anything else is taken as one id)."""
    try:
        ids = json.loads(value)
    except ValueError:
        return [value]
    return [str(i) for i in ids] if isinstance(ids, list) else [value]
