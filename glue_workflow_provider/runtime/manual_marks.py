"""A node task marked failed (or success) by hand: stop its Glue run, and skip what can no longer run.

When a node ends, its task skips every task that can no longer run (node_state.py), so nothing downstream
is ever left for the scheduler to mark ``upstream_failed``. A task marked failed in the UI or through the REST
API does not end on a worker (a deferred one has no worker at all), so the provider's plugin listens for
Airflow's ``on_task_instance_failed`` hook, which the API server calls for a manual mark, and does that
pruning there: the marked node counts as ended with no Glue state (``NO_GLUE_STATE``), its successors that
can no longer fire are skipped (rule 5), and the DAG run fails because a node failed and no trigger handles
it (rule 6).

The same listener stops the node's Glue run if it has not ended, whether the task was marked failed or
success. The waiting trigger's ``on_kill`` does this too, in the triggerer; but a trigger that no triggerer
has picked up yet (the first seconds after the deferral, or while the triggerer restarts) is dropped without
``on_kill``, and its run would be left running.

The DAG is rebuilt from its file (the loader and the plan cache; no AWS call) to read its trigger graph and
its operators. Best effort: if the file is not on the API server's disk, nothing is done here and the
triggerer's ``on_kill`` and the scheduler's ``upstream_failed`` stand (docs/operating.md#failure-modes).
"""

from __future__ import annotations

import logging
import runpy
from types import SimpleNamespace
from typing import Any

from airflow.listeners import hookimpl

from glue_workflow_provider.model.states import NO_GLUE_STATE
from glue_workflow_provider.runtime.after_commit import in_background
from glue_workflow_provider.runtime.airflow_internals import (
    MANUAL_MARK_TEXT,
    metadata_session,
    orm_models,
)
from glue_workflow_provider.runtime.node_record.orm import recorded_values, records
from glue_workflow_provider.runtime.node_record.record import GLUE_RUN_KEY, GLUE_STATE_KEY, NODE_OPERATORS
from glue_workflow_provider.runtime.node_state import WorkflowRuntime, ended_states
from glue_workflow_provider.runtime.pruning import tasks_to_skip
from glue_workflow_provider.runtime.record_cleanup import forget_run_records, held_records
from glue_workflow_provider.runtime.run_record import RunRecord
from glue_workflow_provider.semantics.progress import settle

log = logging.getLogger(__name__)

#: States of a task the scheduler has not run yet, or has marked upstream_failed because of the mark.
NOT_RUN = (None, "scheduled", "upstream_failed")


class ManualMarkListener:
    """Registered by the provider's plugin; acts only on manual marks of node tasks, in the API server."""

    @hookimpl
    def on_task_instance_failed(self, previous_state: Any, task_instance: Any, error: Any) -> None:
        """Stop the marked node's run; skip what it can no longer start."""
        if MANUAL_MARK_TEXT in str(error or "") and getattr(task_instance, "operator", None) in NODE_OPERATORS:
            _best_effort(task_instance, failed=True)

    @hookimpl
    def on_task_instance_success(self, previous_state: Any, task_instance: Any) -> None:
        """Stop the run of a node marked success (the API server calls this with no previous state)."""
        if previous_state is None and hasattr(task_instance, "dag_model") and task_instance.operator in NODE_OPERATORS:
            _best_effort(task_instance, failed=False)


    @hookimpl
    def on_dag_run_failed(self, dag_run: Any, msg: str) -> None:
        """Stop the runs of the DAG run's nodes that started and never recorded an end (a DAG run marked failed,
        or timed out), then remove the run records kept in Variables (runtime/record_cleanup.py). Airflow 3.3's
        triggerer stops deferred ones through the triggers' ``on_kill``; older ones never call it, so this is
        what stops them there. A run that failed on its own has none: no Glue call."""
        run = SimpleNamespace(dag_id=dag_run.dag_id, run_id=dag_run.run_id)
        in_background(f"glue-airflow-run-{run.run_id}", f"stop the Glue runs of {run.dag_id} {run.run_id}",
                      lambda: _stop_unended(run))


