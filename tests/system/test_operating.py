"""Production trust (issue 9), proven with Airflow driving: marking a DAG run or a task failed, clearing a
running task, a worker killed between StartJobRun and the record, one task's clear beside another's retry,
and folders holding files the loader must isolate. Counts are taken at the local Glue endpoint.
"""

from __future__ import annotations

import os
import signal
import urllib.error
from pathlib import Path

import pytest

from tests.system.operating import (
    Stack,
    faults,
    outage,
    run_state,
    shorten,
)

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(airflow_stack: Stack) -> Stack:
    """The shared stack, whose jobs and crawls stay RUNNING operating.LONG seconds unless shortened."""
    return airflow_stack


def _started(stack: Stack, dag_id: str, task_id: str, deferred: bool = True) -> str:
    run_id = stack.trigger(dag_id)
    stack.wait_ti(dag_id, run_id, task_id, {"deferred"} if deferred else {"running"})
    return run_id


def test_marking_a_dag_run_failed_stops_its_deferred_job_run_and_crawl(stack: Stack) -> None:
    run_id = _started(stack, "op-run-failed", "rf-job")
    stack.wait_ti("op-run-failed", run_id, "rf-crawler", {"deferred"})
    stack.mark_run("op-run-failed", run_id, "failed")
    stack.eventually("the job run to stop", lambda: run_state(stack.runs_of("rf-job")[0]) == "STOPPED")
    stack.eventually("the crawl to stop", lambda: stack.crawler("rf-crawler").get("State") == "READY")
    assert stack.calls("BatchStopJobRun", "rf-job") >= 1
    assert stack.calls("StopCrawler", "rf-crawler") >= 1
    assert stack.crawler("rf-crawler")["LastCrawl"]["Status"] == "CANCELLED"
    assert [run_state(r) for r in stack.runs_of("rf-job")] == ["STOPPED"]


def test_marking_a_deferred_task_failed_stops_its_run_and_skips_what_it_would_start(stack: Stack) -> None:
    shorten(stack, "job", "tf-next")
    run_id = _started(stack, "op-task-failed", "tf-job")
    stack.mark_task("op-task-failed", run_id, "tf-job", "failed")
    stack.eventually("the job run to stop", lambda: run_state(stack.runs_of("tf-job")[0]) == "STOPPED")
    run = stack.wait_run("op-task-failed", run_id)
    assert stack.calls("BatchStopJobRun", "tf-job") >= 1
    assert [run_state(r) for r in stack.runs_of("tf-job")] == ["STOPPED"]
    # rule 5: never ran, never failed. The scheduler may mark it upstream_failed first; the plugin's listener
    # (manual_marks.py) then skips it, seconds after the mark, in a thread of the API server.
    stack.eventually("tf-next to be skipped", lambda: stack.ti("op-task-failed", run_id, "tf-next")["state"] == "skipped", 60)
    assert stack.calls("StartJobRun", "tf-next") == 0
    assert run["state"] == "failed"  # a node failed and no trigger handles it


def test_marking_a_deferred_task_success_stops_its_run_and_counts_as_succeeded(stack: Stack) -> None:
    """The documented choice: a success mark says "consider it done"; the run is stopped, the node counts as
    SUCCEEDED for the triggers that watch it."""
    shorten(stack, "job", "ms-next")
    run_id = _started(stack, "op-mark-success", "ms-job")
    stack.mark_task("op-mark-success", run_id, "ms-job", "success")
    stack.eventually("the job run to stop", lambda: run_state(stack.runs_of("ms-job")[0]) == "STOPPED")
    run = stack.wait_run("op-mark-success", run_id)
    assert run["state"] == "success"
    assert stack.calls("BatchStopJobRun", "ms-job") >= 1
    assert stack.calls("StartJobRun", "ms-next") == 1
    assert [run_state(r) for r in stack.runs_of("ms-job")] == ["STOPPED"]


def test_clearing_a_deferred_job_stops_its_run_and_starts_exactly_one_new_run(stack: Stack) -> None:
    shorten(stack, "job", "cj-next")
    run_id = _started(stack, "op-clear-job", "cj-job")
    shorten(stack, "job", "cj-job")
    faults(stack, "job", "cj-job", {"BatchStopJobRun": ["ThrottlingException", "503"]})  # outlasted
    stack.clear_task("op-clear-job", run_id, "cj-job")
    run = stack.wait_run("op-clear-job", run_id)
    assert run["state"] == "success", stack.task_logs("op-clear-job", run_id, "cj-job")
    assert [run_state(r) for r in stack.runs_of("cj-job")] == ["SUCCEEDED", "STOPPED"]
    assert stack.calls("StartJobRun", "cj-job") == 2
    assert stack.calls("BatchStopJobRun", "cj-job") >= 1
    assert stack.calls("StartJobRun", "cj-next") == 1


