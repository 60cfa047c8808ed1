"""The public Python surface of glue-airflow: users import these names and nothing else.

- ``load_dags(globals(), folder)``: one DAG per definition file under ``folder`` (what the shipped
  ``dags/glue_workflows.py`` calls).
- ``workflow_dag(path)``: the DAG of one definition file, for a Python DAG file that adds tasks of its own.
- ``check_paths(paths)``: check definition files and folders as ``glue-airflow validate`` does.
- ``GlueWorkflowTaskGroup(group_id=..., definition=...)``: one workflow's tasks as a TaskGroup of any DAG.
- ``get_run_properties()`` / ``put_run_properties()``: run properties from a Python task of such a DAG.

``GlueWorkflowTaskGroup`` is a TaskGroup, so naming it imports Airflow; the other names do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glue_workflow_provider.compile.checking import entry_of
from glue_workflow_provider.compile.dag_ids import assign_dag_ids
from glue_workflow_provider.compile.discovery import definition_files
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.loader import LoadReport, claim_of, diagnostics_of, load_dags
from glue_workflow_provider.model.diagnostics import Diagnostic
from glue_workflow_provider.sources.definition_file import load_definition

if TYPE_CHECKING:  # imported when first named (module __getattr__ below): it subclasses Airflow's TaskGroup
    from glue_workflow_provider.compile.task_group import GlueWorkflowTaskGroup

__all__ = [
    "CheckedFile",
    "GlueWorkflowTaskGroup",
    "LoadReport",
    "check_paths",
    "get_run_properties",
    "load_dags",
    "put_run_properties",
    "workflow_dag",
]


@dataclass(frozen=True)
class CheckedFile:
    """One definition file checked as the loader checks it: its diagnostics and, when valid, its plan."""

    shown: str
    diagnostics: tuple[Diagnostic, ...]
    plan: DagPlan | None


def check_paths(paths: list[str | Path]) -> list[CheckedFile]:
    """Check definition files and folders of them (``glue-airflow validate``), each file once; two files
    claiming one dag_id are reported exactly as the loader reports them (GWF018)."""
    files: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        for path in definition_files(root) if root.is_dir() else [root]:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    entries = [(str(path), entry_of(load_definition(path))) for path in files]
    assignment = assign_dag_ids(claim_of(shown, entry) for shown, entry in entries)
    checked = []
    for shown, entry in entries:
        diagnostics = diagnostics_of(entry, shown, assignment)
        plan = entry.plan if shown not in assignment.placeholders else None
        checked.append(CheckedFile(shown, diagnostics, plan))
    return checked


def workflow_dag(path: str | Path) -> Any:
    """The DAG of one definition file, for a Python DAG file that adds tasks of its own.

    Raises DefinitionError with every problem when the definition is invalid.
    """
    from glue_workflow_provider.compile.dag_builder import build_dag

    (checked,) = check_paths([path])
    if checked.plan is None:
        raise DefinitionError([d for d in checked.diagnostics if d.is_error])
    return build_dag(checked.plan)


def __getattr__(name: str) -> Any:
    """``GlueWorkflowTaskGroup``, imported when first named (it subclasses Airflow's TaskGroup)."""
    if name == "GlueWorkflowTaskGroup":
        from glue_workflow_provider.compile.task_group import GlueWorkflowTaskGroup

        return GlueWorkflowTaskGroup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_run_properties(context: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The run properties a Python task of a compiled workflow DAG sees (as a Glue job would)."""
    from glue_workflow_provider.runtime import run_properties

    return run_properties.get_run_properties(context)


def put_run_properties(values: Mapping[str, str], context: Mapping[str, Any] | None = None) -> None:
    """Add or override run properties for the tasks that start after this one (as a Glue job would)."""
    from glue_workflow_provider.runtime import run_properties

    run_properties.put_run_properties(values, context)
