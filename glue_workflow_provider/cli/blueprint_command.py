"""``glue-airflow blueprint``: run a Glue blueprint's layout unmodified and write the
workflow it makes.

Parameters are checked against ``blueprint.cfg`` before anything runs; the layout runs
in a child process with ``awsglue.blueprint`` provided by a compatible library; its AWS
calls go to an embedded sandbox unless ``--endpoint-url`` names another endpoint. The
definition is written as ``convert`` writes one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from glue_workflow_provider.cli.arguments import pairs
from glue_workflow_provider.cli.migrate import EXIT_INVALID, add_output_options, finish
from glue_workflow_provider.exceptions import GlueWorkflowError, SourceError
from glue_workflow_provider.local.endpoint import ACCOUNT, REGION
from glue_workflow_provider.sources.blueprint import parameters
from glue_workflow_provider.sources.blueprint.authored import take_over
from glue_workflow_provider.sources.blueprint.execution import LayoutRun, run_layout
from glue_workflow_provider.sources.blueprint.package import (
    CONFIG,
    Blueprint,
    BlueprintProblems,
    stage,
)
from glue_workflow_provider.sources.conversion import Conversion

NAME = "blueprint"
EPILOG = """\
example:
  glue-airflow blueprint crawl_s3_locations.zip -o dags/workflows \\
      --param WorkflowName=nightly-crawl --param IAMRole=GlueCrawlerRole \\
      --param S3Paths=s3://raw-data/orders/,s3://raw-data/customers/ \\
      --param DatabaseName=raw

Precedence: --param over --params over the parameter's defaultValue.
The layout's boto3 calls go to an embedded sandbox (nothing is made in AWS);
each call is listed as a warning.

exit codes: 0 written and valid; 1 bad parameters, a layout error or an invalid
definition; 2 usage
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the sub-command."""
    command = commands.add_parser(
        NAME,
        help="run a Glue blueprint's layout and write the workflow it makes",
        description="Run a Glue blueprint's layout unmodified and write the workflow "
        "it makes (one definition file).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "blueprint",
        metavar="BLUEPRINT",
        type=Path,
        help="a blueprint folder or .zip holding blueprint.cfg and the layout module",
    )
    command.add_argument(
        "--param",
        action="append",
        metavar="K=V",
        help="a blueprint parameter (repeatable); a collection takes a JSON list or "
        "a,b,c",
    )
    command.add_argument(
        "--params",
        metavar="FILE.json",
        type=Path,
        help="blueprint parameters as a JSON object (as StartBlueprintRun's "
        "Parameters)",
    )
    command.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send the layout's AWS calls to this endpoint instead of the embedded "
        "sandbox",
    )
    command.add_argument(
        "--region",
        default=REGION,
        help=f"system_params['region'] and the layout's AWS region (default {REGION})",
    )
    command.add_argument(
        "--account-id",
        default=ACCOUNT,
        help=f"system_params['accountId'] (default {ACCOUNT}, the sandbox's account)",
    )
    command.add_argument(
        "--name-suffix",
        default="",
        metavar="SUFFIX",
        help="the suffix the library appends to job and crawler names as NAME_SUFFIX "
        "(default '', "
        "as Workflow.to_json(); the Glue service uses a random one per blueprint run)",
    )
    command.add_argument(
        "--event-queue-url",
        metavar="URL",
        help="the SQS queue an EVENT start trigger (OnSchedule='EVENT') reads its "
        "EventBridge events from",
    )
    add_output_options(command)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return the exit code."""
    given = pairs(args.param, "--param")
    from_file = _params_file(args.params)
    with tempfile.TemporaryDirectory(prefix="glue-airflow-blueprint-") as scratch:
        try:
            blueprint = stage(args.blueprint, Path(scratch))
        except BlueprintProblems as problems:
            return _report(problems)
        values = _parameters(blueprint, given, from_file)
        if values is None:
            return EXIT_INVALID
        layout = _run(blueprint, values, args)
    return finish(_conversion(blueprint, layout, args), args, args.event_queue_url)


