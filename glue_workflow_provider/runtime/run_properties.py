"""Run properties at run time (docs/semantics.md#run-properties): what each task sees, what it puts, and the S3
channel Glue jobs use.

A task sees the workflow's DefaultRunProperties, overridden by the values given when the run started
(``dag_run.conf``, then each triggering asset event's ``extra["run_properties"]``), overridden by every put
recorded by tasks that ended before it started, later puts winning. Concurrent tasks do not see each
other's puts. Values are strings; keys are 1-255 characters. Inside a GlueWorkflowTaskGroup the values given
at the start are ``dag_run.conf[group_id]``, and only the group's own tasks' puts count (node_state.group_of).

XCom keys on each task (runtime/node_record/record.py): ``run_properties`` (what it saw), ``run_properties_put``
({"ended_at", "values"}: what it put), ``run_properties_after`` (the run's properties right after it ended, as far
as it could read).
A task ending beside another may read before the other's put is committed, so the run's final properties
are any snapshot with every recorded put replayed in order (semantics ``final_properties``), never the
last task's snapshot alone.

Glue jobs read and write through an S3 prefix per job run (``{uri}/{dag_id}/{run_id}/{task_id}/``):
``in.json`` is written before the run starts, ``out.json`` is written by the job (with the shipped
``glue_airflow_run_properties`` module) and read back when the run ends, whatever its end state.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from glue_workflow_provider.jobside.glue_airflow_run_properties import (
    IN_OBJECT,
    LOCATION_ARG,
    OUT_OBJECT,
)
from glue_workflow_provider.model.run_properties import key_problem, value_problem
from glue_workflow_provider.runtime.airflow_internals import looks_secret
from glue_workflow_provider.runtime.events import merged_run_properties
from glue_workflow_provider.runtime.exceptions import GlueRunPropertiesError
from glue_workflow_provider.runtime.node_record.execution_api import pulled
from glue_workflow_provider.runtime.node_record.record import PUT_KEY
from glue_workflow_provider.runtime.node_state import group_of, runtime_of
from glue_workflow_provider.runtime.task_states import may_have_recorded
from glue_workflow_provider.semantics.run_properties import Put, apply_puts, recorded_put

log = logging.getLogger(__name__)

#: Fallback for a definition without ``Airflow.run_properties_uri`` (set it on the workers).
URI_ENV = "GLUE_AIRFLOW_RUN_PROPERTIES_URI"

__all__ = ["LOCATION_ARG", "get_run_properties", "put_run_properties"]


def check_properties(values: Mapping[Any, Any], origin: str) -> dict[str, str]:
    """``values`` as run properties, or a GlueRunPropertiesError naming the bad key and what to do."""
    checked: dict[str, str] = {}
    for key, value in values.items():
        problem = key_problem(key)
        if problem is not None:
            raise GlueRunPropertiesError(f"{origin}: run property key {key!r}: {problem}")
        if value_problem(value) is not None:
            raise GlueRunPropertiesError(
                f"{origin}: run property {key!r} must be a string, got {type(value).__name__} {value!r}; "
                "give it in quotes"
            )
        checked[key] = value
    return checked


def start_properties(context: Mapping[str, Any], defaults: Mapping[str, str]) -> dict[str, str]:
    """Defaults, then the values given when the run started (conf, then triggering asset events).

    Inside a GlueWorkflowTaskGroup only ``conf[group_id]`` counts (the DAG is not the workflow's, so neither
    the rest of its conf nor its asset events are the workflow's run properties).
    """
    properties = dict(defaults)
    conf = getattr(context.get("dag_run"), "conf", None) or {}
    group = group_of(getattr(context.get("ti"), "task", None))
    if group is not None:
        given = conf.get(group) or {}
        if not isinstance(given, Mapping):
            raise GlueRunPropertiesError(
                f"the run's conf: {group!r} must map run property names to values for task group {group!r}"
            )
        properties.update(check_properties(given, f"the run's conf[{group!r}]"))
        return properties
    properties.update(check_properties(conf, "the run's conf"))
    events = [event for batch in (context.get("triggering_asset_events") or {}).values() for event in batch]
    events.sort(key=lambda event: str(getattr(event, "timestamp", "")))
    extras = (getattr(event, "extra", None) or {} for event in events)
    properties.update(check_properties(merged_run_properties(extras), "the triggering events"))
    return properties


def puts_so_far(ti: Any, task_ids: Iterable[str]) -> list[Put]:
    """(ended_at, task id, values) of every put recorded in this run, oldest first."""
    found = (recorded_put(task_id, pulled(ti, task_id, PUT_KEY)) for task_id in task_ids)
    return sorted(put for put in found if put is not None)


def visible(start: Mapping[str, str], puts: list[Put]) -> dict[str, str]:
    """The start properties with the puts applied in the order they were made (later wins)."""
    return apply_puts(start, puts)


def put_value(values: Mapping[str, str], previous: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The XCom ``run_properties_put`` of a put made now (merged over the task's earlier puts in this try)."""
    return {"ended_at": _now(), "values": {**(previous or {}), **values}}


def record_put(ti: Any, values: Mapping[str, str], previous: Mapping[str, str] | None = None) -> None:
    """Record this task's put (merged over its earlier puts in this try)."""
    ti.xcom_push(key=PUT_KEY, value=put_value(values, previous))


def mask_sensitive(properties: Mapping[str, str]) -> None:
    """Have Airflow's log masker hide the values of keys that look secret (password, token, ...)."""
    from airflow.sdk.log import mask_secret

    for key, value in properties.items():
        if looks_secret(key):
            mask_secret(value, key)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class RunPropertiesChannel:
    """The S3 prefix through which Glue jobs read (``in.json``) and put (``out.json``) run properties."""

    def __init__(self, uri: str, *, aws_conn_id: str | None, region_name: str | None = None, **hook_kwargs: Any) -> None:
        bucket, _, prefix = uri[len("s3://"):].partition("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._hook_args = {"aws_conn_id": aws_conn_id, "region_name": region_name, **hook_kwargs}
        self._s3: Any = None

    @classmethod
    def configured(cls, uri: str | None, **kwargs: Any) -> RunPropertiesChannel | None:
        """The channel of ``uri``, else of ``$GLUE_AIRFLOW_RUN_PROPERTIES_URI``, else None (not configured)."""
        uri = uri or os.environ.get(URI_ENV)
        return cls(uri, **kwargs) if uri else None

    def location(self, dag_id: str, run_id: str, task_id: str) -> str:
        """The job run's prefix, passed to it as ``--GLUE_AIRFLOW_RUN_PROPERTIES``."""
        parts = [p for p in (self.prefix, dag_id, run_id, task_id) if p]
        return f"s3://{self.bucket}/{'/'.join(parts)}/"

    def publish(self, location: str, properties: Mapping[str, str]) -> None:
        """Write what the job may see (``in.json``)."""
        self._client().put_object(
            Bucket=self.bucket,
            Key=self._key(location, IN_OBJECT),
            Body=json.dumps(dict(properties), sort_keys=True).encode(),
            ContentType="application/json",
        )

    def collect(self, location: str) -> dict[str, str]:
        """What the job put (``out.json``; empty when it put nothing)."""
        client = self._client()
        try:
            body = client.get_object(Bucket=self.bucket, Key=self._key(location, OUT_OBJECT))["Body"].read()
        except client.exceptions.NoSuchKey:
            return {}
        return check_properties(json.loads(body or b"{}"), f"{location}{OUT_OBJECT}")

    def putters(self, dag_id: str, run_id: str) -> set[str]:
        """The task ids of the DAG run whose job wrote ``out.json`` under this channel: one listing of the run's
        prefix (a page per 1,000 objects)."""
        run_prefix = self._key(self.location(dag_id, run_id, ""), "")
        found: set[str] = set()
        for page in self._client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=run_prefix):
            for item in page.get("Contents", ()):
                task_id, _, name = str(item["Key"])[len(run_prefix):].rpartition("/")
                if name == OUT_OBJECT and task_id:
                    found.add(task_id)
        return found

    def warm(self) -> None:
        """Build the S3 client now (a trigger does it while its run goes on)."""
        self._client()

    def _key(self, location: str, name: str) -> str:
        return location[len(f"s3://{self.bucket}/"):] + name

    def _client(self) -> Any:
        """One S3 client per channel (building a boto3 client costs a fifth of a second)."""
        if self._s3 is None:
            from airflow.providers.amazon.aws.hooks.s3 import S3Hook

            self._s3 = S3Hook(**self._hook_args).conn
        return self._s3


# -- helpers for Python tasks added to a workflow's DAG -------------------------------------------------------


def get_run_properties(context: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The run properties this task sees (call it inside a task of a compiled workflow DAG)."""
    context = context or _current_context()
    ti = context["ti"]
    start = start_properties(context, _defaults(context))
    properties = visible(start, puts_so_far(ti, putting_tasks(ti, exclude=ti.task_id)))
    mask_sensitive(properties)
    return properties


def put_run_properties(values: Mapping[str, str], context: Mapping[str, Any] | None = None) -> None:
    """Add or override run properties for the tasks that start after this one."""
    context = context or _current_context()
    ti = context["ti"]
    checked = check_properties(values, f"task {ti.task_id}")
    mask_sensitive(checked)
    earlier = puts_so_far(ti, [ti.task_id])
    record_put(ti, checked, earlier[0][2] if earlier else None)


def putting_tasks(ti: Any, exclude: str | None = None) -> list[str]:
    """The tasks of this DAG run that may have recorded a put: not the gates or the outcome task, only those
    of this task's workflow (its GlueWorkflowTaskGroup, or the tasks outside every group), not the node
    tasks that cannot put (crawlers; jobs without a run-properties channel), and only those whose Airflow
    state says they ran in their current try (one call for all), and of the jobs only those whose run wrote
    ``out.json`` (one listing: ``with_out_json``); then a read of each. Without a channel a
    workflow's node tasks read no put at all, whatever the workflow's size."""
    from airflow.providers.standard.operators.empty import EmptyOperator

    scope = group_of(ti.task)
    candidates = [
        t.task_id
        for t in ti.task.dag.tasks
        if not isinstance(t, EmptyOperator) and t.task_id != exclude and group_of(t) == scope
        and getattr(t, "can_put_run_properties", True)
    ]
    return with_out_json(ti, may_have_recorded(ti, candidates, PUT_KEY)) if candidates else []


def with_out_json(ti: Any, task_ids: list[str]) -> list[str]:
    """``task_ids`` without the jobs whose run wrote no ``out.json``. A job's put is recorded only from that object
    (and it is never removed), so one listing of the run's prefix replaces an XCom read per job that put nothing:
    without it a node of a 20-job chain read 19 records, most of its execution-API calls. Other tasks (Python
    tasks using ``put_run_properties``) are kept; if the listing fails, every task is kept and read as before."""
    channels = {t: getattr(ti.task.dag.task_dict.get(t), "run_properties_channel", None) for t in task_ids}
    jobs = {t: c for t, c in channels.items() if isinstance(c, RunPropertiesChannel)}
    if not jobs:
        return task_ids
    own = getattr(ti.task, "run_properties_channel", None)
    own = own if isinstance(own, RunPropertiesChannel) else None
    listed: dict[tuple[str, str], set[str]] = {}
    try:
        for channel in jobs.values():
            where = (channel.bucket, channel.prefix)
            if where not in listed:  # the task's own channel when it is the same: its S3 client is built once
                lister = own if own is not None and (own.bucket, own.prefix) == where else channel
                listed[where] = lister.putters(ti.dag_id, ti.run_id)
    except Exception:
        log.warning("Could not list the run's run-properties objects; reading every job's record", exc_info=True)
        return task_ids
    return [t for t in task_ids if t not in jobs or t in listed[(jobs[t].bucket, jobs[t].prefix)]]


def _current_context() -> Mapping[str, Any]:
    from airflow.sdk import get_current_context

    return get_current_context()


def _defaults(context: Mapping[str, Any]) -> dict[str, str]:
    runtime = runtime_of(context["ti"].task)
    if runtime is not None and runtime.group_id is not None:
        return dict(runtime.plan.params)
    dag = context["ti"].task.dag
    return {key: str(dag.params[key]) for key in dag.params if isinstance(dag.params[key], str)}
