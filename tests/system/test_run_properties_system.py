"""Run properties on a running scheduler: a put is seen by the node that starts after it, never by a sibling
running at the same time (Glue's rule; dag.test() runs tasks one by one, so this needs real parallelism).
The workflow (shared_stack.CONCURRENT_PUTS) runs on the shared stack, each job RUNNING 6 s."""

from __future__ import annotations

import urllib.parse

import pytest

from glue_workflow_provider.sources.definition_file import load_data
from tests.system.operating import Stack
from tests.system.shared_stack import CONCURRENT_PUTS, run_for

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


def test_a_put_is_seen_by_the_successor_and_not_by_a_concurrent_sibling(airflow_stack: Stack) -> None:
    demo = airflow_stack.demo
    demo.endpoint.steer(load_data(CONCURRENT_PUTS).require(), puts={"producer": {"batch": "17"}})
    run_for(airflow_stack, CONCURRENT_PUTS, 6)
    run_id = demo.trigger("concurrent-puts")
    run = demo.wait_for_run("concurrent-puts", run_id)
    seen = {task: _xcom(airflow_stack, run_id, task, "run_properties") for task in ("producer", "sibling", "consumer")}
    after = _xcom(airflow_stack, run_id, "consumer", "run_properties_after")
    assert run["state"] == "success"
    assert seen["producer"] == {"region": "eu"}
    assert seen["sibling"] == {"region": "eu"}, "a sibling running at the same time must not see the put"
    assert seen["consumer"] == {"region": "eu", "batch": "17"}
    assert after == {"region": "eu", "batch": "17"}


def _xcom(stack: Stack, run_id: str, task_id: str, key: str) -> object:
    run = urllib.parse.quote(run_id, safe="")
    entry = stack.api("GET", f"/api/v2/dags/concurrent-puts/dagRuns/{run}/taskInstances/{task_id}/xcomEntries/{key}?deserialize=true")
    return entry["value"]
