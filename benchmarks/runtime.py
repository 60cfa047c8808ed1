"""Run-time overhead: Glue API calls per job run, hand-off delays between nodes, execution-API calls per node.

Usage (from the repository root)::

    .venv/bin/python benchmarks/runtime.py            # about 15 minutes
    .venv/bin/python benchmarks/runtime.py --quick    # skips the amazon deferrable run and N=16: under 8 minutes
    .venv/bin/python benchmarks/runtime.py --part scheduler --dags rt-chain,rt-chain-events   # one part
    .venv/bin/python benchmarks/runtime.py --part execution-api --sizes 4,8,16,32   # dag.test counts only
    .venv/bin/python benchmarks/runtime.py --part scheduler --dags amazon_glue_sync,rt-chain --rounds 4
        # the two sides interleaved (amazon, ours, amazon, ours ...): hand-off and gap p50 and p95 over all runs

Two parts, each against the local Glue endpoint, which counts every request it answers
(``GET /_glue_airflow/requests``):

1. A real Airflow (scheduler, DAG processor, triggerer, API server, LocalExecutor; ``local/demo.py``) runs a
   4-job chain three times: compiled by the loader (our GlueWorkflowJobOperator with its defaults:
   deferrable, ``poll_interval`` 6 s, checks on the grid of the run's start), then as hand-written
   DAGs with the amazon provider's GlueJobOperator with its defaults (sync, ``job_poll_interval`` 6 s) and
   with ``deferrable=True`` (``waiter_delay`` 60 s). Each job run stays RUNNING ``--running-seconds``.
   The loader's chain runs twice: polling, and woken by Glue's state-change events
   (``Airflow.state_change_queue_url``, fallback checks every 60 s; the endpoint sends the events).
   Reported: Glue API calls per job run, the Airflow hand-off (a task's end to its successor's start), the
   Glue-to-Glue gap (a run's end to its successor's run start), how late each task saw its run end, and the
   execution-API calls per node task from the API server's access log (benchmarks/access_log.py): the real
   calls of a running Airflow, where a node whose success hands on ends in the triggerer.
2. ``dag.test()`` (benchmarks/rt_execution.py; Airflow's own scheduling logic, in one process) counts the Task-SDK messages each task
   sends, i.e. the execution-API calls a worker makes, for workflows of 4, 8 and 16 nodes, and for the
   amazon operator (job runs last 2 s, checks every 1 s, so every task defers and resumes once).

Requests without ``X-Amz-Target`` are not Glue calls: they are the S3 requests of the run-properties
channel (``GLUE_AIRFLOW_RUN_PROPERTIES_URI``, which the demo configures).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import access_log  # noqa: E402
from rt_chain import ALL_DAGS, AMAZON_DAGS, CHAIN, chain_definition, events_definition  # noqa: E402
from rt_execution import execution_part  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


# -- part 1: a real scheduler ----------------------------------------------------------------------------


def real_scheduler(root: Path, running_seconds: float, dag_ids: tuple[str, ...], rounds: int = 1) -> dict[str, Any]:
    from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
    from glue_workflow_provider.local.demo import Demo, running

    dags = root / "dags"
    (dags / "workflows").mkdir(parents=True, exist_ok=True)
    (dags / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    (dags / "workflows" / "rt_chain.yaml").write_text(yaml.safe_dump(chain_definition(), sort_keys=False))
    (dags / "workflows" / "rt_chain_events.yaml").write_text(yaml.safe_dump(events_definition(), sort_keys=False))
    (dags / "amazon_glue.py").write_text(AMAZON_DAGS.replace("in JOBS]", f"in {list(CHAIN)!r}]"))
    demo = Demo(dags, root / "airflow-home", _free_port(), running_seconds)
    results: dict[str, Any] = {}
    with running(demo):
        print("starting Airflow (API server, scheduler, DAG processor, triggerer) ...", flush=True)
        demo.login()
        for number in range(rounds):  # the sides interleaved, so that neither meets cold workers alone
            for dag_id in dag_ids:
                run = _one_run(demo, dag_id, running_seconds)
                results.setdefault(dag_id, []).append(run)
                print(f"  round {number + 1}, {dag_id}: {json.dumps(run['summary'])}", flush=True)
    return {dag_id: {"summary": _over_runs(runs), "runs": runs} for dag_id, runs in results.items()}


def _percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _over_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One DAG's figures over all its runs: Glue calls per job run (mean), hand-offs and gaps (p50, p95)."""
    calls: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for run in runs:
        calls.update(run["summary"]["glue_calls_per_job_run"])
        others.update(run["summary"]["other_requests_per_job_run"])
    handoffs = [h for run in runs for h in run["handoffs_s"]]
    gaps = [g for run in runs for g in run["glue_gaps_s"]]
    late = [n["seen_late_s"] for run in runs for n in run["nodes"].values()]
    return {
        "runs": len(runs), "states": sorted({run["summary"]["state"] for run in runs}),
        "glue_calls_per_job_run": {k: v / len(runs) for k, v in sorted(calls.items())},
        "other_requests_per_job_run": {k: v / len(runs) for k, v in sorted(others.items())},
        "handoff_s_median": statistics.median(handoffs), "handoff_s_p95": _percentile(handoffs, 0.95),
        "glue_gap_s_median": statistics.median(gaps), "glue_gap_s_p95": _percentile(gaps, 0.95),
        "seen_late_s_median": statistics.median(late),
        "execution_api_calls_per_node_task": _mean(runs, "execution_api_calls_per_node_task"),
        "execution_api_calls_per_node_task_without_heartbeats": _mean(
            runs, "execution_api_calls_per_node_task_without_heartbeats"),
        "execution_api_calls_by_kind_per_node_task": _per_node_kinds(runs),
    }


