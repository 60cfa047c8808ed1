"""Glue's view as Airflow notes: each node task's end state, and the workflow run's summary on the DAG run.

A task cannot set a note in Airflow 3.3 (the execution API has no such call, and tasks have no database), so
a node task leaves its note's text in XCom (``glue_note``) when it ends, and a node task that resumes on a worker
and sees the run complete leaves the run's summary (``glue_run_summary``, runtime/run_summary.py). When the DAG
run ends, the scheduler (or the API server, for a run marked by hand) calls the plugin's listener here, which
copies those texts into the task instance notes and the DAG run note. When no task left a summary (the last
node ended in the triggerer, runtime/operators/end_in_trigger.py, or two ended together and neither saw the
other's end), the listener writes it from the tasks' records and the plan, read from the DAG file as the
workflow view reads it. A note a user wrote is kept (ours have no user, so a run cleared and run again gets new
ones). Best effort: a note that cannot be written is logged, never fails anything.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.listeners import hookimpl

from glue_workflow_provider.runtime.after_commit import for_dag_run
from glue_workflow_provider.runtime.airflow_internals import metadata_session, note_models, orm_models
from glue_workflow_provider.runtime.node_record.orm import records
from glue_workflow_provider.runtime.node_record.record import GLUE_STATE_KEY, NOTE_KEY, SUMMARY_KEY, NodeRecord
from glue_workflow_provider.runtime.node_state import ended_states
from glue_workflow_provider.runtime.run_summary import failure_errors, run_summary
from glue_workflow_provider.runtime.workflow_view.plans import plans_of
from glue_workflow_provider.semantics.progress import settle

if TYPE_CHECKING:
    from glue_workflow_provider.compile.plan import DagPlan

log = logging.getLogger(__name__)


class RunNotesListener:
    """Registered by the provider's plugin; copies the Glue notes of a DAG run when it ends."""

    @hookimpl
    def on_dag_run_success(self, dag_run: Any, msg: str) -> None:
        """The run succeeded: write its notes."""
        _in_background(dag_run)

    @hookimpl
    def on_dag_run_failed(self, dag_run: Any, msg: str) -> None:
        """The run failed: write its notes."""
        _in_background(dag_run)


def _in_background(dag_run: Any) -> None:
    """Write after the caller's transaction has committed (the listener runs inside it)."""
    for_dag_run(dag_run, "notes", "write the Glue notes", write_notes)


def write_notes(dag_id: str, run_id: str) -> int:
    """Copy the Glue note texts of a DAG run's XCom into its notes (keeping any a user wrote); returns how many.
    Only what each task's current try recorded counts (a task cleared and then skipped gets no earlier note); the
    summary is the one a task left last, else written here (``summary_of``)."""
    from sqlalchemy import select

    TaskInstance, DagRun = note_models()
    with metadata_session() as session:
        recorded = records(session, dag_id, run_id, (NOTE_KEY, SUMMARY_KEY, GLUE_STATE_KEY))
        notes = {task_id: record.note for task_id, record in recorded.items() if record.note is not None}
        summaries = [record.summary for record in sorted(recorded.values(), key=lambda r: r.end or "") if record.summary]
        summaries = summaries or _summaries_of(session, dag_id, recorded)
        written = 0
        if notes:
            tis = session.scalars(
                select(TaskInstance).where(
                    TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id.in_(notes)
                )
            ).all()
            for ti in tis:
                if _ours(ti.task_instance_note):
                    ti.note = notes[ti.task_id]
                    written += 1
        if summaries:
            dag_run = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
            if dag_run is not None and _ours(dag_run.dag_run_note):
                dag_run.note = summaries[-1]
                written += 1
    return written


def summary_of(plan: DagPlan, recorded: Mapping[str, NodeRecord]) -> str | None:
    """The run summary of one workflow from its tasks' records (their Airflow states and current Glue states,
    as a node task reads them), when every node ended or can never run; else None (a run stopped half-way)."""
    ended = ended_states(plan, {t: r.airflow_state for t, r in recorded.items()}, lambda t: recorded[t].glue_state)
    if not settle(plan.triggers, ended).is_complete(plan.triggers):
        return None
    task_ids = plan.node_task_ids()
    notes = {node: recorded[task_id].note for node, task_id in task_ids.items() if task_id in recorded}
    return run_summary(plan.triggers, ended, failure_errors(ended, notes.get))


def _summaries_of(session: Any, dag_id: str, recorded: Mapping[str, NodeRecord]) -> list[str]:
    """The summary of each workflow of the DAG (one, or one per embedded group), from its plan."""
    from sqlalchemy import select

    DagModel = orm_models()[2]  # noqa: N806 - the ORM class, by its Airflow name
    fileloc = session.scalar(select(DagModel.fileloc).where(DagModel.dag_id == dag_id))
    plans = plans_of(dag_id, str(fileloc)) if fileloc else []
    if not plans:
        log.warning("No Glue workflow plan found for DAG %s (its file must be on this machine): no run summary", dag_id)
    joined = "\n\n".join(summary for summary in (summary_of(plan, recorded) for plan in plans) if summary)
    return [joined] if joined else []


def _ours(note: Any) -> bool:
    """No note yet, or one written here (a user's note has the user's id)."""
    return note is None or not note.user_id
