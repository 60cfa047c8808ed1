"""The built artefacts, once per session: ``uv build`` makes the sdist and, from it, the wheel (as a user's
installer and PyPI see them), so every packaging test reads the same files.

These tests build and resolve: they need ``uv`` (``./scripts/install`` puts it beside ``python3``) and, for
resolution, the package index (marked ``network``; ``-m "not network"`` leaves them out).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "network: reaches the package index (PyPI) to resolve dependencies")


def uv_command() -> list[str]:
    """How to call uv: on PATH, or as the module ``./scripts/install`` installs into ``python3``."""
    found = shutil.which("uv")
    if found:
        return [found]
    for python in (shutil.which("python3"), sys.executable):
        if python and subprocess.run([python, "-m", "uv", "--version"], capture_output=True, check=False).returncode == 0:
            return [python, "-m", "uv"]
    pytest.fail("uv is not installed: run ./scripts/install")


@dataclass(frozen=True)
class Artefacts:
    """The files ``uv build`` wrote."""

    wheel: Path
    sdist: Path


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Artefacts:
    """The sdist and the wheel built from it, in a fresh folder (the repository's dist/ is left alone)."""
    out = tmp_path_factory.mktemp("dist")
    completed = subprocess.run(
        [*uv_command(), "build", "--quiet", "--out-dir", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(path.name for path in out.iterdir())
    return Artefacts(wheel=wheels[0], sdist=sdists[0])
