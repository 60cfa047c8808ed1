"""What Amazon MWAA Serverless cannot express, one problem per construct (``render --format mwaa-serverless``).

MWAA Serverless runs a YAML workflow of allowlisted operators only: no custom packages (so none of this
provider's operators, gates, run-property channel or event reader), ``trigger_rule`` ignored (so a task runs
exactly when all its upstream tasks succeeded), a ``schedule`` that is a cron expression or none. A Glue
workflow fits when every trigger is an AND of SUCCEEDED conditions, each job or crawler has one trigger, no
job can read run properties, the schedule is a plain cron, and every task setting maps to a parameter of
``GlueJobOperator``/``GlueCrawlerOperator`` within the service's limits. Everything else is refused here,
with the field and the reason, never approximated. Sources: see ``mwaa_serverless``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.schedule import ScheduleKind
from glue_workflow_provider.model.diagnostics import Diagnostic, Severity
from glue_workflow_provider.model.states import SUCCEEDED, NodeType
from glue_workflow_provider.model.trigger import Action, Trigger, TriggerType
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.predicates import is_conjunction
from glue_workflow_provider.semantics.trigger_table import TriggerRow

#: The code these problems carry (they are not definition errors: the same file is valid for Airflow).
CODE = "mwaa-serverless"
#: Task parameters MWAA Serverless validates (Apache Airflow Parameter Support); its cap on execution_timeout.
SUPPORTED_TASK_DEFAULTS = frozenset({"retries", "retry_delay", "execution_timeout"})
MAX_EXECUTION_TIMEOUT = 3600
DEFAULT_AWS_CONN_ID = "aws_default"
#: The dag_id MWAA Serverless's own converter validates (ASCII; Airflow also allows other word characters).
DAG_ID = re.compile(r"[A-Za-z0-9._-]+")
#: The action fields that name what it starts; the others are job run settings a crawler cannot take.
_NODE_FIELDS = frozenset({"JobName", "CrawlerName"})
#: Why only AND-of-SUCCEEDED fits: every task waits for all its upstream tasks to succeed (all_success).
_NO_TRIGGER_RULES = "MWAA Serverless ignores trigger_rule, so"


def problems(definition: Definition, plan: DagPlan) -> list[Diagnostic]:
    """Every construct of ``definition`` that MWAA Serverless cannot express; empty when it can."""
    return [
        *_schedule_problems(definition, plan),
        *_trigger_problems(definition),
        *_multiply_started(definition),
        *_action_problems(definition),
        *_run_property_problems(definition),
        *_task_default_problems(definition),
        *_nothing_to_run(definition),
        *_dag_id_problems(plan),
        *_connection_problems(plan),
    ]


def _problem(path: str, message: str) -> Diagnostic:
    return Diagnostic(CODE, Severity.ERROR, path, message)


def _schedule_problems(definition: Definition, plan: DagPlan) -> Iterator[Diagnostic]:
    """ON_DEMAND -> no schedule; SCHEDULED -> its 5-field cron when one says exactly the same; EVENT -> none."""
    for index, trigger in enumerate(definition.triggers):
        path = f"Triggers[{index}]"
        if trigger.type is TriggerType.EVENT:
            yield _problem(
                f"{path}.Type",
                "EVENT start trigger: an MWAA Serverless schedule is a cron expression or none; it cannot wait "
                "for EventBridge events (have your event rule call MWAA Serverless's StartWorkflowRun instead)",
            )
        elif trigger.type is TriggerType.SCHEDULED and plan.schedule.kind is ScheduleKind.GLUE_CRON:
            yield _problem(
                f"{path}.Schedule",
                f"{trigger.schedule} uses L, W, # or a Year field, which no 5-field cron states exactly; "
                "MWAA Serverless takes a plain cron expression",
            )
    if plan.is_paused_upon_creation:
        index = next(i for i, t in enumerate(definition.triggers) if t.is_start)
        yield _problem(
            f"Triggers[{index}].State",
            "the start trigger is not activated; MWAA Serverless has no paused state in the YAML (it is the "
            "workflow's trigger mode): activate the trigger (StartOnCreation: true) and choose the mode when "
            "you create the workflow",
        )


def _trigger_problems(definition: Definition) -> Iterator[Diagnostic]:
    """Conditional triggers: AND (or one condition) over SUCCEEDED only, and active."""
    for index, trigger in enumerate(definition.triggers):
        if trigger.is_start:
            continue
        path = f"Triggers[{index}]"
        if trigger.is_deactivated:
            yield _problem(
                f"{path}.State",
                f"trigger '{trigger.name}' is {trigger.state}: it never fires, but MWAA Serverless has no "
                "trigger to deactivate (the tasks it starts would run); remove the trigger or activate it",
            )
        if not is_conjunction(TriggerRow.of(trigger)):
            yield _problem(
                f"{path}.Predicate.Logical",
                f"ANY over {len(trigger.conditions)} conditions: {_NO_TRIGGER_RULES} no task can start on the first "
                "of several to hold",
            )
        yield from _condition_problems(trigger, path)


def _condition_problems(trigger: Trigger, path: str) -> Iterator[Diagnostic]:
    for position, condition in enumerate(trigger.conditions):
        if condition.watched_state == SUCCEEDED:
            continue
        field = "State" if condition.node_type is NodeType.JOB else "CrawlState"
        yield _problem(
            f"{path}.Predicate.Conditions[{position}].{field}",
            f"condition '{condition.node_name}' = {condition.watched_state}: {_NO_TRIGGER_RULES} no task can "
            f"start because a {condition.node_type.lower()} did not succeed",
        )


def _multiply_started(definition: Definition) -> Iterator[Diagnostic]:
    """A node started by two triggers runs on whichever fires first: one_success, which MWAA ignores."""
    first: dict[str, str] = {}
    for index, trigger in enumerate(definition.triggers):
        for position, action in enumerate(trigger.actions):
            node = action.node_name
            if node in first and first[node] != trigger.name:
                yield _problem(
                    f"Triggers[{index}].Actions[{position}]",
                    f"'{node}' is also started by trigger '{first[node]}': {_NO_TRIGGER_RULES} no task can "
                    "start on whichever of its triggers fires first",
                )
            first.setdefault(node, trigger.name)


def _action_problems(definition: Definition) -> Iterator[Diagnostic]:
    """A crawler action has no run settings in GlueCrawlerOperator to map to (Glue ignores them too)."""
    for index, trigger in enumerate(definition.triggers):
        for position, action in enumerate(trigger.actions):
            for field in _crawler_run_settings(action):
                yield _problem(
                    f"Triggers[{index}].Actions[{position}].{field}",
                    f"crawler '{action.node_name}' has {field}, which GlueCrawlerOperator has no parameter "
                    "for; remove it",
                )


def _crawler_run_settings(action: Action) -> list[str]:
    """The Glue field names of the run settings (Arguments, Timeout, ...) a crawler action carries."""
    if action.node_type is NodeType.JOB:
        return []
    return sorted(set(action.model_dump(by_alias=True, exclude_none=True)) - _NODE_FIELDS)


def _connection_problems(plan: DagPlan) -> Iterator[Diagnostic]:
    """Tasks there run with the workflow's execution role; a named Airflow connection may not exist."""
    if plan.aws_conn_id != DEFAULT_AWS_CONN_ID:
        yield _problem(
            "Airflow.aws_conn_id",
            f"MWAA Serverless tasks run with the workflow's execution role, and glue-airflow cannot tell whether "
            f"a connection '{plan.aws_conn_id}' exists there; remove it and give the role the permissions",
        )


