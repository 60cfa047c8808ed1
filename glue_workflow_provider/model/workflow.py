"""The workflow definition: Glue's ``Workflow`` header, its triggers, carried job/crawler specs and Airflow settings."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from glue_workflow_provider.model.base import GlueShape, NameString, StringMap
from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.model.trigger import Trigger


class Workflow(GlueShape):
    """Glue API ``Workflow`` / ``CreateWorkflowRequest``: the header of a workflow
    (docs/semantics.md#the-workflow-and-its-graph)."""

    name: NameString
    description: Annotated[StrictStr, Field(max_length=120000)] | None = None
    default_run_properties: StringMap | None = None
    max_concurrent_runs: Annotated[StrictInt, Field(ge=1)] | None = None
    tags: StringMap | None = None


class Job(GlueShape):
    """Glue API ``CreateJobRequest``: carried with the definition, never used to change a job at run time.

    Only the fields that shape a job run are typed; every other CreateJob field is kept as given.
    """

    model_config = ConfigDict(extra="allow")

    name: NameString
    default_arguments: StringMap | None = None
    non_overridable_arguments: StringMap | None = None
    timeout: Annotated[StrictInt, Field(ge=1)] | None = None


class Crawler(GlueShape):
    """Glue API ``CreateCrawlerRequest``: carried with the definition, never used to change a crawler."""

    model_config = ConfigDict(extra="allow")

    name: NameString


class TaskDefaults(GlueShape):
    """Arguments given to every job and crawler task (Airflow names; durations in seconds)."""

    model_config = ConfigDict(alias_generator=None, extra="forbid")

    owner: StrictStr | None = None
    retries: Annotated[StrictInt, Field(ge=0)] | None = None
    retry_delay: Annotated[StrictInt, Field(ge=0)] | None = None
    retry_exponential_backoff: StrictBool | None = None
    max_retry_delay: Annotated[StrictInt, Field(ge=0)] | None = None
    pool: StrictStr | None = None
    pool_slots: Annotated[StrictInt, Field(ge=1)] | None = None
    queue: StrictStr | None = None
    priority_weight: StrictInt | None = None
    execution_timeout: Annotated[StrictInt, Field(ge=1)] | None = None
    email: StrictStr | list[StrictStr] | None = None
    email_on_failure: StrictBool | None = None
    email_on_retry: StrictBool | None = None


#: ``Airflow.poll_interval``'s default.
DEFAULT_POLL_SECONDS = 6
#: ``Airflow.state_change_poll_interval``'s default: seconds between two checks of a run when no event comes.
STATE_CHANGE_POLL_SECONDS = 60


class AirflowSettings(GlueShape):
    """The optional ``Airflow`` section: how the DAG is named and how its tasks reach AWS (Airflow's names)."""

    model_config = ConfigDict(alias_generator=None, extra="forbid")

    #: Airflow's own rule for ids (``airflow.sdk`` KEY_REGEX): a bad one would fail ``DAG()`` in the loader.
    dag_id: Annotated[StrictStr, Field(min_length=1, max_length=250, pattern=r"^[\w.-]+$")] | None = None
    aws_conn_id: StrictStr = "aws_default"
    region_name: StrictStr | None = None
    #: Where run properties travel between Airflow and the Glue jobs (docs/run-properties.md).
    run_properties_uri: Annotated[StrictStr, Field(pattern=r"^s3://[^/]+(/.*)?$")] | None = None
    tags: tuple[StrictStr, ...] = ()
    owner: StrictStr | None = None
    deferrable: StrictBool = True
    #: Seconds between two checks of a running Glue run: the amazon provider's ``job_poll_interval`` (6 s), so a
    #: run's end is seen as soon as its sync GlueJobOperator would see it (docs/performance.md#run-time).
    poll_interval: Annotated[StrictInt, Field(ge=1, le=3600)] = DEFAULT_POLL_SECONDS
    #: Copy each job run's CloudWatch log lines into its task's log while the task waits (jobs only).
    stream_logs: StrictBool = False
    default_args: TaskDefaults = TaskDefaults()
    #: The SQS queue (URL) that receives the workflow's EventBridge events: an EVENT start trigger reads it.
    event_queue_url: Annotated[StrictStr, Field(pattern=r"^https?://[^/\s]+/\S+$")] | None = None
    #: The SQS queue (URL) that receives Glue's job and crawler state-change events: deferred waits wake on them.
    state_change_queue_url: Annotated[StrictStr, Field(pattern=r"^https?://[^/\s]+/\S+$")] | None = None
    #: With ``state_change_queue_url``: seconds between two checks of a run when no event comes (the fallback).
    state_change_poll_interval: Annotated[StrictInt, Field(ge=1, le=3600)] = STATE_CHANGE_POLL_SECONDS


class Definition(GlueShape):
    """A whole definition file: ``Workflow``, ``Triggers``, optional ``Jobs``/``Crawlers`` and ``Airflow``.

    This is the shape of the blueprint library's ``Workflow.to_json()`` output, plus the ``Airflow`` section.
    """

    workflow: Workflow
    triggers: tuple[Trigger, ...] = ()
    jobs: tuple[Job, ...] = ()
    crawlers: tuple[Crawler, ...] = ()
    airflow: AirflowSettings = AirflowSettings()

    @property
    def name(self) -> str:
        """The Glue workflow name."""
        return self.workflow.name

    def node_types(self) -> dict[str, NodeType]:
        """Every job and crawler a trigger starts, by name, in the order first started (the workflow's nodes)."""
        nodes: dict[str, NodeType] = {}
        for trigger in self.triggers:
            for action in trigger.actions:
                if action.node_name:
                    nodes.setdefault(action.node_name, action.node_type)
        return nodes

    def job_spec(self, name: str) -> Job | None:
        """The carried CreateJob spec of job ``name``, if the definition has one."""
        return next((job for job in self.jobs if job.name == name), None)


def schema() -> dict[str, Any]:
    """The JSON Schema of a definition file, generated from the model (``glue-airflow schema``)."""
    document = Definition.model_json_schema(by_alias=True, mode="validation")
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Glue workflow definition (glue-airflow)"
    return document
