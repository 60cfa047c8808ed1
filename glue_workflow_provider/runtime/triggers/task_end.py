"""Ending a node task in the triggerer when its Glue run SUCCEEDED and a worker would have nothing left to do.

A deferred task normally resumes on a worker when its run ends: a second task process (its start, the DAG
parse, the plugin import) and one more scheduler round trip before the next node can start, most of every
hand-off. When the operator knew at deferral that a SUCCEEDED end leaves a worker nothing to do
(runtime/operators/end_in_trigger.py), it handed the trigger the XComs that end records
(``succeeded_xcoms``). Once the wait says the run ended, the trigger reads the exact end state itself and, for
SUCCEEDED, ends the task with Airflow's ``TaskSuccessEvent``: Airflow records those XComs and marks the task
successful, with no worker. Any other end state, or a read that fails, resumes the task on a worker as before,
where it is finished exactly. A job given a run-properties location (``run["properties"]``) has what it put
read here too (``out.json``), and recorded as the worker would (XCom ``run_properties_put``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.triggers.base import TaskSuccessEvent, TriggerEvent
from asgiref.sync import sync_to_async

from glue_workflow_provider.runtime.node_record.record import PUT_KEY
from glue_workflow_provider.runtime.run_properties import RunPropertiesChannel, put_value

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.triggers.glue_run import _GlueRunEndedTrigger

#: The trigger argument holding the XComs of a SUCCEEDED end (absent: the task always resumes on a worker).
SUCCEEDED_XCOMS = "succeeded_xcoms"


def succeeded_field(xcoms: dict[str, Any] | None) -> dict[str, Any]:
    """The serialised ``succeeded_xcoms`` (absent without them, so those triggers serialise as before)."""
    return {SUCCEEDED_XCOMS: xcoms} if xcoms else {}


async def ended_here(trigger: _GlueRunEndedTrigger, event: TriggerEvent) -> TriggerEvent:
    """``event``, or a ``TaskSuccessEvent`` when the run it says ended SUCCEEDED and the task may end here."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if not trigger.succeeded_xcoms or payload.get("status") != "ended":
        return event
    try:
        async with await trigger.hook().get_async_conn() as client:
            succeeded = await trigger.succeeded(client)
    except Exception:
        trigger.log.exception("Could not read the run's end state; the task resumes on a worker to read it")
        return event
    if not succeeded:
        return event
    xcoms = dict(trigger.succeeded_xcoms)
    try:
        put = await _put(trigger)
    except Exception:
        trigger.log.exception("Could not read what the job put; the task resumes on a worker to read it")
        return event
    if put is not None:
        xcoms[PUT_KEY] = put
        trigger.log.info("The job put run properties %s", sorted(put["values"]))
    trigger.log.info("%s SUCCEEDED: the task ends here, without resuming on a worker", trigger.status_message)
    return TaskSuccessEvent(xcoms=xcoms)


async def _put(trigger: _GlueRunEndedTrigger) -> dict[str, Any] | None:
    """What a job with a run-properties location put, as XCom ``run_properties_put`` (None: nothing)."""
    location = (trigger.return_value or {}).get("properties") if isinstance(trigger.return_value, dict) else None
    if not location:
        return None
    channel = RunPropertiesChannel(location, aws_conn_id=trigger.aws_conn_id, region_name=trigger.region_name,
                                   verify=trigger.verify, config=trigger.botocore_config)
    values = await sync_to_async(channel.collect)(location)
    return put_value(values) if values else None
