"""Blueprint parameters through the real CLI: every type, collections, allowedValues,
defaults, precedence, and one clear message per problem (the layout is then not run).

The ``echo`` blueprint's layout records the Python type and value of each parameter it
receives as run properties ``user.NAME = "type:json"``, so the tests see exactly what a
layout gets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.migration.test_blueprint import FIXTURES, UNUSED_ENDPOINT, blueprint

ECHO = FIXTURES / "echo"
CONFIG = f"{ECHO}/blueprint.cfg"


def received(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    *options: str,
    source: Path = ECHO,
) -> dict[str, str]:
    """The run properties the echo layout recorded (asserting the command succeeded)."""
    code, output, written = blueprint(
        capsys, source, tmp_path / "out", *options, "--endpoint-url", UNUSED_ENDPOINT
    )
    assert code == 0, output
    assert written is not None
    properties: dict[str, str] = yaml.safe_load(written.read_text())["Workflow"][
        "DefaultRunProperties"
    ]
    return properties


def problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *options: str
) -> list[str]:
    """The problem lines of a run that must fail before the layout runs."""
    out = tmp_path / "out"
    code, output, written = blueprint(
        capsys, ECHO, out, *options, "--endpoint-url", UNUSED_ENDPOINT
    )
    assert code == 1, output
    assert written is None and not out.exists()  # nothing written: the layout never ran
    assert "the layout was not run" in output
    return [line for line in output.splitlines() if line.startswith(CONFIG)]


def test_defaults_reach_the_layout_as_their_declared_types(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert received(capsys, tmp_path, "--param", "WorkflowName=echo") == {
        "user.WorkflowName": 'str:"echo"',
        "user.Count": "int:5",
        "user.Ratio": "float:128.0",
        "user.Enabled": "bool:false",
        "user.Location": 'str:""',
        "user.Bucket": 'str:"echo-bucket"',
        "user.RoleArn": 'str:"arn:aws:iam::123456789012:role/Echo"',
        "user.IAMRole": 'str:"EchoRole"',
        "user.Paths": 'list:[""]',
        "user.Sizes": "list:[1, 2]",
        "user.Format": 'str:"csv"',
        "user.Modes": 'list:["a"]',
        "system.region": 'str:"us-east-1"',
        "system.accountId": 'str:"123456789012"',
    }


def test_every_type_from_param_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    values = received(
        capsys,
        tmp_path,
        "--param",
        "WorkflowName=typed",
        "--param",
        "Count=-3",
        "--param",
        "Ratio=0.25",
        "--param",
        "Enabled=TRUE",
        "--param",
        "Location=s3://data-bucket/in/",
        "--param",
        "Bucket=my.bucket-1",
        "--param",
        "RoleArn=arn:aws-cn:iam::210987654321:role/path/Etl",
        "--param",
        "IAMRole=Etl+Role@x",
        "--param",
        "Paths=s3://a-bucket/x/, s3://b-bucket/y/",
        "--param",
        "Sizes=[3, 4]",
        "--param",
        "Format=parquet",
        "--param",
        "Modes=b,c",
    )
    assert {key: value for key, value in values.items() if key.startswith("user.")} == {
        "user.WorkflowName": 'str:"typed"',
        "user.Count": "int:-3",
        "user.Ratio": "float:0.25",
        "user.Enabled": "bool:true",
        "user.Location": 'str:"s3://data-bucket/in/"',
        "user.Bucket": 'str:"my.bucket-1"',
        "user.RoleArn": 'str:"arn:aws-cn:iam::210987654321:role/path/Etl"',
        "user.IAMRole": 'str:"Etl+Role@x"',
        "user.Paths": 'list:["s3://a-bucket/x/", "s3://b-bucket/y/"]',
        "user.Sizes": "list:[3, 4]",
        "user.Format": 'str:"parquet"',
        "user.Modes": 'list:["b", "c"]',
    }


def test_precedence_param_over_params_file_over_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    params = tmp_path / "params.json"
    params.write_text(
        json.dumps(
            {
                "WorkflowName": "from-file",
                "Count": 7,
                "Ratio": 2,
                "Enabled": True,
                "Paths": ["s3://file-bucket/a/"],
                "Sizes": "8,9",
            }
        )
    )
    values = received(
        capsys, tmp_path, "--params", str(params), "--param", "WorkflowName=from-param"
    )
    assert values["user.WorkflowName"] == 'str:"from-param"'
    assert values["user.Count"] == "int:7"
    assert values["user.Ratio"] == "float:2.0"
    assert values["user.Enabled"] == "bool:true"
    assert values["user.Paths"] == 'list:["s3://file-bucket/a/"]'
    assert values["user.Sizes"] == "list:[8, 9]"
    assert values["user.Format"] == 'str:"csv"'  # the default


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "Count=5.5",
            "parameterSpec.Count: --param Count: '5.5' is not an Integer (a whole "
            "number such as 5)",
        ),
        (
            "Ratio=many",
            "parameterSpec.Ratio: --param Ratio: 'many' is not a Double (a number such "
            "as 128 or 0.5)",
        ),
        ("Ratio=nan", "parameterSpec.Ratio: --param Ratio: 'nan' is not a Double"),
        (
            "Enabled=yes",
            "parameterSpec.Enabled: --param Enabled: 'yes' is not a Boolean (true or "
            "false)",
        ),
        (
            "Location=https://x/y",
            "parameterSpec.Location: --param Location: 'https://x/y' is not a valid "
            "S3Uri: expected s3://BUCKET/PATH",
        ),
        (
            "Bucket=Upper_Case",
            "parameterSpec.Bucket: --param Bucket: 'Upper_Case' is not a valid "
            "S3Bucket: expected a bucket name",
        ),
        (
            "RoleArn=Etl",
            "parameterSpec.RoleArn: --param RoleArn: 'Etl' is not a valid IAMRoleArn: "
            "expected arn:aws:iam::ACCOUNT:role/NAME",
        ),
        (
            "IAMRole=role/with/slash",
            "parameterSpec.IAMRole: --param IAMRole: 'role/with/slash' is not a valid "
            "IAMRoleName",
        ),
        (
            "Paths=s3://ok-bucket/a/,ftp://x",
            "parameterSpec.Paths: --param Paths[1]: 'ftp://x' is not a valid S3Uri",
        ),
        (
            'Sizes=[1, "two"]',
            "parameterSpec.Sizes: --param Sizes[1]: 'two' is not an Integer",
        ),
        ("Sizes=[1,", "parameterSpec.Sizes: --param Sizes: '[1,' is not a JSON list"),
        (
            "Format=xml",
            "parameterSpec.Format: --param Format: 'xml' is not allowed; "
            "allowedValues: 'csv', 'json', 'parquet'",
        ),
        (
            "Modes=a,z",
            "parameterSpec.Modes: --param Modes[1]: 'z' is not allowed; allowedValues: "
            "'a', 'b', 'c'",
        ),
        (
            "Colour=red",
            "parameterSpec.Colour: unknown parameter; this blueprint's parameters are: "
            "WorkflowName, Count,",
        ),
    ],
)
def test_each_bad_value_has_one_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, message: str
) -> None:
    found = problems(capsys, tmp_path, "--param", "WorkflowName=w", "--param", option)
    assert len(found) == 1, found
    assert found[0].startswith(f"{CONFIG}: {message}"), found


def test_params_file_values_are_type_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    params = tmp_path / "params.json"
    params.write_text(
        json.dumps({"WorkflowName": 3, "Count": True, "Paths": {"a": 1}, "Extra": 1})
    )
    assert problems(capsys, tmp_path, "--params", str(params)) == [
        f"{CONFIG}: parameterSpec.Extra: unknown parameter; "
        "this blueprint's parameters are: WorkflowName, Count, Ratio, Enabled, "
        "Location, Bucket, RoleArn, IAMRole, Paths, Sizes, Format, Modes",
        f"{CONFIG}: parameterSpec.WorkflowName: --params WorkflowName: "
        "3 is not text (a JSON string)",
        f"{CONFIG}: parameterSpec.Count: --params Count: True is not an Integer (a "
        "whole number such as 5)",
        f"{CONFIG}: parameterSpec.Paths: --params Paths: {{'a': 1}} is not a list; a "
        "list of S3Uri takes a JSON "
        "list or comma-separated values",
    ]


def test_a_missing_required_parameter_says_how_to_give_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert problems(capsys, tmp_path) == [
        f"{CONFIG}: parameterSpec.WorkflowName: required parameter not given (String, "
        "no defaultValue): give it "
        "with --param WorkflowName=VALUE or in --params FILE.json"
    ]
