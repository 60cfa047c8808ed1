"""EventBatcher (docs/semantics.md#event-batching): a run starts when BatchSize events have arrived, or BatchWindow seconds
after the first event of the batch, whichever comes first; then the batch starts again from empty.

Events are timed by when the queue received them, so every case below is plain data: no clock, no queue.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from glue_workflow_provider.runtime.events import (
    BY_SIZE,
    BY_WINDOW,
    EventBatcher,
    QueuedEvent,
    asset_event_run_properties,
    eventbridge_id,
    merged_run_properties,
    queued_event,
)

T0 = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)


def event(name: str, second: float) -> QueuedEvent:
    """Event ``name`` received ``second`` seconds after T0."""
    return QueuedEvent(f"m-{name}", f"r-{name}", name, T0 + timedelta(seconds=second))


def at(second: float) -> datetime:
    return T0 + timedelta(seconds=second)


def batches(batcher: EventBatcher, now: float, caught_up: bool = True) -> list[tuple[list[str], str]]:
    return [(b.event_ids, b.closed_by) for b in batcher.take_ready(at(now), caught_up=caught_up)]


def test_batch_size_three_closes_only_when_the_third_event_arrives() -> None:
    batcher = EventBatcher(batch_size=3, batch_window=900)
    batcher.add([event("e1", 0), event("e2", 5)])
    assert batches(batcher, now=10) == []
    batcher.add([event("e3", 20)])
    assert batches(batcher, now=21) == [(["e1", "e2", "e3"], BY_SIZE)]
    assert batcher.pending == []


def test_window_closes_the_batch_with_the_events_so_far() -> None:
    batcher = EventBatcher(batch_size=10, batch_window=2)
    batcher.add([event("e1", 0), event("e2", 0.5), event("e3", 1.9)])
    assert batches(batcher, now=1.99) == []
    assert batches(batcher, now=2) == [(["e1", "e2", "e3"], BY_WINDOW)]


def test_the_window_starts_at_the_first_event_of_each_batch() -> None:
    batcher = EventBatcher(batch_size=10, batch_window=60)
    batcher.add([event("e1", 0), event("e2", 30), event("e3", 61), event("e4", 100)])
    # e3 arrived after e1's window had closed: it opens the next batch, whose window ends at 121
    assert batches(batcher, now=120) == [(["e1", "e2"], BY_WINDOW)]
    assert batches(batcher, now=121) == [(["e3", "e4"], BY_WINDOW)]


def test_the_batch_resets_after_a_size_close() -> None:
    batcher = EventBatcher(batch_size=2, batch_window=900)
    batcher.add([event(f"e{i}", i) for i in range(1, 6)])
    assert batches(batcher, now=5) == [(["e1", "e2"], BY_SIZE), (["e3", "e4"], BY_SIZE)]
    assert [e.event_id for e in batcher.pending] == ["e5"]
    assert batcher.window_end() == at(5 + 900)


def test_default_batching_is_one_run_per_event() -> None:
    batcher = EventBatcher(batch_size=1, batch_window=900)
    batcher.add([event("e2", 2), event("e1", 1)])  # read out of order: arrival order decides
    assert batches(batcher, now=3) == [(["e1"], BY_SIZE), (["e2"], BY_SIZE)]


def test_window_does_not_close_while_more_messages_are_waiting_in_the_queue() -> None:
    batcher = EventBatcher(batch_size=100, batch_window=2)
    batcher.add([event(f"e{i}", 0) for i in range(10)])
    assert batches(batcher, now=5, caught_up=False) == []  # a full page was read: read again first
    batcher.add([event("e10", 1)])
    assert batches(batcher, now=5) == [([f"e{i}" for i in range(11)], BY_WINDOW)]


def test_an_event_read_twice_counts_once_with_its_newest_receipt_handle() -> None:
    batcher = EventBatcher(batch_size=2, batch_window=900)
    batcher.add([event("e1", 0)])
    batcher.add([QueuedEvent("m-e1", "r-e1-again", "e1", at(0))])
    assert batches(batcher, now=1) == []
    assert [e.receipt_handle for e in batcher.pending] == ["r-e1-again"]


def test_duplicate_eventbridge_deliveries_are_two_events_as_in_glue() -> None:
    batcher = EventBatcher(batch_size=2, batch_window=900)
    batcher.add([QueuedEvent("m-1", "r-1", "same-id", at(0)), QueuedEvent("m-2", "r-2", "same-id", at(1))])
    assert batches(batcher, now=1) == [(["same-id", "same-id"], BY_SIZE)]


def test_payload_carries_the_event_ids_as_glue_run_property_and_the_closing_condition() -> None:
    batcher = EventBatcher(batch_size=3, batch_window=60)
    batcher.add([event("e1", 0), event("e2", 1), event("e3", 2)])
    (by_size,) = batcher.take_ready(at(2), caught_up=True)
    assert by_size.payload()["run_properties"] == {"aws:eventIds": json.dumps(["e1", "e2", "e3"])}
    assert by_size.payload()["starting_event_batch_condition"] == {"BatchSize": 3, "BatchWindow": 0}
    batcher.add([event("e4", 10)])
    (by_window,) = batcher.take_ready(at(70), caught_up=True)
    assert by_window.payload()["starting_event_batch_condition"] == {"BatchSize": 0, "BatchWindow": 60}
    assert by_window.payload()["message_ids"] == ["m-e4"]


EVENTBRIDGE_BODY = json.dumps({
    "version": "0", "id": "6f8a1c2e-0000-4000-8000-000000000001", "detail-type": "Object Created",
    "source": "aws.s3", "account": "123456789012", "time": "2031-01-01T12:00:00Z", "region": "us-east-1",
    "resources": ["arn:aws:s3:::bucket"], "detail": {"object": {"key": "in/a.csv"}},
})


def test_sqs_message_becomes_a_queued_event_timed_by_its_sent_timestamp() -> None:
    message = {
        "MessageId": "mid-1", "ReceiptHandle": "rh-1", "Body": EVENTBRIDGE_BODY,
        "Attributes": {"SentTimestamp": str(int(T0.timestamp() * 1000) + 1500)},
    }
    assert queued_event(message) == QueuedEvent("mid-1", "rh-1", "6f8a1c2e-0000-4000-8000-000000000001", at(1.5))


@pytest.mark.parametrize(
    "body", ["not json", json.dumps(["a"]), json.dumps({"id": "x"}), json.dumps({"id": 3, "detail-type": "d"})]
)
def test_a_body_that_is_not_an_eventbridge_event_has_no_event_id(body: str) -> None:
    assert eventbridge_id(body) is None


def test_run_properties_are_read_from_a_watcher_event_or_a_plain_one() -> None:
    properties = {"aws:eventIds": '["e1"]'}
    assert asset_event_run_properties({"from_trigger": True, "payload": {"run_properties": properties}}) == properties
    assert asset_event_run_properties({"run_properties": properties}) == properties
    assert asset_event_run_properties(None) == {}
    assert asset_event_run_properties({"from_trigger": True, "payload": "text"}) == {}


def test_merged_batches_keep_every_event_id() -> None:
    first = {"from_trigger": True, "payload": {"run_properties": {"aws:eventIds": '["e1", "e2"]', "k": "1"}}}
    second = {"from_trigger": True, "payload": {"run_properties": {"aws:eventIds": '["e3"]', "k": "2"}}}
    assert merged_run_properties([first, second]) == {"aws:eventIds": '["e1", "e2", "e3"]', "k": "2"}
