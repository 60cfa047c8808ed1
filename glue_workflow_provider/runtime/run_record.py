"""Which Glue run belongs to which try of a node task: the task's lineage and its record in task_state_store.

A retry (a lost worker, an API outage) must reattach to the Glue run its task already started; a clear (Glue's
ResumeWorkflowRun), a mark-failed then clear, or a clear while running must start a new one, after the old one
has stopped. Airflow tells the two apart for each task instance on its own: clearing a task sets its
``max_tries`` to ``try_number + retries`` (``clear_task_instances``, and the scheduler for a task cleared while
running), while a retry leaves it as it was. ``max_tries`` is therefore the lineage: the same for every try
between two clears of this task, and changed by nothing another task does (the DAG run's ``clear_number``
rises when any task is cleared, so it cannot be a task's own lineage).

On Airflow 3.3 the record lives in the task's ``task_state_store`` (AIP-103). Older Airflow has none, so the
record lives in one Airflow Variable per task instance (``VariableRecordStore``), written and read through the
execution API as the store would be, and deleted when the DAG run ends (runtime/record_cleanup.py): the same
record, the same rules, on every supported version (docs/airflow-versions.md). Not sooner: a try that saw its
run end may still be failed by the scheduler after it (a stale executor event, docs/airflow-versions.md), and
the retry must then find the ended run and reattach to it, not start another.

The record is written twice per start: an *intent* before the start call (so a worker killed between the
call and the record is noticed) and the run reference after it. A retry that finds only the intent looks
for the run by what it was started with (the job run's ``--GLUE_AIRFLOW_TASK`` argument, or a crawl newer
than the one before the intent) before it starts anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS, CLEARED_RUNNING_KEEPS_LINEAGE

#: task_state_store key of the record (one per task instance, shared by its tries).
RUN_STORE_KEY = "glue_run"
#: Job argument naming the task lineage that started the run: ``dag_id/run_id/task_id/map_index@lineage``.
TASK_ARG = "--GLUE_AIRFLOW_TASK"


@dataclass(frozen=True)
class Lineage:
    """The try lineage of one task instance."""

    number: int
    token: str

    @classmethod
    def of(cls, context: Any) -> Lineage:
        """The lineage of the task instance running in ``context``."""
        ti = context["ti"]
        number = int(getattr(ti, "max_tries", 0) or 0)
        map_index = getattr(ti, "map_index", -1)
        return cls(number, f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{map_index}@{number}")


@dataclass(frozen=True)
class RunRecord:
    """What the store holds: the lineage, what was known before the start call, and the run once started."""

    lineage: int
    token: str
    intent: dict[str, Any]
    seen: dict[str, str]
    run: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as stored."""
        return {"lineage": self.lineage, "token": self.token, "intent": self.intent, "seen": self.seen, "run": self.run}

    @classmethod
    def from_json(cls, value: Any) -> RunRecord | None:
        """The stored record, or None when there is none (or it was written by an older version)."""
        if not isinstance(value, dict) or "lineage" not in value or "token" not in value:
            return None
        run = value.get("run")
        return cls(
            lineage=int(value["lineage"]),
            token=str(value["token"]),
            intent=dict(value.get("intent") or {}),
            seen=dict(value.get("seen") or {}),
            run=dict(run) if isinstance(run, dict) else None,
        )


#: Prefix of the Variables that hold the records below Airflow 3.3 (one per task instance while its run goes on;
#: no slash: the execution API takes the key as one path segment).
VARIABLE_PREFIX = "glue_airflow_run_record."


class VariableRecordStore:
    """``task_state_store``'s get and set for Airflow before 3.3: an Airflow Variable per task instance.

    The Variable's key is a digest of the task instance (Variable keys are at most 250 characters); its
    description names the task instance, so a Variable left by a task that never ended can be told and removed.
    """

    def __init__(self, ti: Any) -> None:
        self.task = f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{getattr(ti, 'map_index', -1)}"
        self.prefix = variable_prefix(ti.dag_id, ti.run_id, ti.task_id, getattr(ti, "map_index", -1))
        self.first_try = int(getattr(ti, "try_number", 0) or 0) <= 1

    def get(self, key: str) -> Any:
        """The stored value of ``key`` (None when there is none; a first try has none, so it asks nothing)."""
        if self.first_try:  # every clear and retry raises try_number: no earlier try wrote anything
            return None
        from airflow.sdk import Variable

        return Variable.get(f"{self.prefix}.{key}", default=None, deserialize_json=True)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``."""
        from airflow.sdk import Variable

        description = f"glue-airflow: the Glue run of task {self.task} (removed when its DAG run has ended)"
        Variable.set(f"{self.prefix}.{key}", value, description=description, serialize_json=True)



def variable_prefix(dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    """The prefix of the Variables of one task instance's record: a digest (keys are at most 250 characters)."""
    task = f"{dag_id}/{run_id}/{task_id}/{map_index}"
    return VARIABLE_PREFIX + hashlib.sha256(task.encode()).hexdigest()[:40]


def record_variable_key(dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    """The Variable holding the record of one task instance below Airflow 3.3."""
    return f"{variable_prefix(dag_id, run_id, task_id, map_index)}.{RUN_STORE_KEY}"


def record_store(context: Any) -> Any:
    """Where the task's run record lives: ``task_state_store`` from Airflow 3.3, a Variable before it."""
    if AIRFLOW_V_3_3_PLUS:
        return context.get("task_state_store")
    return VariableRecordStore(context["ti"])


#: The lineage of a released record: no try's (a try's lineage is its ``max_tries``, never negative).
RELEASED = -1


def release_on_kill(store: Any) -> None:
    """The task was killed and its run stopped: on Airflow 3.0, where a task cleared while running is retried in
    its old lineage, release the record so that retry starts a new run (after the stopped one has ended, as
    any new lineage does) instead of reattaching to the run the kill stopped."""
    if not CLEARED_RUNNING_KEEPS_LINEAGE or (record := load_record(store)) is None:
        return
    save_record(store, replace(record, lineage=RELEASED))


def load_record(store: Any) -> RunRecord | None:
    """The record in ``store`` (None without a store or a record)."""
    return RunRecord.from_json(store.get(RUN_STORE_KEY)) if store is not None else None


def save_record(store: Any, record: RunRecord) -> None:
    """Write ``record`` (no-op without a store: crash recovery is then off, as Airflow warns)."""
    if store is not None:
        store.set(RUN_STORE_KEY, record.to_json())
