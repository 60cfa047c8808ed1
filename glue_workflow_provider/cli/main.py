"""``glue-airflow``: validate, render, simulate and run Glue workflow definitions; print the schema.

Exit codes: 0 clean, 1 the definition has errors (or, with --check, the run failed), 2 usage errors
(ARCHITECTURE.md, the command-line contract). Every sub-command's --help gives its exit codes and an example.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from glue_workflow_provider import __version__
from glue_workflow_provider.cli import (
    blueprint_command,
    convert_command,
    export_command,
    status_command,
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


def _epilog(codes: str, example: str) -> str:
    return f"Exit codes: {codes}\n\nExample:\n  {example}\n"


_RUN_CODES = "0 done (1 with --check when the run's state is failed); 1 the definition has errors; 2 usage errors."


def _command(commands: Any, name: str, help_text: str, description: str, codes: str, example: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help_text, description=description, epilog=_epilog(codes, example),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="glue-airflow", description="AWS Glue workflows as Airflow DAGs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = _command(
        commands, "validate", "check definition files; one line per problem",
        "Check Glue workflow definition files (JSON or YAML); print one line per problem: FILE: FIELD.PATH: message.",
        "0 every file is valid (warnings allowed); 1 some file has errors; 2 no definition files found.",
        "glue-airflow validate dags/workflows/",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="definition files or folders of them")

    render = _command(
        commands, "render", "the compiled DAG (static view)",
        "Print the DAG a definition compiles to: its tasks, trigger rules and edges (no Airflow run); "
        "--format python writes a standalone DAG file that needs no definition at parse time; "
        "--format mwaa-serverless writes an Amazon MWAA Serverless workflow (YAML), or names each construct "
        "MWAA Serverless cannot express.",
        "0 rendered; 1 the definition has errors (or MWAA Serverless cannot express it); 2 usage errors.",
        "glue-airflow render dags/workflows/data_vault_load.yaml --format python -o dags/data_vault_load.py",
    )
    render.add_argument("definition", metavar="DEFINITION", help="a definition file")
    render.add_argument(
        "--format", choices=("text", "mermaid", "dot", "json", "python", "mwaa-serverless"), default="text",
        help="output format",
    )
    render.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    simulate = _command(
        commands, "simulate", "what Glue would do (reference simulator, no Airflow)",
        "Print which jobs and crawlers Glue would run, in what order, and the run's state, given each node's end state.",
        _RUN_CODES, "glue-airflow simulate dags/workflows/data_vault_load.yaml --outcome extract-landing=TIMEOUT --json --check",
    )
    _add_run_options(simulate)

    run = _command(
        commands, "run", "a real local run: Airflow + the local Glue endpoint",
        "Compile the DAG and run it with Airflow's own scheduling logic against an embedded Glue endpoint on "
        "loopback; each job and crawler ends in the state given (default SUCCEEDED). Prints the dynamic view.",
        _RUN_CODES, "glue-airflow run dags/workflows/data_vault_load.yaml --outcome extract-landing=TIMEOUT --check",
    )
    _add_run_options(run)
    run.add_argument(
        "--running-seconds", type=float, default=1.0, help="how long each job run and crawl stays RUNNING (default 1)"
    )

    _command(
        commands, "schema", "the JSON Schema of a definition file",
        "Print the JSON Schema that definition files follow.", "0.", "glue-airflow schema > definition.schema.json",
    )
    status_command.add_parser(commands)
    for command in _MIGRATION_COMMANDS:
        command.add_parser(commands)
    return parser


def _add_run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("definition", metavar="DEFINITION", help="a definition file")
    command.add_argument(
        "--outcome", action="append", metavar="NAME=STATE", help="end state of a job or crawler (default SUCCEEDED)"
    )
    command.add_argument("--conf", action="append", metavar="KEY=VALUE", help="run property given when the run starts")
    command.add_argument(
        "--put", action="append", metavar="NODE:KEY=VALUE", help="a run property the job NODE puts while it runs"
    )
    command.add_argument("--json", action="store_true", help="print the run as JSON")
    command.add_argument("--check", action="store_true", help="exit 1 when the run's state is failed (for CI)")


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
    from glue_workflow_provider.sources.definition_file import load_definition

    result = load_definition(path)
    definition = result.require()
    planned = plan_workflow(definition, result.source)
    if planned.plan is None:
        raise DefinitionError(planned.diagnostics)
    return definition, planned.plan


def _render(args: argparse.Namespace) -> int:
    from glue_workflow_provider.compile.mwaa_serverless import FORMAT, render_mwaa_serverless
    from glue_workflow_provider.compile.render import render

    definition, plan = _plan(args.definition)
    if args.format == FORMAT:
        text = render_mwaa_serverless(definition, plan, source=args.definition)
    else:
        text = render(plan, args.format, source=args.definition)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text if text.endswith("\n") else text + "\n")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
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


def _print_report(report: RunReport, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the run; with --check, exit 1 when its state is failed."""
    out = out or sys.stdout
    print(json.dumps(report.to_json(), indent=2) if args.json else report.to_text(), file=out)
    out.flush()
    return EXIT_INVALID if args.check and report.state == "failed" else EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from glue_workflow_provider.semantics.simulator import simulate

    definition, plan, outcomes, puts, conf = _run_inputs(args)
    return _print_report(simulate(definition, outcomes, dag_id=plan.dag_id, conf=conf, puts=puts), args)


def _run(args: argparse.Namespace) -> int:
    from glue_workflow_provider.local.runner import LocalRunner

    _, _, outcomes, puts, conf = _run_inputs(args)
    report_out = _standard_output_for_the_report_only()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Airflow's and its dependencies', not the user's
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        warnings.filterwarnings("ignore", message=r".* is deprecated")  # e.g. Starlette's, a UserWarning
        with LocalRunner(running_seconds=args.running_seconds) as runner:
            report = runner.run(args.definition, outcomes, conf, puts=puts)
    return _print_report(report, args, report_out)


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
    status_command.NAME: status_command.run,
    **{command.NAME: command.run for command in _MIGRATION_COMMANDS},
}


if __name__ == "__main__":
    sys.exit(main())
