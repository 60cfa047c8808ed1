"""Part 2 of the run-time benchmark: execution-API calls per node task, counted under ``dag.test()``.

``dag.test()`` runs Airflow's own scheduling logic in one process, so every message a task sends its supervisor
(each one execution-API call in a real worker) can be counted by type. It resumes every deferred task on a
worker (it has no triggerer), so these are the counts of a node that defers and resumes; on a running Airflow a
node whose success hands on ends in the triggerer (benchmarks/runtime.py's scheduler part counts those calls
in the API server's access log). Run by ``benchmarks/runtime.py --part execution-api``, in its own interpreter.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402
from rt_chain import AMAZON_DAGS, CHAIN, chain_model  # noqa: E402


def execution_api(sizes: tuple[int, ...]) -> dict[str, Any]:
    """Runs in its own interpreter: LocalRunner must configure Airflow before it is imported."""
    from glue_workflow_provider.local.runner import LocalRunner

    results: dict[str, Any] = {}
    with LocalRunner(running_seconds=2.0, poll_interval=1) as runner:  # runs outlast the first check: tasks defer
        messages = _count_messages()
        folder = Path(tempfile.mkdtemp(prefix="glue-airflow-rt-"))
        from glue_workflow_provider.runtime.run_properties import URI_ENV  # imports Airflow: after the runner

        channel = os.environ.get(URI_ENV)
        for nodes in sizes:
            path = folder / f"wf_{nodes}.yaml"
            path.write_text(yaml.safe_dump(workload.definition(2 * nodes + 1, nodes), sort_keys=False))
            for with_channel in (False, True):  # without a run-properties channel (the default), and with one
                if with_channel and channel:
                    os.environ[URI_ENV] = channel
                else:
                    os.environ.pop(URI_ENV, None)
                messages.clear()
                report = runner.run(path)
                name = f"ours, {nodes} nodes" + (", run-properties channel" if with_channel else "")
                results[name] = _per_task(messages, report.state)
        results["amazon GlueJobOperator (sync)"] = _amazon_test_run(runner, messages)
    return results


def _count_messages() -> dict[str, Counter[str]]:
    """Count the messages each task sends its supervisor (each is one execution-API call in a real worker)."""
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor

    messages: dict[str, Counter[str]] = {}
    original = InProcessTestSupervisor._handle_request

    def counting(self: Any, msg: Any, log: Any, req_id: int) -> Any:
        task_id = getattr(self.ti, "task_id", "?")
        messages.setdefault(task_id, Counter())[type(msg).__name__] += 1
        return original(self, msg, log, req_id)

    InProcessTestSupervisor._handle_request = counting  # benchmark instrumentation of Airflow, not of our code
    return messages


def _per_task(messages: dict[str, Counter[str]], state: str) -> dict[str, Any]:
    """Per node task: messages by type, execution-API calls (every message but MaskSecret, which the
    supervisor handles itself) and XCom reads. '?' (the inline trigger) and the outcome task are left out."""
    node_tasks = {t: c for t, c in messages.items() if t not in ("workflow_outcome", "?")}
    reads = [sum(v for k, v in c.items() if k.startswith("GetXCom")) for c in node_tasks.values()]
    calls = [sum(v for k, v in c.items() if k != "MaskSecret") for c in node_tasks.values()]
    total: Counter[str] = Counter()
    for counter in node_tasks.values():
        total.update(counter)
    return {
        "state": state,
        "node_tasks": len(node_tasks),
        "api_calls_per_node": statistics.mean(calls) if calls else 0,
        "xcom_reads_per_node": statistics.mean(reads) if reads else 0,
        "messages_per_node": {k: round(v / max(1, len(node_tasks)), 2) for k, v in sorted(total.items())},
    }


def _amazon_test_run(runner: Any, messages: dict[str, Counter[str]]) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    assert runner.home is not None and runner.endpoint is not None
    runner.endpoint.deploy(chain_model())
    runner.endpoint.steer(chain_model())
    file = runner.home / "dags" / "amazon_glue.py"
    file.write_text(AMAZON_DAGS.replace("in JOBS]", f"in {list(CHAIN)!r}]"))
    try:
        dag = DagBag(str(file)).dags["amazon_glue_sync"]
        messages.clear()
        run = dag.test()
        return _per_task(messages, str(run.state))
    finally:
        file.unlink()




def execution_part(sizes: str) -> dict[str, Any]:
    print("== execution-API calls per task (dag.test) ==", flush=True)
    done = subprocess.run([sys.executable, __file__, "--sizes", sizes],
                          capture_output=True, text=True, timeout=3600)
    line = next((out for out in done.stdout.splitlines() if out.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"execution-API part failed:\n{done.stderr[-3000:]}")
    execution: dict[str, Any] = json.loads(line[7:])
    for name, result in execution.items():
        print(f"  {name}: {json.dumps(result)}", flush=True)
    return execution




if __name__ == "__main__":  # the part's own process: LocalRunner configures Airflow before it is imported
    sizes = sys.argv[sys.argv.index("--sizes") + 1]
    print("RESULT " + json.dumps(execution_api(tuple(int(s) for s in sizes.split(",")))), flush=True)
