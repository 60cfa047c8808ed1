"""The scale benchmark's figures: each side's rounds pooled, and the table that prints them beside amazon's.

Split from ``scale.py`` (which runs the deployment and measures one round's window) so that how the counts
become the published figures (quantiles, per-node ratios, the anchors each is read against) is in one place,
and so that ``scale.py --report`` can re-print a saved ``--json`` file without starting anything.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import access_log
from scale_deploy import AMAZON, OURS

#: What the runtime benchmark measured on a 4-job chain with LocalExecutor (docs/benchmark-log.md#run-time-overhead-2026-11-21,
#: and docs/performance.md#execution-api-calls-per-node).
ANCHORS = {
    "handoff": "4-job chain, LocalExecutor: 5.7 s ours / 5.1 s amazon sync (median)",
    "glue": "runtime.py: ours StartJobRun 1 + GetJobRun 4; amazon GetJob 1 + StartJobRun 1 + GetJobRun 5 (20 s runs)",
    "execution": "dag.test: ours 31.8-35.0 (no channel) / 40.2-53.5 (channel), amazon 9; target: flat in M",
}
#: Per-round lists that pool by concatenation, and counts that pool by summing.
LISTS = ("first_task_s", "handoffs_s", "scheduler_loops_ms")
COUNTS = ("runs", "glue_calls", "execution_api_calls", "execution_api_not_2xx")
TOTALS = ("triggered", "task_instances_started", "node_tasks_run", "nodes", "s3_requests")


def pool(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's figures over all its rounds: lists joined, counts summed, per-node ratios over every round's
    nodes, the window the sum of the rounds' windows. The rounds themselves are kept under ``rounds``."""
    pooled: dict[str, Any] = {key: [v for r in rounds for v in r[key]] for key in LISTS}
    for key in COUNTS:
        total: Counter[str] = Counter()
        for r in rounds:
            total.update(r[key])
        pooled[key] = dict(sorted(total.items(), key=lambda kv: -kv[1]))
    pooled.update({key: sum(r[key] for r in rounds) for key in TOTALS})
    pooled["windows_s"] = [r["window_s"] for r in rounds]
    pooled["window_s"] = sum(pooled["windows_s"])
    nodes = max(1, pooled["nodes"])
    pooled["glue_calls_per_node"] = sum(pooled["glue_calls"].values()) / nodes
    pooled["glue_calls_per_node_by_action"] = {k: v / nodes for k, v in sorted(pooled["glue_calls"].items())}
    pooled["s3_requests_per_node"] = pooled["s3_requests"] / nodes
    pooled["execution_api_calls_per_node_task"] = sum(pooled["execution_api_calls"].values()) / max(1, pooled["node_tasks_run"])
    pooled["rounds"] = rounds
    return pooled


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank), None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def quantiles(values: list[float], unit: str = "s") -> str:
    """``p50 / p95 unit (n=...)``, or ``(none)``."""
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    if p50 is None or p95 is None:
        return "(none)"
    return f"{p50:.1f} / {p95:.1f} {unit} (n={len(values)})"


def without_heartbeats(side: dict[str, Any]) -> str:
    """Per node task, heartbeats left out (access_log.without_heartbeats says why)."""
    calls = access_log.without_heartbeats(Counter(side["execution_api_calls"]))
    return f"{calls / max(1, side['node_tasks_run']):.1f}"


def _windows(side: dict[str, Any]) -> str:
    windows = side.get("windows_s") or [side["window_s"]]  # a --json file of one round has no windows_s
    each = " + ".join(f"{w:.0f}" for w in windows)
    return f"{side['window_s']:.0f} s" + (f" ({each})" if len(windows) > 1 else "")


Row = tuple[str, Callable[[dict[str, Any]], str], str]
ROWS: list[Row] = [
    ("DAG runs (state)", lambda s: ", ".join(f"{k} {v}" for k, v in s["runs"].items()), ""),
    ("window: first trigger to last run's end (sum over rounds)", _windows, ""),
    ("trigger to first task start, p50 / p95", lambda s: quantiles(s["first_task_s"]), ""),
    ("scheduler loop (DEBUG log), p50 / p95", lambda s: quantiles(s["scheduler_loops_ms"], "ms"), ""),
    ("scheduler loop, max", lambda s: f"{max(s['scheduler_loops_ms'], default=0):.0f} ms", ""),
    ("task instances started per second",
     lambda s: f"{s['task_instances_started'] / s['window_s']:.2f} ({s['task_instances_started']} in all)", ""),
    ("Glue hand-off (run end -> successor run start), p50 / p95", lambda s: quantiles(s["handoffs_s"]), ANCHORS["handoff"]),
    ("Glue API calls per node", lambda s: f"{s['glue_calls_per_node']:.2f} ("
     + ", ".join(f"{k} {v:.2f}" for k, v in s["glue_calls_per_node_by_action"].items()) + ")", ANCHORS["glue"]),
    ("S3 requests per node (run-properties channel)", lambda s: f"{s['s3_requests_per_node']:.2f}", ""),
    ("execution-API calls per node task (API server access log)",
     lambda s: f"{s['execution_api_calls_per_node_task']:.1f} ({s['node_tasks_run']} node tasks)", ANCHORS["execution"]),
    ("the same without heartbeats (dag.test sends none)", without_heartbeats, ""),
]


def table(results: dict[str, dict[str, Any]], count: int, nodes: int, runs: int | None = None,
          order: list[str] | None = None) -> None:
    """Print every figure of ours beside amazon's from the same run, with its anchor, then the order of the
    rounds and the execution-API calls by kind."""
    ours, amazon = results.get(OURS, {}), results.get(AMAZON, {})
    triggered = f", {runs} triggered per side and round" if runs is not None else ""
    print(f"\n{count} definitions x {nodes} nodes{triggered}, Celery (2 workers), PostgreSQL, Redis")
    if order:
        print(f"round order: {', '.join(order)} ({len(order) // 2} rounds; each side's figures pooled over its rounds)")
    print("\n| Measurement | ours (loader) | amazon GlueJobOperator (sync, defaults) | anchor |\n| --- | --- | --- | --- |")
    for label, render, anchor in ROWS:
        cells = " | ".join(render(side) if side else "(not run)" for side in (ours, amazon))
        print(f"| {label} | {cells} | {anchor} |")
    for name, side in results.items():
        calls = sorted(side["execution_api_calls"].items(), key=lambda kv: -kv[1])
        per = ", ".join(f"{k} {v / max(1, side['node_tasks_run']):.1f}" for k, v in calls)
        print(f"\nexecution-API calls per node task, {name}: {per}")
        if side.get("execution_api_not_2xx"):
            print(f"  of which not 2xx (in all): {json.dumps(side['execution_api_not_2xx'])}")
