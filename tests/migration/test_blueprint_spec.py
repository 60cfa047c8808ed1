"""Blueprint folders whose ``blueprint.cfg`` is wrong, and usage errors of the parameter
options: each problem is reported with the file and the place, and the layout never
runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.migration.test_blueprint import UNUSED_ENDPOINT, blueprint
from tests.migration.test_blueprint_parameters import ECHO


def _spec_blueprint(tmp_path: Path, spec: dict[str, Any]) -> Path:
    folder = tmp_path / "bp"
    folder.mkdir()
    (folder / "blueprint.cfg").write_text(
        json.dumps({"layoutGenerator": "layout.generate_layout", "parameterSpec": spec})
    )
    (folder / "layout.py").write_text((ECHO / "layout.py").read_text())
    return folder


def test_a_bad_parameter_spec_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _spec_blueprint(
        tmp_path,
        {
            "A": {"type": "Array"},
            "B": {"type": "String", "collection": "yes"},
            "C": "String",
            "D": {"type": "Integer", "defaultValue": "five"},
            "E": {"type": "String", "allowedValues": "x"},
            "F": {"type": "String", "defaultValue": "z", "allowedValues": ["x", "y"]},
        },
    )
    code, output, written = blueprint(
        capsys, folder, tmp_path / "out", "--endpoint-url", UNUSED_ENDPOINT
    )
    assert code == 1 and written is None
    config = f"{folder}/blueprint.cfg"
    lines = [line for line in output.splitlines() if line.startswith(config)]
    assert lines == [
        f"{config}: parameterSpec.A: type 'Array' is not one of String, S3Uri, "
        "S3Bucket, IAMRoleArn, IAMRoleName, "
        "Integer, Double, Boolean",
        f"{config}: parameterSpec.B: collection must be true or false",
        f"{config}: parameterSpec.C: must be a JSON object with at least 'type'",
        f"{config}: parameterSpec.D: defaultValue: 'five' is not an Integer (a whole "
        "number such as 5)",
        f"{config}: parameterSpec.E: allowedValues must be a JSON list",
        f"{config}: parameterSpec.F: defaultValue: 'z' is not allowed; allowedValues: "
        "'x', 'y'",
    ]


def test_bad_blueprint_cfg_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "bp"
    folder.mkdir()
    (folder / "blueprint.cfg").write_text("{not json")
    code, output, _ = blueprint(capsys, folder, tmp_path / "out")
    assert code == 1 and f"{folder}/blueprint.cfg: (file): not readable JSON" in output
    (folder / "blueprint.cfg").write_text(
        json.dumps({"layoutGenerator": "generate_layout", "parameterSpec": {}})
    )
    code, output, _ = blueprint(capsys, folder, tmp_path / "out")
    assert (
        code == 1
        and f"{folder}/blueprint.cfg: layoutGenerator: must be 'module.function'"
        in output
    )
    (folder / "blueprint.cfg").write_text(
        json.dumps({"layoutGenerator": "pkg.layout.generate_layout"})
    )
    code, output, _ = blueprint(capsys, folder, tmp_path / "out")
    assert (
        code == 1
        and f"{folder}/blueprint.cfg: layoutGenerator: no module 'pkg.layout' in the "
        "blueprint"
        in output
    )


def test_a_param_without_equals_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        blueprint(capsys, ECHO, tmp_path / "out", "--param", "WorkflowName")
    assert exit_info.value.code == 2
    assert "--param 'WorkflowName': expected KEY=VALUE" in capsys.readouterr().err


def test_a_params_file_that_is_not_an_object_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    params = tmp_path / "params.json"
    params.write_text("[1, 2]")
    code, output, _ = blueprint(capsys, ECHO, tmp_path / "out", "--params", str(params))
    assert code == 2
    assert (
        f"--params {params}: must hold a JSON object of parameter name -> value"
        in output
    )
