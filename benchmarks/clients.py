"""boto3 clients per task: what our node task's hook costs beside the amazon provider's GlueJobHook.

Issue 12 asks that a task's client be no slower than the amazon hook's cached one. Every Airflow task runs
in its own process, so each task pays for its clients once: ours needs two (the ordinary Glue client for
GetJobRun and the start-call client with retries off, built from one session), the amazon operator one.

Each sample runs in a fresh interpreter (as a task process is), imports the hooks first (not timed: the
operators import them anyway), then times building the clients and one GetJobRun against the local Glue
endpoint on loopback. Median of the samples, CPU and wall; nothing here asserts.

Usage: ``.venv/bin/python benchmarks/clients.py [--samples 7]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from typing import Any

PROBE = r'''
import json, os, sys, time
from airflow.providers.amazon.aws.hooks.glue import GlueJobHook
from glue_workflow_provider.runtime.hooks import GlueWorkflowJobHook
kind = sys.argv[1]
cpu, wall = time.process_time(), time.perf_counter()
if kind == "ours":
    hook = GlueWorkflowJobHook(aws_conn_id=None, region_name="us-east-1")
    clients = (hook.conn, hook.start_client)
else:
    hook = GlueJobHook(aws_conn_id=None, region_name="us-east-1")
    clients = (hook.conn,)
try:
    clients[0].get_job_run(JobName="bench-job", RunId="jr_missing")
except Exception:
    pass  # the call's round trip is what is timed, not its answer
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "clients": len(clients)}))
'''


def sample(kind: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PROBE, kind], capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"probe {kind} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args(argv)
    from glue_workflow_provider.local.endpoint import LocalGlueEndpoint

    with LocalGlueEndpoint() as endpoint:
        env = {**os.environ, "AWS_ENDPOINT_URL": endpoint.url, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
        results: dict[str, list[dict[str, Any]]] = {"ours": [], "amazon": []}
        for _ in range(args.samples):  # interleaved, so a busy machine slows both alike
            for kind in results:
                results[kind].append(sample(kind, env))
    print("| clients and one GetJobRun, per task process | CPU (median) | wall (median) | clients |")
    print("| --- | --- | --- | --- |")
    for kind, label in (("ours", "ours: GlueWorkflowJobHook"), ("amazon", "amazon: GlueJobHook")):
        cpu = statistics.median(r["cpu"] for r in results[kind]) * 1000
        wall = statistics.median(r["wall"] for r in results[kind]) * 1000
        print(f"| {label} | {cpu:.1f} ms | {wall:.1f} ms | {results[kind][0]['clients']} |")
    ours = statistics.median(r["cpu"] for r in results["ours"])
    amazon = statistics.median(r["cpu"] for r in results["amazon"])
    print(f"\nours / amazon (CPU): {ours / amazon:.2f}   [target <= 1.00: {'PASS' if ours <= amazon else 'MISS'}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
