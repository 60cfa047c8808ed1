"""Helpers for the loader tests: a dags folder with the loader file and chosen definitions, a real DagBag of it,
and DAGs reduced to what the scheduler gets (their serialised form) plus the runtime objects behind the tasks."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE

REPO = Path(__file__).resolve().parents[2]
#: Committed definitions covering every way a trigger compiles.
DEFINITIONS = (
    REPO / "dags" / "workflows" / "month_close.yaml",
    REPO / "dags" / "workflows" / "data_vault_load.yaml",
    REPO / "tests" / "fixtures" / "any_failures.yaml",
    REPO / "tests" / "fixtures" / "failure_and.yaml",
    REPO / "tests" / "fixtures" / "mixed_and.yaml",
    REPO / "tests" / "fixtures" / "multi_trigger.yaml",
)

BROKEN = """
Workflow:
  Name: broken-flow
Triggers:
  - Name: start
    Type: SCHEDULED
    Schedule: cron(0 12 * * * *)
    Actions: [{JobName: a}]
"""

#: Valid, with a warning (GWF040: StartOnCreation on an ON_DEMAND trigger).
WARNED = """
Workflow: {Name: warned-flow}
Triggers:
  - {Name: go, Type: ON_DEMAND, StartOnCreation: true, Actions: [{JobName: only}]}
"""

AN_HOUR_AGO = time.time() - 3600


def dags_folder(tmp_path: Path, extra: dict[str, str] | None = None, *, old: bool = True) -> Path:
    """``tmp_path/dags`` with the loader file and a ``workflows/`` folder of definitions.

    :param old: Date every definition an hour back, as files are in a deployment (the index trusts them).
    """
    folder = tmp_path / "dags"
    workflows = folder / "workflows"
    workflows.mkdir(parents=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for path in DEFINITIONS:
        shutil.copyfile(path, workflows / path.name)
    for name, text in (extra or {}).items():
        (workflows / name).parent.mkdir(parents=True, exist_ok=True)
        (workflows / name).write_text(text)
    if old:
        for path in workflows.rglob("*"):
            os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return folder


def bag(folder: Path) -> Any:
    """A real DagBag of ``folder`` (the DAG processor's view)."""
    from tests.airflow_compat import dag_bag as DagBag

    return DagBag(str(folder), bundle_path=folder, bundle_name="tests")


def serialised(dag: Any) -> dict[str, Any]:
    """What the scheduler gets of ``dag`` (file location aside), in a comparable form."""
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    data = DagSerialization.to_dict(dag)["dag"]
    for key in ("fileloc", "relative_fileloc", "_processor_dags_folder"):
        data.pop(key, None)
    data["tasks"] = sorted(json.dumps(task, sort_keys=True) for task in data["tasks"])
    return data


def runtimes(dag: Any) -> list[tuple[str, Any]]:
    """(task id, plan) of each node task's shared WorkflowRuntime (not part of the serialised DAG)."""
    found = []
    for task in sorted(dag.tasks, key=lambda t: t.task_id):
        runtime = getattr(task, "runtime", None)
        if runtime is not None:
            found.append((task.task_id, runtime.plan))
    return found


def same_dags(first: Any, second: Any) -> bool:
    """Whether two DagBags hold the same DAGs, task for task, runtime objects included."""
    if set(first.dags) != set(second.dags):
        return False
    return all(
        serialised(first.dags[d]) == serialised(second.dags[d]) and runtimes(first.dags[d]) == runtimes(second.dags[d])
        for d in first.dags
    )
