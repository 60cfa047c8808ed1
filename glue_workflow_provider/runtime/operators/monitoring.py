"""What a node task leaves for the Airflow UI when its Glue run ends: note, run summary, rendered details.

- XCom ``glue_note``: the exact end state and Glue's error message (copied into the task instance note).
- XCom ``glue_run_summary``: the run's statistics and outcome, from a node task that finishes here and sees the
  run complete (when none does, the notes listener writes the summary: runtime/notes.py).
- Template field ``glue_run`` (Rendered Templates): what the run ran with (arguments, secret-looking values
  masked; Timeout; worker settings Glue reports) and the run properties it saw. The field is sent again after
  the task ran (``overwrite_rtif_after_execution``), when these are known: only by the process that saw the
  run end (the one that deferred has nothing new to send, and would cost an execution-API call).

Nothing here may fail the task: an error is logged and the task goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_workflow_provider.runtime.airflow_internals import looks_secret
from glue_workflow_provider.runtime.node_record.execution_api import pulled
from glue_workflow_provider.runtime.node_record.record import NOTE_KEY, SEEN_KEY, SUMMARY_KEY
from glue_workflow_provider.runtime.run_summary import failure_errors, node_note, run_summary
from glue_workflow_provider.semantics.progress import Settled
from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS

MASK = "***"


def ended_is_final() -> Any:
    """The node tasks' retry policy: a Glue end state other than SUCCEEDED fails the task at once (no retry).

    None before Airflow 3.3, which has no retry policies: the error itself is final there
    (``version_compat.NODE_ENDED_BASE``).
    """
    if not AIRFLOW_V_3_3_PLUS:
        return None
    from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

    rule = RetryRule(
        exception="glue_workflow_provider.runtime.exceptions.GlueNodeEndedError",
        action=RetryAction.FAIL,
        reason="a Glue end state is final: the workflow does not rerun a node",
    )
    return ExceptionRetryPolicy(rules=[rule])


def masked(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``values`` with the value of every secret-looking key (password, token, ...) replaced by ``***``."""
    if values is None:
        return None
    return {key: MASK if looks_secret(key) else value for key, value in values.items()}


class NodeMonitoring:
    """Mixed into the node operator: ``report_end`` publishes the node's end for the UI."""

    glue_run: dict[str, Any]
    overwrite_rtif_after_execution = False  # set by report_end, once glue_run is known

    def console_link(self, run: dict[str, Any]) -> str | None:
        """The Glue console page of the run (None when unknown)."""
        return None

    def run_details(self, run: dict[str, Any]) -> dict[str, Any]:
        """What the run ran with, as Glue reports it (kind-specific)."""
        return {}

    def report_end(self, context: Any, run: dict[str, Any], state: str, settled: Settled | None = None) -> None:
        """Note text, rendered details and (when this node saw the run complete) the run summary; never raises."""
        log = self.log  # type: ignore[attr-defined]
        ti = context["ti"]
        try:
            ti.xcom_push(key=NOTE_KEY, value=node_note(state, run.get("error"), self.console_link(run)))
            seen = getattr(self, "seen", None)  # known to the process that started the run; read back otherwise
            seen = pulled(ti, ti.task_id, SEEN_KEY) if seen is None else seen
            self.glue_run = {"glue_state": state, "error": run.get("error"), **self.run_details(run),
                             "run_properties": masked(seen if isinstance(seen, dict) else None)}
            self.overwrite_rtif_after_execution = True
        except Exception:
            log.exception("Could not record the note and details of this node (the node's state stands)")
        try:
            self._summarise(ti, state, settled)
        except Exception:
            log.exception("Could not summarise the workflow run (the node's state stands)")

    def _summarise(self, ti: Any, state: str, settled: Settled | None) -> None:
        runtime = getattr(self, "runtime", None)
        if runtime is None:
            return
        if settled is None:  # what pruning decided is reused: the states are not read twice
            glue_name: str = getattr(self, "glue_name")  # noqa: B009 - set by the node operator
            settled = runtime.settle(ti, also={glue_name: state})
        if settled.is_complete(runtime.plan.triggers):
            task_ids = runtime.plan.node_task_ids()
            errors = failure_errors(settled.ended, lambda node: pulled(ti, task_ids[node], NOTE_KEY))
            ti.xcom_push(key=SUMMARY_KEY, value=run_summary(runtime.plan.triggers, settled.ended, errors))