def _stop_unended(run: Any) -> None:
    """Stop each started node run of ``run`` whose task recorded no Glue end state.

    Every recorded run id counts here, whichever try recorded it (the tasks were just set failed or skipped, so
    their states no longer say which try is current): a run that has ended is left alone (``_stop_if_running``
    asks Glue first)."""
    with metadata_session() as session:
        values = recorded_values(session, run.dag_id, run.run_id, (GLUE_RUN_KEY, GLUE_STATE_KEY))
        started = {task_id: str(v[GLUE_RUN_KEY]) for task_id, v in values.items() if v.get(GLUE_RUN_KEY)}
        unended = sorted(task_id for task_id in started if not values[task_id].get(GLUE_STATE_KEY))
        held = {task_id: record for task_id, record in held_records(session, run.dag_id, run.run_id).items()
                if not any(values.get(task_id, {}).get(key) for key in (GLUE_RUN_KEY, GLUE_STATE_KEY))}
        dag: Any = _dag_of(run.dag_id, session) if unended or held else None
        for task_id in unended if dag is not None else ():
            _stop_if_running(dag.task_dict[task_id], started[task_id])
        for task_id, record in held.items() if dag is not None else ():
            _stop_if_running(dag.task_dict[task_id], None, record)
    forget_run_records(run.dag_id, run.run_id)


def _best_effort(ti: Any, *, failed: bool) -> None:
    """Act in a thread of its own, after the API call's transaction has committed (the listener runs inside it,
    and on SQLite a second writer would wait for it until timing out)."""
    mark = SimpleNamespace(dag_id=ti.dag_id, run_id=ti.run_id, task_id=ti.task_id)
    in_background(f"glue-airflow-mark-{ti.task_id}", f"act on the manual mark of {ti.task_id}", lambda: _act(mark, failed))


def _act(ti: Any, failed: bool) -> None:
    skipped = after_manual_mark(ti, failed=failed)
    if skipped:
        log.info("%s marked failed: skipped %s, which can no longer run", ti.task_id, ", ".join(skipped))


def after_manual_mark(ti: Any, *, failed: bool) -> list[str]:
    """Stop ``ti``'s Glue run if it has not ended; when marked failed, skip the tasks of its DAG run that can
    no longer run. Returns the skipped task ids."""
    from sqlalchemy import update

    TaskInstance = orm_models()[0]
    with metadata_session() as session:
        task = _task_of(ti, session)
        if task is None:
            return []
        recorded = records(session, ti.dag_id, ti.run_id, (GLUE_RUN_KEY, GLUE_STATE_KEY))
        marked = recorded.get(ti.task_id)
        _stop_if_running(task, marked.glue_run_id if marked is not None else None)
        if not failed:
            return []
        runtime: WorkflowRuntime = task.runtime
        states = {task_id: record.airflow_state for task_id, record in recorded.items()}
        ended = ended_states(runtime.plan, states, lambda task_id: recorded[task_id].glue_state)
        ended[_node_of(runtime, ti.task_id)] = NO_GLUE_STATE
        settled = settle(runtime.plan.triggers, ended)
        skip = [t for t in tasks_to_skip(runtime.plan, settled) if states.get(t) in NOT_RUN]
        if skip:
            session.execute(
                update(TaskInstance)
                .where(TaskInstance.dag_id == ti.dag_id, TaskInstance.run_id == ti.run_id, TaskInstance.task_id.in_(skip))
                .values(state="skipped")
                .execution_options(synchronize_session=False)
            )
    return sorted(skip)


def _stop_if_running(task: Any, glue_run_id: str | None, record: RunRecord | None = None) -> None:
    """Stop the node's Glue run through its own operator (its connection and region) unless it has ended: the run
    ``glue_run_id`` names, or the one a run ``record`` holds or its intent started (a worker killed before it
    recorded the run, on Airflow 3.0, which fails that task without the retry that would find it)."""
    run = task.run_from_glue_run_id(glue_run_id) if record is None else (record.run or task.find_started(record))
    if run is not None and task.end_state(run) is None:
        log.info("Stopping Glue %s '%s': its task was stopped by hand", task.node_type.value.lower(), task.glue_name)
        task.stop(run)


def _task_of(ti: Any, session: Any) -> Any:
    """The node operator of ``ti``, from the DAG file the DAG processor parsed (None if not found)."""
    dag = _dag_of(ti.dag_id, session)
    task = dag.task_dict.get(ti.task_id) if dag is not None else None
    return task if isinstance(getattr(task, "runtime", None), WorkflowRuntime) else None


def _dag_of(dag_id: str, session: Any) -> Any:
    """DAG ``dag_id`` as its file builds it (the loader and the plan cache; no AWS call), or None."""
    from sqlalchemy import select

    DagModel = orm_models()[2]
    fileloc = session.scalar(select(DagModel.fileloc).where(DagModel.dag_id == dag_id))
    if not fileloc:
        return None
    for value in runpy.run_path(fileloc).values():
        if getattr(value, "dag_id", None) == dag_id and hasattr(value, "task_dict"):
            return value
    log.warning("DAG %s was not found in %s; nothing skipped", dag_id, fileloc)
    return None


def _node_of(runtime: WorkflowRuntime, task_id: str) -> str:
    return next(name for name, node_task in runtime.plan.node_task_ids().items() if node_task == task_id)
