"""Gates: EmptyOperators that the scheduler resolves by trigger rule alone, never on a worker.

A trigger gate stands for an AND trigger whose node has other triggers too; a condition gate stands for
"node ended in a non-SUCCEEDED state". Node tasks skip gates that can no longer hold (node_state.py), so a
gate that succeeds means its Glue trigger or condition really held.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException


class GlueTriggerGateOperator(EmptyOperator):
    """A Glue trigger (or one of its conditions) in the DAG: success means it held."""

    ui_color = "#fff4d6"


class GlueWorkflowOutcomeOperator(EmptyOperator):
    """The DAG's only leaf: its state decides the DAG run's (§10.6).

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
