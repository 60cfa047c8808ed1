"""Scale on the Celery deployment: trigger-to-first-task, scheduler loop, Glue hand-off, API calls per node.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale.py --quick     # 10 x 5, 2 rounds of 5 runs per side: about 6 min on 2 cores
    .venv/bin/python benchmarks/scale.py --runs 4 --running-seconds 10   # 200 x 20 deployed, 2 rounds of 4 runs per side
    .venv/bin/python benchmarks/scale.py                          # 200 definitions x 20 nodes, every DAG (issue 12)
    nice .venv/bin/python benchmarks/scale.py --quick --rounds 3 --first ours --json /tmp/scale.json
    .venv/bin/python benchmarks/scale.py --report /tmp/scale.json     # the table of a saved run again

``--quick`` is a preset (the values in ``QUICK``); an option given beside it wins over the preset's value.

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

The two sides run interleaved in the same deployment, ``--rounds`` rounds of one window per side
(``--first`` starts each round, amazon by default: amazon, ours, amazon, ours ...), so neither side alone
meets cold workers; each window triggers ``--runs`` DAGs of its side at once through the REST API and waits
for every run (the next ones each round, from the first again when the side has no more: a DAG is then
re-triggered after its previous run ended). Every count is read from one window alone (the endpoint's
counters reset, the logs read from the window's offsets, job runs started before it left out) and each
side's figures are pooled over its rounds (``scale_report.pool``): lists joined, counts summed.

How each figure is measured:

- *trigger to first task*: the run's ``queued_at`` (set by the POST) to the earliest ``start_date`` of its
  task instances, from the REST API.
- *scheduler loop*: Airflow 3.3 times every loop (``scheduler.scheduler_loop_duration``), but only statsd
  or OpenTelemetry receive it, and neither ``statsd`` nor a collector is installed here. The same timer is
  logged at DEBUG ("Ran scheduling loop in X ms"), so the scheduler alone runs with DEBUG logging and its
  log is read. Also reported: task instances started per second over the side's windows.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import access_log  # noqa: E402
import workload  # noqa: E402
from runtime import _iso  # noqa: E402
from scale_deploy import AMAZON, OURS, Side, amazon_definition, sides, write_bundle  # noqa: E402
from scale_report import pool, table  # noqa: E402

from glue_workflow_provider.local.demo import Demo, running  # noqa: E402
from glue_workflow_provider.local.distributed import WorkerSpec  # noqa: E402
from glue_workflow_provider.local.ports import free_port  # noqa: E402
from glue_workflow_provider.local.processes import Component  # noqa: E402

#: A worker that never parsed the folder reads every definition's dag_id; on a crowded machine that can pass
#: Airflow's 30 s import timeout (as in tests/system/test_distributed.py).
SLOW_MACHINE = {"AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "300", "AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT": "300"}
LOOP_LINE = re.compile(r"Ran scheduling loop in ([\d.]+) ms")
#: The options' defaults, and ``--quick``'s preset: 6 min 2 s with start-up and shut-down on this 2-core machine
#: on 2026-12-07, while another engineer's pytest ran (load average 2.8 before, 4.7 after).
DEFAULTS: dict[str, Any] = {"count": 200, "nodes": 20, "runs": None, "running_seconds": 20.0, "rounds": 2, "timeout": 3600.0}
QUICK: dict[str, Any] = {"count": 10, "nodes": 5, "runs": 5, "running_seconds": 10.0, "rounds": 2, "timeout": 600.0}


@dataclass
class ScaleDemo(Demo):
    """The demo's Celery deployment, its scheduler logging at DEBUG (for its loop timer; nothing else changes)."""

    def _components(self, env: dict[str, str]) -> list[Component]:
        made = super()._components(env)
        debug = {"AIRFLOW__LOGGING__LOGGING_LEVEL": "DEBUG"}
        return [replace(c, extra=debug) if c.name == "scheduler" else c for c in made]


