"""Lint and types as tests, so ``./scripts/test`` (and CI) fails on them: ruff with the project's rules on the
package, tests and benchmarks (an undefined name or a lost import fails here rather than in a running DAG, as
one did), and ``mypy --strict`` on the package (pyproject.toml holds both configurations)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is missing from the environment: run ./scripts/install")
    return found


def test_ruff_is_clean() -> None:
    completed = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "glue_workflow_provider", "tests", "benchmarks"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_strict_is_clean_on_the_package() -> None:
    completed = subprocess.run(
        [_tool("mypy"), "--no-incremental"], cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
