"""Step 4 of a node's lifecycle: record the exact end state, prune, report, and end the task accordingly.

Either the Glue run ended (``finish``: XCom ``glue_state``, what can no longer run skipped, the UI's note and
summary in monitoring.py, success only on SUCCEEDED), or the try failed without any Glue end state
(``pruned_on_final_failure``: on the last try, the node counts as ended in no Glue state,
docs/semantics.md#no-glue-state, so what it would have started is skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from glue_workflow_provider.model.states import NO_GLUE_STATE, SUCCEEDED
from glue_workflow_provider.runtime.exceptions import GlueNodeEndedError
from glue_workflow_provider.runtime.node_record.record import AFTER_KEY, GLUE_STATE_KEY
from glue_workflow_provider.runtime.run_summary import failure_line
from glue_workflow_provider.version_compat import (
    AirflowFailException,
    AirflowSkipException,
    AirflowTaskTerminated,
    TaskDeferred,
)

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.operators.node import GlueNodeOperator


def finish(node: GlueNodeOperator[Any], context: Any, run: dict[str, Any], state: str) -> Any:
    """Record the exact end state, prune what can no longer run, then succeed only on SUCCEEDED. A killed try
    (cleared, marked) lives on until its process is ended; what it would record is not its node's end."""
    if node.killed:
        raise AirflowTaskTerminated(f"Glue {node.kind} '{node.glue_name}' was stopped: its task was killed")
    node.active_run = None
    ti = context["ti"]
    node.collect_puts(context, run)  # then the properties right after this node (reports replay every put)
    ti.xcom_push(key=AFTER_KEY, value=node.properties(context))
    ti.xcom_push(key=GLUE_STATE_KEY, value=state)
    settled = node.runtime.prune(ti, node.task_id) if node.runtime is not None else None
    node.report_end(context, run, state, settled)
    if state == SUCCEEDED:
        node.log.info("Glue %s '%s' SUCCEEDED (%s)", node.kind, node.glue_name, node.describe(run))
        return node.result(run)
    line = failure_line(node.kind, node.glue_name, state, run.get("error"), node.console_link(run))
    node.log.error(line)
    raise GlueNodeEndedError(line)


@contextmanager
def pruned_on_final_failure(node: GlueNodeOperator[Any], context: Any) -> Iterator[None]:
    """A last try that fails without a Glue end state (job missing, retries spent on an outage, a wait that
    never saw the end state) skips what can no longer run, as an end state would: its successors never ran,
    so they are skipped (docs/semantics.md#never-run-never-failed)."""
    try:
        yield
    except (GlueNodeEndedError, AirflowSkipException, TaskDeferred):
        raise
    except Exception as exc:
        ti = context["ti"]
        retried = not isinstance(exc, AirflowFailException) and 0 < ti.try_number <= (ti.max_tries or 0)
        if node.runtime is not None and not retried:
            try:
                node.runtime.prune(ti, node.task_id, also={node.glue_name: NO_GLUE_STATE})
            except Exception:
                node.log.exception("Could not skip what this node can no longer start")
        raise
