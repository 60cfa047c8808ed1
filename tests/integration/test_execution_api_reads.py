"""Execution-API reads per node task: Airflow's task states first (one call), XCom only where it can exist.

Every XCom read is one HTTP call from a worker's supervisor to the API server. A node task used to read
every node's recorded Glue state and every task's recorded put (O(N) reads per node, O(N^2) per run); it
now asks Airflow for every task's state in one call and reads only what a task can have recorded.
The counts come from Airflow's own in-process supervisor, which `dag.test()` uses for every task.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow

CHAIN = [f"step-{i}" for i in range(1, 9)]


def _chain() -> dict[str, Any]:
    triggers: list[dict[str, Any]] = [{"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": CHAIN[0]}]}]
    for before, after in pairwise(CHAIN):
        triggers.append(
            {
                "Name": f"after-{before}",
                "Type": "CONDITIONAL",
                "StartOnCreation": True,
                "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": before, "State": "SUCCEEDED"}]},
                "Actions": [{"JobName": after}],
            }
        )
    return {"Workflow": {"Name": "read-count-chain"}, "Triggers": triggers}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Counter[str]]:
    """XCom reads by reading task and key, and GetTaskStates calls (key ``GetTaskStates``)."""
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor

    counted: dict[str, Counter[str]] = {}
    original = InProcessTestSupervisor._handle_request

    def counting(self: Any, msg: Any, log: Any, req_id: int) -> Any:
        name = type(msg).__name__
        if name.startswith("GetXCom") or name == "GetTaskStates":
            counter = counted.setdefault(getattr(self.ti, "task_id", "?"), Counter())
            counter[getattr(msg, "key", name)] += 1
        return original(self, msg, log, req_id)

    monkeypatch.setattr(InProcessTestSupervisor, "_handle_request", counting)
    return counted


def test_node_tasks_read_only_what_can_have_been_recorded(runner, tmp_path: Path, reads) -> None:
    from glue_workflow_provider.compile.naming import airflow_id

    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(_chain(), sort_keys=False))
    report = runner.run(path, puts={CHAIN[0]: {"stage": "one"}})

    assert report.state == "success"
    assert [report.nodes[name].glue_state for name in CHAIN] == ["SUCCEEDED"] * len(CHAIN)
    assert report.nodes[CHAIN[-1]].run_properties == {"stage": "one"}
    for position, name in enumerate(CHAIN, start=1):
        counter = reads[airflow_id(name)]
        # Every other node has either succeeded (its Airflow state says SUCCEEDED) or not run: only the
        # node's own state, written just before it prunes, is read. It used to read all 8.
        assert counter["glue_state"] <= 1, (name, counter)
        # Puts: the tasks that ran before it when it starts, then those and itself when it ends, then its
        # own earlier put. It used to read every task's, twice (16 reads).
        assert counter["run_properties_put"] <= 2 * position, (name, counter)
        assert 1 <= counter["GetTaskStates"] <= 4, (name, counter)
        assert counter["glue_job_run_details"] == 0, (name, counter)  # links come from the operator, not XCom


def test_without_a_run_properties_channel_no_node_task_reads_a_put(
    runner, tmp_path: Path, reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No channel (no ``run_properties_uri``, no variable): jobs cannot put, so no task reads another's put,
    and a node task's reads no longer grow with the workflow's size."""
    from glue_workflow_provider.compile.naming import airflow_id
    from glue_workflow_provider.runtime.run_properties import URI_ENV

    monkeypatch.delenv(URI_ENV, raising=False)
    path = tmp_path / "chain.yaml"
    document = _chain()
    document["Workflow"]["DefaultRunProperties"] = {"stage": "default"}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    report = runner.run(path)

    assert report.state == "success"
    assert report.nodes[CHAIN[-1]].run_properties == {"stage": "default"}
    for name in CHAIN:
        counter = reads[airflow_id(name)]
        assert counter["run_properties_put"] == 0, (name, counter)
        assert counter["glue_state"] <= 1, (name, counter)
        assert 1 <= counter["GetTaskStates"] <= 2, (name, counter)  # one as it starts (tasks_states.one_read), one at its end
        assert counter["glue_job_run_details"] == 0, (name, counter)
