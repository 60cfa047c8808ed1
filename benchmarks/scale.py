"""Scale on the Celery deployment: trigger-to-first-task, scheduler loop, Glue hand-off, API calls per node.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale.py                          # 200 definitions x 20 nodes (issue 12)
    .venv/bin/python benchmarks/scale.py --runs 4 --running-seconds 10   # 200 x 20 deployed, 4 runs per side
    nice .venv/bin/python benchmarks/scale.py --count 10 --nodes 5 --running-seconds 10 --json /tmp/scale.json

The deployment is the project's own (``local/demo.py`` with ``executor="celery"``, ``local/distributed.py``):
PostgreSQL, Redis, CeleryExecutor, two Celery workers with homes of their own, the scheduler, DAG processor,
triggerer and API server, and the local Glue endpoint, everything on loopback. One bundle holds both sides:

- *ours*: ``--count`` definitions of ``--nodes`` nodes from ``workload.definition`` (the parse benchmark's
  chain with AND and ANY joins and a crawler last), compiled by the loader with its defaults (deferrable,
  ``poll_interval`` 6 s). Every name gets a per-workflow prefix (``o0003-job-00``): the endpoint steers and
  counts by job name, and moto lets a job run once at a time. Start triggers are made ON_DEMAND, so
  unpausing a DAG never starts a scheduled run beside the triggered one.
- *amazon*: the same DAGs hand-written with the amazon provider's ``GlueJobOperator`` at its defaults (sync,
  ``job_poll_interval`` 6 s, holding a worker slot for the whole run), one file per DAG, the same edges and
  trigger rules (``one_success`` for ANY). The crawler node is a job there (GlueJobOperator runs jobs only).

The two sides run one after the other in the same deployment (ours first): every count below is then read
from one side's window alone (the endpoint's counters are reset, the logs read from the phase's offset).
Each side's DAGs are all triggered at once through the REST API, and the benchmark waits for every run.

How each figure is measured:

- *trigger to first task*: the run's ``queued_at`` (set by the POST) to the earliest ``start_date`` of its
  task instances, from the REST API.
- *scheduler loop*: Airflow 3.3 times every loop (``scheduler.scheduler_loop_duration``), but only statsd
  or OpenTelemetry receive it, and neither ``statsd`` nor a collector is installed here. The same timer is
  logged at DEBUG ("Ran scheduling loop in X ms"), so the scheduler alone runs with DEBUG logging and its
  log is read. Also reported: task instances started per second over the window.
- *Glue hand-off*: a job run's end to the successor's job run start (``StartedOn``). The endpoint's
  ``CompletedOn`` is moto's creation time, not the end; a steered run stops reporting RUNNING exactly
  ``--running-seconds`` after ``StartedOn``, so that is its end. AND joins wait for the later end, ANY for the
  earlier; the last node (a crawler in ours) is left out on both sides.
- *Glue API calls per node*: the endpoint's count of requests from Airflow (User-Agent ``Airflow/``) that
  name a job or crawler of the side, divided by its nodes; S3 requests (the run-properties channel the demo
  configures, ``GLUE_AIRFLOW_RUN_PROPERTIES_URI``) are counted apart.
- *execution-API calls per node task*: the API server's access log (Airflow's ``HttpAccessLogMiddleware``,
  one line per HTTP request it served) lines under ``/execution/``, divided by the node tasks that ran. Only
  workers reach the execution API over HTTP (the DAG processor and triggerer call it in process),
  so these are the real calls from the Celery workers' task supervisors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402
from runtime import _iso  # noqa: E402

from glue_workflow_provider.local.demo import Demo, running  # noqa: E402
from glue_workflow_provider.local.distributed import WorkerSpec  # noqa: E402
from glue_workflow_provider.local.ports import free_port  # noqa: E402
from glue_workflow_provider.local.processes import Component  # noqa: E402

OURS, AMAZON = "ours", "amazon"
#: What the runtime benchmark measured on a 4-job chain with LocalExecutor (docs/benchmark-log.md#run-time-overhead-2026-11-21,
#: and docs/performance.md#execution-api-calls-per-node).
ANCHORS = {
    "handoff": "4-job chain, LocalExecutor: 5.7 s ours / 5.1 s amazon sync (median)",
    "glue": "runtime.py: ours StartJobRun 1 + GetJobRun 4; amazon GetJob 1 + StartJobRun 1 + GetJobRun 5 (20 s runs)",
    "execution": "dag.test: ours 31.8-35.0 (no channel) / 40.2-53.5 (channel), amazon 9; target: flat in M",
}
#: A worker that never parsed the folder reads every definition's dag_id; on a crowded machine that can pass
#: Airflow's 30 s import timeout (as in tests/system/test_distributed.py).
SLOW_MACHINE = {"AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "300", "AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT": "300"}
LOOP_LINE = re.compile(r"Ran scheduling loop in ([\d.]+) ms")
EXECUTION_LINE = re.compile(r"method=(\w+) path=(/execution/\S*).*?status_code=(\d+)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

AMAZON_DAG = '''"""Workflow {index} hand-written with the amazon provider's GlueJobOperator at its defaults (airflow DAG)."""

