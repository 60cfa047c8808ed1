"""Hooks: the amazon provider's Glue hooks, pointed at our waiter model (waiters/glue_workflow.json)."""

from __future__ import annotations

from pathlib import Path

from airflow.providers.amazon.aws.hooks.glue import GlueJobHook
from airflow.providers.amazon.aws.hooks.glue_crawler import GlueCrawlerHook

WAITERS_PATH = Path(__file__).parent / "waiters" / "glue_workflow.json"


class GlueWorkflowJobHook(GlueJobHook):
    """GlueJobHook whose custom waiters end on every Glue end state (the exact state is read afterwards)."""

    @property
    def waiter_path(self) -> Path:
        """Our waiter model, whose acceptors follow model/states.py."""
        return WAITERS_PATH


class GlueWorkflowCrawlerHook(GlueCrawlerHook):
    """GlueCrawlerHook with the same waiter model."""

    @property
    def waiter_path(self) -> Path:
        """Our waiter model, whose acceptors follow model/states.py."""
        return WAITERS_PATH
