"""Which tasks of this DAG run can have recorded something, from one execution-API call.

Every XCom read a task makes is one HTTP call from its worker's supervisor to the API server. Reading every
node's recorded Glue state and every task's recorded run-property put, one task at a time, cost each node
task 3N + 1 reads in a workflow of N nodes (docs/performance.md#execution-api-calls-per-node). Airflow's own
task states, all of them in one ``GetTaskStates`` call, say which tasks can have recorded anything in their
current try (the rule of runtime/node_record/record.py), so only those are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glue_workflow_provider.runtime import airflow_internals
from glue_workflow_provider.runtime.node_record.record import is_current


def task_states(ti: Any) -> dict[str, str | None]:
    """Airflow's state of every task of ``ti``'s DAG run, by task id, in one execution-API call."""
    return airflow_internals.task_states(ti.dag_id, ti.run_id)


def may_have_recorded(ti: Any, task_ids: Iterable[str], key: str) -> list[str]:
    """The tasks among ``task_ids`` whose XCom ``key`` is worth reading: those whose current try can have recorded
    it (runtime/node_record/record.py ``is_current``), in the order given."""
    states = task_states(ti)
    return [task_id for task_id in task_ids if is_current(key, states.get(task_id))]
