"""The ``terraform show -json`` reader: a state and a plan document written for the tests in Terraform's shape,
converted, written, and checked through validate, render and simulate against a hand-written definition."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.sources.terraform import read_terraform_show
from tests.migration.test_terraform import FIXTURES, assert_equivalent, edges, outcomes, simulation, write

STATE = FIXTURES / "show-state.json"
PLAN = FIXTURES / "show-plan.json"
NODES = ["orders-extract", "orders-load"]
COMBOS = outcomes(NODES, ("FAILED", "TIMEOUT")) + [{"orders-crawler": "CANCELLED"}, {"orders-crawler": "FAILED"}]


def _load(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_a_state_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversion = read_terraform_show(str(STATE), _load(STATE))
    assert [(w.name, w.file, w.place) for w in conversion.workflows] == [
        ("orders", str(STATE), "aws_glue_workflow.orders")
    ]
    assert [str(n) for n in conversion.notices] == [
        f"{STATE}: aws_glue_trigger.adhoc: warning: the trigger belongs to no workflow (no workflow_name): not "
        "converted"
    ]
    written = write(conversion, tmp_path)
    assert_equivalent(capsys, written["orders"], FIXTURES / "expected" / "orders.yaml", tmp_path, COMBOS)
    assert edges(capsys, written["orders"]) == {
        "orders-extract": set(),
        "orders-load": {"orders-extract"},
        "orders-crawler": {"orders-extract"},
        "orders-cleanup": {"orders-extract", "orders-load", "orders-crawler"},
        "orders-archive": set(),  # its only trigger is disabled (State DEACTIVATED): it never runs
    }
    run = simulation(capsys, written["orders"], {})
    assert {name: node["order"] is not None for name, node in run["nodes"].items()} == {
        "orders-extract": True, "orders-load": True, "orders-crawler": True,
        "orders-cleanup": False, "orders-archive": False,
    }


def test_a_plan_document_reports_what_is_known_only_after_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conversion = read_terraform_show(str(PLAN), _load(PLAN))
    assert [str(n).replace(f"{PLAN}: ", "") for n in conversion.notices] == [
        "aws_glue_trigger.adhoc: warning: the trigger belongs to no workflow (no workflow_name): not converted",
        'aws_glue_job.stage["extract"].default_arguments["--bucket"]: warning: the plan knows '
        'aws_glue_job.stage["extract"].default_arguments["--bucket"] only after \'terraform apply\'; left out',
        'aws_glue_job.stage["load"].role_arn: warning: the plan knows aws_glue_job.stage["load"].role_arn only '
        "after 'terraform apply'; left out",
    ]
    document = conversion.workflows[0].document
    assert "Role" not in document["Jobs"][1]
    assert document["Jobs"][0]["DefaultArguments"] == {"--job-language": "python"}
    written = write(conversion, tmp_path)
    state_written = write(read_terraform_show(str(STATE), _load(STATE)), tmp_path / "state")
    assert edges(capsys, written["orders"]) == edges(capsys, state_written["orders"])


def test_an_event_start_in_a_state_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _load(STATE)
    resources = document["values"]["root_module"]["resources"]
    nightly = next(r for r in resources if r["address"] == "aws_glue_trigger.nightly")
    nightly["values"].update(
        type="EVENT", schedule="", state="CREATED",
        event_batching_condition=[{"batch_size": 5, "batch_window": 120}],
    )
    conversion = read_terraform_show("state.json", document)
    trigger = conversion.workflows[0].document["Triggers"][0]
    assert trigger == {
        "Name": "orders-nightly",
        "Type": "EVENT",
        "Actions": [{"JobName": "orders-extract", "Arguments": {"--day": "today"}}],
        "EventBatchingCondition": {"BatchSize": 5, "BatchWindow": 120},
        "StartOnCreation": True,
    }
    written = write(conversion, tmp_path, "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events")
    assert edges(capsys, written["orders"])["orders-load"] == {"orders-extract"}


def test_documents_without_values_fail() -> None:
    conversion = read_terraform_show("empty.json", {"format_version": "1.0"})
    assert conversion.failed and not conversion.workflows
    assert str(conversion.notices[0]).startswith("empty.json: (document): a 'terraform show -json' document has")


def test_data_sources_and_other_resources_are_ignored() -> None:
    document = copy.deepcopy(_load(STATE))
    root = document["values"]["root_module"]
    root["resources"] = [r for r in root["resources"] if not r["type"].startswith("aws_glue")]
    root["child_modules"] = []
    conversion = read_terraform_show("other.json", document)
    assert conversion.workflows == [] and conversion.notices == []