def run_side(demo: Demo, side: Side, nodes: int, running_seconds: float, timeout: float) -> dict[str, Any]:
    """One window: trigger every DAG of ``side`` at once, wait for every run, and count what the window did
    (raw counts; ``scale_report.pool`` makes the per-node figures over a side's rounds)."""
    assert demo.endpoint is not None
    for dag_id in side.dag_ids:
        demo.request("PATCH", f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}", {"is_paused": False})
    logs = demo.home / "logs"
    api_offset, loop_offset = access_log.size(logs / "api-server.log"), access_log.size(logs / "scheduler.log")
    demo.endpoint.request_counts(reset=True)
    began, since = time.monotonic(), datetime.now(UTC)
    run_ids = {}
    for dag_id in side.dag_ids:
        reply = demo.request("POST", f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}/dagRuns", {"logical_date": None})
        run_ids[dag_id] = str(reply["dag_run_id"])
    print(f"  {side.name}: triggered {len(run_ids)} DAG runs ({', '.join(side.dag_ids)}); waiting ...", flush=True)
    runs = {dag_id: demo.wait_for_run(dag_id, run_id, timeout=timeout) for dag_id, run_id in run_ids.items()}
    window = time.monotonic() - began
    counts = demo.endpoint.request_counts()
    api_log = access_log.read_from(logs / "api-server.log", api_offset)
    loop_log = access_log.read_from(logs / "scheduler.log", loop_offset)

    made = workload.nodes_of(nodes)
    first_task: list[float] = []
    handoffs: list[float] = []
    node_tasks = started = 0
    timelines: dict[str, list[dict[str, Any]]] = {}
    for (dag_id, run), pre in zip(runs.items(), side.prefixes, strict=True):
        instances = demo.task_instances(dag_id, run_ids[dag_id])
        timelines[dag_id] = [{k: ti.get(k) for k in ("task_id", "state", "try_number", "scheduled_when",
                                                      "queued_when", "start_date", "end_date")} for ti in instances]
        starts = [start for ti in instances if (start := _iso(ti["start_date"])) is not None]
        node_ids = {pre + n.name for n in made}
        node_tasks += sum(1 for ti in instances if ti["task_id"] in node_ids and ti["start_date"])
        started += len(starts)
        queued = _iso(run.get("queued_at"))
        if starts and queued:
            first_task.append((min(starts) - queued).total_seconds())
        handoffs += _glue_handoffs(demo, made, pre, running_seconds, since)
    by_action: Counter[str] = Counter()
    for key, value in counts.get("airflow_by_name", {}).items():
        action, _, name = key.partition(" ")
        if name.startswith(side.prefixes):
            by_action[action] += value
    requests = access_log.execution_calls(api_log)
    return {
        "dag_ids": list(side.dag_ids),
        "runs": dict(Counter(str(run["state"]) for run in runs.values())),
        "triggered": len(side.dag_ids),
        "nodes": len(side.dag_ids) * nodes,
        "window_s": window,
        "first_task_s": first_task,
        "handoffs_s": handoffs,
        "scheduler_loops_ms": [float(ms) for ms in LOOP_LINE.findall(loop_log)],
        "task_instances_started": started,
        "node_tasks_run": node_tasks,
        "glue_calls": dict(by_action),
        "s3_requests": sum(v for k, v in counts.get("airflow", {}).items() if k.startswith("s3:")),
        "execution_api_calls": dict(access_log.by_kind(requests)),
        "execution_api_not_2xx": dict(Counter(f"{method} {access_log.execution_kind(path)} {status}"
                                              for method, path, status in requests if not status.startswith("2"))),
        "task_instances": timelines,
    }


def _glue_handoffs(demo: Demo, made: list[workload.Node], pre: str, running_seconds: float, since: datetime) -> list[float]:
    """Per successor job (all but the last node): its run's start minus the end of what it waited for. Only
    job runs started at or after ``since`` count (a DAG triggered in an earlier round has older ones)."""
    assert demo.endpoint is not None
    glue = demo.endpoint.client()
    starts: dict[str, datetime] = {}
    for node in made[:-1]:
        runs = [_aware(run["StartedOn"]) for run in glue.get_job_runs(JobName=pre + node.name).get("JobRuns", [])]
        if fresh := [start for start in runs if start >= since]:
            starts[node.name] = min(fresh)
    gaps = []
    for node in made[2:-1]:
        ends = [starts[w] + timedelta(seconds=running_seconds) for w in node.watched if w in starts]
        if node.name not in starts or not ends or (node.logical != "ANY" and len(ends) < len(node.watched)):
            continue
        waited = min(ends) if node.logical == "ANY" else max(ends)
        gaps.append((starts[node.name] - waited).total_seconds())
    return gaps


