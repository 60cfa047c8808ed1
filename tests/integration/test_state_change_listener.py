"""The shared state-change reader across a hand-off: the last waiter of a chain's node leaves, the next node's
waiter comes a moment later, and its run's end event must wake it at once. A reader cancelled in the middle of
an SQS long poll left that poll open at the queue (moto, as SQS), which took the next message and hid it for
30 s: the next node saw its run's end 30 s late."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from glue_workflow_provider.local.state_events import job_detail
from glue_workflow_provider.runtime.state_changes import JOB_DETAIL_TYPE, job_key
from glue_workflow_provider.runtime.triggers.state_change_listener import StateChangeListener

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]


def _end_event(job: str, run_id: str) -> str:
    return json.dumps({"id": f"ev-{run_id}", "source": "aws.glue", "detail-type": JOB_DETAIL_TYPE,
                       "detail": job_detail(job, run_id, "SUCCEEDED")})


def test_the_next_waiter_is_woken_by_its_event_even_right_after_the_last_one_left(runner) -> None:
    queue_url = str(runner.endpoint.state_change_queue("sc-hand-off"))
    sqs = runner.endpoint.client("sqs")

    async def hand_off() -> float:
        listener = StateChangeListener.shared(queue_url, "aws_default", "us-east-1")
        async with listener.watching(job_key("first", "jr_1")):
            await asyncio.sleep(1.5)  # the reader is in its long poll
        await asyncio.sleep(0.5)
        async with listener.watching(job_key("second", "jr_2")) as woken:
            await asyncio.sleep(1)
            sent = time.monotonic()
            await asyncio.to_thread(sqs.send_message, QueueUrl=queue_url, MessageBody=_end_event("second", "jr_2"))
            await asyncio.wait_for(woken.wait(), timeout=25)
            return time.monotonic() - sent

    assert asyncio.run(hand_off()) < 10, "the end event was taken by a poll nobody reads any more"
