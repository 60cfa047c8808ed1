"""Which tasks of this DAG run can have recorded something, from one execution-API call.

Every XCom read a task makes is one HTTP call from its worker's supervisor to the API server. Reading every
node's recorded Glue state and every task's recorded run-property put, one task at a time, cost each node
task 3N + 1 reads in a workflow of N nodes (docs/performance.md#execution-api-calls-per-node). Airflow's own
task states, all of them in one ``GetTaskStates`` call, say which tasks can have recorded anything in their
current try, so only those are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glue_workflow_provider.runtime import airflow_internals

#: Airflow states of a task that may have pushed XCom in its current try. A task in any other state has
#: not run in this try (none, scheduled, queued, skipped, upstream_failed, removed), has not yet reached
#: the point where it records (deferred: it records after resuming), or starts a new try that clears its
#: XCom first (restarting). ``up_for_retry`` keeps what the failed try recorded, as Glue keeps a put made
#: before a job failed.
MAY_HAVE_RECORDED = frozenset({"running", "success", "failed", "up_for_retry"})


def task_states(ti: Any) -> dict[str, str | None]:
    """Airflow's state of every task of ``ti``'s DAG run, by task id, in one execution-API call."""
    return airflow_internals.task_states(ti.dag_id, ti.run_id)


def may_have_recorded(ti: Any, task_ids: Iterable[str]) -> list[str]:
    """The tasks among ``task_ids`` whose XCom is worth reading (see MAY_HAVE_RECORDED), in the order given."""
    states = task_states(ti)
    return [task_id for task_id in task_ids if states.get(task_id) in MAY_HAVE_RECORDED]


def may_have_put(state: object, operator: object) -> bool:
    """Whether a task of a DAG run, by its Airflow state and operator name, may hold a run-property put of
    its current try: what the run's reports replay (a task cleared and then skipped keeps an earlier try's
    XCom; the gates put nothing)."""
    return str(state) in MAY_HAVE_RECORDED and operator != "EmptyOperator"
