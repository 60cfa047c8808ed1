"""``aws glue get-workflow --name NAME --include-graph`` documents -> definitions that behave as the graph means."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.migration.cli import GET_WORKFLOW, assert_equivalent, convert, ran, simulated

DAILY = GET_WORKFLOW / "daily_orders.json"
OUTCOMES = [
    {},
    {"extract-orders": "FAILED"},
    {"orders-crawler": "FAILED"},
    {"audit-orders": "FAILED"},
    {"aggregate-orders": "TIMEOUT"},
    {"orders-crawler": "FAILED", "audit-orders": "STOPPED"},
]


def test_get_workflow_document_converts_to_its_graph(tmp_path: Path) -> None:
    result, written = convert(tmp_path, DAILY)
    assert result.code == 0, result.stdout
    assert list(written) == ["daily-orders.yaml"]
    assert_equivalent(written["daily-orders.yaml"], GET_WORKFLOW / "daily_orders.expected.yaml", OUTCOMES)
    assert result.lines == [
        f"{DAILY}: Workflow.Graph: warning: a get-workflow response holds no job or crawler specs (and its run "
        "history is not taken over); use 'glue-airflow export' to carry the Jobs and Crawlers specs too"
    ]


def test_run_history_and_read_only_fields_are_left_out(tmp_path: Path) -> None:
    _, written = convert(tmp_path, DAILY)
    document = yaml.safe_load(written["daily-orders.yaml"].read_text())
    assert set(document) == {"Workflow", "Triggers"}
    assert set(document["Workflow"]) == {"Name", "Description", "DefaultRunProperties", "MaxConcurrentRuns"}
    assert [t["Name"] for t in document["Triggers"]] == [
        "daily-orders-start", "orders-extracted", "orders-crawled", "orders-alert",
    ]


def test_the_alert_fires_on_any_listed_failure(tmp_path: Path) -> None:
    _, written = convert(tmp_path, DAILY)
    definition = written["daily-orders.yaml"]
    crawl_failed = ran(simulated(definition, {"orders-crawler": "FAILED"}))
    assert crawl_failed == {
        "extract-orders": "SUCCEEDED", "orders-crawler": "FAILED", "audit-orders": "SUCCEEDED",
        "page-on-call": "SUCCEEDED",
    }
    assert "page-on-call" not in ran(simulated(definition, {"audit-orders": "FAILED"}))


def test_json_output_format(tmp_path: Path) -> None:
    result, written = convert(tmp_path, DAILY, "--format", "json")
    assert result.code == 0
    assert list(written) == ["daily-orders.json"]
    assert json.loads(written["daily-orders.json"].read_text())["Workflow"]["Name"] == "daily-orders"
    assert_equivalent(written["daily-orders.json"], GET_WORKFLOW / "daily_orders.expected.yaml", OUTCOMES[:2])


def test_detected_by_content_whatever_the_suffix(tmp_path: Path) -> None:
    renamed = tmp_path / "daily-orders-response.txt"
    renamed.write_text(DAILY.read_text())
    result, written = convert(tmp_path / "out", renamed)
    assert result.code == 0, result.stdout
    assert list(written) == ["daily-orders.yaml"]


def test_a_workflow_without_its_graph_is_refused(tmp_path: Path) -> None:
    document = json.loads(DAILY.read_text())
    del document["Workflow"]["Graph"]
    source = tmp_path / "no-graph.json"
    source.write_text(json.dumps(document))
    result, written = convert(tmp_path / "out", source)
    assert result.code == 1
    assert written == {}
    assert result.lines == [
        f"{source}: Workflow: a get-workflow document without its graph: run 'aws glue get-workflow --name NAME "
        "--include-graph' (the graph holds the triggers)"
    ]
