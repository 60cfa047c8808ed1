"""Diagnostics: one problem found in a definition, with the file, the field path and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error stops a definition from compiling; a warning is reported and the DAG is still built."""

    ERROR = "error"
    WARNING = "warning"


#: Stable codes, documented in docs/definitions.md#validation. Never renumber; add new codes at the end.
CODES: dict[str, str] = {
    "GWF001": "file cannot be read or parsed (syntax error)",
    "GWF002": "field has the wrong type, a missing required value, an unknown value or an unknown key",
    "GWF003": "document is neither an authored definition nor a GetWorkflow response",
    "GWF010": "SCHEDULED trigger without Schedule",
    "GWF011": "CONDITIONAL trigger without Predicate or without Conditions",
    "GWF012": "action names neither or both of JobName and CrawlerName",
    "GWF013": "condition names neither or both of a job and a crawler, or the state field does not match",
    "GWF014": "condition on a state that a trigger cannot watch",
    "GWF015": "more than one start trigger",
    "GWF016": "cycle between jobs and crawlers",
    "GWF017": "duplicate trigger name",
    "GWF018": "names that collide once made into Airflow ids",
    "GWF019": "malformed Glue cron expression",
    "GWF020": "more than two crawlers in one trigger's actions",
    "GWF021": "condition watches a job or crawler that no trigger of the workflow starts",
    "GWF022": "a trigger name used as a job or crawler name",
    "GWF023": "Schedule on a trigger that is not SCHEDULED (ignored)",
    "GWF024": "Predicate on a start trigger (ignored)",
    "GWF025": "EventBatchingCondition on a trigger that is not EVENT (ignored)",
    "GWF026": "DEACTIVATED conditional trigger (never fires)",
    "GWF027": "conditional trigger that was never activated",
    "GWF028": "trigger WorkflowName differs from Workflow.Name",
    "GWF029": "node started by the start trigger is also an action of a conditional trigger",
    "GWF030": "retired: EVENT start triggers compile to an event schedule (GWF042 when no queue is named)",
    "GWF031": "action names a job or crawler missing from the Jobs or Crawlers list",
    "GWF032": "job or crawler listed but never started by a trigger",
    "GWF033": "workflow has no triggers: a run starts nothing",
    "GWF034": "node that can never run",
    "GWF035": "duplicate job or crawler in the Jobs or Crawlers list",
    "GWF036": "same name used for a job and a crawler",
    "GWF037": "run property key or value not allowed",
    "GWF038": "more jobs and crawlers in one trigger than Glue allows (50)",
    "GWF039": "more than 100 jobs, crawlers and triggers in one workflow",
    "GWF040": "StartOnCreation on an ON_DEMAND trigger (not supported by Glue)",
    "GWF041": "workflow has jobs or crawlers but no start trigger",
    "GWF042": "EVENT start trigger without Airflow.event_queue_url (no queue to read its events from)",
    "GWF043": "Airflow.event_queue_url set but the start trigger is not EVENT (ignored)",
    "GWF044": "the same job or crawler listed twice in one trigger's actions (it runs once)",
    "GWF045": "Airflow refused the DAG built from a definition (the loader registers its placeholder instead)",
    "GWF046": "Airflow.state_change_queue_url set with deferrable false (only deferred waits read it; ignored)",
    "GWF047": "Airflow.state_change_queue_url is the event_queue_url (each reader would take the other's messages)",
}


#: The codes reported as warnings (the DAG is still built); every other code is an error.
WARNINGS: frozenset[str] = frozenset(
    {"GWF023", "GWF024", "GWF025", "GWF026", "GWF027", "GWF029", "GWF031", "GWF032", "GWF033", "GWF034",
     "GWF038", "GWF039", "GWF040", "GWF043", "GWF044", "GWF046"}
)


def codes_table() -> str:
    """The validation-code table of docs/definitions.md, in Markdown (a test keeps the page equal to it)."""
    rows = [
        f"| {code} | {'warning' if code in WARNINGS else 'error'} | {meaning} |" for code, meaning in CODES.items()
    ]
    return "\n".join(["| Code | Severity | Problem |", "| --- | --- | --- |", *rows])


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: printed as ``FILE: FIELD.PATH: message`` (the command-line contract)."""

    code: str
    severity: Severity
    path: str
    message: str
    file: str = "<definition>"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.file}: {self.path}: {prefix}{self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        """Whether this problem stops the definition from compiling."""
        return self.severity is Severity.ERROR

    def in_file(self, file: str) -> Diagnostic:
        """The same problem, reported against ``file``."""
        return Diagnostic(self.code, self.severity, self.path, self.message, file)


def error(code: str, path: str, message: str) -> Diagnostic:
    """An error diagnostic (the file is filled in by the source that read the definition)."""
    return Diagnostic(code, Severity.ERROR, path, message)


def warning(code: str, path: str, message: str) -> Diagnostic:
    """A warning diagnostic (the file is filled in by the source that read the definition)."""
    return Diagnostic(code, Severity.WARNING, path, message)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    """Whether any of ``diagnostics`` is an error."""
    return any(d.is_error for d in diagnostics)