def _mean(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.mean(run["summary"][key] for run in runs)


def _per_node_kinds(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Execution-API calls per node task by kind (``PATCH task-instances/{id}/run`` ...), over all runs."""
    total: Counter[str] = Counter()
    for run in runs:
        total.update(run["execution_api_calls"])
    return {k: round(v / (len(runs) * len(CHAIN)), 2) for k, v in total.most_common()}


def _counts(demo: Any, method: str = "GET") -> dict[str, Any]:
    request = urllib.request.Request(f"{demo.endpoint.url}/_glue_airflow/requests", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _one_run(demo: Any, dag_id: str, running_seconds: float) -> dict[str, Any]:
    _counts(demo, "DELETE")
    api_log = demo.home / "logs" / "api-server.log"
    api_offset = access_log.size(api_log)
    run_id = demo.trigger(dag_id)
    path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.request.quote(run_id, safe='')}"
    run = demo.wait_for(f"run of {dag_id}", lambda: (r := demo.request("GET", path))["state"] in ("success", "failed") and r,
                        timeout=1200)
    counts = _counts(demo)
    time.sleep(2)  # the access log is written after the response: let the last task's lines land
    execution = access_log.by_kind(access_log.execution_calls(access_log.read_from(api_log, api_offset)))
    instances = {ti["task_id"]: ti for ti in demo.request("GET", f"{path}/taskInstances")["task_instances"]}
    glue = demo.endpoint.client()
    started = {name: max(r["StartedOn"] for r in glue.get_job_runs(JobName=name)["JobRuns"]) for name in CHAIN}
    nodes = {}
    for name in CHAIN:
        ti = instances[name]
        glue_end = started[name] + timedelta(seconds=running_seconds)
        nodes[name] = {
            "glue_calls": {k.split(" ")[0]: v for k, v in counts["by_name"].items() if k.endswith(f" {name}")},
            "task_start": ti["start_date"], "task_end": ti["end_date"], "tries": ti["try_number"],
            "seen_late_s": (_iso(ti["end_date"]) - glue_end).total_seconds(),
        }
    handoffs = [(_iso(instances[b]["start_date"]) - _iso(instances[a]["end_date"])).total_seconds()
                for a, b in pairwise(CHAIN)]
    gaps = [(started[b] - started[a]).total_seconds() - running_seconds for a, b in pairwise(CHAIN)]
    per_run = Counter()
    for node in nodes.values():
        per_run.update(node["glue_calls"])
    summary = {
        "state": run["state"],
        "glue_calls_per_job_run": {k: v / len(CHAIN) for k, v in sorted(per_run.items())},
        "other_requests_per_job_run": {k.replace("(no X-Amz-Target)", "S3"): v / len(CHAIN)
                                       for k, v in counts["actions"].items() if k not in per_run},
        "handoff_s_median": statistics.median(handoffs),
        "glue_gap_s_median": statistics.median(gaps),
        "seen_late_s_median": statistics.median(n["seen_late_s"] for n in nodes.values()),
        "execution_api_calls_per_node_task": sum(execution.values()) / len(CHAIN),
        "execution_api_calls_per_node_task_without_heartbeats": access_log.without_heartbeats(execution) / len(CHAIN),
    }
    return {"execution_api_calls": dict(execution), "summary": summary, "nodes": nodes, "handoffs_s": handoffs, "glue_gaps_s": gaps}


# -- driver -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--running-seconds", type=float, default=20.0, help="how long each job run stays RUNNING")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--part", choices=("execution-api", "scheduler"),
                        help="only one part (execution-api: dag.test counts; scheduler: the real scheduler)")
    parser.add_argument("--dags", default="", help=f"with the scheduler part, only these (comma-separated: {ALL_DAGS})")
    parser.add_argument("--sizes", default="", help="execution-API part: chain lengths (default 4,8,16; --quick 4,8)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each DAG, interleaved in the order of --dags (e.g. amazon, ours, amazon, ours)")
    args = parser.parse_args(argv)
    execution = {} if args.part == "scheduler" else execution_part(args.sizes or ("4,8" if args.quick else "4,8,16"))
    if args.part == "execution-api":
        _table(execution, {})
        if args.json:
            args.json.write_text(json.dumps({"execution_api": execution}, indent=2, default=str))
        return 0
    root = (args.workdir or Path(tempfile.mkdtemp(prefix="glue-airflow-runtime-"))).resolve()
    root.mkdir(parents=True, exist_ok=True)
    dag_ids = tuple(args.dags.split(",")) if args.dags else ALL_DAGS[:3] if args.quick else ALL_DAGS
    print(f"\n== a real scheduler, 4-job chain, each run {args.running_seconds:g} s ==", flush=True)
    scheduler = real_scheduler(root, args.running_seconds, dag_ids, args.rounds)
    _table(execution, scheduler)
    if args.json:
        args.json.write_text(json.dumps({"execution_api": execution, "scheduler": scheduler}, indent=2, default=str))
    return 0


def _table(execution: dict[str, Any], scheduler: dict[str, Any]) -> None:
    print("\n| Measurement | ours (loader) | ours, state-change events | amazon GlueJobOperator sync "
          "| amazon deferrable |\n| --- | --- | --- | --- | --- |")
    columns = list(ALL_DAGS)

    def cell(dag_id: str, key: str) -> str:
        if dag_id not in scheduler:
            return "(not run)"
        value = scheduler[dag_id]["summary"][key]
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, dict):
            return ", ".join(f"{k} {v:g}" for k, v in value.items())
        return f"{value:.1f}" if key.startswith("execution") else f"{value:.1f} s"

    for label, key in (("Glue API calls per job run", "glue_calls_per_job_run"),
                       ("other requests per job run (S3: run-properties channel)", "other_requests_per_job_run"),
                       ("Airflow hand-off (task end -> next task start), median", "handoff_s_median"),
                       ("Airflow hand-off, p95", "handoff_s_p95"),
                       ("Glue gap (run end -> next run start), median", "glue_gap_s_median"),
                       ("Glue gap, p95", "glue_gap_s_p95"),
                       ("task end after its Glue run ended, median", "seen_late_s_median"),
                       ("execution-API calls per node task (API server access log)", "execution_api_calls_per_node_task"),
                       ("the same without heartbeats", "execution_api_calls_per_node_task_without_heartbeats"),
                       ("by kind, per node task", "execution_api_calls_by_kind_per_node_task")):
        print(f"| {label} | " + " | ".join(cell(c, key) for c in columns) + " |")
    for name, result in execution.items():
        print(f"| execution-API calls per node task, {name} | {result['api_calls_per_node']:.1f} "
              f"(XCom reads {result['xcom_reads_per_node']:.1f}) | | | |")


if __name__ == "__main__":
    sys.exit(main())
