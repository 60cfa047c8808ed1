"""The model, sources, semantics and planner never import Airflow (STYLE.md §5, conventions 1 and 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

AIRFLOW_FREE = (
    "glue_workflow_provider.model.workflow",
    "glue_workflow_provider.model.validation",
    "glue_workflow_provider.sources.definition_file",
    "glue_workflow_provider.semantics.simulator",
    "glue_workflow_provider.compile.planner",
    "glue_workflow_provider.compile.render",
    "glue_workflow_provider.compile.checking",
    "glue_workflow_provider.compile.dag_ids",
    "glue_workflow_provider.compile.discovery",
    "glue_workflow_provider.semantics.trigger_table",
    "glue_workflow_provider.runtime.pruning",
    "glue_workflow_provider.sources.aws_account",
    "glue_workflow_provider.sources.secret_names",
    "glue_workflow_provider.sources.cloudformation",
    "glue_workflow_provider.sources.terraform",
    "glue_workflow_provider.sources.blueprint.package",
    "glue_workflow_provider.sources.blueprint.parameters",
    "glue_workflow_provider.sources.blueprint.authored",
    "glue_workflow_provider.sources.blueprint.runner",
    "glue_workflow_provider.runtime.events",
    "glue_workflow_provider.jobside.glue_airflow_run_properties",
)

#: The model layer is pure: no airflow, boto3 or yaml (STYLE.md §5 layout).
MODEL = (
    "glue_workflow_provider.model.workflow",
    "glue_workflow_provider.model.validation",
    "glue_workflow_provider.model.schedule",
    "glue_workflow_provider.model.schedule_description",
    "glue_workflow_provider.model.graph",
    "glue_workflow_provider.model.states",
)


def imported_top_level_packages(modules: tuple[str, ...]) -> set[str]:
    """Import ``modules`` in a fresh interpreter and return the top-level names then in ``sys.modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


def test_model_sources_semantics_and_planner_do_not_import_airflow() -> None:
    loaded = imported_top_level_packages(AIRFLOW_FREE)
    assert "glue_workflow_provider" in loaded  # the imports really happened
    assert "airflow" not in loaded


@pytest.mark.parametrize("module", AIRFLOW_FREE)
def test_each_module_alone_does_not_import_airflow(module: str) -> None:
    assert "airflow" not in imported_top_level_packages((module,))


def test_model_imports_no_airflow_boto3_or_yaml() -> None:
    loaded = imported_top_level_packages(MODEL)
    assert not loaded & {"airflow", "boto3", "botocore", "yaml"}
