"""Removing the run records a DAG run's node tasks kept in Variables (Airflow before 3.3), once the DAG run ends.

Below Airflow 3.3 a node task's run record is an Airflow Variable (runtime/run_record.py). The task cannot
remove it when its Glue run ends: Airflow (up to 3.3.1, apache/airflow#66374, #67287, #72716) may still fail a
try that saw its run end, when the executor's stale "success" of the process that deferred arrives after the
resumed try started; the retry must then find the record, reattach to the ended run and end as it did, not
start the job again. So the records stay until the DAG run ends, and this listener removes them then, in the
scheduler (or the API server, for a run marked by hand). A record left by a DAG run that never ends (deleted
while running) is named in its Variable's description, so it can be told and removed by hand.

When the DAG run fails, the manual-marks listener first reads the records (``held_records``) to stop a run
that only a record knows: Airflow 3.0 fails a task whose worker was killed without its retries
(apache/airflow#55753), before the retry could find and record the run it started; then it removes them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from airflow.listeners import hookimpl

from glue_workflow_provider.runtime.after_commit import for_dag_run
from glue_workflow_provider.runtime.airflow_internals import metadata_session, orm_models
from glue_workflow_provider.runtime.run_record import RunRecord, record_variable_key
from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS

log = logging.getLogger(__name__)


class RunRecordCleanup:
    """Registered by the provider's plugin below Airflow 3.3 (3.3's ``task_state_store`` cleans up its own)."""

    @hookimpl
    def on_dag_run_success(self, dag_run: Any, msg: str) -> None:
        """The DAG run succeeded: no try of its tasks will reattach to anything. (A failed one: manual_marks, which
        stops what the records know first.)"""
        _in_background(dag_run)


def cleanup_listeners() -> list[Any]:
    """The listener where the records are Variables, none where Airflow keeps them."""
    return [] if AIRFLOW_V_3_3_PLUS else [RunRecordCleanup()]


def _in_background(dag_run: Any) -> None:
    for_dag_run(dag_run, "records", "remove the Glue run records", forget_run_records)


def _record_keys(session: Any, dag_id: str, run_id: str) -> dict[str, str]:
    """The record Variable's key of every task instance of a DAG run, by key: its task id."""
    from sqlalchemy import select

    TaskInstance = orm_models()[0]  # noqa: N806 - the ORM class, by its Airflow name
    rows = session.execute(
        select(TaskInstance.task_id, TaskInstance.map_index).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id
        )
    ).all()
    return {record_variable_key(dag_id, run_id, task_id, map_index): task_id for task_id, map_index in rows}


def held_records(session: Any, dag_id: str, run_id: str) -> dict[str, RunRecord]:
    """The run records the DAG run's tasks keep in Variables, by task id (none on Airflow 3.3)."""
    from airflow.models.variable import Variable
    from sqlalchemy import select

    keys = _record_keys(session, dag_id, run_id)
    found = {}
    for variable in session.scalars(select(Variable).where(Variable.key.in_(list(keys)))).all():
        record = RunRecord.from_json(json.loads(variable.val or "null"))
        if record is not None:
            found[keys[variable.key]] = record
    return found


def forget_run_records(dag_id: str, run_id: str) -> int:
    """Delete the record Variables of every task instance of a DAG run; returns how many there were."""
    from airflow.models.variable import Variable
    from sqlalchemy import delete

    with metadata_session() as session:
        keys = list(_record_keys(session, dag_id, run_id))
        result = session.execute(delete(Variable).where(Variable.key.in_(keys)).execution_options(synchronize_session=False))
    removed = int(getattr(result, "rowcount", 0) or 0)
    if removed:
        log.info("Removed the %d Glue run records of DAG run %s of %s", removed, run_id, dag_id)
    return removed
