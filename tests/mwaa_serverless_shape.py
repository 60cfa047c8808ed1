"""The documented shape of an Amazon MWAA Serverless workflow definition, as a check the tests share.

Written from AWS's documentation, not from the renderer: "Apache Airflow Parameter Support"
(https://docs.aws.amazon.com/mwaa/latest/mwaa-serverless-userguide/supported-airflow-parameters.html: dag_id a
non-empty string, schedule a cron expression, max_active_runs; task_id, retries 0 to 3, retry_delay 0 to 300 s,
execution_timeout at most 3600 s), the operator allowlist
(https://docs.aws.amazon.com/mwaa/latest/mwaa-serverless-userguide/operators.html, operators named by their
fully qualified class) and the YAML the service's own converter writes and validates
(awslabs/python-to-yaml-dag-converter-mwaa-serverless, dag_converter/validator_schema.yaml: a map of DAGs,
each with dag_id, schedule and tasks, a map of task id to its operator, parameters and dependencies).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DAG_ID = re.compile(r"^[a-zA-Z0-9\-._]+$")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]+$")
#: The two allowlisted Glue operators a Glue workflow needs.
GLUE_OPERATORS = {
    "airflow.providers.amazon.aws.operators.glue.GlueJobOperator",
    "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator",
}
MONTH_CLOSE = Path(__file__).resolve().parents[1] / "dags" / "workflows" / "month_close.yaml"
DAG_KEYS = {"dag_id", "description", "schedule", "start_date", "end_date", "max_active_runs", "default_args", "tasks"}


def shape_problems(document: Any) -> list[str]:
    """Every way ``document`` (the parsed YAML) departs from the documented shape; empty when it fits."""
    if not isinstance(document, dict) or not document:
        return ["the file is not a non-empty mapping of workflows"]
    found: list[str] = []
    for key, dag in document.items():
        found.extend(f"{key}: {problem}" for problem in _dag_problems(key, dag))
    return found


def _dag_problems(key: str, dag: Any) -> list[str]:
    if not isinstance(dag, dict):
        return ["not a mapping"]
    found = [f"unknown DAG key {name}" for name in sorted(set(dag) - DAG_KEYS)]
    dag_id = dag.get("dag_id")
    if not isinstance(dag_id, str) or not DAG_ID.match(dag_id) or dag_id != key:
        found.append(f"dag_id {dag_id!r} is not a valid id equal to its key")
    found.extend(_schedule_problems(dag.get("schedule", "missing")))
    if "max_active_runs" in dag and not (isinstance(dag["max_active_runs"], int) and dag["max_active_runs"] >= 1):
        found.append("max_active_runs is not a positive integer")
    tasks = dag.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        return [*found, "tasks is not a non-empty mapping"]
    for task_id, task in tasks.items():
        found.extend(f"tasks.{task_id}: {problem}" for problem in _task_problems(task, set(tasks)))
    return found


def _schedule_problems(schedule: Any) -> list[str]:
    if schedule is None:
        return []
    if isinstance(schedule, str) and len(schedule.split()) == 5 and all(map(CRON_FIELD.match, schedule.split())):
        return []
    return [f"schedule {schedule!r} is neither null nor a 5-field cron expression"]


def _task_problems(task: Any, task_ids: set[str]) -> list[str]:
    if not isinstance(task, dict):
        return ["not a mapping"]
    found = []
    if task.get("operator") not in GLUE_OPERATORS:
        found.append(f"operator {task.get('operator')!r} is not an allowlisted Glue operator")
    dependencies = task.get("dependencies")
    if not isinstance(dependencies, list) or not set(dependencies) <= task_ids:
        found.append(f"dependencies {dependencies!r} is not a list of the workflow's task ids")
    if not (isinstance(task.get("retries"), int) and 0 <= task["retries"] <= 3):
        found.append("retries is not 0 to 3")
    timeout = task.get("execution_timeout")
    if timeout is not None and not (isinstance(timeout, dict) and 0 < timeout.get("seconds", 0) <= 3600):
        found.append("execution_timeout is over 3600 seconds")
    return found


def month_close_without_run_properties() -> str:
    """The month-close example less its DefaultRunProperties: the shipped example MWAA Serverless can run."""
    text = MONTH_CLOSE.read_text(encoding="utf-8")
    without = text.replace('  DefaultRunProperties:\n    period: "latest"\n', "")
    assert without != text, "month_close.yaml no longer has the DefaultRunProperties this removes"
    return without
