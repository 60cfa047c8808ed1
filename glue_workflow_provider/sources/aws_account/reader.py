"""Read Glue workflows from an AWS account or any Glue endpoint, read-only, into a :class:`Conversion`.

The calls: ``ListWorkflows`` (all workflows), ``GetWorkflow(IncludeGraph=True)``; when an endpoint returns no
graph (moto does not build one), every trigger from ``ListTriggers`` + ``BatchGetTriggers`` (ListTriggers has
no workflow filter), kept by ``WorkflowName``; ``BatchGetJobs`` and ``BatchGetCrawlers`` for the carried
specs. Nothing that writes, and never ``GetConnection(s)``: connection passwords are never read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.sources.aws_account.specs import (
    CreateShape,
    Warn,
    crawler_spec,
    job_spec,
    trigger_entry,
    workflow_header,
)
from glue_workflow_provider.sources.conversion import Conversion, FoundWorkflow

#: Names per BatchGet* call (BatchGetCrawlers allows 100; the others document no limit, 100 is safe).
BATCH_LIMIT = 100
#: Error codes botocore retries as throttling; seen here only once its retries ran out.
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
     "RequestThrottled", "RequestThrottledException", "SlowDown"}
)
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
_FATAL = (NoCredentialsError, PartialCredentialsError, NoRegionError)
#: ``progress(done, total, workflow)`` after each workflow.
Progress = Callable[[int, int, str], None]


class CallFailed(Exception):
    """One Glue call failed for good (after botocore's retries); says which call and why."""

    def __init__(self, operation: str, exc: Exception) -> None:
        self.operation = operation
        self.code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
        super().__init__(describe(operation, exc))


def describe(operation: str, exc: Exception) -> str:
    """What a failed call means for the user, and what to do about it."""
    if not isinstance(exc, ClientError):
        return f"{operation} failed: {exc}"
    error = exc.response.get("Error", {})
    code, message = error.get("Code", "?"), error.get("Message", "")
    attempts = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    if code in THROTTLING_CODES:
        return (
            f"Glue kept throttling {operation} ({code}) through {attempts} attempt(s); wait and run the export "
            "again, export fewer workflows at a time, or allow more attempts (for example AWS_MAX_ATTEMPTS=20)"
        )
    if code in _DENIED_CODES:
        return (
            f"{operation} was refused ({code}: {message}); the export needs read access: glue:ListWorkflows, "
            "glue:GetWorkflow, glue:ListTriggers, glue:BatchGetTriggers, glue:BatchGetJobs, glue:BatchGetCrawlers"
        )
    return f"{operation} failed ({code}): {message}"


def create_shapes(glue: Any) -> tuple[CreateShape, CreateShape]:
    """The CreateJob and CreateCrawler inputs of ``glue``'s own API model (so new fields follow botocore)."""
    model = glue.meta.service_model
    shapes = []
    for operation in ("CreateJob", "CreateCrawler"):
        members = model.operation_model(operation).input_shape.members
        sensitive = frozenset(n for n, m in members.items() if m.metadata.get("sensitive"))
        shapes.append(CreateShape(operation, frozenset(members), sensitive))
    return shapes[0], shapes[1]


@dataclass
class AccountReader:
    """One export's reads: each listing and each job or crawler is fetched once, however many workflows use it."""

    glue: Any
    source: str
    page_size: int | None = None
    _by_workflow: dict[str, list[dict[str, Any]]] | None = field(default=None, init=False)
    _standalone: list[dict[str, Any]] = field(default_factory=list, init=False)
    _found: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, init=False)
    _shapes: tuple[CreateShape, CreateShape] | None = field(default=None, init=False)

    def export(self, names: Sequence[str] | None, progress: Progress | None = None) -> Conversion:
        """Every workflow named (all of them when ``names`` is None), with a notice for each that failed."""
        conversion = Conversion()
        if names is None:
            try:
                names = self.workflow_names()
            except CallFailed as exc:
                conversion.fail(self.source, exc.operation, str(exc))
                return conversion
        unique = list(dict.fromkeys(names))
        for done, name in enumerate(unique, 1):
            self._export_one(name, conversion)
            if progress is not None:
                progress(done, len(unique), name)
        return conversion

    def workflow_names(self) -> list[str]:
        """Every workflow name in the account's region (ListWorkflows, every page)."""
        return [name for page in self._pages("list_workflows", "ListWorkflows") for name in page["Workflows"]]

    def _export_one(self, name: str, conversion: Conversion) -> None:
        place = f"workflow '{name}'"

        def warn(where: str, message: str) -> None:
            conversion.warn(self.source, where, message)

        try:
            workflow = self._call("GetWorkflow", self.glue.get_workflow, Name=name, IncludeGraph=True)["Workflow"]
            triggers = _graph_triggers(workflow)
            if triggers is None:
                triggers = self._listed_triggers(name, warn)
            document = self._document(name, workflow, triggers, warn)
        except CallFailed as exc:
            if exc.operation == "GetWorkflow" and exc.code == "EntityNotFoundException":
                conversion.fail(self.source, place, f"no workflow named '{name}' in {self.source}; check the "
                                "name (it is case-sensitive) and --region/--profile")
            else:
                conversion.fail(self.source, place, f"not exported: {exc}")
            return
        conversion.workflows.append(FoundWorkflow(name, document, self.source, place))

    def _document(
        self, name: str, workflow: Mapping[str, Any], triggers: list[dict[str, Any]], warn: Warn
    ) -> dict[str, Any]:
        document: dict[str, Any] = {
            "Workflow": workflow_header(workflow, warn),
            "Triggers": [trigger_entry(trigger, name, warn) for trigger in triggers],
        }
        self._shapes = self._shapes or create_shapes(self.glue)
        job_shape, crawler_shape = self._shapes
        jobs, crawlers = _node_names(triggers)
        found_jobs = self._resources("Jobs", jobs, name, warn)
        found_crawlers = self._resources("Crawlers", crawlers, name, warn)
        if found_jobs:
            document["Jobs"] = [job_spec(job, job_shape, name, warn) for job in found_jobs]
        if found_crawlers:
            document["Crawlers"] = [crawler_spec(c, crawler_shape, name, warn) for c in found_crawlers]
        return document

    def _resources(self, kind: str, names: list[str], workflow: str, warn: Warn) -> list[dict[str, Any]]:
        """The jobs or crawlers named (BatchGetJobs/BatchGetCrawlers, in chunks), in the order named."""
        cache = self._found.setdefault(kind, {})
        wanted = [n for n in names if n not in cache]
        operation, method = f"BatchGet{kind}", getattr(self.glue, f"batch_get_{kind.lower()}")
        request_key = f"{kind[:-1]}Names"
        for chunk in _chunks(wanted):
            response = self._call(operation, method, **{request_key: chunk})
            cache.update({item["Name"]: item for item in response.get(kind) or ()})
            cache.update({n: {} for n in chunk if n not in cache})
        missing = [n for n in names if not cache[n]]
        for missing_name in missing:
            warn(
                f"workflow '{workflow}', {kind[:-1].lower()} '{missing_name}'",
                f"{operation} did not find {kind[:-1].lower()} '{missing_name}' (it does not exist, or these "
                "credentials cannot read it); the definition carries no spec for it",
            )
        return [cache[n] for n in names if cache[n]]

    def _listed_triggers(self, workflow: str, warn: Warn) -> list[dict[str, Any]]:
        """The workflow's triggers when GetWorkflow gave no graph: every trigger listed once, kept by WorkflowName."""
        if self._by_workflow is None:
            by_workflow: dict[str, list[dict[str, Any]]] = {}
            listed = [n for page in self._pages("list_triggers", "ListTriggers") for n in page["TriggerNames"]]
            for chunk in _chunks(listed):
                response = self._call("BatchGetTriggers", self.glue.batch_get_triggers, TriggerNames=chunk)
                for trigger in response.get("Triggers") or ():
                    by_workflow.setdefault(trigger.get("WorkflowName") or "", []).append(trigger)
            self._standalone = by_workflow.pop("", [])
            self._by_workflow = by_workflow  # only a complete listing is kept: a failed one is tried again
        triggers = self._by_workflow.get(workflow, [])
        self._warn_standalone(workflow, triggers, warn)
        return triggers

    def _warn_standalone(self, workflow: str, triggers: list[dict[str, Any]], warn: Warn) -> None:
        jobs, crawlers = _node_names(triggers)
        nodes = set(jobs) | set(crawlers)
        for trigger in self._standalone:
            touched = sorted(nodes & set(_names_in(trigger)))
            if touched:
                warn(
                    f"trigger '{trigger.get('Name')}'",
                    f"trigger '{trigger.get('Name')}' belongs to no workflow, so it is not exported with workflow "
                    f"'{workflow}' although it names {', '.join(touched)} (Glue never fires it inside a run of "
                    "that workflow)",
                )

    def _pages(self, method: str, operation: str) -> Iterator[dict[str, Any]]:
        config = {"PageSize": self.page_size} if self.page_size else {}
        with self._calling(operation):
            yield from self.glue.get_paginator(method).paginate(PaginationConfig=config)

    def _call(self, operation: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        with self._calling(operation):
            return method(**kwargs)

    @contextmanager
    def _calling(self, operation: str) -> Iterator[None]:
        """Turn a failed call into CallFailed (this workflow is lost) or SourceError (nothing can be read)."""
        try:
            yield
        except _FATAL as exc:
            raise SourceError(
                f"cannot read Glue at {self.source}: {exc}; give credentials and a region (--profile, --region, "
                "or the usual AWS_* variables)"
            ) from exc
        except (ClientError, BotoCoreError) as exc:
            raise CallFailed(operation, exc) from exc


def _graph_triggers(workflow: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The triggers in GetWorkflow's graph, or None when the endpoint returned no graph at all."""
    graph = workflow.get("Graph")
    if not isinstance(graph, Mapping):
        return None
    return [
        dict(node["TriggerDetails"]["Trigger"])
        for node in graph.get("Nodes") or ()
        if node.get("Type") == "TRIGGER" and isinstance((node.get("TriggerDetails") or {}).get("Trigger"), Mapping)
    ]


def _names_in(trigger: Mapping[str, Any]) -> Iterator[str]:
    for action in trigger.get("Actions") or ():
        yield from (n for n in (action.get("JobName"), action.get("CrawlerName")) if n)
    for condition in (trigger.get("Predicate") or {}).get("Conditions") or ():
        yield from (n for n in (condition.get("JobName"), condition.get("CrawlerName")) if n)


def _node_names(triggers: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The jobs and the crawlers the triggers start or watch, in the order first named."""
    jobs: dict[str, None] = {}
    crawlers: dict[str, None] = {}
    for trigger in triggers:
        conditions = (trigger.get("Predicate") or {}).get("Conditions") or ()
        for item in [*(trigger.get("Actions") or ()), *conditions]:
            if item.get("JobName"):
                jobs.setdefault(item["JobName"])
            elif item.get("CrawlerName"):
                crawlers.setdefault(item["CrawlerName"])
    return list(jobs), list(crawlers)


def _chunks(names: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(names), BATCH_LIMIT):
        yield names[start:start + BATCH_LIMIT]


def read_account(
    glue: Any, workflows: Sequence[str] | None, *, source: str, page_size: int | None = None,
    progress: Progress | None = None,
) -> Conversion:
    """Export ``workflows`` (every workflow when None) through the boto3 Glue client ``glue``, read-only."""
    return AccountReader(glue, source, page_size).export(workflows, progress)
