"""An EVENT workflow on a real Airflow: scheduler, DAG processor, triggerer and API server (the shared stack),
the local endpoint's SQS queue receiving EventBridge-shaped events, and the runs that the batches start.

BatchSize 3: the first event is read and held by the watcher, the run starts with the third, and it consumes
exactly one asset event whose ``aws:eventIds`` are the three EventBridge ids.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.runtime.events import asset_event_run_properties
from tests.integration.test_events import eventbridge_event
from tests.system.operating import Stack
from tests.system.shared_stack import module_folder, run_for

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "event_orders.yaml"
DAG_ID = "event-orders"
QUEUE_NAME = "event-orders"  # the fixture's queue URL names it; the endpoint resolves it by name

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


def _in_flight(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def _runs(demo: Any) -> list[dict[str, Any]]:
    return demo.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns")["dag_runs"]


def test_event_batches_start_runs_on_a_real_scheduler_and_triggerer(airflow_stack: Stack) -> None:
    from glue_workflow_provider.local.demo import _found
    from glue_workflow_provider.sources.definition_file import read_definition

    demo = airflow_stack.demo
    assert demo.endpoint is not None
    sqs = demo.endpoint.client("sqs")
    url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
    definition = read_definition(FIXTURE)
    demo.endpoint.deploy(definition)
    demo.endpoint.steer(definition)
    run_for(airflow_stack, FIXTURE.read_text(), 1)
    folder = module_folder(demo.dags_folder, "events") / "workflows"
    (folder / FIXTURE.name).write_text(FIXTURE.read_text())  # the queue exists first
    demo.wait_for(f"DAG {DAG_ID} to be parsed", lambda: _found(lambda: demo.request("GET", f"/api/v2/dags/{DAG_ID}")))

    sqs.send_message(QueueUrl=url, MessageBody=eventbridge_event("order-1"))
    demo.wait_for("the watcher to read the first event", lambda: _in_flight(sqs, url) == (0, 1))
    assert _runs(demo) == []
    for event_id in ("order-2", "order-3"):
        sqs.send_message(QueueUrl=url, MessageBody=eventbridge_event(event_id))

    run = demo.wait_for("the run the batch starts", lambda: _finished_run(demo))
    assert (run["run_type"], run["state"]) == ("asset_triggered", "success")
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.request.quote(run['dag_run_id'], safe='')}/upstreamAssetEvents"
    events = demo.request("GET", path)["asset_events"]
    assert [asset_event_run_properties(e["extra"]) for e in events] == [
        {"aws:eventIds": json.dumps(["order-1", "order-2", "order-3"])}
    ]
    xcom = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.request.quote(run['dag_run_id'], safe='')}/taskInstances"
    seen = demo.request("GET", f"{xcom}/load-orders/xcomEntries/run_properties?deserialize=true")["value"]
    assert json.loads(seen["aws:eventIds"]) == ["order-1", "order-2", "order-3"], "the job sees the batch's ids"
    assert _in_flight(sqs, url) == (0, 0)  # the batch's messages were deleted
    assert len(_runs(demo)) == 1


def _finished_run(demo: Any) -> dict[str, Any] | None:
    runs = _runs(demo)
    if runs and runs[0]["state"] in ("success", "failed"):
        return runs[0]
    time.sleep(1)
    return None
