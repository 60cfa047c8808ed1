"""Every sub-command's --help gives its exit codes and an example; --check makes a failed run exit 1."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from glue_workflow_provider.cli.main import build_parser, main

REPO = Path(__file__).resolve().parents[3]
VAULT = str(REPO / "dags" / "workflows" / "data_vault_load.yaml")


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001 - argparse has no public list
    return sorted(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _subcommands())
def test_each_subcommand_help_has_exit_codes_and_an_example(command: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main([command, "--help"])
    text = out.getvalue()
    lowered = " ".join(text.lower().split())
    assert any(words in lowered for words in ("exit codes", "exit status", "exit 0")), command
    assert "example" in lowered, command
    assert f"glue-airflow {command}" in text, command


def test_status_is_a_subcommand_with_the_contracts_options() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["status", "--help"])
    for option in ("--run-id", "--api-url", "--username", "--password", "--json", "--check", "AIRFLOW_API_TOKEN"):
        assert option in out.getvalue()


def _simulate(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["simulate", VAULT, *argv])
    return code, out.getvalue()


def test_check_exits_1_only_when_the_run_failed() -> None:
    assert _simulate("--outcome", "extract-landing=TIMEOUT", "--check")[0] == 1  # nothing watches TIMEOUT there
    assert _simulate("--outcome", "extract-landing=TIMEOUT")[0] == 0  # without --check: unchanged
    assert _simulate("--outcome", "load-hubs=TIMEOUT", "--check")[0] == 0  # handled by hubs-failed


def test_the_text_report_ends_with_the_final_run_properties() -> None:
    _, text = _simulate("--conf", "load_date=2026-12-01")
    assert text.rstrip().endswith("Run properties:\n  load_date = 2026-12-01")
