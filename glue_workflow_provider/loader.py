"""Build one Airflow DAG per definition file in a folder, isolating failures (the ``dags/`` loader's engine).

Never calls AWS. A broken definition is logged, problem by problem, and registered as a placeholder DAG
(no schedule, tagged ``invalid-definition``, its problems in the description, the docs and a task that fails
with them) so it is visible in the UI while every other DAG keeps loading. Set ``GLUE_AIRFLOW_STRICT=1`` to
raise instead, so the loader file shows as an import error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glue_workflow_provider.compile.naming import airflow_id
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.model.diagnostics import Diagnostic, error
from glue_workflow_provider.sources.definition_file import SUFFIXES, LoadResult, load_definition

log = logging.getLogger(__name__)
STRICT_ENV = "GLUE_AIRFLOW_STRICT"
LOADER_FILE_NAME = "glue_workflows.py"
#: The loader DAG file, as shipped in ``dags/glue_workflows.py`` (a test keeps the two identical).
LOADER_FILE_SOURCE = '''"""Airflow DAG loader: one DAG per AWS Glue workflow definition (*.json, *.yaml, *.yml) under ./workflows.

Copy this file into any Airflow dags folder, next to a ``workflows/`` folder of definitions. It never calls
AWS while the dag processor parses it. A broken definition becomes a paused placeholder DAG, tagged
``invalid-definition``, that lists its problems; every other definition keeps loading.
"""

from pathlib import Path

from glue_workflow_provider.loader import load_dags

load_dags(globals(), Path(__file__).parent / "workflows")
'''


@dataclass
class LoadReport:
    """What a folder gave: DAG ids built, and the problems of the definitions that could not be."""

    dags: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)


def definition_files(folder: str | Path) -> list[Path]:
    """Every ``*.json``, ``*.yaml`` and ``*.yml`` file under ``folder``, in a stable order."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def load_dags(namespace: MutableMapping[str, Any], folder: str | Path, *, strict: bool | None = None) -> LoadReport:
    """Build a DAG for each definition under ``folder`` and put it in ``namespace`` (a DAG file's globals)."""
    from glue_workflow_provider.compile.dag_builder import build_dag, build_invalid_dag

    strict = _strict() if strict is None else strict
    report = LoadReport()
    owners: dict[str, str] = {}
    for path in definition_files(folder):
        checked = check_file(path, _shown_path(path, folder), owners)
        for warning in (d for d in checked.diagnostics if not d.is_error):
            log.warning("Glue workflow definition: %s", warning)
        if checked.plan is not None and checked.result.definition is not None:
            report.dags[checked.plan.dag_id] = build_dag(checked.plan, checked.result.definition)
            continue
        errors = tuple(d for d in checked.diagnostics if d.is_error)
        report.invalid[checked.shown] = errors
        for problem in errors:
            log.error("Invalid Glue workflow definition: %s", problem)
        if not strict:
            placeholder = build_invalid_dag(_placeholder_id(checked.result, checked.shown, owners), checked.shown, errors)
            owners[placeholder.dag_id] = checked.shown
            report.dags[placeholder.dag_id] = placeholder
    if strict and report.invalid:
        raise DefinitionError([p for problems in report.invalid.values() for p in problems])
    namespace.update({f"glue_workflow__{dag_id}": dag for dag_id, dag in report.dags.items()})
    return report


def workflow_dag(path: str | Path) -> Any:
    """The DAG of one definition file, for a Python DAG file that adds tasks of its own.

    Raises DefinitionError with every problem when the definition is invalid. In a Python task of that DAG,
    ``glue_workflow_provider.runtime.run_properties.get_run_properties()`` / ``put_run_properties()`` read
    and put run properties the way the Glue jobs do.
    """
    from glue_workflow_provider.compile.dag_builder import build_dag

    checked = check_file(Path(path), str(path), {})
    if checked.plan is None or checked.result.definition is None:
        raise DefinitionError([d for d in checked.diagnostics if d.is_error])
    return build_dag(checked.plan, checked.result.definition)


@dataclass(frozen=True)
class CheckedFile:
    """One definition file checked as the loader checks it: its diagnostics and, when valid, its plan."""

    shown: str
    result: LoadResult
    diagnostics: tuple[Diagnostic, ...]
    plan: DagPlan | None


def check_file(path: Path, shown: str, owners: dict[str, str]) -> CheckedFile:
    """Validate and plan one file; ``owners`` (dag_id -> file) catches two files claiming one dag_id."""
    result = load_definition(path)
    diagnostics = tuple(d.in_file(shown) for d in result.diagnostics)
    if not result.ok or result.definition is None:
        return CheckedFile(shown, result, diagnostics, None)
    planned = plan_workflow(result.definition)
    if planned.plan is None:
        return CheckedFile(shown, result, diagnostics + tuple(d.in_file(shown) for d in planned.diagnostics), None)
    if planned.plan.dag_id in owners:
        clash = error(
            "GWF018",
            "Airflow.dag_id",
            f"dag_id '{planned.plan.dag_id}' is already used by {owners[planned.plan.dag_id]}; "
            "set a different Airflow.dag_id or rename the workflow",
        ).in_file(shown)
        return CheckedFile(shown, result, diagnostics + (clash,), None)
    owners[planned.plan.dag_id] = shown
    return CheckedFile(shown, result, diagnostics, planned.plan)


def check_paths(paths: list[str | Path]) -> list[CheckedFile]:
    """Check definition files and folders of them (``glue-airflow validate``), each file once."""
    owners: dict[str, str] = {}
    checked: list[CheckedFile] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        for path in definition_files(root) if root.is_dir() else [root]:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                checked.append(check_file(path, str(path), owners))
    return checked


def _placeholder_id(result: LoadResult, shown: str, owners: dict[str, str]) -> str:
    """The dag_id the definition meant, when it can be read and is free; else one made from the file name.

    Taking the meant id replaces a once-valid DAG by the placeholder, so a broken edit stops its schedule.
    """
    intended = _intended_dag_id(result.document)
    if intended and intended not in owners:
        return intended
    return airflow_id(f"invalid__{shown}")


def _intended_dag_id(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    settings = document.get("Airflow")
    if isinstance(settings, dict) and isinstance(settings.get("dag_id"), str) and settings["dag_id"]:
        return airflow_id(settings["dag_id"])
    header = document.get("Workflow")
    name = header.get("Name") if isinstance(header, dict) else None
    return airflow_id(name) if isinstance(name, str) and name else None


def _shown_path(path: Path, folder: str | Path) -> str:
    """The file as users know it: relative to the folder's parent (``workflows/month_close.yaml``)."""
    root = Path(folder)
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")
