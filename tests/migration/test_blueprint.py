"""``glue-airflow blueprint`` end to end: layouts in the style of the AWS samples, run
through the real CLI.

Each generated definition must validate, compile to the same DAG as a hand-written
expected definition (``render --format json``), and carry the triggers the blueprint
library makes (docs/semantics.md#how-dependson-becomes-triggers).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures" / "blueprints"
EXPECTED = FIXTURES / "expected"
# : Where no server listens: for layouts that make no AWS call, so no sandbox needs
# starting.
UNUSED_ENDPOINT = "http://127.0.0.1:9"
CRAWL_PARAMS = [
    "--param",
    "WorkflowName=crawl",
    "--param",
    "IAMRole=GlueRole",
    "--param",
    "S3Paths=s3://raw/a/,s3://raw/b/,s3://other/c/",
    "--param",
    "DatabaseName=raw",
]
NIGHTLY_PARAMS = [
    "--param",
    "WorkflowName=nightly",
    "--param",
    "IAMRole=GlueRole",
    "--param",
    "ScriptBucket=etl-scripts",
    "--param",
    "InputDataLocation=s3://raw-data/orders/",
    "--param",
    "DatabaseName=sales",
]
FAN_IN_PARAMS = [
    "--param",
    "IAMRole=arn:aws:iam::123456789012:role/Glue",
    "--name-suffix",
    "abc",
]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the real CLI; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def blueprint(
    capsys: pytest.CaptureFixture[str], source: Path, out: Path, *options: str
) -> tuple[int, str, Path | None]:
    """Run ``glue-airflow blueprint``; return (exit code, stdout, the one file written
    or None)."""
    code, out_text, err = cli(
        capsys, "blueprint", str(source), "-o", str(out), *options
    )
    written = (
        sorted(out.glob("*.yaml")) + sorted(out.glob("*.json")) if out.is_dir() else []
    )
    assert len(written) <= 1, written
    return code, out_text + err, written[0] if written else None


def rendered(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    """``render --format json``, with each task's upstream as a set (their order follows
    the trigger order)."""
    code, out, err = cli(capsys, "render", str(path), "--format", "json")
    assert code == 0, out + err
    result: dict[str, Any] = json.loads(out)
    for task in result["tasks"]:
        task["upstream"] = sorted(task["upstream"])
    result["tasks"].sort(key=lambda task: task["task_id"])
    return result


def triggers(path: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load(path.read_text())["Triggers"]
    return loaded


def assert_equivalent(
    capsys: pytest.CaptureFixture[str], written: Path, expected: Path
) -> None:
    """The written file validates and compiles exactly as the hand-written expected
    definition."""
    code, out, err = cli(capsys, "validate", str(written))
    assert code == 0, out + err
    assert rendered(capsys, written) == rendered(capsys, expected)
    by_name = {t["Name"]: t for t in triggers(expected)}
    assert {t["Name"]: t for t in triggers(written)} == by_name


def condition(kind: str, name: str, state: str) -> dict[str, str]:
    key, state_key = (
        ("JobName", "State") if kind == "job" else ("CrawlerName", "CrawlState")
    )
    return {"LogicalOperator": "EQUALS", key: name, state_key: state}


def conditional(
    workflow: str,
    entity: str,
    kind: str,
    conditions: list[dict[str, str]],
    logical: str | None = None,
) -> dict[str, Any]:
    """A trigger as ``Entities._extract_triggers`` makes it for an entity with DependsOn
    (docs/semantics.md#how-dependson-becomes-triggers)."""
    predicate: dict[str, Any] = {"Conditions": conditions}
    if logical:
        predicate["Logical"] = logical
    action = {"JobName": entity} if kind == "job" else {"CrawlerName": entity}
    return {
        "WorkflowName": workflow,
        "Type": "CONDITIONAL",
        "Name": f"{workflow}_{entity}_trigger",
        "Predicate": predicate,
        "StartOnCreation": True,
        "Actions": [action],
    }


@pytest.mark.endpoint
def test_crawl_s3_locations_collection_parameter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output, written = blueprint(
        capsys, FIXTURES / "crawl_s3_locations", tmp_path, *CRAWL_PARAMS
    )
    assert code == 0, output
    assert written is not None and written.name == "crawl.yaml"
    assert_equivalent(capsys, written, EXPECTED / "crawl.yaml")
    # The library's order: crawler triggers, then job triggers, then the starting
    # trigger; one crawler per path.
    assert triggers(written) == [
        conditional(
            "crawl",
            "crawl_crawler_1_",
            "crawler",
            [condition("crawler", "crawl_crawler_0_", "SUCCEEDED")],
        ),
        conditional(
            "crawl",
            "crawl_crawler_2_",
            "crawler",
            [condition("crawler", "crawl_crawler_1_", "SUCCEEDED")],
        ),
        {
            "WorkflowName": "crawl",
            "Name": "crawl_starting_trigger",
            "Actions": [{"CrawlerName": "crawl_crawler_0_"}],
            "Type": "ON_DEMAND",
        },
    ]
    layout = "crawl_s3_locations/layout.py"
    assert (
        f"{layout}: generate_layout(): warning: side effects NOT made in AWS: "
        "glue:CreateDatabase x1" in output
    )
    assert (
        f"{layout}: Crawlers[crawl_crawler_0].Grouping: warning: Grouping is not a "
        "field" in output
    )
    assert "[layout] New database is created." in output
    assert "awsglue" not in sys.modules


@pytest.mark.endpoint
def test_zip_input_gives_the_same_definition(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = tmp_path / "crawl_s3_locations.zip"
    with zipfile.ZipFile(
        archive, "w"
    ) as zipped:  # as the README does: zip x.zip crawl_s3_locations/*
        for file in sorted((FIXTURES / "crawl_s3_locations").iterdir()):
            zipped.write(file, f"crawl_s3_locations/{file.name}")
    code, output, written = blueprint(
        capsys, archive, tmp_path / "from-zip", *CRAWL_PARAMS
    )
    assert code == 0, output
    assert written is not None
    assert (
        f"{archive}/crawl_s3_locations/layout.py: generate_layout(): warning: side "
        "effects" in output
    )
    assert_equivalent(capsys, written, EXPECTED / "crawl.yaml")


@pytest.mark.endpoint
def test_scheduled_start_crawler_then_job_with_s3_upload(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output, written = blueprint(
        capsys, FIXTURES / "scheduled_etl", tmp_path, *NIGHTLY_PARAMS
    )
    assert code == 0, output
    assert written is not None
    assert_equivalent(capsys, written, EXPECTED / "nightly.yaml")
    assert triggers(written) == [
        conditional(
            "nightly",
            "nightly_etl_",
            "job",
            [condition("crawler", "nightly_crawler_", "SUCCEEDED")],
        ),
        {
            "WorkflowName": "nightly",
            "Name": "nightly_starting_trigger",
            "Actions": [{"CrawlerName": "nightly_crawler_"}],
            "Type": "SCHEDULED",
            "Schedule": "cron(0 2 * * ? *)",
            "StartOnCreation": True,
        },
    ]
    assert rendered(capsys, written)["schedule"]["kind"] != "manual"
    assert (
        "side effects NOT made in AWS: glue:CreateDatabase x1, s3:PutObject x2"
        in output
    )
    assert "Jobs[nightly_etl].Description: warning: Description is dropped" in output
    assert "Jobs[nightly_etl].MaxRetries: warning: MaxRetries = 0 is dropped" in output
    document = yaml.safe_load(written.read_text())
    assert (
        "Description" not in document["Jobs"][0]
        and "MaxRetries" not in document["Jobs"][0]
    )


def test_and_any_dependencies_and_name_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output, written = blueprint(
        capsys,
        FIXTURES / "fan_in",
        tmp_path,
        *FAN_IN_PARAMS,
        "--endpoint-url",
        UNUSED_ENDPOINT,
    )
    assert code == 0, output
    assert written is not None
    assert "warning:" not in output  # no AWS call, no dropped field, a suffix given
    assert_equivalent(capsys, written, EXPECTED / "fan_in.yaml")
    assert triggers(written)[:3] == [
        conditional(
            "fan_in",
            "merge_abc",
            "job",
            [
                condition("crawler", "orders_abc", "SUCCEEDED"),
                condition("crawler", "customers_abc", "SUCCEEDED"),
            ],
            "AND",
        ),
        conditional(
            "fan_in",
            "report_abc",
            "job",
            [
                condition("crawler", "customers_abc", "FAILED"),
                condition("job", "merge_abc", "SUCCEEDED"),
            ],
            "ANY",
        ),
        conditional(
            "fan_in", "notify_abc", "job", [condition("job", "report_abc", "SUCCEEDED")]
        ),
    ]
    assert (
        yaml.safe_load(written.read_text())["Jobs"][1]["Description"]
        == "kept: lower-case key"
    )
    # What the generated definition means: the ANY trigger fires on the crawler's
    # failure; AND does not.
    code, out, err = cli(
        capsys, "simulate", str(written), "--outcome", "customers_abc=FAILED", "--json"
    )
    assert code == 0, out + err
    nodes = json.loads(out)["nodes"]
    assert nodes["merge_abc"]["order"] is None
    assert (
        nodes["report_abc"]["order"] is not None
        and nodes["notify_abc"]["order"] is not None
    )


def test_event_start_with_a_queue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    queue = "http://127.0.0.1:9/123456789012/fan-in-events"
    code, output, written = blueprint(
        capsys,
        FIXTURES / "fan_in",
        tmp_path,
        *FAN_IN_PARAMS,
        "--param",
        "StartMode=EVENT",
        "--endpoint-url",
        UNUSED_ENDPOINT,
        "--event-queue-url",
        queue,
    )
    assert code == 0, output
    assert written is not None
    assert triggers(written)[-1] == {
        "WorkflowName": "fan_in",
        "Name": "fan_in_starting_trigger",
        "Type": "EVENT",
        "EventBatchingCondition": {"BatchSize": 1},
        "Actions": [{"CrawlerName": "orders_abc"}, {"CrawlerName": "customers_abc"}],
    }
    assert yaml.safe_load(written.read_text())["Airflow"] == {"event_queue_url": queue}
