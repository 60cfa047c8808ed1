"""Glue API read shapes (GetWorkflow, GetTrigger, BatchGetJobs, BatchGetCrawlers) -> the authored form.

What Glue sets itself (``CreatedOn``, ``LastCrawl``, ``Version`` ...) is dropped, as it says nothing about
what the workflow does; a field the matching Create call does not take is dropped with a warning; and every
secret-looking value is replaced by a placeholder with a warning (``sources/secret_names.py``), so an export
never writes a secret. Nothing here calls AWS: the reader passes in the Create shapes of its client's model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.model.trigger import Trigger
from glue_workflow_provider.sources.secret_names import PLACEHOLDER, looks_secret, redact

#: ``warn(place, message)``: record a warning against the source being read.
Warn = Callable[[str, str], None]

#: Fields Glue keeps about a resource's history or status: never part of a definition.
READ_ONLY = frozenset(
    {
        "CreatedOn", "LastModifiedOn", "LastRun", "Graph", "CreationTime", "LastUpdated", "LastCrawl",
        "State", "Version", "CrawlElapsedTime", "ResponseMetadata",
    }
)
_WORKFLOW_FIELDS = ("Name", "Description", "DefaultRunProperties", "MaxConcurrentRuns")
#: Trigger fields a definition carries, in the authored order; ``Id`` is reserved and ``WorkflowName`` is the
#: file's own workflow. Any other field of the model follows.
_TRIGGER_ORDER = ("Name", "Type", "State", "StartOnCreation", "Description", "Schedule", "EventBatchingCondition",
                  "Predicate", "Actions")
_TRIGGER_FIELDS = _TRIGGER_ORDER + tuple(
    alias for alias in (info.alias or name for name, info in Trigger.model_fields.items())
    if alias not in (*_TRIGGER_ORDER, "Id", "WorkflowName")
)
_TRIGGER_IMPLIED = frozenset({"Id", "WorkflowName"})
_ARGUMENT_MAPS = ("DefaultArguments", "NonOverridableArguments")


@dataclass(frozen=True)
class CreateShape:
    """The input of a Create call (``CreateJob``, ``CreateCrawler``): the fields it takes, and which are sensitive."""

    operation: str
    fields: frozenset[str]
    sensitive: frozenset[str] = frozenset()


def workflow_header(workflow: Mapping[str, Any], warn: Warn) -> dict[str, Any]:
    """The ``Workflow`` section: name, description, run properties (secret-looking ones redacted), concurrency."""
    name = str(workflow.get("Name", ""))
    header = {key: workflow[key] for key in _WORKFLOW_FIELDS if workflow.get(key) not in (None, "", {})}
    if "DefaultRunProperties" in header:
        header["DefaultRunProperties"] = _redacted(
            header["DefaultRunProperties"], f"workflow '{name}', DefaultRunProperties", "run property", warn,
            "every job of a run can read it: give it to the run another way (a secret store)",
        )
    details = workflow.get("BlueprintDetails")
    if isinstance(details, Mapping) and details.get("BlueprintName"):
        warn(
            f"workflow '{name}', BlueprintDetails",
            f"the workflow was made by blueprint '{details['BlueprintName']}' (run {details.get('RunId', '?')}); "
            "the definition is a snapshot of it: to follow the blueprint instead, run 'glue-airflow blueprint'",
        )
    return header


def trigger_entry(trigger: Mapping[str, Any], workflow: str, warn: Warn) -> dict[str, Any]:
    """One ``Triggers`` entry: the trigger as Glue returns it, with its action arguments redacted."""
    place = f"workflow '{workflow}', trigger '{trigger.get('Name', '?')}'"
    entry = {key: trigger[key] for key in _TRIGGER_FIELDS if trigger.get(key) is not None}
    for key in sorted(set(trigger) - set(_TRIGGER_FIELDS) - _TRIGGER_IMPLIED - READ_ONLY):
        warn(f"{place}, {key}", f"{key} is not a field a definition's trigger has, so it is not carried")
    actions = []
    for number, action in enumerate(entry.get("Actions") or ()):
        action = dict(action)
        if isinstance(action.get("Arguments"), Mapping):
            action["Arguments"] = _redacted(
                action["Arguments"], f"{place}, Actions[{number}].Arguments", "argument", warn,
                "the DAG passes action arguments to the job run: put the real value in place of the "
                "placeholder, or remove the argument so the job's own default applies",
            )
        actions.append(action)
    if "Actions" in entry:
        entry["Actions"] = actions
    return entry


def job_spec(job: Mapping[str, Any], shape: CreateShape, workflow: str, warn: Warn) -> dict[str, Any]:
    """One ``Jobs`` entry with CreateJob field names; arguments and nested fields that look secret redacted."""
    place = f"workflow '{workflow}', job '{job.get('Name', '?')}'"
    spec = _carried(job, shape, place, warn)
    if "MaxCapacity" in spec and "AllocatedCapacity" in spec:
        del spec["AllocatedCapacity"]  # deprecated twin of MaxCapacity: CreateJob takes one of them
    if "MaxCapacity" in spec and ("WorkerType" in spec or "NumberOfWorkers" in spec):
        del spec["MaxCapacity"]  # derived from the workers; CreateJob rejects both together
    for key in _ARGUMENT_MAPS:
        if isinstance(spec.get(key), Mapping):
            spec[key] = _redacted(
                spec[key], f"{place}, {key}", "argument", warn,
                "the job in AWS keeps its value (the carried spec only describes the job)",
            )
    return spec


def crawler_spec(crawler: Mapping[str, Any], shape: CreateShape, workflow: str, warn: Warn) -> dict[str, Any]:
    """One ``Crawlers`` entry with CreateCrawler field names (``Schedule`` back to its cron string)."""
    place = f"workflow '{workflow}', crawler '{crawler.get('Name', '?')}'"
    schedule = crawler.get("Schedule")
    source = {key: value for key, value in crawler.items() if key != "Schedule"}
    spec = _carried(source, shape, place, warn)
    if isinstance(schedule, Mapping) and schedule.get("ScheduleExpression"):
        expression = str(schedule["ScheduleExpression"])
        if schedule.get("State") == "NOT_SCHEDULED":
            warn(f"{place}, Schedule", f"the crawler's own schedule {expression} is paused (NOT_SCHEDULED); "
                 "it is not carried")
        else:
            spec["Schedule"] = expression
            warn(f"{place}, Schedule", f"the crawler has its own schedule {expression}; that schedule is not a "
                 "trigger of the workflow, so the DAG does not run the crawler on it (it is kept in Crawlers "
                 "only to describe the crawler)")
    return spec


def _carried(resource: Mapping[str, Any], shape: CreateShape, place: str, warn: Warn) -> dict[str, Any]:
    """The fields ``shape`` takes, ``Name`` first; read-only fields dropped, sensitive and unknown ones reported."""
    spec: dict[str, Any] = {"Name": resource.get("Name")}
    for key, value in resource.items():
        if key == "Name" or key in READ_ONLY or value is None or value == {} or value == []:
            continue  # an empty map or list says what leaving the field out says
        if key in shape.sensitive:
            warn(f"{place}, {key}", f"{key} is marked sensitive in the Glue API, so it is not exported; the "
                 "job in AWS keeps it")
        elif key not in shape.fields:
            warn(f"{place}, {key}", f"{key} is not a {shape.operation} field, so it is not carried")
        elif key in _ARGUMENT_MAPS:
            spec[key] = value
        else:
            spec[key] = _without_secret_fields(value, f"{place}, {key}", warn)
    return spec


def _without_secret_fields(value: Any, place: str, warn: Warn) -> Any:
    """``value`` with every string field whose name looks secret (``SourceControlDetails.AuthToken``) redacted."""
    if isinstance(value, Mapping):
        kept = {}
        for key, item in value.items():
            if isinstance(item, str) and item and looks_secret(str(key)):
                warn(f"{place}.{key}", f"{key} looks secret, so its value is not exported ({PLACEHOLDER!r} "
                     "stands in for it); the job in AWS keeps it")
                kept[key] = PLACEHOLDER
            else:
                kept[key] = _without_secret_fields(item, f"{place}.{key}", warn)
        return kept
    if isinstance(value, list):
        return [_without_secret_fields(item, f"{place}[{i}]", warn) for i, item in enumerate(value)]
    return value


def _redacted(values: Mapping[str, str], place: str, what: str, warn: Warn, advice: str) -> dict[str, str]:
    kept, redacted = redact(values)
    for key in redacted:
        warn(f"{place}['{key}']", f"{what} '{key}' looks secret, so its value is not exported ({PLACEHOLDER!r} "
             f"stands in for it); {advice}")
    return kept
