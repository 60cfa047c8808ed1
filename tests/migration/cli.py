"""The glue-airflow command line as the migration tests drive it: convert, then validate, render and simulate.

Equivalence is judged through the stable CLI contract only: ``render --format json`` (the compiled graph)
and ``simulate --json`` over outcome combinations, never through compile/ or semantics/ internals.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_workflow_provider.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures"
CFN = FIXTURES / "cloudformation"
GET_WORKFLOW = FIXTURES / "get_workflow"


@dataclass(frozen=True)
class Result:
    """What one command printed, and its exit code."""

    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """Standard output, one line each."""
        return self.stdout.splitlines()


def glue_airflow(*args: str | Path) -> Result:
    """Run ``glue-airflow ARGS`` in this process (usage errors exit through argparse: code 2)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def convert(out: Path, *args: str | Path) -> tuple[Result, dict[str, Path]]:
    """``glue-airflow convert ARGS -o OUT``, and the files it wrote, by name."""
    result = glue_airflow("convert", *args, "-o", out)
    written = {path.name: path for path in sorted(out.iterdir())} if out.is_dir() else {}
    return result, written


def validates(path: Path) -> bool:
    """Whether ``glue-airflow validate PATH`` exits 0."""
    return glue_airflow("validate", path).code == 0


def graph(path: Path) -> dict[str, Any]:
    """The compiled graph of a definition (``render --format json``), without the clock-dependent next runs."""
    result = glue_airflow("render", path, "--format", "json")
    assert result.code == 0, result.stdout + result.stderr
    view: dict[str, Any] = json.loads(result.stdout)
    view.pop("next_runs", None)
    return view


def simulated(path: Path, outcomes: Mapping[str, str]) -> dict[str, Any]:
    """What Glue would do (``simulate --json``) when each named node ends in the given state."""
    options = [arg for name, state in outcomes.items() for arg in ("--outcome", f"{name}={state}")]
    result = glue_airflow("simulate", path, *options, "--json")
    assert result.code == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def assert_equivalent(written: Path, expected: Path, outcome_sets: Iterable[Mapping[str, str]]) -> None:
    """The written definition validates and behaves as the hand-written one: same graph, same simulations."""
    assert validates(written), glue_airflow("validate", written).stdout
    assert graph(written) == graph(expected)
    for outcomes in outcome_sets:
        assert simulated(written, outcomes) == simulated(expected, outcomes), outcomes


def ran(report: Mapping[str, Any]) -> dict[str, str]:
    """The nodes a simulated run started, with their Glue end state."""
    return {name: node["glue_state"] for name, node in report["nodes"].items() if node["order"] is not None}
