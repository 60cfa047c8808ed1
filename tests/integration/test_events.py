"""EVENT start triggers: the batching trigger against the local endpoint's real SQS (moto server on loopback),
the DAG an EVENT definition compiles to (asset + watcher), and Airflow's own hand-off from a watcher's event
to the asset event a run consumes.

The trigger's ``run()`` is driven directly in asyncio: the assertions are on which events come out in which
batch, never on how long anything took.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.runtime.events import asset_event_run_properties

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "event_orders.yaml"
WAIT_SECONDS = 60

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]


def eventbridge_event(event_id: str) -> str:
    """An EventBridge event as an EventBridge rule delivers it to an SQS target (the message body)."""
    return json.dumps({
        "version": "0", "id": event_id, "detail-type": "Object Created", "source": "aws.s3",
        "account": "123456789012", "time": "2031-01-01T12:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:s3:::orders"], "detail": {"bucket": {"name": "orders"}, "object": {"key": event_id}},
    })


class Queue:
    """A fresh SQS queue on the local endpoint, and the trigger under test reading it."""

    def __init__(self, runner: Any) -> None:
        self.sqs = runner.endpoint.client("sqs")
        self.url = self.sqs.create_queue(QueueName=f"events-{uuid.uuid4().hex[:12]}")["QueueUrl"]

    async def send(self, *event_ids: str) -> None:
        for event_id in event_ids:
            await asyncio.to_thread(self.sqs.send_message, QueueUrl=self.url, MessageBody=eventbridge_event(event_id))

    async def counts(self) -> tuple[int, int]:
        """(waiting, in flight): messages not yet read, and read but not deleted."""
        reply = await asyncio.to_thread(
            self.sqs.get_queue_attributes, QueueUrl=self.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )
        attributes = reply["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])

    async def until_in_flight(self, count: int) -> None:
        """Wait until the trigger has read ``count`` messages (they are invisible, not deleted)."""
        async def probe() -> None:
            while await self.counts() != (0, count):
                await asyncio.sleep(0.1)

        await asyncio.wait_for(probe(), WAIT_SECONDS)

    def trigger(self, batch_size: int, batch_window: int) -> Any:
        from glue_workflow_provider.runtime.triggers.events.sqs import GlueEventBatchTrigger

        return GlueEventBatchTrigger(queue_url=self.url, batch_size=batch_size, batch_window=batch_window)


async def next_batch(events: AsyncIterator[Any]) -> dict[str, Any]:
    event = await asyncio.wait_for(events.__anext__(), WAIT_SECONDS)
    return event.payload


def ids_of(payload: dict[str, Any]) -> list[str]:
    return json.loads(payload["run_properties"]["aws:eventIds"])


def test_batch_size_three_starts_a_run_only_with_the_third_event(runner) -> None:
    queue = Queue(runner)

    async def scenario() -> list[dict[str, Any]]:
        events = queue.trigger(batch_size=3, batch_window=900).run()
        first = asyncio.ensure_future(next_batch(events))
        await queue.send("e1", "e2")
        await queue.until_in_flight(2)  # the trigger holds two events and has not closed a batch on them
        await queue.send("e3")
        payload = await first
        remaining = await queue.counts()
        await events.aclose()
        return [payload, {"remaining": remaining}]

    payload, after = asyncio.run(scenario())
    assert ids_of(payload) == ["e1", "e2", "e3"]
    assert payload["starting_event_batch_condition"] == {"BatchSize": 3, "BatchWindow": 0}
    assert after["remaining"] == (0, 0)  # the batch's messages were deleted when it started a run


def test_batch_window_starts_a_run_with_the_events_so_far_then_the_batch_resets(runner) -> None:
    queue = Queue(runner)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        events = queue.trigger(batch_size=10, batch_window=2).run()
        await queue.send("w1", "w2", "w3")
        first = await next_batch(events)
        await queue.send("w4")
        second = await next_batch(events)
        await events.aclose()
        return first, second

    first, second = asyncio.run(scenario())
    assert ids_of(first) == ["w1", "w2", "w3"]
    assert first["starting_event_batch_condition"] == {"BatchSize": 0, "BatchWindow": 2}
    assert ids_of(second) == ["w4"]


def test_the_eventbridge_event_ids_become_the_aws_event_ids_run_property(runner) -> None:
    queue = Queue(runner)
    ids = [str(uuid.uuid4()) for _ in range(2)]

    async def scenario() -> dict[str, Any]:
        events = queue.trigger(batch_size=2, batch_window=900).run()
        await queue.send(*ids)
        payload = await next_batch(events)
        await events.aclose()
        return payload

    payload = asyncio.run(scenario())
    assert payload["run_properties"] == {"aws:eventIds": json.dumps(ids)}
    assert len(payload["message_ids"]) == 2 and not set(payload["message_ids"]) & set(ids)


def test_the_trigger_survives_the_triggerer_serialization_round_trip() -> None:
    from glue_workflow_provider.runtime.triggers.events.sqs import GlueEventBatchTrigger
    from tests.airflow_compat import encode_trigger, import_string

    trigger = GlueEventBatchTrigger(
        queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/q", batch_size=5, batch_window=30,
        aws_conn_id="aws_events", region_name="eu-west-1",
    )
    path, kwargs = trigger.serialize()
    assert import_string(path)(**kwargs).serialize() == (path, kwargs)
    assert encode_trigger(trigger)["classpath"] == path


def _dags_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dags"
    (folder / "workflows").mkdir(parents=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    (folder / "workflows" / FIXTURE.name).write_text(FIXTURE.read_text())
    return folder


def _event_dag(tmp_path: Path) -> Any:
    from tests.airflow_compat import dag_bag as DagBag

    bag = DagBag(str(_dags_folder(tmp_path)))
    assert bag.import_errors == {}
    return bag, bag.dags["event-orders"]


def test_an_event_definition_compiles_to_an_asset_schedule_with_the_batching_watcher(tmp_path: Path) -> None:
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()
    _, dag = _event_dag(tmp_path)
    restored = DagSerialization.from_dict(json.loads(json.dumps(DagSerialization.to_dict(dag))))
    assert type(restored.timetable).__name__ == "AssetTriggeredTimetable"
    [(_, asset)] = list(restored.timetable.asset_condition.iter_assets())
    assert (asset.name, asset.uri) == ("glue_workflow_events__event-orders", "x-glue-workflow-events://event-orders")
    assert asset.extra["queue_url"] == "https://sqs.us-east-1.amazonaws.com/123456789012/event-orders"
    [watcher] = asset.watchers
    assert watcher.trigger["classpath"] == "glue_workflow_provider.runtime.triggers.events.sqs.GlueEventBatchTrigger"
    from airflow.serialization.serialized_objects import BaseSerialization

    kwargs = {k: BaseSerialization.deserialize(v) for k, v in watcher.trigger["kwargs"].items()}
    assert kwargs == {
        "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/event-orders",
        "batch_size": 3, "batch_window": 60, "aws_conn_id": "aws_default", "region_name": None,
    }
    assert restored.max_active_runs == 1 and not dag.is_paused_upon_creation


def test_a_watcher_event_reaches_the_run_as_an_asset_event_with_the_event_ids(tmp_path: Path) -> None:
    """Airflow's own path: the DAG in the metadata DB, its watcher's trigger row, ``Trigger.submit_event``,
    then the asset event the scheduler hands to the run it queues."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.models.asset import AssetDagRunQueue, AssetEvent, AssetModel
    from airflow.models.trigger import Trigger
    from airflow.triggers.base import TriggerEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from tests.airflow_compat import sync_bag_to_db

    bag, dag = _event_dag(tmp_path)
    DagBundlesManager().sync_bundles_to_db()
    # Twice, as the DAG processor's next parse would: Airflow 3.0 links a watcher only to an asset that an
    # unpaused DAG already consumes in the database, which the first write creates.
    for _ in range(2):
        sync_bag_to_db(bag, "dags-folder", None)
    with create_session() as session:
        asset = session.scalar(select(AssetModel).where(AssetModel.name == "glue_workflow_events__event-orders"))
        assert asset is not None
        [trigger] = asset.triggers
        assert trigger.classpath.endswith("GlueEventBatchTrigger")
        trigger_id, asset_id = trigger.id, asset.id
    payload = {"run_properties": {"aws:eventIds": json.dumps(["id-1", "id-2", "id-3"])}}
    Trigger.submit_event(trigger_id, TriggerEvent(payload))
    with create_session() as session:
        [event] = session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id)).all()
        queued = session.scalars(select(AssetDagRunQueue).where(AssetDagRunQueue.asset_id == asset_id)).all()
        assert event.extra == {"from_trigger": True, "payload": payload}
        assert asset_event_run_properties(event.extra) == {"aws:eventIds": '["id-1", "id-2", "id-3"]'}
        assert [q.target_dag_id for q in queued] == [dag.dag_id]
