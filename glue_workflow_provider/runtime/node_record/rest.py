"""Reading records through Airflow's public REST API (v2): the one XCom reader of ``status``, the demo's report and
the plugin's workflow view, whatever HTTP client each uses.

A client passes ``fetch(path, params)``: GET ``path`` under ``/api/v2`` and return the JSON reply, None for a 404.
The records are read with one listing per key (which tasks hold it) and then one call per value, side by side,
only for the tasks whose current try can have recorded it (``record.is_current``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from glue_workflow_provider.runtime.node_record.record import NodeRecord, decoded, is_current

#: GET a path under /api/v2 with query parameters; the JSON reply, None for a 404.
Fetch = Callable[[str, Mapping[str, Any]], Any]
#: Values read side by side.
PARALLEL_READS = 8


def run_path(dag_id: str, run_id: str) -> str:
    """The REST path of a DAG run, under /api/v2."""
    return f"/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}"


def rest_records(
    fetch: Fetch, dag_id: str, run_id: str, task_instances: Sequence[Mapping[str, Any]], keys: Iterable[str]
) -> dict[str, NodeRecord]:
    """The record of every (unmapped) task instance of the run, by task id: its current try's values under ``keys``."""
    instances = {str(ti["task_id"]): ti for ti in task_instances if ti.get("map_index", -1) in (-1, None)}
    tasks = f"{run_path(dag_id, run_id)}/taskInstances"
    wanted: list[tuple[str, str]] = []
    for key in keys:
        listing = fetch(f"{tasks}/~/xcomEntries", {"xcom_key": key, "limit": 1000}) or {}
        for entry in listing.get("xcom_entries", []):
            ti = instances.get(str(entry["task_id"]))
            if ti is not None and entry.get("map_index", -1) == -1 and is_current(key, ti.get("state"), ti.get("operator")):
                wanted.append((str(entry["task_id"]), key))
    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        replies = pool.map(lambda pair: fetch(f"{tasks}/{quote(pair[0], safe='')}/xcomEntries/{quote(pair[1], safe='')}", {}),
                           wanted)
        values: dict[str, dict[str, Any]] = {}
        for (task_id, key), reply in zip(wanted, replies, strict=True):
            if reply is not None:
                values.setdefault(task_id, {})[key] = decoded(reply.get("value"))
    return records_of(instances.values(), values)


def records_of(task_instances: Iterable[Mapping[str, Any]], values: Mapping[str, Mapping[str, Any]]) -> dict[str, NodeRecord]:
    """The records of REST task instances from ``values[task_id][key]`` (the current-try rule applied)."""
    return {
        str(ti["task_id"]): NodeRecord.of(
            str(ti["task_id"]), ti.get("state"), ti.get("operator"), values.get(str(ti["task_id"]), {}),
            start=ti.get("start_date"), end=ti.get("end_date"),
        )
        for ti in task_instances
    }
