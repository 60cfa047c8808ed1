"""Terraform as people write it (issue 22), through the real ``glue-airflow convert``: triggers joining a
workflow another root declares, a reusable step module (trigger type computed in locals, ``dynamic``
predicate with ``for_each = []`` for its first caller), and a lone ``*.tfvars`` Terraform does not load.
Each is a minimal root in the shape met in public configurations.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.migration.cli import FIXTURES, convert, graph, validates

TF = FIXTURES / "terraform"


def document(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(path.read_text())
    return loaded


def test_triggers_of_a_workflow_declared_in_another_root_still_give_it(tmp_path: Path) -> None:
    source = TF / "external_workflow"
    result, written = convert(tmp_path, source)
    assert result.code == 0, result.stdout + result.stderr
    assert "no Glue workflow found" not in result.stderr
    assert list(written) == ["orders-prod-workflow.yaml"]
    definition = written["orders-prod-workflow.yaml"]
    assert validates(definition)
    assert document(definition)["Workflow"] == {"Name": "orders-prod-workflow"}
    assert [t["Name"] for t in document(definition)["Triggers"]] == [  # type: ignore[attr-defined]
        "orders-prod-start", "orders-prod-after-extract",
    ]
    assert graph(definition)["schedule"]["expression"] == "cron(0 2 * * ? *)"
    assert (
        f"{source}/main.tf: aws_glue_trigger.start.workflow_name: warning: workflow 'orders-prod-workflow' is "
        "declared in no file read here: its triggers make a definition named 'orders-prod-workflow' without the "
        "workflow's own Description, DefaultRunProperties and MaxConcurrentRuns; convert the root that declares "
        "it together with this one, or add them to the written file"
    ) in result.lines


def test_a_workflow_name_resolved_in_part_is_kept_as_far_as_it_resolves(tmp_path: Path) -> None:
    source = TF / "unresolved_external"
    result, written = convert(tmp_path, source)
    assert result.code == 0, result.stdout + result.stderr
    (definition,) = written.values()
    assert document(definition)["Workflow"] == {"Name": "${var.project}-ingest"}
    assert any(
        line.startswith(f"{source}/main.tf: aws_glue_trigger.start.workflow_name: warning: workflow "
                        "'${var.project}-ingest' is declared in no file read here (its name is not fully known: "
                        "var.project has no value: give it a default or a tfvars entry, --var-file or --var "
                        "(project=VALUE))")
        for line in result.lines
    )
    named, named_files = convert(tmp_path / "named", source, "--var", "project=sales")
    assert named.code == 0 and list(named_files) == ["sales-ingest.yaml"]


def test_a_step_module_with_computed_types_and_empty_dynamic_predicates(tmp_path: Path) -> None:
    result, written = convert(tmp_path, TF / "step_module")
    assert result.code == 0 and result.lines == [], result.stdout + result.stderr
    definition = written["etl-steps.yaml"]
    assert validates(definition)
    triggers = {t["Name"]: t for t in document(definition)["Triggers"]}  # type: ignore[attr-defined]
    assert triggers["etl-steps-extract"]["Type"] == "SCHEDULED"
    assert "Predicate" not in triggers["etl-steps-extract"]
    assert triggers["etl-steps-report"]["Predicate"]["Conditions"] == [
        {"JobName": "load", "State": "SUCCEEDED"}, {"JobName": "extract", "State": "SUCCEEDED"},
    ]
    upstream = {task["task_id"]: set(task["upstream"]) for task in graph(definition)["tasks"]}
    assert upstream["load"] == {"extract"} and upstream["report"] == {"load", "extract"}


def test_a_lone_tfvars_is_named_with_the_var_file_that_passes_it(tmp_path: Path) -> None:
    source = TF / "lone_tfvars"
    result, _ = convert(tmp_path, source)
    hint = (
        f"prod.tfvars in {source} sets it, but Terraform loads only terraform.tfvars and *.auto.tfvars by "
        f"itself; give --var-file {source}/prod.tfvars"
    )
    assert any(
        line.startswith(f"{source}/main.tf: aws_glue_workflow.this.name: warning: var.workflow_name has no value: "
                        + hint)
        for line in result.lines
    ), result.lines
    assert any(f"var.schedule has no value: {hint}; left out" in line for line in result.lines)
    given, written = convert(tmp_path / "given", source, "--var-file", source / "prod.tfvars")
    assert given.code == 0 and given.lines == [], given.stdout
    assert list(written) == ["nightly-prod.yaml"]
