"""``glue-airflow convert`` as scripts call it: usage errors, unreadable sources, several sources, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.sources.detect import SourceKind, detect
from tests.migration.cli import CFN, GET_WORKFLOW, convert, glue_airflow, validates

SALES = CFN / "sales_nightly.yaml"
TWO = CFN / "two_workflows.json"
CDK = CFN / "cdk_clickstream.template.json"
DAILY = GET_WORKFLOW / "daily_orders.json"
QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/inventory-events"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([str(SALES)], id="missing -o"),
        pytest.param(["-o", "out"], id="no SOURCE"),
        pytest.param([str(SALES), "-o", "out", "--param", "Env"], id="--param without ="),
        pytest.param([str(SALES), "-o", "out", "--param", "=prod"], id="--param without a key"),
        pytest.param([str(SALES), "-o", "out", "--var", "region"], id="--var without ="),
        pytest.param([str(SALES), "-o", "out", "--var-file", "nowhere.tfvars"], id="missing --var-file"),
        pytest.param([str(SALES), "-o", "out", "--format", "toml"], id="unknown --format"),
    ],
)
def test_usage_errors_exit_two(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = glue_airflow("convert", *args)
    assert result.code == 2, result.stdout + result.stderr
    assert "usage: glue-airflow" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_console_script_exit_codes(tmp_path: Path) -> None:
    script = shutil.which("glue-airflow", path=str(Path(sys.executable).parent))
    assert script
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_"))}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, "convert", *args], capture_output=True, text=True, timeout=120, env=env)

    assert run(str(SALES), "-o", str(tmp_path / "a")).returncode == 0
    assert run(str(TWO), "-o", str(tmp_path / "b")).returncode == 1
    assert run(str(SALES)).returncode == 2
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["inventory-test.yaml", "orders-test.yaml"]


def test_help_text_documents_each_option_with_an_example() -> None:
    result = glue_airflow("convert", "--help")
    assert result.code == 0
    for text in ("SOURCE", "-o DIR", "--var K=V", "--var-file FILE", "--param K=V", "--event-queue-url URL",
                 "--format", "examples:", "glue-airflow convert stack.yaml -o dags/workflows", "exit status"):
        assert text in result.stdout, text


def test_several_sources_give_one_file_per_workflow(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES, TWO, CDK, DAILY, "--event-queue-url", QUEUE)
    assert result.code == 0, result.stdout
    assert sorted(written) == [
        "PipelineWorkflowC0A1B2C3.yaml", "daily-orders.yaml", "inventory-test.yaml", "orders-test.yaml",
        "sales-nightly-dev.yaml",
    ]
    assert all(validates(path) for path in written.values())
    assert "5 workflow(s) written" in result.stderr


def test_without_the_queue_url_only_the_event_workflow_is_invalid(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES, TWO)
    assert result.code == 1
    assert {name: validates(path) for name, path in written.items()} == {
        "inventory-test.yaml": False, "orders-test.yaml": True, "sales-nightly-dev.yaml": True,
    }
    hints = [line for line in result.lines if "add --event-queue-url URL" in line]
    assert len(hints) == 1 and "inventory-test" in hints[0]


def test_the_same_workflow_twice_gets_two_file_names(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES, SALES)
    assert result.code == 0
    assert sorted(written) == ["sales-nightly-dev-2.yaml", "sales-nightly-dev.yaml"]


@pytest.mark.parametrize(
    ("name", "content", "place", "message"),
    [
        pytest.param("missing.yaml", None, "(file)", "no such file or folder", id="missing file"),
        pytest.param("list.yaml", "- a\n- b\n", "(document)", "the document is a list, not a mapping", id="list"),
        pytest.param("broken.yaml", "Resources: [\n", "(line 2, column 1)", "cannot be read as JSON or YAML: YAML "
                     "syntax error", id="syntax error"),
        pytest.param("twice.yaml", "Resources: {}\nResources: {}\n", "(line 2)", "cannot be read as JSON or YAML: "
                     "key 'Resources' is given twice", id="key twice"),
        pytest.param("definition.yaml", "Workflow: {Name: w}\nTriggers: []\n", "Triggers",
                     "this is already a definition file", id="already a definition"),
        pytest.param("other.json", '{"name": "x", "version": 1}', "(document)", "not a source convert knows "
                     "(top-level keys: name, version)", id="unknown document"),
        pytest.param("main.tf.json", '{"resource": {"aws_glue_job": {}}}', "resource", "Terraform's JSON syntax "
                     "(*.tf.json) is not read", id="terraform json syntax"),
        pytest.param("binary.yaml", b"\xff\xfe\x00", "(file)", "cannot read the file", id="not UTF-8"),
        pytest.param("empty.yaml", "\n", "(file)", "the file is empty", id="empty"),
    ],
)
def test_an_unreadable_source_is_an_error_and_the_others_still_convert(
    tmp_path: Path, name: str, content: str | bytes | None, place: str, message: str
) -> None:
    bad = tmp_path / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content)
    result, written = convert(tmp_path / "out", bad, SALES)
    assert result.code == 1
    assert list(written) == ["sales-nightly-dev.yaml"]
    errors = [line for line in result.lines if not line.startswith(str(SALES))]
    assert len(errors) == 1 and errors[0].startswith(f"{bad}: {place}: {message}"), errors


def test_a_folder_without_terraform_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    shutil.copy(SALES, tmp_path / "templates" / "sales.yaml")
    result, written = convert(tmp_path / "out", tmp_path / "templates")
    assert result.code == 1
    assert written == {}
    assert result.lines == [
        f"{tmp_path / 'templates'}: (file): the folder holds no Terraform files (*.tf); give templates and documents "
        "as files"
    ]


def test_options_no_source_uses_are_warnings(tmp_path: Path) -> None:
    result, _ = convert(tmp_path, DAILY, "--param", "Env=prod", "--var", "region=eu-west-1")
    assert result.code == 0
    assert "(command line): --param Env: warning: no CloudFormation template given declares this parameter; it is " \
           "not used" in result.lines
    assert "(command line): --var/--var-file: warning: no Terraform configuration was given; not used" in result.lines


def test_pseudo_parameters_are_never_reported_as_unknown(tmp_path: Path) -> None:
    result, _ = convert(tmp_path, SALES, "--param", "AWS::Region=eu-west-1", "--param", "Prefix=sales")
    assert not any("(command line)" in line for line in result.lines)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("stack.txt", SALES.read_text(), SourceKind.CLOUDFORMATION),
        ("stack.json", TWO.read_text(), SourceKind.CLOUDFORMATION),
        ("cdk.json", CDK.read_text(), SourceKind.CDK),
        ("response.yaml", DAILY.read_text(), SourceKind.GET_WORKFLOW),
        ("glue.tf", 'resource "aws_glue_workflow" "w" {\n  name = "w"\n}\n', SourceKind.TERRAFORM),
        ("glue.hcl", 'locals {\n  env = "prod"\n}\n', SourceKind.TERRAFORM),
        ("comments.tf", "# nothing but a comment\n", SourceKind.TERRAFORM),
        ("plan.json", json.dumps({"format_version": "1.0", "terraform_version": "1.9.5", "values": {}}),
         SourceKind.TERRAFORM_SHOW),
    ],
)
def test_kinds_are_told_from_the_content(tmp_path: Path, name: str, content: str, kind: SourceKind) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert detect(path).kind is kind


def test_a_folder_of_tf_files_is_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "env" {}\n')
    assert detect(tmp_path).kind is SourceKind.TERRAFORM
    with pytest.raises(SourceError, match="no such file"):
        detect(tmp_path / "absent.tf")


def test_a_template_without_a_workflow_says_so(tmp_path: Path) -> None:
    template = tmp_path / "jobs-only.yaml"
    template.write_text("Resources:\n  J: {Type: AWS::Glue::Job, Properties: {Name: lone, Role: r}}\n")
    result, written = convert(tmp_path / "out", template)
    assert result.code == 1  # nothing was found at all
    assert written == {}
    assert result.lines == [
        f"{template}: Resources: warning: the template defines no AWS::Glue::Workflow; it gives no definition",
        f"{template}: Resources.J: warning: job 'lone' is not started or watched by any trigger of a workflow in this "
        "template; it is not converted",
    ]
    assert "no Glue workflow found" in result.stderr


def test_the_readers_do_not_import_airflow() -> None:
    code = (
        "import sys, glue_workflow_provider.sources.cloudformation, glue_workflow_provider.sources.detect\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('airflow', 'boto3')}))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.strip() == "[]"
