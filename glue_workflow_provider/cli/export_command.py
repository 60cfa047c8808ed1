"""``glue-airflow export``: Glue workflows read from an AWS account or any Glue endpoint -> definition files.

Read-only (``sources/aws_account``). This module only builds the boto3 client (boto3's own credential chain,
``--profile``/``--region``/``--endpoint-url``, botocore's standard retries for throttling) and the progress bar.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from glue_workflow_provider.cli.migrate import add_output_options, finish
from glue_workflow_provider.exceptions import GlueWorkflowError
from glue_workflow_provider.sources.aws_account.reader import Progress, read_account
from glue_workflow_provider.sources.conversion import Conversion

NAME = "export"
#: Attempts per call (throttling is retried with botocore's backoff) unless AWS_MAX_ATTEMPTS or the profile says.
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_RETRY_MODE = "standard"

_DESCRIPTION = """\
Export Glue workflows from an AWS account (or any Glue endpoint) as definition files, one per workflow,
with the Jobs and Crawlers specs they use. Read-only: it calls ListWorkflows, GetWorkflow, ListTriggers,
BatchGetTriggers, BatchGetJobs and BatchGetCrawlers, and never reads connections. Job and trigger
arguments whose names look secret (password, secret, token, key, credential ...) are replaced by a
placeholder, with a warning naming the workflow, the job or trigger and the argument.

Exit 0 when every workflow was exported and validates; 1 when any could not be (a missing workflow, a
refused call, an invalid definition), the others still written; 2 on usage errors."""

_EPILOG = """\
examples:
  glue-airflow export --workflow "Month close" -o dags/workflows --region eu-west-1 --profile prod
  glue-airflow export --all -o exported --format json
  glue-airflow export --all -o exported --endpoint-url http://127.0.0.1:5000 --region us-east-1
  glue-airflow export --workflow events-ingest -o dags/workflows \\
      --event-queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/glue-events"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the sub-command."""
    command = commands.add_parser(
        NAME,
        help="export Glue workflows from an AWS account or Glue endpoint (read-only)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = command.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--workflow", action="extend", nargs="+", metavar="NAME",
        help="name of a workflow to export (repeatable; several names may follow one --workflow)",
    )
    which.add_argument("--all", action="store_true", help="export every workflow of the account's region")
    add_output_options(command)
    command.add_argument("--region", metavar="R", help="AWS region (default: the profile's or AWS_REGION)")
    command.add_argument("--profile", metavar="P", help="AWS profile from ~/.aws/config (default: boto3's chain)")
    command.add_argument(
        "--endpoint-url", metavar="URL", help="Glue endpoint to read from instead of AWS (e.g. a local endpoint)"
    )
    command.add_argument(
        "--event-queue-url", metavar="URL",
        help="SQS queue URL set as Airflow.event_queue_url for workflows whose start trigger is EVENT (the "
        "account holds the EventBridge rule, not this queue); without it such files carry error GWF042",
    )


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return the exit code."""
    glue = glue_client(args.profile, args.region, args.endpoint_url)
    source = args.endpoint_url or f"glue:{glue.meta.region_name}"
    with progress_bar(enabled=bool(args.all) and sys.stderr.isatty()) as progress:
        conversion = read_account(glue, None if args.all else args.workflow, source=source, progress=progress)
    if not args.event_queue_url:
        _say_what_an_event_start_needs(conversion)
    return finish(conversion, args, args.event_queue_url)


def _say_what_an_event_start_needs(conversion: Conversion) -> None:
    """The account holds the EventBridge rule, not the queue our EVENT trigger reads: name the option to add."""
    for found in conversion.workflows:
        if any(trigger.get("Type") == "EVENT" for trigger in found.document.get("Triggers") or ()):
            conversion.warn(
                found.file, found.place,
                "the start trigger is EVENT: run the export again with --event-queue-url URL (the SQS queue your "
                "EventBridge rule sends the events to) to set Airflow.event_queue_url; until then the file "
                "carries error GWF042",
            )


def glue_client(profile: str | None, region: str | None, endpoint_url: str | None) -> Any:
    """A Glue client from boto3's own credential chain, retrying throttled calls with botocore's backoff."""
    import boto3
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, NoRegionError, ProfileNotFound

    try:
        core = botocore.session.Session(profile=profile)
        scoped = core.get_scoped_config()
        attempts = os.environ.get("AWS_MAX_ATTEMPTS") or scoped.get("max_attempts") or DEFAULT_MAX_ATTEMPTS
        mode = os.environ.get("AWS_RETRY_MODE") or scoped.get("retry_mode") or DEFAULT_RETRY_MODE
        retries = {"mode": mode, "total_max_attempts": int(attempts)}  # as AWS_MAX_ATTEMPTS: the first try included
        session = boto3.Session(botocore_session=core, region_name=region)
        return session.client("glue", endpoint_url=endpoint_url, config=Config(retries=retries))  # type: ignore[arg-type]
    except ProfileNotFound as exc:
        raise GlueWorkflowError(f"--profile {profile}: {exc}") from exc
    except NoRegionError as exc:
        raise GlueWorkflowError("no AWS region: pass --region, or set AWS_REGION or a region in the profile") from exc
    except (BotoCoreError, ValueError) as exc:
        raise GlueWorkflowError(f"cannot make a Glue client: {exc}") from exc


@contextmanager
def progress_bar(*, enabled: bool) -> Iterator[Progress | None]:
    """A progress callback drawing a bar on standard error (rich), or None when not ``enabled``."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Exporting Glue workflows", total=None)

        def advance(done: int, total: int, workflow: str) -> None:
            bar.update(task, completed=done, total=total, description=f"Exporting Glue workflows ({workflow})")

        yield advance
