"""The definition file's JSON Schema (``glue-airflow schema``): valid, Glue's PascalCase keys, accepts the examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.model.workflow import schema

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "dags" / "workflows").glob("*.yaml"))


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _errors(instance: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(instance)]


def _shape(name: str) -> dict[str, Any]:
    return schema()["$defs"][name]


def test_schema_is_json_serialisable_and_declares_draft_2020_12() -> None:
    document = schema()
    assert json.loads(json.dumps(document)) == document
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["type"] == "object"


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema())


def test_top_level_sections_are_glue_keys_and_workflow_is_required() -> None:
    document = schema()
    assert set(document["properties"]) == {"Workflow", "Triggers", "Jobs", "Crawlers", "Airflow"}
    assert document["required"] == ["Workflow"]
    assert document["additionalProperties"] is False


@pytest.mark.parametrize(
    ("shape", "keys"),
    [
        ("Workflow", {"Name", "Description", "DefaultRunProperties", "MaxConcurrentRuns", "Tags"}),
        ("Trigger", {"Name", "Type", "WorkflowName", "State", "Schedule", "Actions", "Predicate",
                     "EventBatchingCondition", "StartOnCreation", "Description", "Tags", "Id"}),
        ("Predicate", {"Logical", "Conditions"}),
        ("Condition", {"LogicalOperator", "JobName", "State", "CrawlerName", "CrawlState"}),
        ("Action", {"JobName", "CrawlerName", "Arguments", "Timeout", "SecurityConfiguration",
                    "NotificationProperty"}),
        ("EventBatchingCondition", {"BatchSize", "BatchWindow"}),
    ],
)
def test_glue_shapes_use_the_api_pascal_case_keys(shape: str, keys: set[str]) -> None:
    properties = set(_shape(shape)["properties"])
    assert properties == keys
    assert all(key[0].isupper() and "_" not in key for key in properties)


def test_required_fields_and_enums_follow_the_glue_api() -> None:
    assert set(_shape("Trigger")["required"]) == {"Name", "Type"}
    assert _shape("Workflow")["required"] == ["Name"]
    assert _shape("TriggerType")["enum"] == ["SCHEDULED", "CONDITIONAL", "ON_DEMAND", "EVENT"]
    assert _shape("Logical")["enum"] == ["AND", "ANY"]
    assert set(_shape("CrawlState")["enum"]) == {"RUNNING", "CANCELLING", "CANCELLED", "SUCCEEDED", "FAILED", "ERROR"}
    assert "SUCCEEDED" in _shape("JobRunState")["enum"] and "TIMEOUT" in _shape("JobRunState")["enum"]
    assert _shape("Condition")["properties"]["LogicalOperator"]["const"] == "EQUALS"


def test_predicate_caps_conditions_at_500() -> None:
    conditions = _shape("Predicate")["properties"]["Conditions"]
    assert conditions["maxItems"] == 500


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_shipped_examples_validate_against_the_schema(path: Path) -> None:
    assert _errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_blueprint_output_with_nulls_validates() -> None:
    document = {
        "Workflow": {"Name": "wf", "Description": None, "DefaultRunProperties": None, "Tags": None},
        "Jobs": [{"Name": "j_", "Role": "r", "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/j.py"}}],
        "Crawlers": [],
        "Triggers": [{"WorkflowName": "wf", "Name": "wf_starting_trigger", "Type": "ON_DEMAND",
                      "Actions": [{"JobName": "j_"}]}],
    }
    assert _errors(document) == []


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"Workflow": {"Name": "w"}, "Triggers": [{"Name": "s", "Type": "BOGUS"}]}, "['Triggers', 0, 'Type']"),
        ({"Workflow": {"Name": "w"}, "Triggers": [{"name": "s", "type": "ON_DEMAND"}]}, "['Triggers', 0]"),
        ({"Workflow": {"Name": "w"}, "Triggers": [{"Name": "s", "Type": "ON_DEMAND",
                                                   "Actions": [{"JobName": "a", "Timeout": 0}]}]},
         "['Triggers', 0, 'Actions', 0, 'Timeout']"),
        ({"Workflow": {"Name": "w", "DefaultRunProperties": {"k": 1}}}, "['Workflow', 'DefaultRunProperties']"),
        ({"Triggers": []}, "[]"),
    ],
)
def test_schema_rejects_invalid_documents_at_the_right_place(document: dict[str, Any], where: str) -> None:
    errors = _errors(document)
    assert errors and any(e.startswith(where) for e in errors), errors
