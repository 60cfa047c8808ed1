"""What ``convert``, ``export`` and ``blueprint`` share: write the found workflows, report, pick the exit code.

Exit 0 when every workflow converted and validates; 1 when any could not be converted or is invalid (the
good ones are still written); usage errors (2) are raised before this point.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glue_workflow_provider.model.diagnostics import Diagnostic
from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.definition_file import LoadResult
from glue_workflow_provider.sources.writer import FORMATS, write_definitions

EXIT_OK, EXIT_INVALID = 0, 1


def add_output_options(command: argparse.ArgumentParser) -> None:
    """``-o DIR`` and ``--format`` (the same for every migration command)."""
    command.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write definitions into")
    command.add_argument("--format", choices=FORMATS, default="yaml", help="file format (default yaml)")


def _checked(result: LoadResult) -> tuple[Diagnostic, ...]:
    """Everything ``glue-airflow validate`` would say about the document (validation and the planner)."""
    from glue_workflow_provider.compile.checking import entry_of

    diagnostics = entry_of(result).diagnostics
    return tuple(d.in_file(result.path) for d in diagnostics)


def finish(conversion: Conversion, args: argparse.Namespace, event_queue_url: str | None = None) -> int:
    """Write every found workflow, print each notice and diagnostic, and return the exit code."""
    written = write_definitions(conversion.workflows, Path(args.output), args.format, event_queue_url, _checked)
    for notice in conversion.notices:
        print(notice)
    for item in written:
        for diagnostic in item.diagnostics:
            print(diagnostic)
        print(f"wrote {item.path}", file=sys.stderr)
    invalid = sum(not item.ok for item in written)
    print(
        f"{len(written)} workflow(s) written to {args.output}: {invalid} invalid, "
        f"{sum(not n.is_error for n in conversion.notices)} warning(s)",
        file=sys.stderr,
    )
    if not written and not conversion.failed:
        print("glue-airflow: no Glue workflow found", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_INVALID if conversion.failed or invalid else EXIT_OK
