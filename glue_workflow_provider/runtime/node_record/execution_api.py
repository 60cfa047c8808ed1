"""Reading records from inside a running task, through the execution API (one HTTP call per value).

Which tasks are worth reading comes from Airflow's task states, all in one call (runtime/task_states.py), by
the current-try rule of ``record.is_current``; this only pulls one value.
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.runtime.node_record.record import decoded


def pulled(ti: Any, task_id: str, key: str) -> Any:
    """The value task ``task_id`` of ``ti``'s DAG run holds under XCom ``key`` (None when it holds none)."""
    value = ti.xcom_pull(task_ids=task_id, key=key)
    if isinstance(value, list):  # some Airflows answer a one-task pull with a list
        value = value[0] if value else None
    return decoded(value)  # a value a trigger recorded comes back JSON-encoded once more
