"""The monitoring tests' workflows on the shared stack (shared_stack.py): two whose nodes end as
forced at the endpoint (a handled TIMEOUT in data_vault_load; a STOPPED job beside a CANCELLED crawl), and
one whose waits wake on Glue's state-change events (mon-wake)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from glue_workflow_provider.local.glue_server import OUTCOME_TAG
from tests.system.operating import Stack

REPO = Path(__file__).resolve().parents[2]
VAULT_DAG, STOP_DAG, WAKE_DAG = "mon-vault", "mon-stop", "mon-wake"
#: mon-wake's queue (the demo makes it, with the EventBridge rule that sends the endpoint's Glue events there).
WAKE_QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/mon-state-changes"
#: Longer than any mon-wake run, far longer than its poll interval: a wait that ends sooner was woken.
WAKE_FALLBACK, WAKE_RUN_SECONDS = 300, 8
#: mon-wake's jobs, started together (one triggerer waits on them at once), then one after all three, then a last
#: one; the workflow handles no failure, so every node ends in the triggerer (and the listener writes the summary).
WAKE_JOBS, WAKE_AFTER, WAKE_CRAWLER = ("mw-a", "mw-b", "mw-c"), "mw-d", "mw-crawler"
WAKE_LAST = "mw-e"
#: data_vault_load as shipped (renamed): load-hubs ends TIMEOUT, which its trigger hubs-failed handles.
VAULT_OUTCOMES = {"load-hubs": "TIMEOUT"}
#: Both nodes fail and nothing handles it: the run fails.
STOP_OUTCOMES = {"mn-job": "STOPPED", "mn-crawler": "CANCELLED"}
SECRET = "hunter2-monitoring-secret"
STOP_DEFINITION = f"""Workflow: {{Name: {STOP_DAG}}}
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions:
      - JobName: mn-job
        Timeout: 7
        Arguments: {{--db_password: {SECRET}, --day: '2026-12-01'}}
      - CrawlerName: mn-crawler
Airflow: {{poll_interval: 2}}
"""


WAKE_DEFINITION = f"""Workflow: {{Name: {WAKE_DAG}}}
Triggers:
  - Name: start
    Type: ON_DEMAND
    Actions: [{", ".join(f"{{JobName: {job}}}" for job in WAKE_JOBS)}, {{CrawlerName: {WAKE_CRAWLER}}}]
  - Name: all-loaded
    Type: CONDITIONAL
    StartOnCreation: true
    Predicate:
      Logical: AND
      Conditions: [{", ".join(f"{{LogicalOperator: EQUALS, JobName: {job}, State: SUCCEEDED}}" for job in WAKE_JOBS)}]
    Actions: [{{JobName: {WAKE_AFTER}}}]
  - Name: after-d
    Type: CONDITIONAL
    StartOnCreation: true
    Predicate:
      Conditions: [{{LogicalOperator: EQUALS, JobName: {WAKE_AFTER}, State: SUCCEEDED}}]
    Actions: [{{JobName: {WAKE_LAST}}}]
Airflow: {{poll_interval: 2, state_change_queue_url: {WAKE_QUEUE}, state_change_poll_interval: {WAKE_FALLBACK}}}
"""


def definitions() -> dict[str, str]:
    vault = (REPO / "dags" / "workflows" / "data_vault_load.yaml").read_text()
    vault = vault.replace("Name: data-vault-load", f"Name: {VAULT_DAG}") + "Airflow: {poll_interval: 2, stream_logs: true}\n"
    return {"vault.yaml": vault, "stop.yaml": STOP_DEFINITION, "wake.yaml": WAKE_DEFINITION}


def task_ids(dag: str) -> dict[str, str]:
    """Node name -> task id in ``dag`` (from the plan, as the loader builds it)."""
    import yaml

    from glue_workflow_provider.compile.planner import plan_workflow
    from glue_workflow_provider.sources.definition_file import load_data

    text = definitions()[{VAULT_DAG: "vault.yaml", STOP_DAG: "stop.yaml", WAKE_DAG: "wake.yaml"}[dag]]
    plan = plan_workflow(load_data(yaml.safe_load(text), dag).require()).plan
    assert plan is not None
    return plan.node_task_ids()


def prepare(stack: Stack) -> Stack:
    """On the shared stack: every job and crawl of these workflows RUNNING 2 seconds and ending as forced,
    mon-wake's RUNNING WAKE_RUN_SECONDS."""
    from tests.system.shared_stack import run_for

    texts = definitions()
    run_for(stack, texts["vault.yaml"], 2)
    run_for(stack, texts["stop.yaml"], 2)
    run_for(stack, texts["wake.yaml"], WAKE_RUN_SECONDS)
    for outcomes in (VAULT_OUTCOMES, STOP_OUTCOMES):
        for name, state in outcomes.items():
            stack.tag("crawler" if name.endswith("crawler") else "job", name, {OUTCOME_TAG: state})
    return stack


def cli(*argv: str) -> tuple[int, str]:
    """``glue-airflow ARGV`` in this process: its exit code and standard output."""
    from glue_workflow_provider.cli.main import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def cli_json(*argv: str) -> tuple[int, dict[str, Any]]:
    code, text = cli(*argv, "--json")
    return code, dict(json.loads(text))