import pendulum
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator
from airflow.sdk import DAG

with DAG(dag_id={dag_id!r}, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
         max_active_runs=1, tags=["benchmark"]) as dag:
    tasks = {{name: GlueJobOperator(task_id=name, job_name=name, trigger_rule=rule) for name, rule in {nodes!r}}}
    for upstream, downstream in {edges!r}:
        tasks[upstream] >> tasks[downstream]
'''


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its dag_ids and, in the same order, the prefix of each DAG's node names."""

    name: str
    dag_ids: tuple[str, ...]
    prefixes: tuple[str, ...]


def prefix(side: str, index: int) -> str:
    """The prefix of workflow ``index``'s job names on ``side``: names are unique across the deployment, so the
    endpoint's counts and job runs say which DAG and side made them."""
    return f"{'o' if side == OURS else 'a'}{index:04d}-"


def renamed(document: Any, pre: str, *, jobs_only: bool) -> Any:
    """``document`` with every job and crawler name prefixed (crawlers made jobs when ``jobs_only``), and
    scheduled start triggers made ON_DEMAND."""
    if isinstance(document, list):
        return [renamed(item, pre, jobs_only=jobs_only) for item in document]
    if not isinstance(document, dict):
        return document
    made: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("JobName", "CrawlerName"):
            made["JobName" if jobs_only else key] = pre + value
        elif key == "CrawlState" and jobs_only:
            made["State"] = value
        else:
            made[key] = renamed(value, pre, jobs_only=jobs_only)
    if made.get("Type") == "SCHEDULED":
        made["Type"] = "ON_DEMAND"
        made.pop("Schedule", None)
        made.pop("StartOnCreation", None)
    return made


def ours_definition(index: int, nodes: int) -> dict[str, Any]:
    """Workflow ``index`` as the loader reads it (the workload's definition, renamed, on demand)."""
    return renamed(workload.definition(index, nodes), prefix(OURS, index), jobs_only=False)


def amazon_definition(index: int, nodes: int) -> dict[str, Any]:
    """The amazon DAG's jobs as a definition: only to create and steer them on the endpoint."""
    document = renamed(workload.definition(index, nodes), prefix(AMAZON, index), jobs_only=True)
    document["Workflow"]["Name"] = amazon_dag_id(index)
    return document


def amazon_dag_id(index: int) -> str:
    """The hand-written DAG's id (the loader's DAGs are ``bench-wf-NNNN``)."""
    return f"amazon-wf-{index:04d}"


def amazon_source(index: int, nodes: int) -> str:
    """The hand-written DAG file of workflow ``index``: the workload's edges and trigger rules, and
    ``max_active_runs=1`` as the definition's ``MaxConcurrentRuns`` gives ours."""
    pre = prefix(AMAZON, index)
    made = workload.nodes_of(nodes)
    pairs = [(pre + n.name, n.trigger_rule) for n in made]
    edges = [(pre + w, pre + n.name) for n in made for w in n.watched]
    return AMAZON_DAG.format(index=index, dag_id=amazon_dag_id(index), nodes=pairs, edges=edges)


def write_bundle(dags: Path, count: int, nodes: int) -> None:
    """The one DAG bundle both sides are served from: the shipped loader file, the definitions, the amazon files."""
    from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE

    (dags / "workflows").mkdir(parents=True, exist_ok=True)
    (dags / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for index in range(count):
        text = yaml.safe_dump(ours_definition(index, nodes), sort_keys=False, width=120)
        (dags / "workflows" / f"wf_{index:04d}.yaml").write_text(text)
        (dags / f"amazon_wf_{index:04d}.py").write_text(amazon_source(index, nodes))


@dataclass
class ScaleDemo(Demo):
    """The demo's Celery deployment, its scheduler logging at DEBUG (for its loop timer; nothing else changes)."""

    def _components(self, env: dict[str, str]) -> list[Component]:
        made = super()._components(env)
        debug = {"AIRFLOW__LOGGING__LOGGING_LEVEL": "DEBUG"}
        return [replace(c, extra=debug) if c.name == "scheduler" else c for c in made]


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _read_from(path: Path, offset: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode(errors="replace")


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank), None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_side(
    demo: Demo, side: Side, nodes: int, running_seconds: float, timeout: float, runs: int | None = None
) -> dict[str, Any]:
    """Trigger the first ``runs`` DAGs of ``side`` (all by default) at once, wait for every run, and measure the
    window. Every DAG of the side is parsed first, so the scheduler and DAG processor carry them all."""
    assert demo.endpoint is not None
    for dag_id in side.dag_ids:
        demo.wait_parsed(dag_id, timeout=timeout)
    side = replace(side, dag_ids=side.dag_ids[:runs], prefixes=side.prefixes[:runs])
    for dag_id in side.dag_ids:
        demo.request("PATCH", f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}", {"is_paused": False})
    logs = demo.home / "logs"
    api_offset, loop_offset = _size(logs / "api-server.log"), _size(logs / "scheduler.log")
    demo.endpoint.request_counts(reset=True)
    began = time.monotonic()
    run_ids = {}
    for dag_id in side.dag_ids:
        reply = demo.request("POST", f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}/dagRuns", {"logical_date": None})
        run_ids[dag_id] = str(reply["dag_run_id"])
    print(f"  {side.name}: triggered {len(run_ids)} DAG runs; waiting ...", flush=True)
    runs = {dag_id: demo.wait_for_run(dag_id, run_id, timeout=timeout) for dag_id, run_id in run_ids.items()}
    window = time.monotonic() - began
    counts = demo.endpoint.request_counts()
    api_log = _read_from(logs / "api-server.log", api_offset)
    loop_log = _read_from(logs / "scheduler.log", loop_offset)

    made = workload.nodes_of(nodes)
    first_task, handoffs, node_tasks, started = [], [], 0, 0
    timelines: dict[str, list[dict[str, Any]]] = {}
    for (dag_id, run), pre in zip(runs.items(), side.prefixes, strict=True):
        instances = demo.task_instances(dag_id, run_ids[dag_id])
        timelines[dag_id] = [{k: ti.get(k) for k in ("task_id", "state", "try_number", "scheduled_when",
                                                      "queued_when", "start_date", "end_date")} for ti in instances]
        starts = [_iso(ti["start_date"]) for ti in instances if ti["start_date"]]
        node_ids = {pre + n.name for n in made}
        node_tasks += sum(1 for ti in instances if ti["task_id"] in node_ids and ti["start_date"])
        started += len(starts)
        queued = _iso(run.get("queued_at"))
        if starts and queued:
            first_task.append((min(starts) - queued).total_seconds())
        handoffs += _glue_handoffs(demo, made, pre, running_seconds)
    ours_names = tuple(side.prefixes)
    by_action: Counter[str] = Counter()
    for key, value in counts.get("airflow_by_name", {}).items():
        action, _, name = key.partition(" ")
        if name.startswith(ours_names):
            by_action[action] += value
    s3 = sum(v for k, v in counts.get("airflow", {}).items() if k.startswith("s3:"))
    requests = EXECUTION_LINE.findall(api_log)
    execution = Counter(f"{method} {_execution_kind(path)}" for method, path, _ in requests)
    refused = Counter(f"{method} {_execution_kind(path)} {status}" for method, path, status in requests
                      if not status.startswith("2"))
    loops = [float(ms) for ms in LOOP_LINE.findall(loop_log)]
    total_nodes = len(side.dag_ids) * nodes
    return {
        "runs": dict(Counter(str(run["state"]) for run in runs.values())),
        "triggered": len(side.dag_ids),
        "window_s": window,
        "first_task_s": first_task,
        "handoffs_s": handoffs,
        "scheduler_loops_ms": loops,
        "task_instances_started": started,
        "node_tasks_run": node_tasks,
        "glue_calls": dict(by_action),
        "glue_calls_per_node": sum(by_action.values()) / total_nodes,
        "glue_calls_per_node_by_action": {k: v / total_nodes for k, v in sorted(by_action.items())},
        "s3_requests_per_node": s3 / total_nodes,
        "execution_api_calls": dict(execution),
        "execution_api_not_2xx": dict(refused),
        "execution_api_calls_per_node_task": sum(execution.values()) / max(1, node_tasks),
        "task_instances": timelines,
    }


def _execution_kind(path: str) -> str:
    """``/execution/task-instances/<uuid>/run`` -> ``task-instances/{id}/run`` (the task state store's
    ``store/ti/{id}/<key>`` likewise); XCom and other paths keep their first segment (their ids vary)."""
    parts = UUID.sub("{id}", path[len("/execution/"):]).split("?")[0].strip("/").split("/")
    if parts[0] == "task-instances":
        return "/".join(parts[:3])
    if parts[0] == "store":  # the task state store: store/ti/{id}/<key>
        return "/".join(parts[:4])
    return parts[0]


def _glue_handoffs(demo: Demo, made: list[workload.Node], pre: str, running_seconds: float) -> list[float]:
    """Per successor job (all but the last node): its run's start minus the end of what it waited for."""
    assert demo.endpoint is not None
    glue = demo.endpoint.client()
    starts: dict[str, datetime] = {}
    for node in made[:-1]:
        runs = glue.get_job_runs(JobName=pre + node.name).get("JobRuns", [])
        if runs:
            starts[node.name] = min(run["StartedOn"] for run in runs)
    gaps = []
    for node in made[2:-1]:
        ends = [starts[w] + timedelta(seconds=running_seconds) for w in node.watched if w in starts]
        if node.name not in starts or not ends or (node.logical != "ANY" and len(ends) < len(node.watched)):
            continue
        waited = min(ends) if node.logical == "ANY" else max(ends)
        gaps.append((starts[node.name] - waited).total_seconds())
    return gaps


def _quantiles(values: list[float], unit: str = "s") -> str:
    if not values:
        return "(none)"
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    return f"{p50:.1f} / {p95:.1f} {unit} (n={len(values)})"


def _without_heartbeats(side: dict[str, Any]) -> str:
    """Heartbeats depend on how long a task holds its worker (a slow machine sends more), not on the DAG."""
    calls = sum(v for k, v in side["execution_api_calls"].items() if "heartbeat" not in k)
    return f"{calls / max(1, side['node_tasks_run']):.1f}"


def table(results: dict[str, dict[str, Any]], count: int, nodes: int, runs: int | None = None) -> None:
    ours, amazon = results.get(OURS, {}), results.get(AMAZON, {})

    def both(render: Any) -> str:
        return " | ".join(render(side) if side else "(not run)" for side in (ours, amazon))

    rows = [
        ("DAG runs (state)", lambda s: ", ".join(f"{k} {v}" for k, v in s["runs"].items()), ""),
        ("window: first trigger to last run's end", lambda s: f"{s['window_s']:.0f} s", ""),
        ("trigger to first task start, p50 / p95", lambda s: _quantiles(s["first_task_s"]), ""),
        ("scheduler loop (DEBUG log), p50 / p95", lambda s: _quantiles(s["scheduler_loops_ms"], "ms"), ""),
        ("scheduler loop, max", lambda s: f"{max(s['scheduler_loops_ms'], default=0):.0f} ms", ""),
        ("task instances started per second",
         lambda s: f"{s['task_instances_started'] / s['window_s']:.2f} ({s['task_instances_started']} in all)", ""),
        ("Glue hand-off (run end -> successor run start), p50 / p95", lambda s: _quantiles(s["handoffs_s"]),
         ANCHORS["handoff"]),
        ("Glue API calls per node", lambda s: f"{s['glue_calls_per_node']:.2f} ("
         + ", ".join(f"{k} {v:.2f}" for k, v in s["glue_calls_per_node_by_action"].items()) + ")", ANCHORS["glue"]),
        ("S3 requests per node (run-properties channel)", lambda s: f"{s['s3_requests_per_node']:.2f}", ""),
        ("execution-API calls per node task (API server access log)",
         lambda s: f"{s['execution_api_calls_per_node_task']:.1f} ({s['node_tasks_run']} node tasks)",
         ANCHORS["execution"]),
        ("the same without heartbeats (dag.test sends none)", _without_heartbeats, ""),
    ]
    triggered = f", {runs} of them triggered per side" if runs is not None and runs < count else ""
    print(f"\n{count} definitions x {nodes} nodes{triggered}, Celery (2 workers), PostgreSQL, Redis\n")
    print("| Measurement | ours (loader) | amazon GlueJobOperator (sync, defaults) | anchor |\n| --- | --- | --- | --- |")
    for label, render, anchor in rows:
        print(f"| {label} | {both(render)} | {anchor} |")
    for name, side in results.items():
        calls = sorted(side["execution_api_calls"].items(), key=lambda kv: -kv[1])
        per = ", ".join(f"{k} {v / max(1, side['node_tasks_run']):.1f}" for k, v in calls)
        print(f"\nexecution-API calls per node task, {name}: {per}")
        if side.get("execution_api_not_2xx"):
            print(f"  of which not 2xx (in all): {json.dumps(side['execution_api_not_2xx'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="definitions (and as many amazon DAGs)")
    parser.add_argument("--nodes", type=int, default=20, help="nodes per definition")
    parser.add_argument("--running-seconds", type=float, default=20.0, help="how long each job run stays RUNNING")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for each side's runs")
    parser.add_argument("--runs", type=int, help="trigger only this many DAGs per side (all are deployed and parsed)")
    parser.add_argument("--first", choices=(OURS, AMAZON), default=OURS,
                        help="which side runs first (the other then finds warm workers)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--report", type=Path, help="only print the table of a --json file written before")
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads(args.report.read_text())
        table(saved["results"], saved["count"], saved["nodes"], saved.get("runs"))
        return 0
    root = (args.workdir or Path(tempfile.mkdtemp(prefix="glue-airflow-scale-"))).resolve()
    dags = root / "dags"
    write_bundle(dags, args.count, args.nodes)
    demo = ScaleDemo(dags, root / "home", port=free_port(), running_seconds=args.running_seconds,
                     executor="celery", workers=(WorkerSpec("worker-1"), WorkerSpec("worker-2")),
                     extra_env=SLOW_MACHINE)
    sides = (
        Side(OURS, tuple(workload.workflow_name(i) for i in range(args.count)),
             tuple(prefix(OURS, i) for i in range(args.count))),
        Side(AMAZON, tuple(amazon_dag_id(i) for i in range(args.count)),
             tuple(prefix(AMAZON, i) for i in range(args.count))),
    )
    if args.first == AMAZON:
        sides = sides[::-1]
    results: dict[str, dict[str, Any]] = {}
    print(f"starting the Celery deployment in {root} ...", flush=True)
    with running(demo):
        assert demo.endpoint is not None
        from glue_workflow_provider.sources.definition_file import load_data

        for index in range(args.count):
            definition = load_data(amazon_definition(index, args.nodes)).require()
            demo.endpoint.deploy(definition)
            demo.endpoint.steer(definition)
        demo.login()
        for side in sides:
            results[side.name] = run_side(demo, side, args.nodes, args.running_seconds, args.timeout, args.runs)
            brief = {k: v for k, v in results[side.name].items() if not k.endswith(("_s", "_ms", "instances"))}
            print(f"  {side.name}: {json.dumps(brief)}", flush=True)
    table(results, args.count, args.nodes, args.runs)
    if args.json:
        args.json.write_text(json.dumps({"count": args.count, "nodes": args.nodes, "runs": args.runs,
                                         "running_seconds": args.running_seconds, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
