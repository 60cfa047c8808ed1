"""Pyflakes' checks (ruff's F rules) on the package, tests and benchmarks: an undefined name or a lost import
fails here, at once, rather than in a running DAG (one did: a reformatted import block dropped ``retire``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def test_no_undefined_names_unused_imports_or_redefinitions() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is missing from the environment: run ./scripts/install")
    completed = subprocess.run(
        [ruff, "check", "--no-cache", "--select", "F", "glue_workflow_provider", "tests", "benchmarks"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
