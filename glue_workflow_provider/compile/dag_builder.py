"""build_dag(): DagPlan -> airflow.sdk.DAG. The only module that creates Airflow objects.

Operator classes are resolved by dotted path here, at build time, so nothing in ``compile`` imports
``runtime`` (and the planner stays importable without Airflow).
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pendulum

from glue_workflow_provider.compile.plan import DagPlan, TaskKind, TaskPlan
from glue_workflow_provider.compile.schedule import EventSource, ScheduleKind
from glue_workflow_provider.exceptions import CompileError

#: A fixed start date: schedules never backfill from it (catchup is off and the timetable looks forward).
START_DATE = pendulum.datetime(2024, 1, 1, tz="UTC")
_RUNTIME = "glue_workflow_provider.runtime.node_state.WorkflowRuntime"
TIMETABLE = "glue_workflow_provider.runtime.timetables.GlueCronTimetable"
_NEVER = "glue_workflow_provider.runtime.timetables.NeverTimetable"
EVENT_TRIGGER = "glue_workflow_provider.runtime.triggers.events.sqs.GlueEventBatchTrigger"
_DURATION_ARGS = ("retry_delay", "max_retry_delay", "execution_timeout")


def build_dag(plan: DagPlan, *, fileloc: str | None = None) -> Any:
    """The Airflow DAG for ``plan`` alone; every Glue-node task shares one WorkflowRuntime (the plan) for pruning."""
    from airflow.sdk import DAG, Param

    runtime = import_string(_RUNTIME)(plan=plan)
    dag = DAG(
        dag_id=plan.dag_id,
        dag_display_name=plan.display_name,
        description=plan.description,
        schedule=_schedule(plan, import_string),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=plan.max_active_runs or 16,
        params={key: Param(value, type="string", description=f"Glue run property '{key}'") for key, value in plan.params.items()},
        tags=list(plan.tags),
        is_paused_upon_creation=plan.is_paused_upon_creation,
        doc_md=plan.doc_md,
    )
    if fileloc:
        dag.fileloc = fileloc
    add_tasks(plan, dag, runtime)
    return dag


def add_tasks(plan: DagPlan, dag: Any, runtime: Any, task_group: Any = None) -> dict[str, Any]:
    """Create the plan's tasks in ``dag`` (inside ``task_group`` when given) and wire them; returns each plan
    task id's operator. The one place that turns plan tasks into operators, for a whole DAG and a group alike."""
    task_args = task_args_of(plan)
    boxes = _node_groups(dag, plan, task_group)
    classes: dict[str, Any] = {}
    created: dict[str, Any] = {}
    for task in plan.tasks:
        if task.operator not in classes:
            classes[task.operator] = import_string(task.operator)
        kwargs = operator_kwargs(plan, task, runtime, task_args)
        box = boxes.get(task.group) if task.group else None
        if box is not None and task_group is not None:  # a box does not prefix: the workflow's group still does
            kwargs["task_id"] = task_group.child_id(task.task_id)
        owner = box if box is not None else task_group
        grouping = {"task_group": owner} if owner is not None else {}
        created[task.task_id] = classes[task.operator](dag=dag, **grouping, **kwargs)
    _wire(dag, plan, created)
    return created


def _node_groups(dag: Any, plan: DagPlan, parent: Any = None) -> dict[str, Any]:
    """One TaskGroup per Glue node that has gates, so the Graph draws one box per node (collapsed by default).

    ``prefix_group_id=False`` keeps every task id as the plan has it: grouping changes the drawing only,
    never a task id, a trigger rule or what the runtime reads.
    """
    from airflow.sdk import TaskGroup

    parenting = {"parent_group": parent} if parent is not None else {}
    return {group_id: TaskGroup(dag=dag, **parenting, **node_group_kwargs(group_id, node))
            for group_id, node in plan.groups().items()}


