"""Blueprints packaged as people write them (issue 22): a hyphenated ``layoutGenerator``
module path, a layout opening its scripts relative to the blueprint folder, a layout
reading a parameter its spec does not define, and non-string run properties and job
arguments. Each one is a minimal source in the shape met in public blueprints, run
through the real CLI, as a folder and as a zip.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from tests.migration.test_blueprint import FIXTURES, UNUSED_ENDPOINT, blueprint, cli


def source(name: str, form: str, tmp_path: Path) -> Path:
    """The fixture folder, or a zip of it holding the folder (``zip X.zip X/*``)."""
    folder = FIXTURES / name
    if form == "folder":
        return folder
    archive = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(folder.rglob("*")):
            zf.write(file, f"{name}/{file.relative_to(folder)}")
    return archive


FORMS = pytest.mark.parametrize("form", ["folder", "zip"])


def run(
    name: str, form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, Path | None, str]:
    """Run the fixture blueprint ``name`` (no AWS call is made); also return the folder
    its messages name (inside the zip for a zip)."""
    shown = source(name, form, tmp_path)
    code, output, written = blueprint(
        capsys, shown, tmp_path / "out", "--endpoint-url", UNUSED_ENDPOINT
    )
    return code, output, written, f"{shown}/{name}" if form == "zip" else str(shown)


@FORMS
def test_a_hyphenated_module_path_loads_the_file_it_names_and_values_become_strings(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, written, _ = run("my-etl-blueprint", form, tmp_path, capsys)
    assert code == 0, output
    assert written is not None and cli(capsys, "validate", str(written))[0] == 0
    document = yaml.safe_load(written.read_text())
    assert document["Workflow"]["DefaultRunProperties"] == {
        "batch_size": "100",
        "label": "nightly",
    }
    assert document["Jobs"][0]["DefaultArguments"] == {
        "--workers": "5",
        "--size_mb": "128.0",
        "--enabled": "false",
        "--mode": "full",
    }
    assert (
        "layout.py: Jobs[hyphenated_job_].DefaultArguments.--workers: warning: the "
        "layout gave int 5; Glue keeps only strings, so it is written as '5'"
    ) in output
    assert (
        "layout.py: Workflow.DefaultRunProperties.batch_size: warning: the layout gave "
        "int 100; Glue keeps only strings, so it is written as '100'"
    ) in output


@FORMS
def test_a_script_opened_relative_to_the_blueprint_folder_is_found_and_warned(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, written, folder = run("relative_scripts", form, tmp_path, capsys)
    assert code == 0, output
    assert written is not None
    assert yaml.safe_load(written.read_text())["Jobs"][0]["Name"] == "etl_job_"
    assert (
        f"{folder}/layout.py: generate_layout(): warning: open('jobs/etl.py') found no "
        "file from the folder the layout runs in (the folder above blueprint.cfg, as in "
        f"Glue) and read {folder}/jobs/etl.py beside blueprint.cfg instead; the service "
        "may not find it: open 'relative_scripts/jobs/etl.py' or a path built from "
        "__file__"
    ) in output


@FORMS
def test_a_parameter_the_spec_does_not_define_is_named_with_its_near_miss(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, written, folder = run("undefined_parameter", form, tmp_path, capsys)
    assert code == 1 and written is None
    assert (
        f"{folder}/layout.py: line 8: the layout generator raised: UndefinedParameter: "
        "the layout reads user_params['InputLocation'], which parameterSpec in "
        "blueprint.cfg does not define (did you mean 'InputDataLocation'?); define it "
        "there or correct the name in the layout"
    ) in output
    assert "Traceback" not in output
