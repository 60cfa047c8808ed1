"""The five ``blueprint-*.cfg`` files of the public corpus (the AWS sample blueprints'
``blueprint.cfg``).

The corpus holds no layout modules, so each cfg is paired (in a temporary folder, never
in the project) with the ``echo`` test layout, placed where the cfg's
``layoutGenerator`` looks for it. Their parameterSpec must be valid, and their defaults
plus given required values must reach the layout as the declared types.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.migration.test_blueprint import FIXTURES, UNUSED_ENDPOINT, blueprint

NAMES = ("compaction", "conversion", "crawl_s3_locations", "jdbc_to_s3", "partitioning")
#: A valid value for a required parameter of each type (collections get two of them).
SAMPLE = {
    "String": "sample",
    "IAMRoleName": "GlueSampleRole",
    "S3Uri": "s3://sample-bucket/path/",
    "S3Bucket": "sample-bucket",
    "IAMRoleArn": "arn:aws:iam::123456789012:role/Sample",
    "Integer": "3",
    "Double": "1.5",
    "Boolean": "true",
}
PYTHON_TYPES = {
    "String": str,
    "IAMRoleName": str,
    "S3Uri": str,
    "S3Bucket": str,
    "IAMRoleArn": str,
    "Integer": int,
    "Double": float,
    "Boolean": bool,
}


def paired(corpus: Path, name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A blueprint folder: the corpus cfg, with the echo layout where its
    layoutGenerator points."""
    config = json.loads((corpus / f"blueprint-{name}.cfg").read_text())
    module, _, _ = config["layoutGenerator"].rpartition(".")
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(corpus / f"blueprint-{name}.cfg", folder / "blueprint.cfg")
    assert module == f"{name}.layout"
    shutil.copyfile(FIXTURES / "echo" / "layout.py", folder / "layout.py")
    spec: dict[str, Any] = config["parameterSpec"]
    return folder, spec


def required_params(spec: dict[str, Any]) -> list[str]:
    options = []
    for name, entry in spec.items():
        if "defaultValue" not in entry:
            value = SAMPLE[entry["type"]]
            options += [
                "--param",
                f"{name}={value},{value}"
                if entry.get("collection")
                else f"{name}={value}",
            ]
    return options


@pytest.mark.parametrize("name", NAMES)
def test_corpus_defaults_and_required_values_reach_the_layout(
    corpus: Path, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, spec = paired(corpus, name, tmp_path)
    code, output, written = blueprint(
        capsys,
        folder,
        tmp_path / "out",
        *required_params(spec),
        "--endpoint-url",
        UNUSED_ENDPOINT,
    )
    assert code == 0, output
    assert written is not None and written.name == "sample.yaml"
    received = yaml.safe_load(written.read_text())["Workflow"]["DefaultRunProperties"]
    for parameter, entry in spec.items():
        type_name, _, value_json = received[f"user.{parameter}"].partition(":")
        value = json.loads(value_json)
        if entry.get("collection"):
            assert type_name == "list"
            assert all(
                isinstance(item, PYTHON_TYPES[entry["type"]]) for item in value
            ), parameter
        else:
            assert type_name == PYTHON_TYPES[entry["type"]].__name__, parameter
        if "defaultValue" in entry:
            assert value == entry["defaultValue"], parameter
        else:
            sample = SAMPLE[entry["type"]]
            assert value == ([sample, sample] if entry.get("collection") else sample), (
                parameter
            )


@pytest.mark.parametrize("name", NAMES)
def test_corpus_required_parameters_are_each_reported(
    corpus: Path, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, spec = paired(corpus, name, tmp_path)
    code, output, written = blueprint(
        capsys, folder, tmp_path / "out", "--endpoint-url", UNUSED_ENDPOINT
    )
    assert code == 1 and written is None
    required = [
        parameter for parameter, entry in spec.items() if "defaultValue" not in entry
    ]
    assert "WorkflowName" in required
    reported = [
        line.split(": ")[1]
        for line in output.splitlines()
        if "required parameter not given" in line
    ]
    assert reported == [f"parameterSpec.{parameter}" for parameter in required]


def test_corpus_specs_use_every_documented_type(corpus: Path) -> None:
    types = set()
    for name in NAMES:
        for entry in json.loads((corpus / f"blueprint-{name}.cfg").read_text())[
            "parameterSpec"
        ].values():
            types.add(entry["type"])
    assert types == {"String", "IAMRoleName", "S3Uri", "Integer", "Double", "Boolean"}
