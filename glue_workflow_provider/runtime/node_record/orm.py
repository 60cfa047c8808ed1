"""Reading records from the metadata database (the ORM): in the API server (manual marks), in the scheduler (notes)
and in the local runner, which has no REST API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glue_workflow_provider.runtime.airflow_internals import orm_models
from glue_workflow_provider.runtime.node_record.record import NodeRecord, decoded


def recorded_values(session: Any, dag_id: str, run_id: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Every value recorded under ``keys`` in a DAG run, by task id then key, *whichever try recorded it*: only for
    a reader that checks each value elsewhere (stopping runs checks with Glue); others read ``records``."""
    from sqlalchemy import select

    XComModel = orm_models()[1]  # noqa: N806 - the ORM class, by its Airflow name
    rows = session.scalars(
        select(XComModel).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run_id, XComModel.key.in_(list(keys)),
            XComModel.map_index == -1,
        )
    ).all()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        found.setdefault(row.task_id, {})[row.key] = decoded(XComModel.deserialize_value(row))
    return found


def records(session: Any, dag_id: str, run_id: str, keys: Iterable[str]) -> dict[str, NodeRecord]:
    """The record of every task of a DAG run (its current try's values under ``keys``), by task id."""
    from sqlalchemy import select

    TaskInstance = orm_models()[0]  # noqa: N806 - the ORM class, by its Airflow name
    values = recorded_values(session, dag_id, run_id, keys)
    rows = session.execute(
        select(TaskInstance.task_id, TaskInstance.state, TaskInstance.operator, TaskInstance.start_date,
               TaskInstance.end_date).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.map_index == -1
        )
    ).all()
    return {
        task_id: NodeRecord.of(task_id, state, operator, values.get(task_id, {}), start=start, end=end)
        for task_id, state, operator, start, end in rows
    }
