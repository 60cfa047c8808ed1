"""The Terraform HCL reader (``sources/terraform``): the expression evaluator, variables, modules, the mapping
onto Glue, and the written definitions checked through the real CLI (validate, render, simulate)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.cli.main import main
from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.terraform import read_terraform
from glue_workflow_provider.sources.terraform.expressions import Scope, evaluate
from glue_workflow_provider.sources.terraform.hcl import parse_text
from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown
from glue_workflow_provider.sources.writer import with_event_queue, write_definitions

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/glue-events"


# Checking written definitions through the CLI contract ------------------------------------------------------
def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run ``glue-airflow ARGV`` in process and return its JSON output (exit 0 asserted)."""
    capsys.readouterr()
    code = main(list(argv))
    output = capsys.readouterr().out
    assert code == 0, output
    return json.loads(output)


def graph(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    """``render --format json`` without the next run times (they move with the clock)."""
    rendered = cli_json(capsys, "render", str(path), "--format", "json")
    rendered.pop("next_runs", None)
    return dict(rendered)


def edges(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, set[str]]:
    """Glue node → the Glue nodes it waits for, read from the rendered DAG."""
    tasks = graph(capsys, path)["tasks"]
    names = {task["task_id"]: task["glue_name"] for task in tasks}
    nodes: dict[str, Any] = {}
    for task in tasks:  # a node's own task comes first; its state branches (NAME__FAILED) carry its name too
        if task["glue_name"]:
            nodes.setdefault(task["glue_name"], task)
    return {name: {names[up] for up in task["upstream"]} for name, task in nodes.items()}


def simulation(capsys: pytest.CaptureFixture[str], path: Path, outcome: dict[str, str]) -> Any:
    """``simulate --json`` with the given end states."""
    flags = [item for name, state in outcome.items() for item in ("--outcome", f"{name}={state}")]
    return cli_json(capsys, "simulate", str(path), *flags, "--json")


def outcomes(nodes: list[str], states: tuple[str, ...] = ("FAILED",)) -> list[dict[str, str]]:
    """All-succeed, then each node alone in each state, then the first two nodes together."""
    combos: list[dict[str, str]] = [{}]
    combos += [{node: state} for node, state in itertools.product(nodes, states)]
    if len(nodes) > 1:
        combos.append({nodes[0]: states[0], nodes[1]: states[-1]})
    return combos


def assert_equivalent(
    capsys: pytest.CaptureFixture[str],
    written: Path,
    expected_file: Path,
    tmp_path: Path,
    combos: list[dict[str, str]],
    queue: str | None = None,
) -> None:
    """The written file validates, equals the hand-written definition, renders and simulates as it does."""
    assert main(["validate", str(written)]) == 0, capsys.readouterr().out
    expected = with_event_queue(yaml.safe_load(expected_file.read_text(encoding="utf-8")), queue)
    assert yaml.safe_load(written.read_text(encoding="utf-8")) == expected
    reference = tmp_path / "expected" / written.name
    reference.parent.mkdir(exist_ok=True)
    reference.write_text(yaml.safe_dump(expected, sort_keys=False), encoding="utf-8")
    assert graph(capsys, written) == graph(capsys, reference)
    for combo in combos:
        assert simulation(capsys, written, combo) == simulation(capsys, reference, combo), combo


def write(conversion: Conversion, tmp_path: Path, queue: str | None = None) -> dict[str, Path]:
    """Write every found workflow; each must validate (writer and ``glue-airflow validate``); name → file."""
    written = write_definitions(conversion.workflows, tmp_path / "out", "yaml", queue)
    assert all(item.ok for item in written), [str(d) for item in written for d in item.diagnostics]
    for item in written:
        assert main(["validate", str(item.path)]) == 0, item.path
    return {item.workflow: item.path for item in written}


def messages(conversion: Conversion) -> list[str]:
    """Every notice as printed, with the fixtures folder left out."""
    return [str(notice).replace(f"{FIXTURES}/", "") for notice in conversion.notices]


# The expression evaluator ----------------------------------------------------------------------------------
class _Vars:
    values = {"env": "dev", "on": True, "m": {"b": "y", "a": "x"}, "l": [1, 2, 3], "n": 5, "u": Unknown("u?")}

    def attribute(self, name: str) -> Any:
        return self.values[name]

    def index(self, key: Any) -> Any:
        raise EvaluationError("no")


def _evaluate(text: str) -> Any:
    expression = parse_text(f"value = {text}", Path("t.tf")).attributes["value"].expression

    def resolve(name: str) -> Any:
        if name == "var":
            return _Vars()
        raise EvaluationError(f"unknown name {name}")

    return evaluate(expression, Scope(resolve))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"x-${var.env}-%{ if var.on }yes%{ else }no%{ endif }"', "x-dev-yes"),
        ('"%{ for x in var.l ~} [${x}] %{~ endfor }"', "[1][2][3]"),
        ('"${var.n}"', 5),
        ('"$${literal} %%{literal}"', "${literal} %{literal}"),
        ("[for k, v in var.m : upper(v) if k != \"a\"]", ["Y"]),
        ("{ for k, v in var.m : v => k }", {"x": "a", "y": "b"}),
        ("{ for v in [\"a\", \"b\", \"a\"] : v => v... }", {"a": ["a", "a"], "b": ["b"]}),
        ("length(var.l) > 1 ? \"many\" : \"few\"", "many"),
        ("-1 + 2 * 3 % 4", 1),
        ("var.n / 2", 2.5),
        ("!var.on || var.n >= 5 && var.env == \"dev\"", True),
        ("var.l[*]", [1, 2, 3]),
        ("[{ a = 1 }, { a = 2 }][*].a", [1, 2]),
        ("var.m.a", "x"),
        ("var.m[\"b\"]", "y"),
        ("format(\"%s-%03d-%v-%q\", \"x\", 7, [1, 2], \"q\")", 'x-007-[1,2]-"q"'),
        ("join(\",\", toset([\"b\", \"a\", \"b\"]))", "a,b"),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ("merge({ a = 1 }, { b = 2 }, { a = 3 })", {"a": 3, "b": 2}),
        ("lookup(var.m, \"z\", \"default\")", "default"),
        ("lower(\"AbC\")", "abc"),
        ("replace(\"a-b-c\", \"-\", \"_\")", "a_b_c"),
        ("replace(\"a-b-c\", \"/-(.)/\", \"$1\")", "abc"),
        ("element(var.l, 4)", 2),
        ("tolist(toset([\"b\", \"a\"]))", ["a", "b"]),
        ("tomap({ a = \"b\" })", {"a": "b"}),
        ("jsonencode({ a = [1, true, null] })", '{"a":[1,true,null]}'),
        ("coalesce(\"\", null, \"z\")", "z"),
        ("try(var.m.zzz, \"fallback\")", "fallback"),
        ("can(var.m.zzz)", False),
        ("{ \"quoted key\" = 1, bare = 2, (var.env) = 3 }", {"quoted key": 1, "bare": 2, "dev": 3}),
        ("<<-EOT\n    hello ${var.env}\n      there\n    EOT\n", "hello dev\n  there\n"),
        ("upper(var.u)", Unknown("u?")),
        ("merge({ a = var.u }, { b = 1 })", {"a": Unknown("u?"), "b": 1}),
        ("var.on ? \"known\" : var.u", "known"),
        ("{ in = 1, for = 2 }", {"in": 1, "for": 2}),
        ("[\"a\", \"b\"][1]", "b"),
        ("[[1, 2], [3]][0].1", 2),
        ("split(\",\", \"a,b\")[*]", ["a", "b"]),
    ],
)
def test_the_evaluator_computes_terraform_expressions(text: str, value: Any) -> None:
    assert _evaluate(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nosuchfunction(1)", "not supported"),
        ("var.m.zzz", "no attribute 'zzz'"),
        ("var.l[7]", "out of range"),
        ("1 / 0", "division by zero"),
        ("\"a${[1]}\"", "cannot be converted to a string"),
        ("lookup({}, \"k\")", "no default"),
        ("replace(\"a\", \"/(/\", \"b\")", "replace\\(\\)"),
        ("jsondecode(\"{\")", "jsondecode\\(\\)"),
        ("\"a\" < [1]", "is not a number"),
    ],
)
def test_the_evaluator_rejects_what_terraform_rejects(text: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        _evaluate(text)


# A root module with variables, tfvars, locals, count, for_each and dynamic blocks ---------------------------
def test_a_root_module_becomes_its_workflow_with_every_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conversion = read_terraform([FIXTURES / "pipeline"], {}, [])
    assert [(w.name, Path(w.file).name, w.place) for w in conversion.workflows] == [
        ("sales-qa", "main.tf", "aws_glue_workflow.sales")
    ]
    assert messages(conversion) == [
        "pipeline/main.tf: aws_glue_trigger.nightly_report: warning: the trigger belongs to no workflow "
        "(no workflow_name): not converted",
        *[
            message
            for index in (0, 1)
            for message in (
                f"pipeline/main.tf: aws_glue_job.stage[{index}].role_arn: warning: aws_iam_role.glue.arn is known "
                "only after 'terraform apply'; left out",
                f"pipeline/main.tf: aws_glue_job.stage[{index}].default_arguments[\"--account\"]: warning: "
                "data.aws_caller_identity.current.account_id is read from AWS by 'terraform plan' (a data source); "
                "left out",
            )
        ],
        "pipeline/main.tf: aws_glue_crawler.catalog[\"raw\"].schedule: warning: a crawler's own schedule runs it "
        "outside the workflow; it is not a trigger and is not taken over (add a SCHEDULED trigger to the workflow "
        "if the workflow should run on it)",
    ]
    assert not conversion.failed
    written = write(conversion, tmp_path)
    jobs = ["sales-qa-extract", "sales-qa-load", "sales-qa-report"]
    combos = outcomes(jobs, ("FAILED", "TIMEOUT")) + [
        {"sales-qa-raw-crawler": "FAILED"},
        {"sales-qa-raw-crawler": "CANCELLED"},
        {"sales-qa-curated-crawler": "FAILED", "sales-qa-report": "STOPPED"},
    ]
    assert_equivalent(capsys, written["sales-qa"], FIXTURES / "expected" / "sales-qa.yaml", tmp_path, combos)


def test_the_graph_is_what_the_triggers_say(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = write(read_terraform([FIXTURES / "pipeline"], {}, []), tmp_path)
    assert edges(capsys, written["sales-qa"]) == {
        "sales-qa-extract": set(),
        "sales-qa-load": {"sales-qa-extract"},
        "sales-qa-curated-crawler": {"sales-qa-load"},
        "sales-qa-raw-crawler": {"sales-qa-load"},
        "sales-qa-report": {"sales-qa-curated-crawler", "sales-qa-raw-crawler"},
        "sales-qa-cleanup": {"sales-qa-extract", "sales-qa-load", "sales-qa-report", "sales-qa-raw-crawler"},
    }
    failed = simulation(capsys, written["sales-qa"], {"sales-qa-load": "FAILED"})
    assert [name for name, node in failed["nodes"].items() if node["order"] is not None] == [
        "sales-qa-extract", "sales-qa-load", "sales-qa-cleanup"
    ]
    assert failed["nodes"]["sales-qa-cleanup"]["arguments"]["--reason"] == "quiet"


def _document(conversion: Conversion) -> dict[str, Any]:
    assert len(conversion.workflows) == 1
    return conversion.workflows[0].document


def test_var_file_then_var_override_the_folder_tfvars() -> None:
    from_file = _document(read_terraform([FIXTURES / "pipeline"], {}, [FIXTURES / "override.tfvars"]))
    assert from_file["Workflow"]["Name"] == "sales-prod"
    assert from_file["Triggers"][4]["Actions"][0]["Arguments"] == {"--reason": "notify"}
    both = _document(read_terraform([FIXTURES / "pipeline"], {"env": "perf"}, [FIXTURES / "override.tfvars"]))
    assert both["Workflow"] == {
        "Name": "sales-perf",
        "Description": "Sales load for PERF",
        "DefaultRunProperties": {"mode": "full", "env": "perf"},
        "MaxConcurrentRuns": 1,
    }


def test_a_json_var_file_and_collection_values_of_var() -> None:
    document = _document(read_terraform([FIXTURES / "pipeline"], {}, [FIXTURES / "override.tfvars.json"]))
    assert [job["Name"] for job in document["Jobs"]] == [
        "sales-json-extract", "sales-json-clean", "sales-json-load", "sales-json-report", "sales-json-cleanup"
    ]
    assert [t["Name"] for t in document["Triggers"][1:3]] == ["sales-json-after-extract", "sales-json-after-clean"]
    given = {"stages": '["only"]', "retries": "7", "notify": "true", "run_properties": "{ mode = \"delta\" }"}
    document = _document(read_terraform([FIXTURES / "pipeline"], given, []))
    assert document["Jobs"][0] == {
        "Name": "sales-qa-only",
        "MaxRetries": 7,
        "GlueVersion": "4.0",
        "Command": {"ScriptLocation": "s3://sales-scripts/only.py"},
        "DefaultArguments": {"--stage": "only"},
    }
    assert document["Workflow"]["DefaultRunProperties"] == {"mode": "delta", "env": "qa"}
    assert document["Triggers"][3]["Actions"][0]["Arguments"] == {"--reason": "notify"}


def test_a_bad_var_value_is_a_usage_error() -> None:
    with pytest.raises(SourceError, match="--var retries=many: not a valid number value"):
        read_terraform([FIXTURES / "pipeline"], {"retries": "many"}, [])


# Modules and several workflows ------------------------------------------------------------------------------
def test_local_modules_and_several_workflows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform([FIXTURES / "modules"], {}, [])
    assert [(w.name, str(Path(w.file).relative_to(FIXTURES)), w.place) for w in conversion.workflows] == [
        ("ops-on-upload", "modules/main.tf", "aws_glue_workflow.events"),
        ("aws_glue_workflow.unnamed", "modules/main.tf", "aws_glue_workflow.unnamed"),
        ("ops-daily", "modules/modules/etl/main.tf", 'module.etl["daily"].aws_glue_workflow.this'),
        ("ops-weekly", "modules/modules/etl/main.tf", 'module.etl["weekly"].aws_glue_workflow.this'),
    ]
    assert messages(conversion) == [
        "modules/main.tf: module.remote: warning: module source 'terraform-aws-modules/glue/aws' is not a local "
        "path: not followed, its resources are not converted (run 'terraform init' and convert the downloaded "
        "module folder, or 'terraform show -json')",
        "modules/main.tf: aws_glue_workflow.unnamed.name: warning: var.missing_name has no value: give it a "
        "default or a tfvars entry, --var-file or --var (missing_name=VALUE); 'aws_glue_workflow.unnamed' is used "
        "as the name: check it",
    ]
    written = write(conversion, tmp_path, QUEUE)
    expected = FIXTURES / "expected"
    for name, file, nodes in (
        ("ops-daily", "ops-daily.yaml", ["ops-daily-ingest", "ops-daily-publish"]),
        ("ops-weekly", "ops-weekly.yaml", ["ops-weekly-ingest", "ops-weekly-publish"]),
        ("ops-on-upload", "ops-on-upload.yaml", ["ops-daily-ingest"]),
        ("aws_glue_workflow.unnamed", "unnamed.yaml", ["some-job"]),
    ):
        assert_equivalent(capsys, written[name], expected / file, tmp_path, outcomes(nodes), QUEUE)
    assert graph(capsys, written["ops-on-upload"])["schedule"]["kind"] == "event"


def test_an_event_start_without_a_queue_is_reported_by_validation(tmp_path: Path) -> None:
    conversion = read_terraform([FIXTURES / "modules"], {"missing_name": "named"}, [])
    assert [w.name for w in conversion.workflows][1] == "named"
    written = write_definitions(conversion.workflows, tmp_path, "yaml", None)
    codes = {item.workflow: [d.code for d in item.diagnostics if d.is_error] for item in written}
    assert codes == {"ops-on-upload": ["GWF042"], "named": [], "ops-daily": [], "ops-weekly": []}


# Failure branches -------------------------------------------------------------------------------------------
def _tf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "main.tf"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_syntax_error_fails_that_source_and_the_others_are_still_read(tmp_path: Path) -> None:
    path = _tf(tmp_path, 'resource "aws_glue_job" "x" {\n  name = \n}\n')
    conversion = read_terraform([path, FIXTURES / "modules"], {}, [])
    assert conversion.failed
    assert str(conversion.notices[0]).startswith(f"{path}: line 2: not valid HCL2 (Terraform) syntax: ")
    assert str(conversion.notices[0]).endswith(f"; nothing of {path} is converted")
    assert len(conversion.workflows) == 4


def test_an_unreadable_var_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="missing.tfvars: \\(file\\): cannot be read"):
        read_terraform([FIXTURES / "pipeline"], {}, [tmp_path / "missing.tfvars"])
    bad = tmp_path / "bad.tfvars"
    bad.write_text("env = var.other\n", encoding="utf-8")
    with pytest.raises(SourceError, match="bad.tfvars: env: not a constant value"):
        read_terraform([FIXTURES / "pipeline"], {}, [bad])


def test_a_folder_without_tf_files_fails(tmp_path: Path) -> None:
    conversion = read_terraform([tmp_path], {}, [])
    assert conversion.failed and not conversion.workflows
    assert messages(conversion) == [
        f"{tmp_path}: (folder): no .tf files here: give a Terraform root module folder or file"
    ]


def test_unknown_types_counts_and_workflows_are_reported(tmp_path: Path) -> None:
    path = _tf(
        tmp_path,
        """
resource "aws_glue_workflow" "w" { name = "w" }
resource "aws_glue_trigger" "typeless" {
  name = "t"
  type = var.kind
  workflow_name = aws_glue_workflow.w.name
  actions { job_name = "j" }
}
resource "aws_glue_trigger" "counted" {
  count = var.how_many
  name = "c"
  type = "ON_DEMAND"
  workflow_name = "w"
  actions { job_name = "j" }
}
resource "aws_glue_trigger" "elsewhere" {
  name = "e"
  type = "ON_DEMAND"
  workflow_name = "other"
  enabled = false
  actions { job_name = "j" }
}
resource "aws_glue_trigger" "start" {
  name = "s"
  type = "ON_DEMAND"
  workflow_name = "w"
  enabled = false
  actions {
    job_name = "j"
    unknown_attribute = 1
  }
}
""",
    )
    conversion = read_terraform([path], {}, [])
    assert conversion.failed
    assert [str(n).replace(f"{path}: ", "") for n in conversion.notices] == [
        "aws_glue_trigger.counted: warning: count: var.how_many has no value: give it a default or a tfvars "
        "entry, --var-file or --var (how_many=VALUE); its instances are left out",
        "aws_glue_trigger.typeless.type: var.kind has no value: give it a default or a tfvars entry, --var-file "
        "or --var (kind=VALUE): the trigger cannot be converted without its type; set it to a literal",
        "aws_glue_trigger.elsewhere.workflow_name: warning: workflow 'other' is declared in no file read here: its "
        "triggers make a definition named 'other' without the workflow's own Description, DefaultRunProperties and "
        "MaxConcurrentRuns; convert the root that declares it together with this one, or add them to the written "
        "file",
        "aws_glue_trigger.elsewhere.enabled: warning: an ON_DEMAND trigger cannot be deactivated in Glue (enabled = "
        "false only keeps the provider from firing it once on creation): not taken over",
        "aws_glue_trigger.start.actions[0].unknown_attribute: warning: not taken over: the converter does not map "
        "this attribute",
        "aws_glue_trigger.start.enabled: warning: an ON_DEMAND trigger cannot be deactivated in Glue (enabled = "
        "false only keeps the provider from firing it once on creation): not taken over",
    ]
    documents = {found.name: found.document for found in conversion.workflows}
    assert documents["w"]["Triggers"] == [{"Name": "s", "Type": "ON_DEMAND", "Actions": [{"JobName": "j"}]}]
    # A workflow declared elsewhere still gets its triggers (it was "trigger not converted" before issue 22).
    assert documents["other"] == {
        "Workflow": {"Name": "other"}, "Triggers": [{"Name": "e", "Type": "ON_DEMAND", "Actions": [{"JobName": "j"}]}],
    }


# The public corpus (real Terraform; skipped when ../shared/corpus is absent) --------------------------------
CORPUS_VARIABLES = {"environment": "dev", "project-name": "derp", "module-name": "ingest", "glue_job_name": "load"}


def test_corpus_ci_cd_orchestration(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform([corpus / "tf-ci-cd-orchestration.tf"], CORPUS_VARIABLES, [])
    written = write(conversion, tmp_path)
    bronze, silver = 'aws_glue_job.us_legislators["bronze"]', 'aws_glue_job.us_legislators["silver"]'
    assert edges(capsys, written["glue-ci-cd-us-legislators-dev"]) == {
        bronze: set(),
        silver: {bronze},
        "aws_glue_crawler.silver_us_legislators": {silver},
    }
    assert len(conversion.notices) == 5
    assert all("is not declared in the files read" in str(notice) for notice in conversion.notices)


def test_corpus_data_derp(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform([corpus / "tf-data-derp-workflow.tf"], CORPUS_VARIABLES, [])
    assert not conversion.notices
    written = write(conversion, tmp_path)
    prefix = "derp-ingest-data-"
    assert edges(capsys, written["derp-ingest"]) == {
        f"{prefix}ingestion": set(),
        f"{prefix}ingestion-crawler": {f"{prefix}ingestion"},
        f"{prefix}transformation": {f"{prefix}ingestion-crawler"},
        f"{prefix}transformation-crawler": {f"{prefix}transformation"},
    }
    run = simulation(capsys, written["derp-ingest"], {f"{prefix}ingestion-crawler": "FAILED"})
    assert [n for n, node in run["nodes"].items() if node["order"] is not None] == [
        f"{prefix}ingestion", f"{prefix}ingestion-crawler"
    ]


def test_corpus_data_derp_without_variables_keeps_the_graph(corpus: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform([corpus / "tf-data-derp-workflow.tf"], {}, [])
    written = write(conversion, tmp_path)
    assert list(written) == ["aws_glue_workflow.this"]
    ingestion = "${var.project-name}-${var.module-name}-data-ingestion"
    graph_edges = edges(capsys, written["aws_glue_workflow.this"])
    assert graph_edges[f"{ingestion}-crawler"] == {ingestion}
    assert len(graph_edges) == 4
    assert all("var.project-name has no value" in str(n) for n in conversion.notices)


def test_corpus_event_triggers(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform([corpus / "tf-event-triggers-excerpt.tf"], CORPUS_VARIABLES, [])
    written = write(conversion, tmp_path, QUEUE)
    assert sorted(written) == [
        "uk-snowfall-adj-trading-hours", "uk-snowfall-incident-daily", "uk-snowfall-semantic-incidents-daily"
    ]
    kinds = {name: graph(capsys, path)["schedule"]["kind"] for name, path in written.items()}
    assert kinds == {
        "uk-snowfall-adj-trading-hours": "event",
        "uk-snowfall-incident-daily": "event",
        "uk-snowfall-semantic-incidents-daily": "cron",
    }
    for path in written.values():
        assert edges(capsys, path) == {"load": set()}
    documents = {w.name: w.document for w in conversion.workflows}
    assert documents["uk-snowfall-adj-trading-hours"]["Triggers"][0]["EventBatchingCondition"] == {
        "BatchSize": 100, "BatchWindow": 10
    }
    assert documents["uk-snowfall-semantic-incidents-daily"]["Workflow"]["DefaultRunProperties"] == {
        "DATASET": "daily_incidents", "GROUP": "semantic", "REPORTING_DATE": ""
    }
    assert [str(n).split(": ")[1] for n in conversion.notices] == [
        f'aws_glue_workflow.glue_workflows["{key}"].tags'
        for key in ("adj_trading_hours", "incident_daily", "semantic_incidents_daily")
    ]


def test_the_reader_does_not_import_airflow() -> None:
    code = "import sys, glue_workflow_provider.sources.terraform; print('airflow' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.strip() == "False"


def test_a_module_with_count_its_outputs_and_a_single_file(tmp_path: Path) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        """
variable "name" {}
resource "aws_glue_job" "job" {
  name = var.name
  command { script_location = "s3://s/${var.name}.py" }
}
output "job_name" { value = aws_glue_job.job.id }
""",
        encoding="utf-8",
    )
    (tmp_path / "terraform.tfvars").write_text('suffix = "x"\n', encoding="utf-8")
    main_tf = _tf(
        tmp_path,
        """
variable "suffix" {}
module "jobs" {
  source = "./child"
  count  = 2
  name   = "job-${count.index}-${var.suffix}"
}
resource "aws_glue_workflow" "w" {
  name = "w-${terraform.workspace}"
}
resource "aws_glue_workflow" "v" {
  name = "v"
}
resource "aws_glue_trigger" "start" {
  name          = "start"
  type          = "ON_DEMAND"
  workflow_name = aws_glue_workflow.v.name
  dynamic "actions" {
    for_each = module.jobs[*].job_name
    content { job_name = actions.value }
  }
}
""",
    )
    conversion = read_terraform([main_tf], {}, [])
    assert [(w.name, w.place) for w in conversion.workflows] == [
        ("w-default", "aws_glue_workflow.w"),
        ("v", "aws_glue_workflow.v"),
    ]
    assert messages(conversion) == [
        f"{tmp_path}: terraform.workspace: warning: taken as 'default' (no TF_WORKSPACE and no "
        ".terraform/environment here): set TF_WORKSPACE=NAME to convert the configuration as another workspace "
        "applies it"
    ]
    document = conversion.workflows[1].document
    assert document["Triggers"][0]["Actions"] == [{"JobName": "job-0-x"}, {"JobName": "job-1-x"}]
    assert document["Jobs"] == [
        {"Name": "job-0-x", "Command": {"ScriptLocation": "s3://s/job-0-x.py"}},
        {"Name": "job-1-x", "Command": {"ScriptLocation": "s3://s/job-1-x.py"}},
    ]


def test_the_workspace_is_the_one_terraform_selects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main_tf = _tf(tmp_path, 'resource "aws_glue_workflow" "w" {\n  name = "w-${terraform.workspace}"\n}\n')
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "environment").write_text("staging\n", encoding="utf-8")
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    selected = read_terraform([main_tf], {}, [])
    assert [w.name for w in selected.workflows] == ["w-staging"] and not selected.notices
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert [w.name for w in read_terraform([main_tf], {}, []).workflows] == ["w-prod"]


def test_unknown_parts_of_a_template_keep_the_known_parts_in_the_stand_in(tmp_path: Path) -> None:
    main_tf = _tf(
        tmp_path,
        """
variable "team" {}
resource "aws_glue_workflow" "w" { name = "w" }
resource "aws_glue_trigger" "t" {
  name          = "t"
  type          = "ON_DEMAND"
  workflow_name = "w"
  dynamic "actions" {
    for_each = toset(["a", "b"])
    content { job_name = "${var.team}-${actions.value}" }
  }
}
""",
    )
    conversion = read_terraform([main_tf], {}, [])
    actions = _document(conversion)["Triggers"][0]["Actions"]
    assert actions == [{"JobName": "${var.team}-a"}, {"JobName": "${var.team}-b"}]
    assert [str(n).split(": ", 2)[1] for n in conversion.notices] == [
        "aws_glue_trigger.t.actions[0].job_name", "aws_glue_trigger.t.actions[1].job_name"
    ]
