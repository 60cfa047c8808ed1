"""A Glue workflow as an Amazon MWAA Serverless workflow definition (``render DEF --format mwaa-serverless``).

MWAA Serverless (AWS's serverless Airflow 3) takes no DAG files and no custom packages: a workflow is a YAML
file in the dag-factory shape, made of allowlisted operators only, with no Airflow UI and with
``trigger_rule`` ignored. The file holds one top-level key per workflow whose value has ``dag_id``,
``schedule`` (a cron expression, or null: started by hand or by the API) and ``tasks``: a mapping from task id
to the task's ``operator`` (its fully qualified class), its parameters and ``dependencies`` (its upstream
task ids). ``max_active_runs`` is validated at DAG level; ``retries`` (0 to 3, default 1), ``retry_delay`` and
``execution_timeout`` (at most 3600 s) at task level.

Each Glue job becomes the amazon provider's ``GlueJobOperator`` (the action's ``Arguments`` go to
``script_args``; ``Timeout``, ``SecurityConfiguration`` and ``NotificationProperty`` to ``run_job_kwargs``, which
``StartJobRun`` receives), each crawler ``GlueCrawlerOperator`` with ``config: {Name: ...}`` (it runs the
existing crawler; a config of only its name changes nothing). Every task gets ``retries: 0``: the service's
default of 1 would start a second Glue run after a FAILED one. The edges are the compiled plan's, so the
DAG dag-factory builds from this file has the tasks and edges ``render --format json`` shows (minus the
outcome task, whose job MWAA's own run state does). Only workflows that fit are written; the others are
refused by ``mwaa_serverless_checks`` with one line per construct.

Sources (the YAML shape, the parameters and the operator allowlist):
- https://docs.aws.amazon.com/mwaa/latest/mwaa-serverless-userguide/supported-airflow-parameters.html
- https://docs.aws.amazon.com/mwaa/latest/mwaa-serverless-userguide/operators.html
- https://docs.aws.amazon.com/mwaa/latest/mwaa-serverless-userguide/workflows-migrate.html, and the converter it
  points to, https://github.com/awslabs/python-to-yaml-dag-converter-mwaa-serverless
  (``dag_converter/validator_schema.yaml``: a map of DAGs; ``dag_id``, ``schedule``, ``tasks`` of ``operator``)
- dag-factory's YAML format: https://github.com/astronomer/dag-factory
"""

from __future__ import annotations

from typing import Any

import yaml

from glue_workflow_provider.compile.mwaa_serverless_checks import problems
from glue_workflow_provider.compile.plan import DagPlan, StartPlan, TaskKind, TaskPlan
from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.model.workflow import Definition

FORMAT = "mwaa-serverless"
OPERATORS = {
    TaskKind.JOB: "airflow.providers.amazon.aws.operators.glue.GlueJobOperator",
    TaskKind.CRAWLER: "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator",
}


def render_mwaa_serverless(definition: Definition, plan: DagPlan, *, source: str) -> str:
    """The MWAA Serverless YAML of ``definition`` (compiled to ``plan``), read from file ``source``.

    :raises DefinitionError: one diagnostic per construct MWAA Serverless cannot express.
    """
    found = problems(definition, plan)
    if found:
        raise DefinitionError([problem.in_file(source) for problem in found])
    return _header(plan, source) + yaml.safe_dump(
        {plan.dag_id: workflow_document(plan)}, sort_keys=False, allow_unicode=True, width=120
    )


def workflow_document(plan: DagPlan) -> dict[str, Any]:
    """The value under the workflow's top-level key: dag_id, schedule, run limit and tasks."""
    document: dict[str, Any] = {"dag_id": plan.dag_id}
    if plan.description:
        document["description"] = plan.description
    document["schedule"] = plan.schedule.cron
    if plan.max_active_runs:
        document["max_active_runs"] = plan.max_active_runs
    document["tasks"] = {task.task_id: _task(task, plan) for task in plan.tasks if task.is_node}
    return document


def _task(task: TaskPlan, plan: DagPlan) -> dict[str, Any]:
    params: dict[str, Any] = {"operator": OPERATORS[task.kind]}
    if task.kind is TaskKind.JOB:
        params.update(_job_parameters(task, plan))
    else:
        params["config"] = {"Name": task.glue_name}
    if plan.region_name:
        params["region_name"] = plan.region_name
    params["retries"] = 0
    timeout = plan.task_args.get("execution_timeout")
    if timeout:
        params["execution_timeout"] = {"__type__": "datetime.timedelta", "seconds": timeout}
    params["dependencies"] = [edge.task_id for edge in task.upstream]
    return params


def _job_parameters(task: TaskPlan, plan: DagPlan) -> dict[str, Any]:
    """job_name, and what the one trigger that starts the job passes to its run."""
    params: dict[str, Any] = {"job_name": task.glue_name}
    start = task.starts[0] if task.starts else None
    if start is not None and start.arguments:
        params["script_args"] = dict(start.arguments)
    run = _run_job_kwargs(start)
    if run:
        params["run_job_kwargs"] = run
    if plan.stream_logs:
        params["verbose"] = True
    return params


def _run_job_kwargs(start: StartPlan | None) -> dict[str, Any]:
    """The action's job run settings as ``StartJobRun`` names them."""
    if start is None:
        return {}
    run: dict[str, Any] = {}
    if start.timeout is not None:
        run["Timeout"] = start.timeout
    if start.security_configuration is not None:
        run["SecurityConfiguration"] = start.security_configuration
    if start.notify_delay_after is not None:
        run["NotificationProperty"] = {"NotifyDelayAfter": start.notify_delay_after}
    return run


def _header(plan: DagPlan, source: str) -> str:
    return (
        f"# Amazon MWAA Serverless workflow definition of Glue workflow '{plan.workflow_name}',\n"
        f"# written by glue-airflow from {source}. Upload it to S3 and create the workflow from it.\n"
        "# Each task runs the existing Glue job or crawler of its name and never retries (a retry would start\n"
        "# a second Glue run). MWAA Serverless stops a task after 3600 s: a longer Glue run fails its task.\n"
    )
