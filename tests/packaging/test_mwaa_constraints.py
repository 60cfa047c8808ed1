"""The built wheel installs on every Amazon MWAA Airflow 3 image: resolved (``uv pip compile``) under that
image's constraints together with its essential constraints, as MWAA applies both to a ``requirements.txt``,
for Python 3.11 and 3.12 (MWAA runs 3.12), with each extra. The Airflow and amazon provider it resolves to are
the image's own (a requirement that moved them could not be installed there).

The constraints are read from ``../shared/mwaa`` (copied from AWS's MWAA image repository); the tests skip
when it is absent. Resolution reaches the package index (uv's cache makes a second run quick).
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import Artefacts, uv_command

MWAA = REPO.parent / "shared" / "mwaa"
#: The images whose constraints are in the folder (``airflow-<v>-essential-constraints.txt``).
IMAGES = sorted(path.name.split("-")[1] for path in MWAA.glob("airflow-*-essential-constraints.txt")) or ["absent"]
PYTHONS = ("3.11", "3.12")
#: "" is the package alone. Every extra resolves on every image (the git extra's floor is providers-git
#: 0.0.6, MWAA 3.0.6's pin; tests/packaging/test_git_bundle_floor.py shows that version serves our bundles).
EXTRAS = ("", "local", "celery", "git")
PINNED = ("apache-airflow", "apache-airflow-providers-amazon")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)", re.M)


def _pins(text: str) -> dict[str, str]:
    return {match["name"].lower().replace("_", "-"): match["version"] for match in PIN.finditer(text)}


def _constraints(image: str) -> list[Path]:
    return [MWAA / f"airflow-{image}-constraints.txt", MWAA / f"airflow-{image}-essential-constraints.txt"]


def resolve(wheel: Path, extra: str, constraints: list[Path], python: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``uv pip compile`` of the wheel (with ``extra``) under ``constraints`` for ``python``; the pins in stdout."""
    requirement = f"airflow-provider-glue-workflow{f'[{extra}]' if extra else ''} @ {wheel.resolve().as_uri()}"
    (folder / "requirements.in").write_text(requirement + "\n", encoding="utf-8")
    command = [*uv_command(), "pip", "compile", "--quiet", "--no-header", "--python-version", python,
               *(f"--constraint={path}" for path in constraints), "requirements.in"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="session")
def resolutions(
    artefacts: Artefacts, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str, str], subprocess.CompletedProcess[str]]:
    """Every (image, python, extra) resolved at once, a few at a time: each waits mostly on the index."""
    if not MWAA.is_dir():
        pytest.skip("../shared/mwaa is not present")
    cases = [(image, python, extra) for image in IMAGES for python in PYTHONS for extra in EXTRAS]
    folders = [tmp_path_factory.mktemp("resolve") for _ in cases]
    with ThreadPoolExecutor(max_workers=6) as pool:
        done = pool.map(lambda case, folder: resolve(artefacts.wheel, case[2], _constraints(case[0]), case[1], folder),
                        cases, folders)
        return dict(zip(cases, done, strict=True))


@pytest.mark.network
@pytest.mark.parametrize("extra", EXTRAS, ids=lambda extra: extra or "package")
@pytest.mark.parametrize("python", PYTHONS, ids=lambda python: f"py{python}")
@pytest.mark.parametrize("image", IMAGES)
def test_the_wheel_resolves_under_the_mwaa_image_constraints(
    resolutions: dict[tuple[str, str, str], subprocess.CompletedProcess[str]], image: str, python: str, extra: str
) -> None:
    constraints = _constraints(image)
    completed = resolutions[image, python, extra]
    assert completed.returncode == 0, f"MWAA {image}, Python {python}, extra {extra or '-'}:\n{completed.stderr}"
    resolved = _pins(completed.stdout)
    required = {**_pins(constraints[0].read_text(encoding="utf-8")), **_pins(constraints[1].read_text(encoding="utf-8"))}
    assert {name: resolved.get(name) for name in PINNED} == {name: required[name] for name in PINNED}
    assert "airflow-provider-glue-workflow" in completed.stdout
