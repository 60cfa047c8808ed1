"""``Airflow.state_change_queue_url`` on the node operators: their deferred waits wake on Glue's events.

A mixin placed before GlueNodeOperator, so it can take the two settings and add them to what the waiting
trigger is given (runtime/triggers/state_change_wait.py). Without a queue nothing changes: the trigger
polls every ``poll_interval`` and serialises exactly as before. A task that waits on its worker
(``deferrable`` false) always polls: only triggers read the queue.
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.model.workflow import STATE_CHANGE_POLL_SECONDS
from glue_workflow_provider.runtime.triggers.state_change_wait import StateChangeSettings


class WakesOnStateChanges:
    """Hand the waiting trigger the state-change queue, if one is configured.

    :param state_change_queue_url: The SQS queue that receives Glue's "Glue Job State Change" and "Glue
        Crawler State Change" EventBridge events (None: poll only).
    :param state_change_poll_interval: With a queue, seconds between two checks when no event comes.
    """

    def __init__(
        self,
        *,
        state_change_queue_url: str | None = None,
        state_change_poll_interval: int = STATE_CHANGE_POLL_SECONDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.state_change_queue_url = state_change_queue_url
        self.state_change_poll_interval = state_change_poll_interval

    def trigger_kwargs(
        self, run: dict[str, Any], attempts: int, succeeded_xcoms: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The node's trigger arguments, plus ``state_changes`` when a queue is configured."""
        kwargs: dict[str, Any] = super().trigger_kwargs(run, attempts, succeeded_xcoms)  # type: ignore[misc]
        if self.state_change_queue_url:
            kwargs["state_changes"] = StateChangeSettings(
                queue_url=self.state_change_queue_url, poll_interval=self.state_change_poll_interval
            )
        return kwargs
