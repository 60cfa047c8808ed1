"""``glue-airflow blueprint`` when things go wrong or must stay contained: layout errors
name the blueprint file and the exception; the layout runs isolated from the user's AWS
set-up and files; help and usage.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.cli.main import main
from tests.migration.test_blueprint import (
    FAN_IN_PARAMS,
    FIXTURES,
    NIGHTLY_PARAMS,
    UNUSED_ENDPOINT,
    blueprint,
    cli,
)


def _layout(tmp_path: Path, body: str, extra: dict[str, str] | None = None) -> Path:
    """A one-parameter blueprint folder whose layout module is ``body``."""
    folder = tmp_path / "bp"
    (folder / "pkg").mkdir(parents=True)
    (folder / "blueprint.cfg").write_text(
        json.dumps(
            {
                "layoutGenerator": "pkg.layout.generate_layout",
                "parameterSpec": {
                    "WorkflowName": {"type": "String", "defaultValue": "wf"}
                },
            }
        )
    )
    (folder / "pkg" / "layout.py").write_text(body)
    for name, text in (extra or {}).items():
        (folder / "pkg" / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "def generate_layout(user_params, system_params):\n"
            "    raise ValueError('no such table')\n",
            "pkg/layout.py: line 2: the layout generator raised: ValueError: no such "
            "table",
        ),
        (
            "import pkg.missing_helper\n",
            "pkg/layout.py: line 1: importing the layout module failed: "
            "ModuleNotFoundError: No module named 'pkg.missing_helper'",
        ),
        (
            "def generate_layout(user_params, system_params)\n    pass\n",
            "pkg/layout.py: line 1: importing the layout module failed: SyntaxError:",
        ),
        (
            "def generate_layout(user_params, system_params):\n    return {'Name': "
            "'wf'}\n",
            "pkg/layout.py: generate_layout(): the layout's Workflow could not be "
            "converted: TypeError: the layout "
            "generator returned dict, not an awsglue.blueprint Workflow",
        ),
        (
            "def generate_layout(user_params, system_params):\n    import sys\n    "
            "sys.exit(3)\n",
            "pkg/layout.py: line 3: the layout generator raised: SystemExit: 3",
        ),
        (
            "from awsglue.blueprint.workflow import *\n\ndef "
            "generate_layout(user_params, system_params):\n"
            "    return Workflow(Name='wf', Entities=Entities(Crawlers=[]))\n",
            "the layout's Workflow could not be converted: "
            "TypeError: 'NoneType' object is not iterable",
        ),
        (
            "generate_layout = 3\n",
            "pkg/layout.py: generate_layout(): importing the layout module failed: "
            "AttributeError: module 'pkg.layout' "
            "has no function 'generate_layout'",
        ),
    ],
    ids=[
        "raises",
        "import-error",
        "syntax-error",
        "not-a-workflow",
        "sys-exit",
        "entities-without-jobs",
        "no-function",
    ],
)
def test_layout_errors_name_the_file_and_the_exception(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, expected: str
) -> None:
    code, output, written = blueprint(
        capsys,
        _layout(tmp_path, body),
        tmp_path / "out",
        "--endpoint-url",
        UNUSED_ENDPOINT,
    )
    assert code == 1
    assert written is None
    assert expected in output, output


def test_a_failing_helper_module_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = (
        "from pkg.helper import make\n\n"
        "def generate_layout(user_params, system_params):\n"
        "    return make()\n"
    )
    helper = "def make():\n    return 1 / 0\n"
    folder = _layout(tmp_path, body, {"helper.py": helper})
    code, output, _ = blueprint(
        capsys, folder, tmp_path / "out", "--endpoint-url", UNUSED_ENDPOINT
    )
    assert code == 1
    assert (
        f"{folder}/pkg/helper.py: line 2: the layout generator raised: "
        "ZeroDivisionError: division by zero" in output
    )


@pytest.mark.endpoint
def test_the_sandbox_hides_the_users_aws_setup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSREALKEY")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://s3.example.invalid")
    body = (
        "import os, boto3\nfrom awsglue.blueprint.workflow import *\n\n"
        "def generate_layout(user_params, system_params):\n"
        "    key = boto3.Session().get_credentials().access_key\n"
        "    boto3.client('s3').list_buckets()\n"
        "    seen = {'key': key, 'profile': os.environ.get('AWS_PROFILE', ''), "
        "'region': system_params['region'],\n"
        "            'account': system_params['accountId'], 'params': "
        "','.join(sorted(system_params))}\n"
        "    job = Job(Name='j', Role='r', Command={'Name': 'glueetl', "
        "'ScriptLocation': 's3://b/k.py'})\n"
        "    return Workflow(Name=user_params['WorkflowName'], "
        "DefaultRunProperties=seen,\n"
        "                    Entities=Entities(Jobs=[job], Crawlers=[]))\n"
    )
    code, output, written = blueprint(
        capsys,
        _layout(tmp_path, body),
        tmp_path / "out",
        "--region",
        "eu-west-1",
        "--account-id",
        "111122223333",
    )
    assert code == 0, output
    assert written is not None
    seen = yaml.safe_load(written.read_text())["Workflow"]["DefaultRunProperties"]
    assert seen == {
        "key": "testing",
        "profile": "",
        "region": "eu-west-1",
        "account": "111122223333",
        "params": "accountId,region",
    }
    assert (
        "reads answered by the embedded sandbox, not AWS: s3:ListBuckets x1" in output
    )


def test_the_users_folder_is_not_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "fan_in"
    shutil.copytree(FIXTURES / "fan_in", source)
    before = sorted(p.relative_to(source) for p in source.rglob("*"))
    code, output, _ = blueprint(
        capsys,
        source,
        tmp_path / "out",
        *FAN_IN_PARAMS,
        "--endpoint-url",
        UNUSED_ENDPOINT,
    )
    assert code == 0, output
    assert sorted(p.relative_to(source) for p in source.rglob("*")) == before


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["blueprint", "--help"])
    text = capsys.readouterr().out
    assert (
        "example:" in text and "glue-airflow blueprint crawl_s3_locations.zip" in text
    )
    for option in (
        "--param",
        "--params",
        "--endpoint-url",
        "--region",
        "--account-id",
        "--name-suffix",
        "--format",
    ):
        assert option in text


def test_not_a_blueprint_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = cli(
        capsys, "blueprint", str(tmp_path / "missing"), "-o", str(tmp_path / "out")
    )
    assert code == 2
    assert "not a blueprint folder or .zip file" in err
    (tmp_path / "empty").mkdir()
    code, out, err = cli(
        capsys, "blueprint", str(tmp_path / "empty"), "-o", str(tmp_path / "out")
    )
    assert code == 1
    assert (
        f"{tmp_path / 'empty'}: blueprint.cfg: no blueprint.cfg at the top of the "
        "blueprint" in out
    )


@pytest.mark.endpoint
def test_endpoint_url_receives_the_layouts_calls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glue_workflow_provider.local.endpoint import (
        LOCAL_CREDENTIALS,
        LocalGlueEndpoint,
    )

    for key, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    with LocalGlueEndpoint() as endpoint:
        endpoint.client("s3").create_bucket(Bucket="etl-scripts")
        code, output, written = blueprint(
            capsys,
            FIXTURES / "scheduled_etl",
            tmp_path,
            *NIGHTLY_PARAMS,
            "--endpoint-url",
            endpoint.url,
        )
        script = (
            endpoint.client("s3")
            .get_object(Bucket="etl-scripts", Key="scripts/nightly_etl.py")["Body"]
            .read()
        )
        database = endpoint.client().get_database(Name="sales")["Database"]["Name"]
    assert code == 0, output
    assert written is not None
    assert (
        script == (FIXTURES / "scheduled_etl" / "scheduled_etl" / "etl.py").read_bytes()
    )
    assert database == "sales"
    assert (
        f"the layout's AWS calls went to {endpoint.url}, not to AWS: "
        "glue:CreateDatabase x1, s3:PutObject x2" in output
    )
    assert "side effects NOT made in AWS" not in output


def test_duplicate_names_of_the_documentation_sample_are_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The Developer Guide's sample names every crawler of its loop alike (docs/semantics.md#how-dependson-becomes-triggers): the
    definition is written, and validating it reports the duplicates (exit 1)."""
    body = (
        "from awsglue.blueprint.workflow import *\n\n"
        "def generate_layout(user_params, system_params):\n"
        "    wf, crawlers = user_params['WorkflowName'], []\n"
        "    for path in ['s3://a-bucket/x/', 's3://a-bucket/y/']:\n"
        "        crawlers.append(Crawler(Name=wf + '_crawler', Role='r',\n"
        "                                Targets={'S3Targets': [{'Path': path}]}))\n"
        "    return Workflow(Name=wf, Entities=Entities(Jobs=[], Crawlers=crawlers))\n"
    )
    code, output, written = blueprint(
        capsys,
        _layout(tmp_path, body),
        tmp_path / "out",
        "--endpoint-url",
        UNUSED_ENDPOINT,
    )
    assert code == 1
    assert written is not None
    duplicate = "Crawlers[1].Name: 'wf_crawler_' is listed more than once in Crawlers"
    assert duplicate in output
