"""Execution-API calls from the API server's access log, for the benchmarks that run a real Airflow.

Airflow's API server logs one line per HTTP request it serves (``HttpAccessLogMiddleware``). Only task
supervisors on workers reach the execution API over HTTP (the DAG processor and the triggerer call it in
process), so the lines under ``/execution/`` are the real calls of the task processes, which no in-process
count (``dag.test``) can see for a task that ends in the triggerer.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

EXECUTION_LINE = re.compile(r"method=(\w+) path=(/execution/\S*).*?status_code=(\d+)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def size(path: Path) -> int:
    """Where a log ends now (read from there after the measured window)."""
    return path.stat().st_size if path.exists() else 0


def read_from(path: Path, offset: int) -> str:
    """The log's text written since ``offset``."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode(errors="replace")


def execution_calls(log: str) -> list[tuple[str, str, str]]:
    """(method, path, status) of every execution-API request in ``log``."""
    return EXECUTION_LINE.findall(log)


def by_kind(requests: list[tuple[str, str, str]]) -> Counter[str]:
    """The requests counted by ``METHOD kind`` (ids left out, so that kinds add up over tasks)."""
    return Counter(f"{method} {execution_kind(path)}" for method, path, _ in requests)


def execution_kind(path: str) -> str:
    """``/execution/task-instances/<uuid>/run`` -> ``task-instances/{id}/run`` (the task state store's
    ``store/ti/{id}/<key>`` likewise); XCom and other paths keep their first segment (their ids vary)."""
    parts = UUID.sub("{id}", path[len("/execution/"):]).split("?")[0].strip("/").split("/")
    if parts[0] == "task-instances":
        return "/".join(parts[:3])
    if parts[0] == "store":  # the task state store: store/ti/{id}/<key>
        return "/".join(parts[:4])
    return parts[0]


def without_heartbeats(calls: Counter[str]) -> int:
    """Heartbeats depend on how long a task holds its worker (a sync operator sends one every few seconds of
    its whole run), not on what the task does."""
    return sum(v for k, v in calls.items() if "heartbeat" not in k)
