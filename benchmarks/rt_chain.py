"""The run-time benchmark's workflow: a 4-job chain, as a definition (polling, and woken by state-change events)
and hand-written with the amazon provider's GlueJobOperator (sync and deferrable), for benchmarks/runtime.py
and benchmarks/rt_execution.py."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

CHAIN = ("rt-a", "rt-b", "rt-c", "rt-d")
OUR_DAG = "rt-chain"
#: The same chain, its waits woken by Glue's state-change events (``Airflow.state_change_queue_url``; the
#: demo creates the queue and the EventBridge rule that sends the endpoint's events there).
EVENTS_DAG = "rt-chain-events"
STATE_CHANGE_QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/rt-state-changes"
ALL_DAGS = (OUR_DAG, EVENTS_DAG, "amazon_glue_sync", "amazon_glue_deferrable")


def events_definition() -> dict[str, Any]:
    return {**chain_definition(), "Workflow": {"Name": EVENTS_DAG},
            "Airflow": {"state_change_queue_url": STATE_CHANGE_QUEUE}}


def chain_definition() -> dict[str, Any]:
    triggers: list[dict[str, Any]] = [{"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": CHAIN[0]}]}]
    for before, after in pairwise(CHAIN):
        triggers.append({"Name": f"after-{before}", "Type": "CONDITIONAL", "StartOnCreation": True,
                         "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": before, "State": "SUCCEEDED"}]},
                         "Actions": [{"JobName": after}]})
    return {"Workflow": {"Name": OUR_DAG}, "Triggers": triggers}


AMAZON_DAGS = '''"""The same 4-job chain with the amazon provider's GlueJobOperator, at its defaults (airflow DAG)."""

from itertools import pairwise

import pendulum
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator
from airflow.sdk import DAG

for dag_id, deferrable in (("amazon_glue_sync", False), ("amazon_glue_deferrable", True)):
    with DAG(dag_id=dag_id, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False) as dag:
        tasks = [GlueJobOperator(task_id=name, job_name=name, deferrable=deferrable) for name in JOBS]
        for upstream, downstream in pairwise(tasks):
            upstream >> downstream
    globals()[dag_id] = dag
'''


def chain_model() -> Any:
    """The chain as the endpoint deploys and steers it."""
    from glue_workflow_provider.sources.definition_file import load_data

    return load_data(chain_definition()).require()