def _dag_id_problems(plan: DagPlan) -> Iterator[Diagnostic]:
    if not DAG_ID.fullmatch(plan.dag_id):
        yield _problem(
            "Airflow.dag_id",
            f"{plan.dag_id!r}: an MWAA Serverless dag_id has only ASCII letters, digits, '.', '_' and '-'",
        )


def _nothing_to_run(definition: Definition) -> Iterator[Diagnostic]:
    if not definition.node_types():
        yield _problem("Triggers", "no trigger starts a job or crawler: a workflow needs at least one task")


def _run_property_problems(definition: Definition) -> Iterator[Diagnostic]:
    """Run properties live in a Glue workflow run (or this provider's channel); neither exists there."""
    if definition.workflow.default_run_properties:
        yield _problem(
            "Workflow.DefaultRunProperties",
            "a job may read run properties (GetWorkflowRunProperties), but under MWAA Serverless no Glue "
            "workflow run holds them, and glue-airflow cannot see the scripts to rule it out; remove them "
            "if no job reads them",
        )
    if definition.airflow.run_properties_uri:
        yield _problem(
            "Airflow.run_properties_uri",
            "run properties travel through glue-airflow's own operators, and MWAA Serverless installs no "
            "custom packages; remove it if no job reads or puts run properties",
        )


def _task_default_problems(definition: Definition) -> Iterator[Diagnostic]:
    """Task settings: only what MWAA validates, within its limits, and never a retry of a Glue run."""
    defaults = definition.airflow.default_args.model_dump(exclude_none=True)
    for name in sorted(set(defaults) - SUPPORTED_TASK_DEFAULTS):
        yield _problem(
            f"Airflow.default_args.{name}",
            f"MWAA Serverless does not support the task parameter {name} (it supports "
            f"{', '.join(sorted(SUPPORTED_TASK_DEFAULTS))}); remove it",
        )
    if defaults.get("retries"):
        yield _problem(
            "Airflow.default_args.retries",
            "a retry of GlueJobOperator or GlueCrawlerOperator starts a second Glue run after the first ended "
            "FAILED, which Glue never does; set retries: 0 (the job's own MaxRetries still applies)",
        )
    if defaults.get("execution_timeout", 0) > MAX_EXECUTION_TIMEOUT:
        yield _problem(
            "Airflow.default_args.execution_timeout",
            f"MWAA Serverless allows at most {MAX_EXECUTION_TIMEOUT} seconds per task",
        )
