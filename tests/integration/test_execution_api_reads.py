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
    for name in CHAIN:
        counter = reads[airflow_id(name)]
        # Every other node has either succeeded (its Airflow state says SUCCEEDED) or not run: only the
        # node's own state, written just before it prunes, is read. It used to read all 8.
        assert counter["glue_state"] <= 1, (name, counter)
        # Puts: only of the jobs whose run wrote out.json (one listing of the run's S3 prefix tells which:
        # here the first job alone), as it starts and as it ends, then its own earlier put if it put. It used
        # to read every earlier task's, twice (2 x position reads), and before that every task's.
        assert counter["run_properties_put"] <= 2, (name, counter)
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


def test_the_listing_keeps_what_it_cannot_rule_out(runner) -> None:
    """``with_out_json`` against the endpoint's S3: a job whose prefix holds ``out.json`` is kept, one without is
    dropped, a task with no channel (a Python task putting through XCom) is kept; a listing that fails (no such
    bucket) keeps every task, to be read as before."""
    from types import SimpleNamespace

    from glue_workflow_provider.runtime.run_properties import RunPropertiesChannel, with_out_json

    uri = runner.endpoint.ensure_run_properties_bucket()
    channel = RunPropertiesChannel(uri, aws_conn_id="aws_default")
    bucket, key = channel.location("d", "manual__2026-12-07T10:00:00+00:00", "grp.put-job")[len("s3://"):].split("/", 1)
    s3 = runner.endpoint.client("s3")
    s3.put_object(Bucket=bucket, Key=f"{key}out.json", Body=b'{"k": "v"}')
    s3.put_object(Bucket=bucket, Key=f"{key.replace('grp.put-job', 'quiet-job')}in.json", Body=b"{}")
    missing = RunPropertiesChannel("s3://no-such-bucket-here/x", aws_conn_id="aws_default")

    def ti(job_channel: RunPropertiesChannel) -> Any:
        tasks = {"grp.put-job": job_channel, "quiet-job": job_channel, "python-task": None}
        dag = SimpleNamespace(task_dict={t: SimpleNamespace(run_properties_channel=c) for t, c in tasks.items()})
        return SimpleNamespace(dag_id="d", run_id="manual__2026-12-07T10:00:00+00:00",
                               task=SimpleNamespace(dag=dag, run_properties_channel=job_channel))

    every = ["grp.put-job", "quiet-job", "python-task"]
    assert channel.putters("d", "manual__2026-12-07T10:00:00+00:00") == {"grp.put-job"}
    assert with_out_json(ti(channel), every) == ["grp.put-job", "python-task"]
    assert with_out_json(ti(missing), every) == every
