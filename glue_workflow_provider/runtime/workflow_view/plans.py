"""A DAG's compiled plans, found by running the DAG's file (the loader and its plan cache; never AWS).

The serialized DAG does not carry the trigger table, so the workflow view (in the API server) and the notes
listener (in the scheduler) run the DAG file the DAG processor parsed (its ``fileloc``) as the manual-mark
listener does, and take the plan from each ``WorkflowRuntime`` its node tasks share (a DAG embedding workflow
task groups has one per group). Files are re-run at most every ``TTL_SECONDS`` per file, so a page reflects
an edited definition about as soon as the DAG processor does, and runs ending together cost one run of the
file. The file must be on that process's disk (docs/workflow-view.md, "Limits").
"""

from __future__ import annotations

import logging
import runpy
import threading
import time
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.runtime.node_state import WorkflowRuntime

log = logging.getLogger(__name__)

TTL_SECONDS = 30.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, list[DagPlan]]]] = {}


def plans_in(namespace: dict[str, Any]) -> dict[str, list[DagPlan]]:
    """The plans of every Glue workflow DAG among a DAG file's globals (one per workflow it holds), by dag_id."""
    plans: dict[str, list[DagPlan]] = {}
    for value in namespace.values():
        runtimes: dict[int, WorkflowRuntime] = {}
        for task in getattr(value, "task_dict", {}).values():
            runtime = getattr(task, "runtime", None)
            if isinstance(runtime, WorkflowRuntime):
                runtimes.setdefault(id(runtime), runtime)
        if runtimes:
            plans[str(value.dag_id)] = [runtime.plan for runtime in runtimes.values()]
    return plans


def plan_of(dag_id: str, fileloc: str) -> DagPlan | None:
    """The plan of ``dag_id`` defined in ``fileloc`` (its first workflow's); None when that file has no Glue
    workflow DAG by that id."""
    plans = plans_of(dag_id, fileloc)
    return plans[0] if plans else None


def plans_of(dag_id: str, fileloc: str) -> list[DagPlan]:
    """The plans of the workflows of ``dag_id`` defined in ``fileloc``; none when that file has no Glue workflow
    DAG by that id or cannot be run."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(fileloc)
    if cached is None or now - cached[0] > TTL_SECONDS:
        try:
            found = plans_in(runpy.run_path(fileloc))
        except Exception:
            log.exception("Could not run DAG file %s to read the plan of %s", fileloc, dag_id)
            return []
        with _lock:
            _cache[fileloc] = (now, found)
        cached = (now, found)
    return cached[1].get(dag_id, [])
