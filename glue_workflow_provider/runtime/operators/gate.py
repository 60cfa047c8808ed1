"""Gates: EmptyOperators that the scheduler resolves by trigger rule alone, never on a worker.

A trigger gate stands for an AND trigger whose node has other triggers too; a condition gate stands for
"node ended in a non-SUCCEEDED state". Node tasks skip gates that can no longer hold (node_state.py), so a
gate that succeeds means its Glue trigger or condition really held.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import BaseOperator

from glue_workflow_provider.runtime.task_states import task_states
from glue_workflow_provider.version_compat import AirflowFailException, AirflowSkipException


class GlueTriggerGateOperator(EmptyOperator):
    """A Glue trigger (or one of its conditions) in the DAG: success means it held."""

    ui_color = "#fff4d6"


class GlueWorkflowOutcomeOperator(EmptyOperator):
    """The DAG's only leaf: its state decides the DAG run's (docs/semantics.md#unhandled-failures).

    ``none_failed`` over every node: success when no node failed; skipped (by the last node to end) when every
    failure was handled by a trigger; upstream_failed, failing the run, when a failure is unhandled.
    """

    ui_color = "#e8eaf6"


class GlueDefinitionErrorOperator(BaseOperator):
    """The one task of a placeholder DAG: fails with the definition's problems if anyone runs it."""

    ui_color = "#ffcdd2"

    def __init__(self, *, problems: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = list(problems)

    def execute(self, context: Any) -> None:
        """Fail with every problem, one per line."""
        raise AirflowFailException("Invalid Glue workflow definition:\n" + "\n".join(self.problems))


class GlueWorkflowEndOperator(BaseOperator):
    """The last task of a GlueWorkflowTaskGroup: succeeds exactly when the group's workflow run succeeded.

    It waits (``all_done``) for the group's start, every node and the outcome task, then reads their states
    in one execution-API call. An EmptyOperator cannot do this: the outcome task is ``upstream_failed`` for a
    while after a handled failure (Airflow flags ``none_failed`` at once) until the last node to end skips it,
    and a trigger rule on the outcome alone would pass that passing state downstream for good.

    - the group's start was skipped (so was its upstream): skipped, and so is what follows the group;
    - the start did not run because an upstream task failed: fails (no Glue run was started);
    - the outcome succeeded or was skipped by the last node (every failure handled, rule 6): success;
    - otherwise (an unhandled failure): fails, so tasks downstream of the group are upstream_failed.
    """

    ui_color = "#e8eaf6"

    def __init__(self, *, start_task_id: str, outcome_task_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_task_id = start_task_id
        self.outcome_task_id = outcome_task_id

    def execute(self, context: Any) -> None:
        """Succeed, skip or fail from the start's and the outcome's final states."""
        states = task_states(context["ti"])
        start = states.get(self.start_task_id)
        if start == "skipped":
            raise AirflowSkipException("the Glue workflow never started: the tasks upstream of its group were skipped")
        if start != "success":
            raise AirflowFailException(f"the Glue workflow never started: the tasks upstream of its group did not "
                                       f"succeed (start {start}); no Glue run was started")
        outcome = states.get(self.outcome_task_id)
        if outcome not in ("success", "skipped"):
            raise AirflowFailException(f"the Glue workflow run failed: a failure no trigger handles (outcome {outcome})")
        self.log.info("The Glue workflow run succeeded (outcome task %s)", outcome)
