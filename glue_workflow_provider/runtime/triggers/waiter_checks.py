"""One check of a trigger's waiter, and the polling loop made of such checks: the wait written once, here.

The amazon provider's ``AwsBaseWaiterTrigger.run`` changed between the providers the supported Airflows pin
(9.12 on MWAA's 3.0.6 raises on a failure; 9.39 yields an error event from a private helper and raises its own
exception classes), so the triggers do not inherit the loop: they take from the provider only what every one
of those versions has (the hook's async client and its waiter from waiters/glue_workflow.json) and ask
botocore's waiter for one attempt at a time, as the provider's ``async_wait`` does, classifying its answer
the same way on every version.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

import jmespath  # type: ignore[import-untyped]  # botocore's own dependency
from airflow.triggers.base import TriggerEvent
from botocore.exceptions import NoCredentialsError, WaiterError

from glue_workflow_provider.runtime.check_phase import next_check_delay

if TYPE_CHECKING:
    from airflow.providers.amazon.aws.triggers.base import AwsBaseWaiterTrigger

#: The trigger attribute holding the wait's open Glue client (None when no wait is open).
OPEN_CLIENT = "open_client"
#: What an error event says when the wait ran out (the amazon provider's words, so logs read the same).
MAX_ATTEMPTS_MESSAGE = "Waiter error: max attempts reached"
#: Errors a later check may not meet (throttling, a service hiccup): the wait goes on, as with the newest
#: provider's ``async_wait``, instead of failing the try as the older ones do.
PASSING_ERRORS = frozenset({
    "ThrottlingException", "Throttling", "RequestLimitExceeded", "ProvisionedThroughputExceededException",
    "LimitExceededException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
    "ServerException", "InternalServerError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
    "BadGateway", "GatewayTimeout", "RequestTimeout", "RequestTimeoutException",
})


class Check(Enum):
    """What one attempt of the waiter found (an error is an event instead)."""

    ENDED = "ended"
    GOING = "going"


def error_event(trigger: AwsBaseWaiterTrigger, message: str) -> TriggerEvent:
    """The event of a wait that failed: the operator resumes, says why and fails (a retry reattaches)."""
    return TriggerEvent({"status": "error", "message": message, trigger.return_key: trigger.return_value})  # type: ignore[no-untyped-call]


def ended_event(trigger: AwsBaseWaiterTrigger) -> TriggerEvent:
    """The event of a run in an end state (the operator reads which one)."""
    return TriggerEvent({"status": "success", trigger.return_key: trigger.return_value})  # type: ignore[no-untyped-call]


def _status(trigger: AwsBaseWaiterTrigger, response: Any) -> str:
    """The status fields of the waiter's last response (``status_queries``), as the provider logs them."""
    return " - ".join(str(jmespath.search(query, response)) for query in trigger.status_queries)


async def check_once(trigger: AwsBaseWaiterTrigger, waiter: Any) -> Check | TriggerEvent:
    """One attempt of ``waiter``: the run ENDED, is GOING on, or an error event (a terminal failure or a Glue
    error, which the waiters of this provider only reach for a run or crawler that is gone)."""
    try:
        await waiter.wait(**trigger.waiter_args, WaiterConfig={"MaxAttempts": 1})
    except NoCredentialsError as error:  # retried until the deadline, as the provider's loop does
        trigger.log.info("%s", error)
        return Check.GOING
    except WaiterError as error:
        last: Any = error.last_response or {}
        if "terminal failure" in str(error):
            return error_event(trigger, f"{trigger.failure_message}: {_status(trigger, last)}\n{error}")
        code = last.get("Error", {}).get("Code") if isinstance(last.get("Error"), dict) else None
        if "An error occurred" in str(error) and code is not None and code not in PASSING_ERRORS:
            return error_event(trigger, f"{trigger.failure_message}\n{last}\n{error}")
        trigger.log.info("%s: %s", trigger.status_message, _status(trigger, last))
        return Check.GOING
    return Check.ENDED


#: The reads the waiters of waiters/glue_workflow.json make (the only calls whose replies are remembered).
WAITER_READS = frozenset({"get_job_run", "get_crawler"})


class RememberingClient:
    """The wait's Glue client, remembering the reply of the last read the waiter made (``last_reply``).

    The waiter's reply that says the run ended already holds its exact end state; the trigger that ends its task
    (task_end.py) decides from it instead of asking Glue again (one call and a round trip less per run)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.last_reply: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._client, name)
        if name not in WAITER_READS:
            return found

        async def remembered(*args: Any, **kwargs: Any) -> Any:
            self.last_reply = None
            reply = await found(*args, **kwargs)
            self.last_reply = {name: reply}
            return reply

        return remembered


def last_reply(client: Any, operation: str) -> dict[str, Any] | None:
    """The reply of the wait's last read when it was ``operation`` (taken once), else None."""
    if not isinstance(client, RememberingClient) or operation not in (client.last_reply or {}):
        return None
    remembered, client.last_reply = client.last_reply or {}, None
    return remembered[operation]  # type: ignore[no-any-return]


@asynccontextmanager
async def glue_client(trigger: AwsBaseWaiterTrigger) -> AsyncIterator[Any]:
    """The wait's Glue client, kept on the trigger (``OPEN_CLIENT``) while it is open: the trigger's last read
    of the end state (task_end.py) uses its last reply, or asks it, instead of building another client (a
    fifth of a second)."""
    async with await trigger.hook().get_async_conn() as client:  # type: ignore[no-untyped-call]
        remembering = RememberingClient(client)
        setattr(trigger, OPEN_CLIENT, remembering)
        try:
            yield remembering
        finally:
            setattr(trigger, OPEN_CLIENT, None)


async def poll_until_ended(trigger: AwsBaseWaiterTrigger) -> AsyncIterator[TriggerEvent]:
    """The trigger's one event: check every ``waiter_delay``, at most ``attempts`` times."""
    hook = trigger.hook()
    async with glue_client(trigger) as client:
        waiter = hook.get_waiter(trigger.waiter_name, deferrable=True, client=client,
                                 config_overrides=trigger.waiter_config_overrides)
        for attempt in range(trigger.attempts):
            if attempt:  # on the grid of the run's start when the run reference has it (check_phase.py)
                await asyncio.sleep(next_check_delay(trigger.return_value, trigger.waiter_delay))
            found = await check_once(trigger, waiter)
            if found is not Check.GOING:
                yield ended_event(trigger) if found is Check.ENDED else found
                return
    yield error_event(trigger, MAX_ATTEMPTS_MESSAGE)
