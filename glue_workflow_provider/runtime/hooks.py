"""Hooks: the amazon provider's Glue hooks, pointed at our waiter model (waiters/glue_workflow.json).

Each hook also builds its start-call client (botocore retries off, runtime/start_call.py) from the session
of its ordinary client: a second session would load the Glue service model again (about 0.2 s a task).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from airflow.providers.amazon.aws.hooks.glue import GlueJobHook
from airflow.providers.amazon.aws.hooks.glue_crawler import GlueCrawlerHook

from glue_workflow_provider.runtime.start_call import NO_RETRIES

WAITERS_PATH = Path(__file__).parent / "waiters" / "glue_workflow.json"


class _SharedSession:
    """One boto3 session per hook for its synchronous clients."""

    _sessions: dict[str | None, Any]

    def get_session(self, region_name: str | None = None, deferrable: bool = False) -> Any:
        """The hook's session (created once); deferrable (aiobotocore) sessions are made as before."""
        if deferrable:
            return super().get_session(region_name=region_name, deferrable=True)  # type: ignore[misc]
        sessions = self.__dict__.setdefault("_sessions", {})
        if region_name not in sessions:
            sessions[region_name] = super().get_session(region_name=region_name)  # type: ignore[misc]
        return sessions[region_name]

    @cached_property
    def start_client(self) -> Any:
        """A client for StartJobRun/StartCrawler that makes one attempt per call."""
        config = self.config  # type: ignore[attr-defined]
        return self.get_client_type(  # type: ignore[attr-defined]
            # the region the ordinary client was made with: another key would make (and load) a second session
            region_name=self.region_name,  # type: ignore[attr-defined]
            config=config.merge(NO_RETRIES) if config else NO_RETRIES,
        )

    @property
    def waiter_path(self) -> Path:
        """Our waiter model, whose acceptors follow model/states.py."""
        return WAITERS_PATH


class GlueWorkflowJobHook(_SharedSession, GlueJobHook):
    """GlueJobHook whose custom waiters end on every Glue end state (the exact state is read afterwards)."""


class GlueWorkflowCrawlerHook(_SharedSession, GlueCrawlerHook):
    """GlueCrawlerHook with the same waiter model."""