def node_group_kwargs(group_id: str, node: str) -> dict[str, Any]:
    """The arguments of the TaskGroup that draws Glue node ``node`` and its gates (built DAGs and rendered files)."""
    return {
        "group_id": group_id,
        "group_display_name": node,
        "prefix_group_id": False,
        "tooltip": f"Glue node '{node}' and the conditions on its end state that triggers watch",
    }


def _wire(dag: Any, plan: DagPlan, tasks: dict[str, Any]) -> None:
    """The plan's edges and their labels: one ``set_upstream`` per task rather than one ``>>`` per edge.

    Airflow checks on every call that all the tasks involved share one DAG (hashing the DAG each time), so
    one call per task with all its upstreams does the same wiring for a fraction of the cost.
    """
    for task in plan.tasks:
        if not task.upstream:
            continue
        operator = tasks[task.task_id]
        operator.set_upstream([tasks[edge.task_id] for edge in task.upstream])
        for edge in task.upstream:
            if edge.label:
                dag.set_edge_info(tasks[edge.task_id].task_id, operator.task_id, {"label": edge.label})


def _schedule(plan: DagPlan, import_string: Any) -> Any:
    """The DAG's ``schedule``: the Glue cron timetable, the EVENT workflow's asset, or None (manual)."""
    if plan.schedule.kind in (ScheduleKind.CRON, ScheduleKind.GLUE_CRON):
        return import_string(TIMETABLE)(plan.schedule.glue_expression)
    if plan.schedule.kind is ScheduleKind.EVENT and plan.schedule.event is not None:
        return _event_asset(plan, plan.schedule.event, import_string)
    return None


def _event_asset(plan: DagPlan, event: EventSource, import_string: Any) -> Any:
    """One asset per EVENT DAG, watched by the trigger that batches the workflow's queue: each batch it
    yields becomes an asset event, and each asset event queues a run of this DAG (and of no other)."""
    from airflow.sdk import Asset, AssetWatcher

    asset, watcher, trigger = event_asset_kwargs(plan, event)
    watcher["trigger"] = import_string(EVENT_TRIGGER)(**trigger)
    return Asset(**asset, watchers=[AssetWatcher(**watcher)])


def event_asset_kwargs(plan: DagPlan, event: EventSource) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The arguments of an EVENT DAG's Asset, of its AssetWatcher (but the trigger) and of the watcher's trigger
    (what ``build_dag`` calls, and what a rendered Python file writes)."""
    if event.queue_url is None:  # validation (GWF042) stops such a definition before it is built
        raise CompileError(f"EVENT workflow {plan.workflow_name!r} has no Airflow.event_queue_url [GWF042]")
    asset = {
        "name": f"glue_workflow_events__{plan.dag_id}",
        "uri": f"x-glue-workflow-events://{plan.dag_id}",
        "group": "glue_workflow_events",
        "extra": {"workflow": plan.workflow_name, "queue_url": event.queue_url,
                  "batch_size": event.batch_size, "batch_window": event.batch_window},
    }
    trigger = {"queue_url": event.queue_url, "batch_size": event.batch_size, "batch_window": event.batch_window,
               "aws_conn_id": plan.aws_conn_id, "region_name": plan.region_name}
    return asset, {"name": f"{plan.dag_id}__sqs_events"}, trigger


def task_args_of(plan: DagPlan) -> dict[str, Any]:
    """The node tasks' shared arguments (retries, durations as timedelta, the owner)."""
    args = {k: timedelta(seconds=v) if k in _DURATION_ARGS else v for k, v in plan.task_args.items()}
    if plan.owner and "owner" not in args:
        args["owner"] = plan.owner
    return args