def test_clearing_a_deferred_crawler_stops_its_crawl_and_crawls_once_more(stack: Stack) -> None:
    run_id = _started(stack, "op-clear-crawler", "cc-crawler")
    shorten(stack, "crawler", "cc-crawler")
    faults(stack, "crawler", "cc-crawler", {"StopCrawler": ["500"], "GetCrawler": ["ThrottlingException"]})
    stack.clear_task("op-clear-crawler", run_id, "cc-crawler")
    run = stack.wait_run("op-clear-crawler", run_id)
    assert run["state"] == "success", stack.task_logs("op-clear-crawler", run_id, "cc-crawler")
    assert stack.calls("StartCrawler", "cc-crawler") == 2
    assert stack.calls("StopCrawler", "cc-crawler") >= 1
    assert stack.crawler("cc-crawler")["LastCrawl"]["Status"] == "SUCCEEDED"


def test_clearing_a_running_task_stops_its_run_and_starts_one_new_run_without_deferral(stack: Stack) -> None:
    shorten(stack, "job", "sc-next")
    run_id = _started(stack, "op-sync-clear", "sc-job", deferred=False)
    stack.eventually("the job run", lambda: stack.runs_of("sc-job"))
    shorten(stack, "job", "sc-job")
    stack.clear_task("op-sync-clear", run_id, "sc-job")
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS

    if not AIRFLOW_V_3_1_PLUS:
        _clear_again_out_of_restarting(stack, run_id)
    run = stack.wait_run("op-sync-clear", run_id)
    assert run["state"] == "success"
    assert [run_state(r) for r in stack.runs_of("sc-job")] == ["SUCCEEDED", "STOPPED"]
    assert stack.calls("StartJobRun", "sc-job") == 2
    assert stack.calls("StartJobRun", "sc-next") == 1


def _clear_again_out_of_restarting(stack: Stack, run_id: str) -> None:
    """Airflow 3.0 leaves a task cleared while running in ``restarting`` for good (apache/airflow#55045, fixed in
    3.1), and its DAG file unparsed meanwhile. The kill still stopped the Glue run, and the killed try recorded
    nothing (its successor is not skipped); clearing the task again, as docs/airflow-versions.md says, runs it."""
    stack.wait_ti("op-sync-clear", run_id, "sc-job", {"restarting"})
    stack.eventually("the job run to stop", lambda: run_state(stack.runs_of("sc-job")[0]) == "STOPPED")
    assert stack.calls("StartJobRun", "sc-job") == 1
    assert stack.ti("op-sync-clear", run_id, "sc-next")["state"] != "skipped"
    stack.clear_task("op-sync-clear", run_id, "sc-job")
    stack.eventually("the operating DAGs to be parsed again", lambda: _parsed(stack, "op-sync-failed"))


def _parsed(stack: Stack, dag_id: str) -> bool:
    try:
        dag = stack.api("GET", f"/api/v2/dags/{dag_id}")
    except urllib.error.HTTPError:
        return False
    return bool(dag.get("is_active", True)) and not dag.get("is_stale", False)


def test_marking_a_running_task_failed_stops_its_run_without_deferral(stack: Stack) -> None:
    run_id = _started(stack, "op-sync-failed", "sf-job", deferred=False)
    stack.eventually("the job run", lambda: stack.runs_of("sf-job"))
    stack.mark_task("op-sync-failed", run_id, "sf-job", "failed")
    stack.eventually("the job run to stop", lambda: run_state(stack.runs_of("sf-job")[0]) == "STOPPED")
    assert stack.wait_run("op-sync-failed", run_id)["state"] == "failed"
    assert stack.calls("StartJobRun", "sf-job") == 1


def test_a_worker_killed_between_start_job_run_and_the_record_reattaches(stack: Stack) -> None:
    """StartJobRun's answer is held for 8 s after the run started; the task process is killed meanwhile."""
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS

    shorten(stack, "job", "cr-job", seconds=6 if AIRFLOW_V_3_1_PLUS else 60)  # on 3.0 it is stopped (below)
    faults(stack, "job", "cr-job", {"StartJobRun": ["delay:8"]})
    run_id = stack.trigger("op-crash")
    stack.eventually("the job run to exist", lambda: stack.runs_of("cr-job"))
    ti = stack.wait_ti("op-crash", run_id, "cr-job", {"running"})
    assert ti["pid"], ti
    os.kill(int(ti["pid"]), signal.SIGKILL)  # the process holding the StartJobRun call, before it could record
    run = stack.wait_run("op-crash", run_id)
    if not AIRFLOW_V_3_1_PLUS:  # 3.0 fails a killed task without its retries (apache/airflow#55753)
        assert run["state"] == "failed"
        stack.eventually("the orphaned run to stop", lambda: run_state(stack.runs_of("cr-job")[0]) == "STOPPED")
        assert stack.calls("StartJobRun", "cr-job") == 1, "the listener found the run by its --GLUE_AIRFLOW_TASK argument"
        return
    assert run["state"] == "success", stack.task_logs("op-crash", run_id, "cr-job")
    assert stack.calls("StartJobRun", "cr-job") == 1, "the retry found the run by its --GLUE_AIRFLOW_TASK argument"
    # Try 2 reattaches to the run (found by its argument) and defers; its trigger finds the run ended 2 s later
    # (poll_interval 2, no start time for a found run). On a loaded machine Airflow's scheduler can then fail
    # that try on the deferring worker's late exit event (apache/airflow#71580, #72716; CI 2026-12-07): try 3
    # reattaches to the same run again. Either way one Glue run, and the DAG run succeeds.
    assert stack.ti("op-crash", run_id, "cr-job")["try_number"] in (2, 3)