def _aware(value: datetime) -> datetime:
    """botocore's timestamps carry a zone; a naive one is UTC (as moto keeps its times)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def options(argv: list[str] | None) -> argparse.Namespace:
    """The command line: ``--quick`` fills in the preset's values for the options not given."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"a preset that ends in under 10 minutes on 2 cores: {QUICK}")
    parser.add_argument("--count", type=int, help=f"definitions (and as many amazon DAGs; default {DEFAULTS['count']})")
    parser.add_argument("--nodes", type=int, help=f"nodes per definition (default {DEFAULTS['nodes']})")
    parser.add_argument("--running-seconds", type=float, help="how long each job run stays RUNNING (default 20)")
    parser.add_argument("--timeout", type=float, help="seconds to wait for one window's runs (default 3600)")
    parser.add_argument("--runs", type=int, help="DAGs each side triggers per round (default all; all are deployed and parsed)")
    parser.add_argument("--rounds", type=int, help="rounds, each one window per side (default 2)")
    parser.add_argument("--first", choices=(OURS, AMAZON), default=AMAZON, help="which side starts each round")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--report", type=Path, help="only print the table of a --json file written before")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.runs is None or args.runs > args.count:
        args.runs = args.count
    return args


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if args.report:
        saved = json.loads(args.report.read_text())
        table(saved["results"], saved["count"], saved["nodes"], saved.get("runs"), saved.get("order"))
        return 0
    started = time.monotonic()
    root = (args.workdir or Path(tempfile.mkdtemp(prefix="glue-airflow-scale-"))).resolve()
    write_bundle(root / "dags", args.count, args.nodes)
    demo = ScaleDemo(root / "dags", root / "home", port=free_port(), running_seconds=args.running_seconds,
                     executor="celery", workers=(WorkerSpec("worker-1"), WorkerSpec("worker-2")),
                     extra_env=SLOW_MACHINE)
    both = sides(args.count)
    order = [args.first, OURS if args.first == AMAZON else AMAZON] * args.rounds
    rounds: dict[str, list[dict[str, Any]]] = {OURS: [], AMAZON: []}
    print(f"starting the Celery deployment in {root} ...", flush=True)
    with running(demo):
        assert demo.endpoint is not None
        from glue_workflow_provider.sources.definition_file import load_data

        for index in range(args.count):
            definition = load_data(amazon_definition(index, args.nodes)).require()
            demo.endpoint.deploy(definition)
            demo.endpoint.steer(definition)
        demo.login()
        for side in both.values():  # every DAG parsed first: the scheduler and DAG processor carry them all
            for dag_id in side.dag_ids:
                demo.wait_parsed(dag_id, timeout=args.timeout)
        print(f"deployment up and every DAG parsed after {time.monotonic() - started:.0f} s; "
              f"round order: {', '.join(order)}", flush=True)
        for step, name in enumerate(order):
            number = step // 2
            print(f"round {number + 1} of {args.rounds}, {name}:", flush=True)
            measured = run_side(demo, both[name].pick(number, args.runs), args.nodes, args.running_seconds, args.timeout)
            rounds[name].append({"round": number + 1, **measured})
            brief = {k: v for k, v in measured.items() if not k.endswith(("_s", "_ms", "instances", "dag_ids"))}
            print(f"  {name}: {json.dumps(brief)}", flush=True)
    results = {name: pool(measured) for name, measured in rounds.items()}
    table(results, args.count, args.nodes, args.runs, order)
    print(f"\nwall-clock: {time.monotonic() - started:.0f} s, stack start-up and shut-down included", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"count": args.count, "nodes": args.nodes, "runs": args.runs, "rounds": args.rounds,
                                         "order": order, "running_seconds": args.running_seconds, "results": results},
                                        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
