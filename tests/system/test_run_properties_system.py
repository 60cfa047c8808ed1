"""Run properties on a running scheduler: a put is seen by the node that starts after it, never by a sibling
running at the same time (Glue's rule; dag.test() runs tasks one by one, so this needs real parallelism)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
import yaml

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.local.demo import Demo, running
from glue_workflow_provider.local.ports import free_port
from glue_workflow_provider.sources.definition_file import load_data

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

DOCUMENT = {
    "Workflow": {"Name": "concurrent-puts", "DefaultRunProperties": {"region": "eu"}},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "producer"}, {"JobName": "sibling"}]},
        {
            "Name": "produced",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "producer", "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": "consumer"}],
        },
    ],
    "Airflow": {"poll_interval": 2},
}


def test_a_put_is_seen_by_the_successor_and_not_by_a_concurrent_sibling(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    (dags / "workflows").mkdir(parents=True)
    (dags / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    (dags / "workflows" / "concurrent.yaml").write_text(yaml.safe_dump(DOCUMENT))
    demo = Demo(dags, tmp_path / "home", port=free_port(), running_seconds=6)
    with running(demo):
        assert demo.endpoint is not None
        demo.endpoint.steer(load_data(DOCUMENT).require(), puts={"producer": {"batch": "17"}})
        demo.login()
        run_id = demo.trigger("concurrent-puts")
        run = demo.wait_for_run("concurrent-puts", run_id)
        seen = {task: _xcom(demo, run_id, task, "run_properties") for task in ("producer", "sibling", "consumer")}
        after = _xcom(demo, run_id, "consumer", "run_properties_after")
    assert run["state"] == "success"
    assert seen["producer"] == {"region": "eu"}
    assert seen["sibling"] == {"region": "eu"}, "a sibling running at the same time must not see the put"
    assert seen["consumer"] == {"region": "eu", "batch": "17"}
    assert after == {"region": "eu", "batch": "17"}


def _xcom(demo: Demo, run_id: str, task_id: str, key: str) -> object:
    run = urllib.parse.quote(run_id, safe="")
    entry = demo.request("GET", f"/api/v2/dags/concurrent-puts/dagRuns/{run}/taskInstances/{task_id}/xcomEntries/{key}?deserialize=true")
    return entry["value"]
