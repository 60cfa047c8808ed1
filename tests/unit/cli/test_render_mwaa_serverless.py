"""``glue-airflow render DEF --format mwaa-serverless``: the YAML for what MWAA Serverless can express, and exit 1
with one ``FILE: FIELD.PATH: message`` line per construct it cannot (through the CLI's main, no Airflow)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.cli.main import main
from tests.mwaa_serverless_shape import month_close_without_run_properties, shape_problems

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "dags" / "workflows"
JOB = "airflow.providers.amazon.aws.operators.glue.GlueJobOperator"
CRAWLER = "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator"

MINIMAL = """
Workflow: {Name: nightly}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: extract}]}
  - Name: extracted
    Type: CONDITIONAL
    Predicate: {Conditions: [{JobName: extract, State: SUCCEEDED}]}
    Actions: [{CrawlerName: catalog}]
"""


def _render(path: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["render", str(path), "--format", "mwaa-serverless", *extra])
    return code, out.getvalue()


def _definition(tmp_path: Path, text: str, name: str = "workflow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _refusals(path: Path) -> list[str]:
    code, out = _render(path)
    assert code == 1, out
    lines = out.splitlines()
    assert lines and all(line.startswith(f"{path}: ") and line.endswith("[mwaa-serverless]") for line in lines)
    return [line.removeprefix(f"{path}: ") for line in lines]


def test_a_minimal_workflow_renders_in_the_documented_shape(tmp_path: Path) -> None:
    code, out = _render(_definition(tmp_path, MINIMAL))
    assert code == 0
    document = yaml.safe_load(out)
    assert shape_problems(document) == []
    assert document == {
        "nightly": {
            "dag_id": "nightly",
            "schedule": None,
            "tasks": {
                "catalog": {"operator": CRAWLER, "config": {"Name": "catalog"}, "retries": 0, "dependencies": ["extract"]},
                "extract": {"operator": JOB, "job_name": "extract", "retries": 0, "dependencies": []},
            },
        }
    }


def test_month_close_is_refused_only_for_its_run_properties() -> None:
    assert [line.split(":")[0] for line in _refusals(EXAMPLES / "month_close.yaml")] == ["Workflow.DefaultRunProperties"]


def test_month_close_without_run_properties_renders_its_cron_and_arguments(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    assert _render(_definition(tmp_path, month_close_without_run_properties()), "-o", str(target)) == (0, "")
    (dag,) = yaml.safe_load(target.read_text()).values()
    assert shape_problems({dag["dag_id"]: dag}) == []
    assert (dag["schedule"], dag["max_active_runs"]) == ("0 6 1 * *", 1)
    assert dag["tasks"]["Fix_phone_numbers"]["script_args"] == {"--country_code": "+1"}
    assert dag["tasks"]["Update_schema"]["dependencies"] == ["De-duplicate", "Fix_phone_numbers"]


def test_data_vault_load_names_every_construct() -> None:
    fields = [line.split(": ")[0] for line in _refusals(EXAMPLES / "data_vault_load.yaml")]
    assert fields == [
        "Triggers[4].Predicate.Conditions[0].State",
        "Triggers[5].Predicate.Logical",
        "Triggers[5].Predicate.Conditions[0].State",
        "Triggers[5].Predicate.Conditions[1].State",
        "Triggers[6].Predicate.Logical",
        "Triggers[6].Predicate.Conditions[0].State",
        "Triggers[6].Predicate.Conditions[1].State",
        "Triggers[7].Predicate.Conditions[0].State",
        "Triggers[5].Actions[0]",
        "Triggers[6].Actions[0]",
        "Triggers[7].Actions[0]",
        "Workflow.DefaultRunProperties",
    ]


def test_action_run_settings_map_to_the_operators_parameters(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "[{JobName: extract}]",
        "[{JobName: extract, Arguments: {--day: '1'}, Timeout: 30, SecurityConfiguration: sec, "
        "NotificationProperty: {NotifyDelayAfter: 5}}]",
    ) + "Airflow: {region_name: eu-west-1, stream_logs: true, default_args: {execution_timeout: 600}}\n"
    code, out = _render(_definition(tmp_path, text))
    assert code == 0
    task = yaml.safe_load(out)["nightly"]["tasks"]["extract"]
    assert task["script_args"] == {"--day": "1"}
    assert task["run_job_kwargs"] == {"Timeout": 30, "SecurityConfiguration": "sec", "NotificationProperty": {"NotifyDelayAfter": 5}}
    assert (task["region_name"], task["verbose"]) == ("eu-west-1", True)
    assert task["execution_timeout"] == {"__type__": "datetime.timedelta", "seconds": 600}


REFUSED = {
    "any": (
        MINIMAL.replace("[{JobName: extract}]", "[{JobName: extract}, {JobName: load}]").replace(
            "{Conditions: [{JobName: extract, State: SUCCEEDED}]}",
            "{Logical: ANY, Conditions: [{JobName: extract, State: SUCCEEDED}, {JobName: load, State: SUCCEEDED}]}",
        ),
        "Triggers[1].Predicate.Logical: ANY over 2 conditions",
    ),
    "failed-condition": (MINIMAL.replace("State: SUCCEEDED", "State: FAILED"), "Triggers[1].Predicate.Conditions[0].State"),
    "crawler-failed": (
        MINIMAL + "  - {Name: crawled, Type: CONDITIONAL, Predicate: {Conditions: [{CrawlerName: catalog, CrawlState: "
        "FAILED}]}, Actions: [{JobName: alert}]}\n",
        "Triggers[2].Predicate.Conditions[0].CrawlState: condition 'catalog' = FAILED",
    ),
    "two-triggers": (
        MINIMAL + "  - {Name: again, Type: CONDITIONAL, Predicate: {Conditions: [{CrawlerName: catalog, CrawlState: "
        "SUCCEEDED}]}, Actions: [{JobName: report}]}\n  - {Name: also, Type: CONDITIONAL, Predicate: {Conditions: "
        "[{JobName: extract, State: SUCCEEDED}]}, Actions: [{JobName: report}]}\n",
        "Triggers[3].Actions[0]: 'report' is also started by trigger 'again'",
    ),
    "event": (
        MINIMAL.replace("Type: ON_DEMAND", "Type: EVENT") + "Airflow: {event_queue_url: 'https://sqs.local/1/q'}\n",
        "Triggers[0].Type: EVENT start trigger",
    ),
    "glue-only-cron": (
        MINIMAL.replace("Type: ON_DEMAND", "Type: SCHEDULED, Schedule: 'cron(0 6 L * ? *)', StartOnCreation: true"),
        "Triggers[0].Schedule: cron(0 6 L * ? *) uses L, W, # or a Year field",
    ),
    "not-activated": (
        MINIMAL.replace("Type: ON_DEMAND", "Type: SCHEDULED, Schedule: 'cron(0 6 * * ? *)', StartOnCreation: false"),
        "Triggers[0].State: the start trigger is not activated",
    ),
    "deactivated": (MINIMAL.replace("Type: CONDITIONAL", "Type: CONDITIONAL\n    State: DEACTIVATED"), "Triggers[1].State"),
    "default-run-properties": (MINIMAL.replace("{Name: nightly}", "{Name: nightly, DefaultRunProperties: {day: '1'}}"),
                               "Workflow.DefaultRunProperties: a job may read run properties"),
    "run-properties-uri": (MINIMAL + "Airflow: {run_properties_uri: 's3://bucket/props'}\n", "Airflow.run_properties_uri"),
    "retries": (MINIMAL + "Airflow: {default_args: {retries: 2}}\n", "Airflow.default_args.retries: a retry"),
    "pool": (MINIMAL + "Airflow: {default_args: {pool: glue}}\n", "Airflow.default_args.pool: MWAA Serverless does not"),
    "long-timeout": (MINIMAL + "Airflow: {default_args: {execution_timeout: 7200}}\n",
                     "Airflow.default_args.execution_timeout: MWAA Serverless allows at most 3600 seconds"),
    "dag-id": (MINIMAL + "Airflow: {dag_id: nächtlich}\n", "Airflow.dag_id: 'nächtlich': an MWAA Serverless dag_id"),
    "connection": (MINIMAL + "Airflow: {aws_conn_id: glue_prod}\n", "Airflow.aws_conn_id: MWAA Serverless tasks run"),
    "crawler-timeout": (MINIMAL.replace("[{CrawlerName: catalog}]", "[{CrawlerName: catalog, Timeout: 5}]"),
                        "Triggers[1].Actions[0].Timeout: crawler 'catalog' has Timeout"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_construct_mwaa_serverless_cannot_express_is_named(case: str, tmp_path: Path) -> None:
    text, expected = REFUSED[case]
    refusals = _refusals(_definition(tmp_path, text))
    assert len(refusals) == 1, refusals
    assert refusals[0].startswith(expected), refusals


def test_a_refused_workflow_writes_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    assert _render(EXAMPLES / "data_vault_load.yaml", "-o", str(target))[0] == 1
    assert not target.exists()


def test_any_over_one_condition_is_an_and(tmp_path: Path) -> None:
    code, out = _render(_definition(tmp_path, MINIMAL.replace("{Conditions:", "{Logical: ANY, Conditions:")))
    assert code == 0, out
    assert yaml.safe_load(out)["nightly"]["tasks"]["catalog"]["dependencies"] == ["extract"]


def test_the_deployment_docs_show_what_month_close_renders_to(tmp_path: Path) -> None:
    page = (REPO / "docs" / "deployment.md").read_text()
    shown = page.split("## Amazon MWAA Serverless", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    code, out = _render(_definition(tmp_path, month_close_without_run_properties()))
    assert code == 0
    assert "".join(line for line in out.splitlines(keepends=True) if not line.startswith("#")) == shown
