"""Ending a node task in the triggerer when its Glue run SUCCEEDED and a worker would have nothing left to do.

A deferred task normally resumes on a worker when its run ends: a second task process (its start, the DAG
parse, the plugin import) and one more scheduler round trip before the next node can start, most of every
hand-off. When the operator knew at deferral that a SUCCEEDED end leaves a worker nothing to do
(runtime/operators/end_in_trigger.py), it handed the trigger the XComs that end records
(``succeeded_xcoms``). Once the wait says the run ended, the trigger reads the exact end state itself and, for
SUCCEEDED, ends the task with Airflow's ``TaskSuccessEvent``: Airflow records those XComs and marks the task
successful, with no worker. Any other end state, or a read that fails, resumes the task on a worker as before,
where it is finished exactly. A job given a run-properties location (``run["properties"]``) has what it put
read here too (``out.json``), and recorded as the worker would (XCom ``run_properties_put``, and applied to the
``run_properties_after`` the operator handed over: the properties it saw, as far as a trigger can read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.triggers.base import TaskSuccessEvent, TriggerEvent
from asgiref.sync import sync_to_async

from glue_workflow_provider.runtime.node_record.record import AFTER_KEY, PUT_KEY
from glue_workflow_provider.runtime.run_properties import RunPropertiesChannel, put_value
from glue_workflow_provider.runtime.triggers.waiter_checks import OPEN_CLIENT

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
        succeeded = await _succeeded(trigger)
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
        if isinstance(xcoms.get(AFTER_KEY), dict):
            xcoms[AFTER_KEY] = {**xcoms[AFTER_KEY], **put["values"]}
        trigger.log.info("The job put run properties %s", sorted(put["values"]))
    trigger.log.info("%s SUCCEEDED: the task ends here, without resuming on a worker", trigger.status_message)
    return TaskSuccessEvent(xcoms=xcoms)


async def _succeeded(trigger: _GlueRunEndedTrigger) -> bool:
    """The trigger's ``succeeded`` on the wait's open client (waiter_checks.glue_client: the waiter's last reply,
    or one more read), else on a new one."""
    client = getattr(trigger, OPEN_CLIENT, None)
    if client is not None:
        return await trigger.succeeded(client)
    async with await trigger.hook().get_async_conn() as client:
        return await trigger.succeeded(client)


def _location(trigger: _GlueRunEndedTrigger) -> str | None:
    """The job's run-properties location, when it has one and the task may end here."""
    run = trigger.return_value if isinstance(trigger.return_value, dict) else {}
    return run.get("properties") if trigger.succeeded_xcoms else None


def put_channel(trigger: _GlueRunEndedTrigger) -> RunPropertiesChannel | None:
    """The channel ``_put`` reads, made once per trigger; ``warm_put_channel`` builds its S3 client early."""
    location = _location(trigger)
    if not location:
        return None
    if getattr(trigger, "_put_channel", None) is None:
        trigger._put_channel = RunPropertiesChannel(  # type: ignore[attr-defined]
            location, aws_conn_id=trigger.aws_conn_id, region_name=trigger.region_name,
            verify=trigger.verify, config=trigger.botocore_config)
    return trigger._put_channel  # type: ignore[attr-defined, no-any-return]


async def warm_put_channel(trigger: _GlueRunEndedTrigger) -> None:
    """Build the channel's S3 client while the run goes on (a fifth of a second), not after it ended; a
    failure here is left to ``_put``, which meets it again and resumes the task on a worker."""
    channel = put_channel(trigger)
    if channel is not None:
        try:
            await sync_to_async(channel.warm)()
        except Exception:
            trigger.log.debug("Could not build the run-properties client yet", exc_info=True)


async def _put(trigger: _GlueRunEndedTrigger) -> dict[str, Any] | None:
    """What a job with a run-properties location put, as XCom ``run_properties_put`` (None: nothing)."""
    location, channel = _location(trigger), put_channel(trigger)
    if not location or channel is None:
        return None
    values = await sync_to_async(channel.collect)(location)
    return put_value(values) if values else None
