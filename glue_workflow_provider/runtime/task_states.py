"""Which tasks of this DAG run can have recorded something, from one execution-API call.

Every XCom read a task makes is one HTTP call from its worker's supervisor to the API server. Reading every
node's recorded Glue state and every task's recorded run-property put, one task at a time, cost each node
task 3N + 1 reads in a workflow of N nodes (docs/performance.md#execution-api-calls-per-node). Airflow's own
task states, all of them in one ``GetTaskStates`` call, say which tasks can have recorded anything in their
current try (the rule of runtime/node_record/record.py), so only those are read.

A node's start asks twice (which trigger fired; whose puts it sees): inside ``one_read`` both are answered
from one call, so the node decides what starts it and what it sees from the same moment of the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from glue_workflow_provider.runtime import airflow_internals
from glue_workflow_provider.runtime.node_record.record import is_current

#: The task states read inside ``one_read`` (by DAG run), None outside it.
_READ: ContextVar[dict[tuple[str, str], dict[str, str | None]] | None] = ContextVar("glue_task_states", default=None)


@contextmanager
def one_read() -> Iterator[None]:
    """Answer every ``task_states`` inside the block from the first read of each DAG run's task states."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def task_states(ti: Any) -> dict[str, str | None]:
    """Airflow's state of every task of ``ti``'s DAG run, by task id, in one execution-API call (or none, inside
    ``one_read`` after the first)."""
    read, run = _READ.get(), (ti.dag_id, ti.run_id)
    if read is None:
        return airflow_internals.task_states(*run)
    if run not in read:
        read[run] = airflow_internals.task_states(*run)
    return read[run]


def may_have_recorded(ti: Any, task_ids: Iterable[str], key: str) -> list[str]:
    """The tasks among ``task_ids`` whose XCom ``key`` is worth reading: those whose current try can have recorded
    it (runtime/node_record/record.py ``is_current``), in the order given."""
    states = task_states(ti)
    return [task_id for task_id in task_ids if is_current(key, states.get(task_id))]
