"""Runtime errors: they derive from both our GlueWorkflowError and Airflow's exceptions."""

from __future__ import annotations

from airflow.sdk.exceptions import AirflowException, AirflowFailException

from glue_workflow_provider.exceptions import GlueWorkflowError


class GlueNodeEndedError(GlueWorkflowError, AirflowFailException):
    """A job or crawler ended in a state other than SUCCEEDED.

    Never retried by Airflow: Glue's own MaxRetries already applied, and a workflow does not rerun a node.
    """


class GlueNodeNotFoundError(GlueWorkflowError, AirflowFailException):
    """The job or crawler does not exist; it is never created at run time (§10.12)."""


class GlueNodeWaitError(GlueWorkflowError, AirflowException):
    """Waiting for a run ended without a final state (retried: a retry reattaches to the same run)."""


class GlueRunPropertiesError(GlueWorkflowError, AirflowFailException):
    """Run properties that Glue would refuse (a non-string value, a key outside 1-255 characters)."""
