"""Retiring the Glue run of an earlier try lineage before a cleared task starts its new one."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from glue_workflow_provider.runtime.exceptions import GlueNodeWaitError

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.operators.node import GlueNodeOperator

#: How long a new try waits for the run of an earlier lineage (stopped by a clear) to end before starting.
RETIRE_SECONDS = 600


def retire(node: GlueNodeOperator[Any], run: dict[str, Any]) -> None:
    """Stop the run an earlier lineage of this task started (the task was cleared) and wait until it ends.

    The waiting trigger's ``on_kill`` usually stopped it already; this covers a clear while the task was not
    running or a stop the triggerer could not make, and keeps the new run from being refused as a
    concurrent run of the old one.
    """
    if node.end_state(run) is not None:
        return
    node.log.info("Stopping Glue %s '%s' (%s), started before this task was cleared", node.kind, node.glue_name,
                  node.describe(run))
    node.stop(run)
    deadline = time.monotonic() + RETIRE_SECONDS
    while node.end_state(run) is None:
        if time.monotonic() > deadline:
            raise GlueNodeWaitError(
                f"Glue {node.kind} '{node.glue_name}' ({node.describe(run)}), started before this task was "
                f"cleared, did not stop within {RETIRE_SECONDS} s; a retry tries again"
            )
        time.sleep(min(node.poll_interval, 5))
