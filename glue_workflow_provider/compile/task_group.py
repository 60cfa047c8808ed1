"""GlueWorkflowTaskGroup: a Glue workflow's tasks as a TaskGroup of any DAG (issue 14; docs/embedding.md).

The group holds the same tasks ``build_dag`` makes (``dag_builder.add_tasks``), between a start and an end task:

- ``workflow_start``, the group's only root: tasks upstream of the group start the workflow through it (the
  definition's start trigger fires when it succeeds; the start trigger's schedule is not used).
- ``workflow_end``, the group's only leaf (GlueWorkflowEndOperator, on a worker): it waits for every node
  and the outcome, then succeeds exactly when the workflow's outcome (rule 6) is success (the outcome task
  succeeded, or the last node skipped it because every failure was handled), fails on an unhandled failure
  and is skipped when the group never started, so tasks downstream of the group run then (or by their own
  trigger rules).

Inside the group the outcome task waits with ``none_failed_min_one_success`` rather than ``none_failed``, so
a workflow whose every node was skipped (its upstream was) is skipped, not successful. Node tasks share one
WorkflowRuntime whose plan names tasks by their ids in the DAG (``group_id.task_id``), so pruning, manual
marks and run properties stay inside the group, and two groups of one definition never see each other.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

from airflow.sdk import TaskGroup

from glue_workflow_provider.compile.checking import entry_of
from glue_workflow_provider.compile.dag_builder import add_tasks, import_string
from glue_workflow_provider.compile.plan import DagPlan, TaskKind, TaskPlan, Upstream
from glue_workflow_provider.compile.schedule import ScheduleKind
from glue_workflow_provider.exceptions import CompileError, DefinitionError
from glue_workflow_provider.sources.definition_file import load_definition
from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS

START_TASK_ID = "workflow_start"
END_TASK_ID = "workflow_end"
#: Inside a group the outcome is skipped, not successful, when every node was skipped (the group never started).
GROUP_OUTCOME_RULE = "none_failed_min_one_success"
_RUNTIME = "glue_workflow_provider.runtime.node_state.WorkflowRuntime"
_EMPTY = "airflow.providers.standard.operators.empty.EmptyOperator"
_END = "glue_workflow_provider.runtime.operators.gate.GlueWorkflowEndOperator"


class GlueWorkflowTaskGroup(TaskGroup):
    """The tasks of the Glue workflow in ``definition``, as a TaskGroup of the DAG being defined.

    :param group_id: The group's id; its tasks are ``group_id.task_id``, its run properties are given in the
        DAG run's conf as ``{group_id: {key: value}}`` (over the definition's DefaultRunProperties).
    :param definition: The definition file (JSON or YAML), read at parse time; a relative path is taken from
        the folder of the DAG's file. Never read from AWS.
    :param kwargs: Any other TaskGroup argument (``dag``, ``parent_group``, ``tooltip``, ``default_args``, ...).
    :raises DefinitionError: The definition is invalid (every problem, each with file and field).
    """

    def __init__(self, group_id: str, definition: str | Path, **kwargs: Any) -> None:
        super().__init__(group_id=group_id, **kwargs)
        path = _resolve(Path(definition), self.dag)
        plan = load_plan(path)
        if plan.schedule.kind is not ScheduleKind.MANUAL:
            warnings.warn(
                f"{path}: the start trigger's schedule ({plan.schedule.summary}) is not used by task group "
                f"{self.group_id!r}: the tasks upstream of the group start it",
                UserWarning,
                stacklevel=2,
            )
        if not self.group_display_name:
            self.group_display_name = plan.display_name
        if not self.tooltip:
            self.tooltip = plan.description or f"Glue workflow {plan.workflow_name}"
        if AIRFLOW_V_3_3_PLUS and self.doc_md is None:  # a task group's docs are Airflow 3.3's
            self.doc_md = plan.doc_md
        self.definition_path = path
        self.plan = group_plan(plan)
        self.glue_workflow_runtime = import_string(_RUNTIME)(plan=ids_in_dag(self.plan, self), group_id=self.group_id)
        self.workflow_tasks = _build(self.plan, self, self.glue_workflow_runtime)


def load_plan(path: Path) -> DagPlan:
    """The plan of the definition in ``path``, checked as the loader checks it.

    :raises DefinitionError: With every error the definition has.
    """
    entry = entry_of(load_definition(path))
    if entry.plan is None:
        raise DefinitionError([d for d in entry.diagnostics if d.is_error])
    return entry.plan


def group_plan(plan: DagPlan) -> DagPlan:
    """``plan`` as a group runs it: the outcome task waits with GROUP_OUTCOME_RULE."""
    taken = {START_TASK_ID, END_TASK_ID} & {task.task_id for task in plan.tasks}
    if taken:
        raise CompileError(
            f"Glue workflow {plan.workflow_name!r}: task id(s) {', '.join(sorted(taken))} are the group's own; "
            "rename the job, crawler or trigger"
        )
    tasks = tuple(
        dataclasses.replace(task, trigger_rule=GROUP_OUTCOME_RULE) if task.kind is TaskKind.OUTCOME else task
        for task in plan.tasks
    )
    return dataclasses.replace(plan, tasks=tasks, _index={})


def ids_in_dag(plan: DagPlan, group: Any) -> DagPlan:
    """``plan`` with every task named by its id in the DAG (``group.child_id``): what the runtime reads."""

    def renamed(task: TaskPlan) -> TaskPlan:
        upstream = tuple(Upstream(group.child_id(edge.task_id), edge.label) for edge in task.upstream)
        return dataclasses.replace(task, task_id=group.child_id(task.task_id), upstream=upstream)

    return dataclasses.replace(plan, tasks=tuple(renamed(task) for task in plan.tasks), _index={})


def _build(plan: DagPlan, group: TaskGroup, runtime: Any) -> dict[str, Any]:
    """The plan's tasks in ``group``, between its start and end tasks."""
    empty = import_string(_EMPTY)
    dag = group.dag
    start = empty(task_id=START_TASK_ID, task_display_name="Workflow start", dag=dag, task_group=group,
                  doc_md="The workflow starts when this succeeds: the tasks upstream of the group decide.")
    tasks = add_tasks(plan, dag, runtime, group)
    roots = [tasks[task.task_id] for task in plan.tasks if not task.upstream]
    start.set_downstream(roots)
    outcome = next(tasks[task.task_id] for task in plan.tasks if task.kind is TaskKind.OUTCOME)
    end = import_string(_END)(
        task_id=END_TASK_ID,
        task_display_name="Workflow succeeded",
        trigger_rule="all_done",
        start_task_id=start.task_id,
        outcome_task_id=outcome.task_id,
        dag=dag,
        task_group=group,
        doc_md="Succeeds exactly when the Glue workflow's run succeeded (rule 6): the tasks downstream of the "
        "group run then, or by their own trigger rules. It waits for every node, so a handled failure is "
        "never passed on as a failure.",
    )
    end.set_upstream([start, outcome, *(tasks[task.task_id] for task in plan.tasks if task.is_node)])
    return {START_TASK_ID: start, **tasks, END_TASK_ID: end}


def _resolve(path: Path, dag: Any) -> Path:
    """``path``, taken from the folder of the DAG's file when relative."""
    if path.is_absolute() or dag is None or not getattr(dag, "fileloc", None):
        return path
    return Path(dag.fileloc).parent / path
