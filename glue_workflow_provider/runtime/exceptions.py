"""Runtime errors: they derive from both our GlueWorkflowError and Airflow's exceptions."""

from __future__ import annotations

from airflow.sdk.exceptions import AirflowException, AirflowFailException

from glue_workflow_provider.exceptions import GlueWorkflowError


class GlueNodeEndedError(GlueWorkflowError, SystemExit):
    """A job or crawler ended in a state other than SUCCEEDED: an expected outcome, not a bug.

    A SystemExit, because Airflow 3.3's task runner logs every other exception with its traceback and this
    one as one line ("Task exited", with the message); it is not an AirflowException, which would be caught
    first. Never retried by Airflow (Glue's own MaxRetries already applied, and a workflow does not rerun a
    node): the node operators' retry policy (``operators.monitoring.ended_is_final``) fails it at once,
    whatever ``retries`` says.
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
