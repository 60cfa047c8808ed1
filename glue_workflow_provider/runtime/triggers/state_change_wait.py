"""Waiting on Glue's state-change events instead of polling (``Airflow.state_change_queue_url``).

Polling puts about half a poll interval between a run's end and the moment its task learns of it. With a
queue that receives Glue's EventBridge state-change events, a waiting trigger checks the run as soon as an
end event of that run arrives (one GetJobRun or GetCrawler, through the same waiter as polling), and
otherwise only every ``poll_interval`` of the queue settings: the fallback for an event that never comes
(Glue's delivery is best effort; a rule can be missing). The state is always Glue's answer, never the event's.

The first check still comes on the grid of the run's start, at least 5 s (or one ``waiter_delay``) after the
trigger starts, as without a queue (runtime/check_phase.py): a trigger that fires within seconds of the
deferral can lose to an Airflow scheduler race.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TypedDict

from airflow.triggers.base import TriggerEvent

from glue_workflow_provider.runtime.state_changes import Key
from glue_workflow_provider.runtime.triggers.state_change_listener import StateChangeListener
from glue_workflow_provider.runtime.triggers.waiter_checks import (
    MAX_ATTEMPTS_MESSAGE,
    Check,
    check_once,
    ended_event,
    error_event,
    glue_client,
)

if TYPE_CHECKING:
    from airflow.providers.amazon.aws.triggers.base import AwsBaseWaiterTrigger

class StateChangeSettings(TypedDict):
    """What a waiting trigger needs of ``Airflow.state_change_queue_url`` (JSON, so it serialises)."""

    queue_url: str
    poll_interval: int


async def checks_on_state_changes(
    trigger: AwsBaseWaiterTrigger, settings: StateChangeSettings, key: Key
) -> AsyncIterator[TriggerEvent]:
    """The trigger's one event: its run ended ("success", as the waiter says), or an error, checking Glue on
    each end event of ``key`` and every fallback interval, until ``waiter_delay * attempts`` have passed."""
    listener = StateChangeListener.shared(settings["queue_url"], trigger.aws_conn_id, trigger.region_name)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + trigger.waiter_delay * trigger.attempts
    hook = trigger.hook()
    async with glue_client(trigger) as client, listener.watching(key) as woken:
        waiter = hook.get_waiter(trigger.waiter_name, deferrable=True, client=client,
                                 config_overrides=trigger.waiter_config_overrides)
        told = False
        while (left := deadline - loop.time()) > 0:
            interval = trigger.waiter_delay if listener.failing else settings["poll_interval"]
            by_event = await _woken_within(woken, min(interval, left))
            if listener.failing and not told:
                told = True
                trigger.log.warning("The state-change queue %s cannot be read (see the triggerer's log): checking "
                                    "every %d s until it can", settings["queue_url"], trigger.waiter_delay)
            found = await check_once(trigger, waiter)
            if isinstance(found, TriggerEvent):
                yield found
                return
            if found is Check.ENDED:
                if not by_event and not listener.failing:
                    trigger.log.warning(
                        "%s ended, but no state-change event of it came on %s: the fallback check found it; "
                        "check the EventBridge rule that sends Glue's state changes there",
                        trigger.status_message.removesuffix(" is"), settings["queue_url"],
                    )
                yield ended_event(trigger)
                return
    yield error_event(trigger, MAX_ATTEMPTS_MESSAGE)


async def _woken_within(woken: asyncio.Event, seconds: float) -> bool:
    """Whether ``woken`` was set within ``seconds`` (it is cleared for the next event)."""
    try:
        await asyncio.wait_for(woken.wait(), timeout=seconds)
    except TimeoutError:
        return False
    woken.clear()
    return True
