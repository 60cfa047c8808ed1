"""``glue-airflow``: validate, render, simulate and run Glue workflow definitions; print the schema.

Exit codes: 0 clean, 1 the definition has errors, 2 usage errors (ARCHITECTURE.md, the command-line contract).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from glue_workflow_provider import __version__
from glue_workflow_provider.cli import (
    blueprint_command,
    convert_command,
    export_command,
)
from glue_workflow_provider.cli.arguments import node_pairs, pairs
from glue_workflow_provider.exceptions import DefinitionError, GlueWorkflowError

if TYPE_CHECKING:
    from glue_workflow_provider.compile.plan import DagPlan
    from glue_workflow_provider.model.workflow import Definition
    from glue_workflow_provider.semantics.report import RunReport

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
#: Migration commands live in their own modules (issue 10): each has NAME, add_parser(commands) and run(args).
_MIGRATION_COMMANDS = (convert_command, export_command, blueprint_command)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="glue-airflow", description="AWS Glue workflows as Airflow DAGs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check definition files; one line per problem")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="definition files or folders of them")

    render = commands.add_parser("render", help="the compiled DAG (static view)")
    render.add_argument("definition", metavar="DEFINITION")
    render.add_argument("--format", choices=("text", "mermaid", "dot", "json"), default="text")

    simulate = commands.add_parser("simulate", help="what Glue would do (reference simulator, no Airflow)")
    _add_run_options(simulate)

    run = commands.add_parser("run", help="a real local run: Airflow + the local Glue endpoint")
    _add_run_options(run)
    run.add_argument(
        "--running-seconds", type=float, default=1.0, help="how long each job run and crawl stays RUNNING (default 1)"
    )

    commands.add_parser("schema", help="the JSON Schema of a definition file")
    for command in _MIGRATION_COMMANDS:
        command.add_parser(commands)
    return parser


def _add_run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("definition", metavar="DEFINITION")
    command.add_argument(
        "--outcome", action="append", metavar="NAME=STATE", help="end state of a job or crawler (default SUCCEEDED)"
    )
    command.add_argument("--conf", action="append", metavar="KEY=VALUE", help="run property given when the run starts")
    command.add_argument(
        "--put", action="append", metavar="NODE:KEY=VALUE", help="a run property the job NODE puts while it runs"
    )
    command.add_argument("--json", action="store_true", help="print the run as JSON")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = _COMMANDS[args.command](args)
        return code
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    except DefinitionError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic)
        return EXIT_INVALID
    except GlueWorkflowError as exc:
        print(f"glue-airflow: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK  # pragma: no cover - parser.error exits


def _validate(args: argparse.Namespace) -> int:
    from glue_workflow_provider.api import check_paths

    checked = check_paths(args.paths)
    errors = warnings = 0
    for item in checked:
        for diagnostic in item.diagnostics:
            print(diagnostic)
            errors += diagnostic.is_error
            warnings += not diagnostic.is_error
    if not checked:
        print("glue-airflow: no definition files (*.json, *.yaml, *.yml) found", file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(checked)} definition(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_INVALID if errors else EXIT_OK


def _plan(path: str) -> tuple[Definition, DagPlan]:
    from glue_workflow_provider.compile.planner import plan_workflow
    from glue_workflow_provider.sources.definition_file import read_definition

    definition = read_definition(path)
    planned = plan_workflow(definition)
    if planned.plan is None:
        raise DefinitionError(planned.diagnostics)
    return definition, planned.plan


def _render(args: argparse.Namespace) -> int:
    from glue_workflow_provider.compile.render import render

    _, plan = _plan(args.definition)
    print(render(plan, args.format))
    return EXIT_OK


def _run_inputs(
    args: argparse.Namespace,
) -> tuple[Definition, DagPlan, dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """The definition and the checked --outcome/--put/--conf values shared by simulate and run."""
    from glue_workflow_provider.local.runner import check_outcomes, check_puts

    definition, plan = _plan(args.definition)
    outcomes = pairs(args.outcome, "--outcome")
    puts = node_pairs(args.put, "--put")
    check_outcomes(definition, outcomes)
    check_puts(definition, puts)
    return definition, plan, outcomes, puts, pairs(args.conf, "--conf")


def _print_report(report: RunReport, as_json: bool, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    print(json.dumps(report.to_json(), indent=2) if as_json else report.to_text(), file=out)
    out.flush()
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from glue_workflow_provider.semantics.simulator import simulate

    definition, plan, outcomes, puts, conf = _run_inputs(args)
    return _print_report(simulate(definition, outcomes, dag_id=plan.dag_id, conf=conf, puts=puts), args.json)


def _run(args: argparse.Namespace) -> int:
    from glue_workflow_provider.local.runner import LocalRunner

    _, _, outcomes, puts, conf = _run_inputs(args)
    report_out = _standard_output_for_the_report_only()
    with LocalRunner(running_seconds=args.running_seconds) as runner:
        report = runner.run(args.definition, outcomes, conf, puts=puts)
    return _print_report(report, args.json, report_out)


def _standard_output_for_the_report_only() -> TextIO:
    """Send everything else this process writes to standard output to standard error, from now on.

    Airflow, the tasks it runs and the loader log to standard output; ``run --json`` must print nothing there
    but its JSON, which scripts parse. The redirect is at the file-descriptor level, so loggers that already
    hold ``sys.stdout`` are covered too. Returns a stream on the original standard output.
    """
    sys.stdout.flush()
    report_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding=sys.stdout.encoding or "utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return report_out


def _schema(args: argparse.Namespace) -> int:
    from glue_workflow_provider.model.workflow import schema

    print(json.dumps(schema(), indent=2))
    return EXIT_OK


_COMMANDS = {
    "validate": _validate,
    "render": _render,
    "simulate": _simulate,
    "run": _run,
    "schema": _schema,
    **{command.NAME: command.run for command in _MIGRATION_COMMANDS},
}


if __name__ == "__main__":
    sys.exit(main())
