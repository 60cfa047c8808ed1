"""The built wheel installs on every Amazon MWAA Airflow 3 image: resolved (``uv pip compile``) under that
image's constraints together with its essential constraints, as MWAA applies both to a ``requirements.txt``,
for Python 3.11 and 3.12 (MWAA runs 3.12), with every extra at once (what resolves with all of them resolves
with any of them; on a failure each is resolved alone to name the one that does not). The Airflow and amazon
provider it resolves to are the image's own (a requirement that moved them could not be installed there).

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
#: Every extra resolves on every image (the git extra's floor is providers-git
#: 0.0.6, MWAA 3.0.6's pin; tests/packaging/test_git_bundle_floor.py shows that version serves our bundles).
EXTRAS = ("local", "celery", "git")
PINNED = ("apache-airflow", "apache-airflow-providers-amazon")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)", re.M)


def _pins(text: str) -> dict[str, str]:
    return {match["name"].lower().replace("_", "-"): match["version"] for match in PIN.finditer(text)}


def _constraints(image: str) -> list[Path]:
    return [MWAA / f"airflow-{image}-constraints.txt", MWAA / f"airflow-{image}-essential-constraints.txt"]


def resolve(wheel: Path, extras: str, constraints: list[Path], python: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``uv pip compile`` of the wheel with ``extras`` under ``constraints`` for ``python``; the pins in stdout."""
    requirement = f"airflow-provider-glue-workflow[{extras}] @ {wheel.resolve().as_uri()}"
    (folder / "requirements.in").write_text(requirement + "\n", encoding="utf-8")
    command = [*uv_command(), "pip", "compile", "--quiet", "--no-header", "--python-version", python,
               *(f"--constraint={path}" for path in constraints), "requirements.in"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="session")
def resolutions(
    artefacts: Artefacts, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], subprocess.CompletedProcess[str]]:
    """Every (image, python) resolved with all the extras, side by side: each waits mostly on the index."""
    if not MWAA.is_dir():
        pytest.skip("../shared/mwaa is not present")
    cases = [(image, python) for image in IMAGES for python in PYTHONS]
    folders = [tmp_path_factory.mktemp("resolve") for _ in cases]
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        done = pool.map(
            lambda case, folder: resolve(artefacts.wheel, ",".join(EXTRAS), _constraints(case[0]), case[1], folder),
            cases, folders,
        )
        return dict(zip(cases, done, strict=True))


def _failing_extras(wheel: Path, constraints: list[Path], python: str, folder: Path) -> list[str]:
    return [extra for extra in EXTRAS if resolve(wheel, extra, constraints, python, folder).returncode != 0]


@pytest.mark.network
@pytest.mark.parametrize("python", PYTHONS, ids=lambda python: f"py{python}")
@pytest.mark.parametrize("image", IMAGES)
def test_the_wheel_resolves_with_every_extra_under_the_mwaa_image_constraints(
    resolutions: dict[tuple[str, str], subprocess.CompletedProcess[str]], artefacts: Artefacts, image: str,
    python: str, tmp_path: Path,
) -> None:
    constraints = _constraints(image)
    completed = resolutions[image, python]
    if completed.returncode != 0:
        failing = _failing_extras(artefacts.wheel, constraints, python, tmp_path)
        pytest.fail(f"MWAA {image}, Python {python}: the extras {failing or 'together'} do not resolve\n{completed.stderr}")
    resolved = _pins(completed.stdout)
    required = {**_pins(constraints[0].read_text(encoding="utf-8")), **_pins(constraints[1].read_text(encoding="utf-8"))}
    assert {name: resolved.get(name) for name in PINNED} == {name: required[name] for name in PINNED}
    assert "airflow-provider-glue-workflow" in completed.stdout