def _params_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GlueWorkflowError(
            f"--params {path}: not a readable JSON file: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise GlueWorkflowError(
            f"--params {path}: must hold a JSON object of parameter name -> value"
        )
    return data


def _report(problems: BlueprintProblems) -> int:
    for notice in problems.notices:
        print(notice)
    return EXIT_INVALID


def _parameters(
    blueprint: Blueprint, given: dict[str, str], from_file: dict[str, Any]
) -> dict[str, Any] | None:
    """The layout's user_params, or None after printing every problem (the layout is
    then not run)."""
    problems = parameters.check_spec(blueprint.parameter_spec)
    resolved = (
        parameters.resolve(blueprint.parameter_spec, given, from_file)
        if not problems
        else None
    )
    problems += resolved.problems if resolved else []
    for place, message in problems:
        print(f"{blueprint.config_file}: {place}: {message}")
    if problems:
        print(
            f"glue-airflow: {len(problems)} parameter problem(s); the layout was not "
            "run",
            file=sys.stderr,
        )
        return None
    return resolved.values if resolved else None


def _run(
    blueprint: Blueprint, values: dict[str, Any], args: argparse.Namespace
) -> LayoutRun:
    """Run the layout with its AWS calls sent to the sandbox (started here) or to
    ``--endpoint-url``."""
    from glue_workflow_provider.local.blueprint_sandbox import (
        BlueprintSandbox,
        endpoint_environment,
    )

    system_params = {"region": args.region, "accountId": args.account_id}
    with ExitStack() as stack:
        if args.endpoint_url:
            environment = endpoint_environment(args.endpoint_url, args.region)
        else:
            try:
                sandbox = stack.enter_context(BlueprintSandbox(args.region))
            except RuntimeError as exc:  # the endpoint could not start (moto missing)
                raise SourceError(f"the embedded sandbox: {exc}") from exc
            sandbox.create_buckets(parameters.buckets(blueprint.parameter_spec, values))
            environment = sandbox.environment()
        layout = run_layout(
            blueprint, values, system_params, args.name_suffix, environment
        )
    for line in layout.output.splitlines():
        print(f"[layout] {line}", file=sys.stderr)
    return layout


def _conversion(
    blueprint: Blueprint, layout: LayoutRun, args: argparse.Namespace
) -> Conversion:
    """What the run made: the workflow, or the layout's error; the AWS calls it made as
    warnings."""
    from glue_workflow_provider.local.blueprint_sandbox import call_warnings

    conversion = Conversion()
    place = f"{blueprint.function}()"
    for warning in call_warnings(layout.calls, args.endpoint_url):
        conversion.warn(blueprint.layout_file, place, warning)
    if layout.made:
        conversion.warn(
            blueprint.layout_file,
            place,
            f"what the layout made ({_where(args.endpoint_url)}): "
            + "; ".join(layout.made),
        )
    for asked, opened in layout.opened:
        conversion.warn(
            blueprint.layout_file,
            place,
            f"open({asked!r}) found no file from the folder the layout runs in (the "
            f"folder above {CONFIG}, as in Glue) and read {blueprint.shown(opened)} "
            f"beside {CONFIG} instead; the service may not find it: open "
            f"{opened!r} or a path built from __file__",
        )
    if layout.error is not None:
        conversion.fail(
            *_error_place(blueprint, layout.error), _error_message(layout.error)
        )
    elif layout.document is not None:
        take_over(layout, blueprint.layout_file, place, args.name_suffix, conversion)
    return conversion


def _where(endpoint_url: str | None) -> str:
    return f"at {endpoint_url}" if endpoint_url else "in the embedded sandbox, not AWS"


def _error_place(blueprint: Blueprint, error: dict[str, Any]) -> tuple[str, str]:
    if error.get("file"):
        return blueprint.shown(error["file"]), f"line {error.get('line')}"
    return blueprint.layout_file, f"{blueprint.function}()"


def _error_message(error: dict[str, Any]) -> str:
    what = {
        "import": "importing the layout module failed",
        "layout": "the layout generator raised",
        "result": "the layout's Workflow could not be converted",
    }.get(str(error.get("stage")), "the layout failed")
    return f"{what}: {error.get('type')}: {error.get('message')}"