def test_clearing_one_task_leaves_anothers_retry_attached_to_its_run(stack: Stack) -> None:
    """Clearing ln-short raises the DAG run's clear_number while ln-long waits to retry after a GetJobRun
    outage; ln-long's retry must still reattach to its own run (its lineage is its own)."""
    shorten(stack, "job", "ln-short")
    shorten(stack, "job", "ln-long", seconds=60)
    run_id = stack.trigger("op-lineage")
    stack.wait_ti("op-lineage", run_id, "ln-short", {"success"})
    stack.wait_ti("op-lineage", run_id, "ln-long", {"deferred"})
    outage(stack, "ln-long", 1000)  # every GetJobRun fails: the wait ends in error and the task retries
    stack.wait_ti("op-lineage", run_id, "ln-long", {"up_for_retry"})
    stack.clear_task("op-lineage", run_id, "ln-short")
    outage(stack, "ln-long", 0)
    run = stack.wait_run("op-lineage", run_id)
    assert run["state"] == "success"
    assert [run_state(r) for r in stack.runs_of("ln-long")] == ["SUCCEEDED"]
    assert stack.calls("StartJobRun", "ln-long") == 1
    assert stack.calls("StartJobRun", "ln-short") == 2  # the clear started ln-short again, as it should
    assert stack.ti("op-lineage", run_id, "ln-long")["try_number"] == 2


def test_a_bad_file_hides_no_dag_and_a_placeholder_refuses_every_run(stack: Stack) -> None:
    dag_ids = stack.eventually(
        "every DAG to be parsed",
        lambda: (ids := {d["dag_id"] for d in stack.api("GET", "/api/v2/dags?limit=100")["dags"]}) >= {
            "op-run-failed", "op-lineage", "my_dag", "op-broken"} and ids,
    )
    assert "op-crash" in dag_ids
    assert stack.api("GET", "/api/v2/importErrors")["total_entries"] == 0
    for placeholder in ("my_dag", "op-broken"):
        dag = stack.api("GET", f"/api/v2/dags/{placeholder}")
        assert "invalid-definition" in {t["name"] for t in dag["tags"]}
        stack.api("PATCH", f"/api/v2/dags/{placeholder}", {"is_paused": False})
        with pytest.raises(urllib.error.HTTPError) as refused:
            stack.api("POST", f"/api/v2/dags/{placeholder}/dagRuns", {"logical_date": None})
        assert refused.value.code == 400
        assert stack.api("GET", f"/api/v2/dags/{placeholder}/dagRuns")["total_entries"] == 0


def test_secret_looking_arguments_and_run_properties_are_masked_in_the_task_log(stack: Stack) -> None:
    shorten(stack, "job", "sec-job")
    run_id = stack.trigger("op-secrets")
    assert stack.wait_run("op-secrets", run_id)["state"] == "success"
    [log_file] = (stack.demo.home / "logs" / "dag_id=op-secrets").glob("run_id=*/task_id=sec-job/attempt=1.log")
    text = log_file.read_text()
    assert "Started Glue job 'sec-job'" in text and "Run properties seen by Glue job 'sec-job'" in text
    for secret in ("hunter2-argument-secret", "tok-run-property-secret"):
        assert secret not in text, f"{secret} is in {log_file}"
    assert "***" in text
    assert "2026-12-01" in text and "eu-west-1" in text  # values that do not look secret stay readable
    [job_run] = stack.runs_of("sec-job")
    assert job_run["Arguments"]["--db_password"] == "hunter2-argument-secret"  # the job itself gets the value


def test_every_call_airflow_made_is_in_the_documented_policy(stack: Stack) -> None:
    """Runs last in this module: every Glue, S3 and SQS call of the scenarios above (stops, clears, retries,
    the crash, the manual marks in the API server) was one the README's IAM policy allows."""
    from glue_workflow_provider.runtime.permissions import all_actions, policy_document

    made = stack.demo.endpoint.request_counts()["airflow"]
    assert {"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun", "glue:StartCrawler",
            "glue:GetCrawler", "glue:StopCrawler", "s3:PutObject"} <= set(made), made
    assert set(made) <= all_actions(), f"outside the documented policy: {sorted(set(made) - all_actions())}"
    readme = (Path(__file__).resolve().parents[2] / "docs" / "airflow.md").read_text()
    assert policy_document() in readme, "docs/airflow.md shows the policy permissions.policy_document() gives"
