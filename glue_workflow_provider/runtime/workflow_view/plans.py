"""A DAG's compiled plan, found by running the DAG's file (the loader and its plan cache; never AWS).

The serialized DAG does not carry the trigger table, so the view runs the DAG file the DAG processor parsed
(its ``fileloc``, from the REST API) as the manual-mark listener does, and takes the plan from the
``WorkflowRuntime`` its node tasks share. Files are re-run at most every ``TTL_SECONDS`` per file, so a page
reflects an edited definition about as soon as the DAG processor does. The file must be on the API
server's disk (docs/workflow-view.md, "Limits").
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
_cache: dict[str, tuple[float, dict[str, DagPlan]]] = {}


def plans_in(namespace: dict[str, Any]) -> dict[str, DagPlan]:
    """The plan of every Glue workflow DAG among a DAG file's globals, by dag_id."""
    plans: dict[str, DagPlan] = {}
    for value in namespace.values():
        for task in getattr(value, "task_dict", {}).values():
            runtime = getattr(task, "runtime", None)
            if isinstance(runtime, WorkflowRuntime):
                plans[str(value.dag_id)] = runtime.plan
                break
    return plans


def plan_of(dag_id: str, fileloc: str) -> DagPlan | None:
    """The plan of ``dag_id`` defined in ``fileloc``; None when that file has no Glue workflow DAG by that id."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(fileloc)
    if cached is None or now - cached[0] > TTL_SECONDS:
        try:
            found = plans_in(runpy.run_path(fileloc))
        except Exception:
            log.exception("Could not run DAG file %s to read the plan of %s", fileloc, dag_id)
            return None
        with _lock:
            _cache[fileloc] = (now, found)
        cached = (now, found)
    return cached[1].get(dag_id)
