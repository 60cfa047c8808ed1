"""Each node's exact Glue end state in XCom, and the pruning that keeps the DAG exact (docs/semantics.md#how-triggers-compile).

A node task records its end state *before* it reports its own Airflow state, then reads every node's
state and skips the tasks that can no longer run. Because every node writes before it reads (a running
task's record is always read, runtime/task_states.py), the last one to end sees every state that decides
a task, so no task is left for the scheduler to mark upstream_failed and no trigger fires on the wrong
failure state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan, StartPlan
from glue_workflow_provider.model.states import NO_GLUE_STATE, SUCCEEDED
from glue_workflow_provider.runtime.airflow_internals import skip_tasks
from glue_workflow_provider.runtime.node_record.execution_api import pulled
from glue_workflow_provider.runtime.node_record.record import GLUE_STATE_KEY, is_current
from glue_workflow_provider.runtime.pruning import tasks_to_skip
from glue_workflow_provider.runtime.task_states import task_states
from glue_workflow_provider.semantics.predicates import trigger_fires
from glue_workflow_provider.semantics.progress import Settled, settle

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class WorkflowRuntime:
    """What a node task needs to know about its whole workflow: the plan, trigger table included.

    One instance is shared by every task of a DAG (never copied per task, never serialized). Inside a
    GlueWorkflowTaskGroup, ``plan`` names the tasks by their ids in the DAG (``group_id.task_id``) and
    ``group_id`` is the group's: its run properties come from ``dag_run.conf[group_id]`` and its puts stay in it.
    """

    plan: DagPlan
    group_id: str | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> WorkflowRuntime:
        return self

    def node_states(self, ti: Any, only: Iterable[str] | None = None) -> dict[str, str]:
        """Recorded end states in this DAG run of every node (or of the nodes in ``only``); absent if not ended.

        Airflow's task states come first, in one call: a node task succeeds only when its Glue run
        SUCCEEDED, so a successful task needs no read, and a task that cannot have recorded its state in
        its current try is not read either. The rest (failed, running, up for retry) are read one by one
        through the XCom sequence API, which answers "none yet" without logging an error. A failed task
        that recorded nothing counts as NO_GLUE_STATE.
        """
        wanted = set(only) if only is not None else None
        if wanted is not None and not wanted:
            return {}  # nothing to ask: nodes started by the start trigger watch no node
        return ended_states(self.plan, task_states(ti), lambda task_id: _recorded(ti, task_id), wanted)

    def watched_by_starters(self, node: str) -> set[str]:
        """The nodes whose states decide whether a trigger of ``node`` has fired."""
        return {c.node for row in self.plan.triggers.starters(node) for c in row.conditions}

    def started_by(self, node: str, starts: tuple[StartPlan, ...], ended: Mapping[str, str]) -> StartPlan | None:
        """The first trigger (in definition order) that has fired for ``node``; None if none has."""
        rows = {row.name: row for row in self.plan.triggers.triggers}
        for start in starts:
            row = rows.get(start.trigger)
            if row is not None and trigger_fires(row, ended):
                return start
        return None

    def settle(self, ti: Any, also: Mapping[str, str] | None = None) -> Settled:
        """What the recorded states (and ``also``, states not recorded yet) decide."""
        return settle(self.plan.triggers, {**self.node_states(ti), **(also or {})})

    def prune(self, ti: Any, own_task_id: str, also: Mapping[str, str] | None = None) -> Settled:
        """Skip every task that can no longer run (and the outcome task if every failure was handled); returns
        what the states decided, so the caller (the run summary) reads nothing again."""
        settled = self.settle(ti, also)
        skip = [task for task in tasks_to_skip(self.plan, settled) if task != own_task_id]
        if skip:
            skip_tasks(skip)
            log.info("Skipped tasks that can no longer run in this workflow run: %s", ", ".join(sorted(skip)))
        return settled


def runtime_of(task: Any) -> WorkflowRuntime | None:
    """The WorkflowRuntime ``task`` belongs to: a node task's own, else that of the GlueWorkflowTaskGroup
    holding it (``glue_workflow_runtime``); None for a task outside every workflow."""
    runtime = getattr(task, "runtime", None)
    if isinstance(runtime, WorkflowRuntime):
        return runtime
    group = getattr(task, "task_group", None)
    while group is not None:
        runtime = getattr(group, "glue_workflow_runtime", None)
        if isinstance(runtime, WorkflowRuntime):
            return runtime
        group = getattr(group, "parent_group", None)
    return None


def group_of(task: Any) -> str | None:
    """The id of the workflow group ``task`` belongs to (None: a whole-DAG workflow, or no workflow)."""
    runtime = runtime_of(task)
    return runtime.group_id if runtime is not None else None


def ended_states(
    plan: DagPlan,
    airflow_states: Mapping[str, str | None],
    recorded: Callable[[str], str | None],
    wanted: set[str] | None = None,
) -> dict[str, str]:
    """The end state of each node (in ``wanted``) that has ended, from Airflow's task states and, where the
    task's current try may have recorded one (runtime/node_record ``is_current``), its recorded Glue state; a
    failed task that recorded nothing counts as NO_GLUE_STATE. Used by node tasks (execution API) and manual
    marks (database) alike."""
    states: dict[str, str] = {}
    for name, task_id in plan.node_task_ids().items():
        if wanted is not None and name not in wanted:
            continue
        airflow_state = airflow_states.get(task_id)
        if airflow_state == "success":
            states[name] = SUCCEEDED
            continue
        if not is_current(GLUE_STATE_KEY, airflow_state):
            continue
        value = recorded(task_id)
        if value:
            states[name] = value
        elif airflow_state == "failed":
            states[name] = NO_GLUE_STATE
    return states


def _recorded(ti: Any, task_id: str) -> str | None:
    value = pulled(ti, task_id, GLUE_STATE_KEY)
    return value if isinstance(value, str) and value else None
