"""What ``uv build`` makes is what users install: the sdist and the wheel pass ``twine check --strict`` (the
metadata PyPI renders), and the wheel holds every file of the package, above all those the code opens as
files rather than imports (a data file left out fails only at run time, on the user's Airflow)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import glue_workflow_provider
from glue_workflow_provider import jobside, loader_file
from glue_workflow_provider.runtime import hooks
from glue_workflow_provider.sources.blueprint import execution
from tests.conftest import REPO
from tests.packaging.conftest import Artefacts

PACKAGE = Path(glue_workflow_provider.__file__).resolve().parent

#: Files the code reads by path or runs in a child interpreter, each with who reads it. The paths come from
#: the constants the code uses, so a file renamed there is looked for under its new name here.
RUNTIME_READS: dict[Path, str] = {
    hooks.WAITERS_PATH: "the Glue workflow waiters (hooks.WAITERS_PATH)",
    PACKAGE / "runtime" / "workflow_view" / "workflow_view.css": "the workflow view's style (importlib.resources)",
    jobside.MODULE_PATH: "the job-side module shipped to Glue jobs (jobside.MODULE_PATH)",
    Path(loader_file.__file__): "the loader file's template (loader_file.LOADER_FILE_SOURCE)",
    PACKAGE / "get_provider_info.py": "the apache_airflow_provider entry point",
    PACKAGE / (execution.RUNNER.split(".", 1)[1].replace(".", "/") + ".py"): "the blueprint runner (python -m)",
    PACKAGE / "local" / "glue_server.py": "the local Glue endpoint (python -m)",
}


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _in_wheel(path: Path) -> str:
    return path.resolve().relative_to(PACKAGE.parent).as_posix()


def _package_files() -> list[str]:
    """The package's files in the source tree (what git tracks, so nothing generated counts)."""
    listed = subprocess.run(["git", "ls-files", "glue_workflow_provider"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    return sorted(listed)


def test_the_sdist_and_the_wheel_pass_twine_check(artefacts: Artefacts) -> None:
    twine = shutil.which("twine", path=str(Path(sys.executable).parent))
    assert twine, "twine is missing from the environment: run ./scripts/install"
    completed = subprocess.run([twine, "check", "--strict", str(artefacts.sdist), str(artefacts.wheel)],
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count("PASSED") == 2, completed.stdout


def test_the_wheel_holds_every_file_the_code_reads_by_path(artefacts: Artefacts) -> None:
    names = _wheel_names(artefacts.wheel)
    missing = {_in_wheel(path): why for path, why in RUNTIME_READS.items() if _in_wheel(path) not in names}
    assert not missing, f"missing from {artefacts.wheel.name}: {missing}"
    assert all(path.is_file() for path in RUNTIME_READS), [str(path) for path in RUNTIME_READS if not path.is_file()]


def test_the_wheel_holds_every_file_of_the_package_and_nothing_else(artefacts: Artefacts) -> None:
    names = _wheel_names(artefacts.wheel)
    packaged = {name for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    expected = set(_package_files())
    assert expected - packaged == set(), "missing from the wheel"
    assert packaged - expected == set(), "in the wheel but not tracked in the package"


def test_the_wheel_declares_the_entry_points_of_pyproject(artefacts: Artefacts) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {"console_scripts": project["scripts"], **project["entry-points"]}
    with zipfile.ZipFile(artefacts.wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt"))
        parser = configparser.ConfigParser(delimiters=("=",))
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(archive.read(info).decode())
    found = {section: dict(parser[section]) for section in parser.sections()}
    assert found == declared
    names = _wheel_names(artefacts.wheel)
    for group in declared.values():
        for target in group.values():
            module = target.split(":")[0].replace(".", "/")
            assert f"{module}.py" in names or f"{module}/__init__.py" in names, target


def test_the_sdist_builds_the_package_and_ships_its_sources(artefacts: Artefacts) -> None:
    with tarfile.open(artefacts.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "PKG-INFO"} <= names
    assert set(_package_files()) <= names
