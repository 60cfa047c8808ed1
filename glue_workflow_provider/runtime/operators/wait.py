"""Step 3 of a node's lifecycle: wait for the Glue run to end, in the triggerer (deferred) or on the worker.

``wait`` checks the run once; still going, it defers to the kind's trigger (runtime/triggers/glue_run.py,
whose checks are waiter_checks.py or, with a state-change queue, state_change_wait.py) or, with
``deferrable`` false, polls here. The trigger's event resumes the task in ``complete``, which reads the
exact end state itself: the trigger only says the run is in *an* end state.

The trigger and the operator read different things: the job waiter reads ``JobRunState``, the crawler waiter
only ``State`` (READY), while the operator needs ``LastCrawl`` to be the crawl it started. When the trigger
said "ended" but the operator finds no end state, the task waits again (a re-defer), logging a warning each
time, at most ``REDEFER_LIMIT`` times: then the try fails with GlueNodeWaitError (a retry reattaches)
instead of starting a worker forever (docs/operating.md#failure-modes).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from glue_workflow_provider.runtime.exceptions import GlueNodeWaitError
from glue_workflow_provider.runtime.operators.end_in_trigger import succeeded_xcoms
from glue_workflow_provider.runtime.operators.finish import finish

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.operators.node import GlueNodeOperator

#: How many times a task waits again after its trigger said the run ended but no end state could be read.
REDEFER_LIMIT = 5
#: The run reference's count of those re-defers: the reference is what every deferral hands on (a trigger
#: event carries it back, and ``dag.test`` keeps nothing but the event), and a retry starts from the record's.
REDEFERRALS = "redeferrals"
#: The run reference's note of the try that deferred, carried the same way (see resumed_by_a_retry).
DEFERRED_BY = "deferred_by_try"


def wait(node: GlueNodeOperator[Any], context: Any, run: dict[str, Any]) -> Any:
    """Finish if the run has ended; otherwise defer to the trigger, or poll until the run's time is up."""
    node.active_run = run
    state = node.end_state(run)
    if state is not None:
        return finish(node, context, run, state)
    attempts = max(1, math.ceil(node.wait_minutes(run) * 60 / node.poll_interval))
    if node.deferrable:
        run[DEFERRED_BY] = context["ti"].try_number
        trigger = node.ended_trigger(run, attempts, succeeded_xcoms(node, run))
        node.defer(trigger=trigger, method_name="execute_complete")
    for _ in range(attempts):
        time.sleep(node.poll_interval)
        state = node.end_state(run)
        if state is not None:
            return finish(node, context, run, state)
    raise GlueNodeWaitError(
        f"Glue {node.kind} '{node.glue_name}' ({node.describe(run)}) did not end within "
        f"{node.wait_minutes(run)} minutes; a retry reattaches to the same run"
    )


def resumed_by_a_retry(context: Any, run: dict[str, Any] | None) -> bool:
    """Whether this is a retry that Airflow resumed in the method an earlier try deferred to, instead of
    starting it anew (Airflow 3.0 and 3.1.0, apache/airflow#56704): it then starts over with ``execute``,
    which reattaches to the run through the record, as any retry does."""
    deferred_by = (run or {}).get(DEFERRED_BY)
    return deferred_by is not None and deferred_by != context["ti"].try_number


def complete(node: GlueNodeOperator[Any], context: Any, event: dict[str, Any] | None, run: dict[str, Any] | None) -> Any:
    """Resume after the trigger: finish with the exact end state, fail on the trigger's error, else wait again."""
    run = run or (event or {}).get("run")
    if run is None:
        raise GlueNodeWaitError(f"Glue {node.kind} '{node.glue_name}': resumed without a run reference")
    state = node.end_state(run)
    if state is not None:
        return finish(node, context, run, state)
    if event and event.get("status") == "error":
        raise GlueNodeWaitError(
            f"Glue {node.kind} '{node.glue_name}' ({node.describe(run)}) has not ended: "
            f"{event.get('message')}; a retry reattaches to the same run"
        )
    return _wait_again(node, context, run, event)


def _wait_again(node: GlueNodeOperator[Any], context: Any, run: dict[str, Any], event: dict[str, Any] | None) -> Any:
    """The trigger said the run ended, yet Glue reports no end state of it: wait again, logged and bounded."""
    said = f"{(event or {}).get('status')}: {(event or {}).get('message') or 'no message'}"
    done = int(run.get(REDEFERRALS) or 0)
    if done >= REDEFER_LIMIT:
        raise GlueNodeWaitError(
            f"Glue {node.kind} '{node.glue_name}' ({node.describe(run)}): its trigger said the run ended "
            f"{done + 1} times ({said}), but Glue still reports no end state of it; gave up after "
            f"{REDEFER_LIMIT} waits again; a retry reattaches to the same run and waits for it anew"
        )
    run[REDEFERRALS] = done + 1
    node.log.warning(
        "Glue %s '%s' (%s): the trigger said the run ended (%s), but Glue reports no end state of it yet; "
        "waiting again (%d of at most %d)", node.kind, node.glue_name, node.describe(run), said, done + 1,
        REDEFER_LIMIT,
    )
    return wait(node, context, run)
