"""Runtime errors: they derive from both our GlueWorkflowError and Airflow's exceptions."""

from __future__ import annotations

from glue_workflow_provider.exceptions import GlueWorkflowError
from glue_workflow_provider.version_compat import NODE_ENDED_BASE, AirflowException, AirflowFailException


class GlueNodeEndedError(GlueWorkflowError, NODE_ENDED_BASE):  # type: ignore[misc,valid-type]
    """A job or crawler ended in a state other than SUCCEEDED: an expected outcome, not a bug.

    On Airflow 3.3 a SystemExit, because the task runner logs every other exception with its traceback and
    this one as one line ("Task exited", with the message); it is not an AirflowException, which would be
    caught first. Never retried by Airflow (Glue's own MaxRetries already applied, and a workflow does not
    rerun a node): the node operators' retry policy (``operators.monitoring.ended_is_final``) fails it at
    once, whatever ``retries`` says. Older Airflow has no retry policy: there it is an AirflowFailException
    (``version_compat.NODE_ENDED_BASE``).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = message


class GlueNodeNotFoundError(GlueWorkflowError, AirflowFailException):
    """The job or crawler does not exist; it is never created at run time (docs/semantics.md#never-created)."""


class GlueNodeWaitError(GlueWorkflowError, AirflowException):
    """Waiting for a run ended without a final state (retried: a retry reattaches to the same run)."""


class GlueRunPropertiesError(GlueWorkflowError, AirflowFailException):
    """Run properties that Glue would refuse (a non-string value, a key outside 1-255 characters)."""
