"""Step 3's shortcut: whether a deferred node task may end in the triggerer when its Glue run SUCCEEDED.

Resuming on a worker only to record SUCCEEDED costs a second task process and a scheduler round trip on
every hand-off (runtime/triggers/task_end.py). A worker has nothing left to do at a SUCCEEDED end when:

- the workflow needs nothing decided at it: no trigger watches the node for another state (nothing to skip),
  and either the run certainly goes on after it or the workflow handles no failure (so its end never skips
  the outcome task): ``TriggerTable.hands_on``. The run's summary, when this end completes the run, is written
  by the notes listener as the DAG run ends (runtime/notes.py);
- no plugin but this provider listens for task successes (Airflow calls no listener for a task its trigger
  ended).

Then the trigger gets the XComs that end records (``glue_state``, the note, the job's run id as its result,
``run_properties_after`` as far as it can read: what the node saw, with what it put applied by the trigger,
which reads the put from the run-properties channel itself), and the Rendered Templates field
``glue_run`` is sent when the task defers, as it would be at its end. Any other end state resumes on a worker
as before; so does every node under ``dag.test``, which hands a task-end event's payload to the task instead
of ending it (``run_of_an_end_event``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.runtime import run_record as records
from glue_workflow_provider.runtime.airflow_internals import others_listen_for_task_success
from glue_workflow_provider.runtime.node_record.record import AFTER_KEY, GLUE_STATE_KEY, NOTE_KEY
from glue_workflow_provider.runtime.operators.monitoring import masked
from glue_workflow_provider.runtime.run_summary import node_note

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.operators.node import GlueNodeOperator

#: Airflow's key of a task's return value.
RETURN_KEY = "return_value"


def succeeded_xcoms(node: GlueNodeOperator[Any], run: dict[str, Any]) -> dict[str, Any] | None:
    """The XComs a SUCCEEDED end of ``run`` records, if the trigger may record them and end the task; else None."""
    runtime = node.runtime
    if runtime is None or not runtime.plan.triggers.hands_on(node.glue_name):
        return None
    if others_listen_for_task_success():
        return None
    xcoms: dict[str, Any] = {GLUE_STATE_KEY: SUCCEEDED, NOTE_KEY: node_note(SUCCEEDED, None, node.console_link(run))}
    if isinstance(node.seen, dict):  # the properties after it, as far as the trigger can read (no sibling's put)
        xcoms[AFTER_KEY] = dict(node.seen)
    result = node.result(run)
    if result is not None:
        xcoms[RETURN_KEY] = result
    node.glue_run = {**node.run_details(run), "run_properties": masked(node.seen)}
    node.overwrite_rtif_after_execution = True  # sent as the task defers: no process sends it at the end
    return xcoms


def run_of_an_end_event(context: Any, event: Any) -> dict[str, Any] | None:
    """The run of a task resumed with a task-end event's payload (``dag.test`` runs the trigger in line and
    resumes the task with the payload, "success", even when the trigger ended the task): the record's."""
    if event is None or isinstance(event, dict):
        return None
    record = records.load_record(records.record_store(context))
    return record.run if record is not None else None
