"""``glue-airflow export``: not written yet (issue 10)."""

from __future__ import annotations

import argparse

from glue_workflow_provider.exceptions import GlueWorkflowError

NAME = "export"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the sub-command."""
    commands.add_parser(NAME, help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return the exit code."""
    raise GlueWorkflowError(f"'{NAME}' is not available yet")
