"""The operating scenarios' DAGs and the REST calls and endpoint counts system tests make on a running stack
(the shared one of shared_stack.py, where Airflow itself stops, clears, retries and parses).

Every scenario has a DAG of its own (so counts taken at the endpoint are per scenario); the tests act only
through Airflow's REST API and by killing processes by their PID, and count Glue calls at the endpoint.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_workflow_provider.local.glue_server import (
    FAULTS_TAG,
    GET_FAILURES_TAG,
    RUNNING_SECONDS_TAG,
)

ACCOUNT, REGION = "123456789012", "us-east-1"
LONG = "300"  # seconds a run stays RUNNING until a test shortens it (or stops it)


def _job(name: str, dag: str, *, after: str | None = None, deferrable: bool = True, extra: str = "",
         retries: int = 1) -> str:
    """A definition: an ON_DEMAND trigger starts ``name``; a conditional trigger starts ``after`` on SUCCEEDED."""
    text = f"""Workflow: {{Name: {dag}}}
Triggers:
  - {{Name: start, Type: ON_DEMAND, Actions: [{{JobName: {name}}}{extra}]}}
"""
    if after:
        text += f"""  - Name: after-{name}
    Type: CONDITIONAL
    Predicate: {{Conditions: [{{JobName: {name}, State: SUCCEEDED}}]}}
    Actions: [{{JobName: {after}}}]
"""
    return text + f"""Airflow:
  poll_interval: 2
  deferrable: {str(deferrable).lower()}
  default_args: {{retries: {retries}, retry_delay: 3}}
"""


def _crawler(name: str, dag: str) -> str:
    return f"""Workflow: {{Name: {dag}}}
Triggers:
  - {{Name: start, Type: ON_DEMAND, Actions: [{{CrawlerName: {name}}}]}}
Airflow: {{poll_interval: 2, default_args: {{retries: 1, retry_delay: 3}}}}
"""


DEFINITIONS = {
    "run_failed.yaml": """Workflow: {Name: op-run-failed}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: rf-job}, {CrawlerName: rf-crawler}]}
Airflow: {poll_interval: 2}
""",
    "task_failed.yaml": _job("tf-job", "op-task-failed", after="tf-next"),
    "clear_job.yaml": _job("cj-job", "op-clear-job", after="cj-next"),
    "mark_success.yaml": _job("ms-job", "op-mark-success", after="ms-next"),
    "clear_crawler.yaml": _crawler("cc-crawler", "op-clear-crawler"),
    "sync_clear.yaml": _job("sc-job", "op-sync-clear", after="sc-next", deferrable=False),
    "sync_failed.yaml": _job("sf-job", "op-sync-failed", deferrable=False),
    # two retries: the kill takes one; the reattached try can lose Airflow's defer race (test_operating.py)
    "crash.yaml": _job("cr-job", "op-crash", retries=2),
    "lineage.yaml": """Workflow: {Name: op-lineage}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: ln-long}, {JobName: ln-short}]}