def operator_kwargs(plan: DagPlan, task: TaskPlan, runtime: Any, task_args: dict[str, Any]) -> dict[str, Any]:
    """Every argument of ``task``'s operator: the one rule, for built DAGs and rendered Python files alike."""
    kwargs: dict[str, Any] = {
        "task_id": task.task_id,
        "task_display_name": task.display_name,
        "trigger_rule": task.trigger_rule,
        "doc_md": task.doc,
    }
    if task.kind not in (TaskKind.JOB, TaskKind.CRAWLER):
        return kwargs
    return {
        **kwargs,
        **task_args,
        "glue_name": task.glue_name,
        "workflow_name": plan.workflow_name,
        "starts": task.starts,
        "runtime": runtime,
        "deferrable": plan.deferrable,
        "poll_interval": plan.poll_interval,
        "aws_conn_id": plan.aws_conn_id,
        "region_name": plan.region_name,
        "run_properties_uri": plan.run_properties_uri,
        **({"stream_logs": plan.stream_logs} if task.kind is TaskKind.JOB else {}),
        **_state_change_kwargs(plan),
    }


def _state_change_kwargs(plan: DagPlan) -> dict[str, Any]:
    """The state-change queue, only when one is set (operators without it are built as before)."""
    if not plan.state_change_queue_url:
        return {}
    return {"state_change_queue_url": plan.state_change_queue_url,
            "state_change_poll_interval": plan.state_change_poll_interval}


#: The only run type a placeholder allows: scheduled, from a timetable that never fires, so no run is ever made.
PLACEHOLDER_RUN_TYPE = "scheduled"
#: Below Airflow 3.2 (no ``allowed_run_types``), the param no run of a placeholder can give a valid value.
REFUSING_PARAM = "definition_is_invalid"


def build_invalid_dag(dag_id: str, file: str, problems: tuple[Any, ...]) -> Any:
    """A placeholder DAG for a definition that cannot be compiled: no schedule, its problems shown everywhere."""
    from airflow.sdk import DAG

    lines = [str(problem) for problem in problems]
    first = lines[0] if lines else f"{file}: invalid definition"
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    dag = DAG(
        dag_id=dag_id,
        dag_display_name=f"INVALID Glue workflow definition: {file}",
        description=(first + more)[:1000],
        start_date=START_DATE,
        catchup=False,
        tags=["glue-workflow", "invalid-definition"],
        is_paused_upon_creation=True,
        doc_md="\n".join(
            [f"# Invalid Glue workflow definition `{file}`", "", "Fix these problems, then the DAG is rebuilt:", ""]
            + [f"- `{line}`" for line in lines]
        ),
        **_refusing_every_run(file),
    )
    operator = import_string("glue_workflow_provider.runtime.operators.gate.GlueDefinitionErrorOperator")
    operator(dag=dag, task_id="definition_errors", task_display_name="Definition errors", problems=lines)
    return dag


def _refusing_every_run(file: str) -> dict[str, Any]:
    """The DAG arguments that keep any run of a placeholder from being created (trigger form, REST API,
    backfill, another DAG): a run accepted now would wait in the queue and run the real jobs once the file is
    fixed.

    From Airflow 3.2, ``allowed_run_types`` allows only scheduled runs, of a timetable that never fires.
    Before it, the DAG has no schedule and a required param that no value satisfies: Airflow validates the
    params of every run it creates (``DAG.create_dagrun``) and refuses the run, with the param's words.
    """
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_2_PLUS  # imports airflow: only when building

    if AIRFLOW_V_3_2_PLUS:
        return {"schedule": import_string(_NEVER)(), "allowed_run_types": [PLACEHOLDER_RUN_TYPE]}
    from airflow.sdk import Param

    words = f"{file} is an invalid Glue workflow definition: no run can be created until the file is fixed"
    nothing_valid: dict[str, Any] = {"not": {}}  # a JSON Schema no value satisfies
    return {"schedule": None, "params": {REFUSING_PARAM: Param(description=words, **nothing_valid)}}


def import_string(dotted_path: str) -> Any:
    """The class or function at ``module.attribute``: the compile layer names runtime classes as data, so
    building a DAG imports only the operators and timetables it uses."""
    module, _, name = dotted_path.rpartition(".")
    return getattr(importlib.import_module(module), name)