Airflow: {poll_interval: 2, default_args: {retries: 1, retry_delay: 10}}
""",
    "secrets.yaml": """Workflow:
  Name: op-secrets
  DefaultRunProperties: {api_token: tok-run-property-secret, region: eu-west-1}
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions: [{JobName: sec-job, Arguments: {--db_password: hunter2-argument-secret, --day: '2026-12-01'}}]
Airflow: {poll_interval: 2}
""",
    # two files the loader must isolate: a dag_id Airflow refuses, and a syntax error
    "bad_dag_id.yaml": "Workflow: {Name: op-bad-id}\nAirflow: {dag_id: 'my dag!'}\n"
    "Triggers: [{Name: s, Type: ON_DEMAND, Actions: [{JobName: bad-id-job}]}]\n",
    "broken.yaml": "Workflow: {Name: op-broken}\nTriggers: [{Name: s, Type: SCHEDULED, Schedule: 'cron(bad)'}]\n",
}


@dataclass
class Stack:
    """The running demo, with the REST calls and endpoint counts the tests use."""

    demo: Any

    @property
    def glue(self) -> Any:
        return self.demo.endpoint.client()

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.demo.request(method, path, body)

    def trigger(self, dag_id: str) -> str:
        return str(self.demo.trigger(dag_id))

    def _run_path(self, dag_id: str, run_id: str) -> str:
        return f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"

    def ti(self, dag_id: str, run_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.api("GET", f"{self._run_path(dag_id, run_id)}/taskInstances/{task_id}"))

    def wait_ti(self, dag_id: str, run_id: str, task_id: str, states: set[str], timeout: float = 180) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            ti = self.ti(dag_id, run_id, task_id)
            return ti if str(ti["state"]) in states else None

        return dict(self.demo.wait_for(f"{dag_id}.{task_id} in {sorted(states)}", probe, timeout=timeout))

    def wait_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.demo.wait_for_run(dag_id, run_id))

    def mark_run(self, dag_id: str, run_id: str, state: str) -> None:
        self.api("PATCH", self._run_path(dag_id, run_id), {"state": state})

    def mark_task(self, dag_id: str, run_id: str, task_id: str, state: str) -> None:
        self.api("PATCH", f"{self._run_path(dag_id, run_id)}/taskInstances/{task_id}", {"new_state": state})

    def clear_task(self, dag_id: str, run_id: str, task_id: str) -> None:
        body = {"dry_run": False, "task_ids": [task_id], "dag_run_id": run_id, "only_failed": False,
                "include_downstream": False, "reset_dag_runs": True}
        self.api("POST", f"/api/v2/dags/{dag_id}/clearTaskInstances", body)

    def calls(self, action: str, name: str) -> int:
        return int(self.demo.endpoint.request_counts()["airflow_by_name"].get(f"{action} {name}", 0))

    def tag(self, kind: str, name: str, tags: dict[str, str]) -> None:
        self.glue.tag_resource(ResourceArn=f"arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{name}", TagsToAdd=tags)

    def runs_of(self, job: str) -> list[dict[str, Any]]:
        return list(self.demo.endpoint.job_runs(job))

    def crawler(self, name: str) -> dict[str, Any]:
        return dict(self.glue.get_crawler(Name=name)["Crawler"])

    def eventually(self, what: str, probe: Callable[[], Any], timeout: float = 120) -> Any:
        return self.demo.wait_for(what, probe, timeout=timeout)

    def task_logs(self, dag_id: str, run_id: str, task_id: str) -> str:
        """What the task's tries and their triggers logged (info and above), for an assertion's message: a
        system test that fails once in many runs must say why from CI's output alone."""
        folder = Path(self.demo.home) / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
        lines = []
        for log in sorted(folder.glob("*.log*")):
            lines.append(f"== {log.name}")
            for raw in log.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(raw)
                except ValueError:
                    lines.append(raw[:300])
                    continue
                if entry.get("level") != "debug":
                    lines.append(f"{str(entry.get('timestamp', ''))[11:23]} {entry.get('level')} "
                                 f"{str(entry.get('event', ''))[:300]} {entry.get('error_detail') or ''}"[:600])
        return "\n".join(lines)


def shorten(stack: Stack, kind: str, name: str, seconds: float = 2) -> None:
    """Runs of ``name`` started from now on stay RUNNING ``seconds`` only."""
    stack.tag(kind, name, {RUNNING_SECONDS_TAG: str(seconds)})


def faults(stack: Stack, kind: str, name: str, plan: dict[str, list[str]]) -> None:
    stack.tag(kind, name, {FAULTS_TAG: json.dumps(plan)})


def outage(stack: Stack, job: str, calls: int) -> None:
    stack.tag("job", job, {GET_FAILURES_TAG: str(calls)})


def run_state(job_run: dict[str, Any]) -> str:
    return str(job_run["JobRunState"])


def wait(seconds: float) -> None:
    time.sleep(seconds)
