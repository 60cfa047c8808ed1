"""A node whose SUCCEEDED end hands on ends in the triggerer: its trigger, given the XComs of that end, reads
the exact end state against the local Glue endpoint and ends the task with a TaskSuccessEvent; any other end
state resumes the task on a worker as before. Under dag.test (which resumes a task with a task-end event's
payload), the node finishes from its run record, with the same records as before."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

XCOMS = {"glue_state": "SUCCEEDED", "glue_note": "SUCCEEDED", "return_value": "jr_x"}
ROLE = "arn:aws:iam::123456789012:role/r"


def _first_event(trigger: Any) -> Any:
    async def first() -> Any:
        async for event in trigger.run():
            return event
        raise AssertionError("no event")

    return asyncio.run(first())


def _job_run(runner, job: str, outcome: str) -> dict[str, Any]:
    glue = runner.endpoint.client()
    glue.create_job(Name=job, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"})
    glue.tag_resource(ResourceArn=f"arn:aws:glue:us-east-1:123456789012:job/{job}",
                      TagsToAdd={"glue-airflow:outcome": outcome, "glue-airflow:running-seconds": "1"})
    return {"run_id": glue.start_job_run(JobName=job)["JobRunId"]}


def test_a_job_trigger_ends_its_task_when_the_run_succeeded(runner) -> None:
    from airflow.triggers.base import TaskSuccessEvent

    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    run = _job_run(runner, "ends-here", "SUCCEEDED")
    event = _first_event(GlueJobRunEndedTrigger(job_name="ends-here", run=run, waiter_delay=1, waiter_max_attempts=30,
                                                succeeded_xcoms=XCOMS))
    assert isinstance(event, TaskSuccessEvent) and event.xcoms == XCOMS


def test_the_trigger_decides_from_the_waiters_reply_without_asking_glue_again(runner) -> None:
    """The waiter's reply that says the run ended holds its end state: one GetJobRun (GetCrawler) per check,
    none more to end the task (the trigger asked once more before)."""
    from airflow.triggers.base import TaskSuccessEvent

    from glue_workflow_provider.runtime.triggers.glue_run import GlueCrawlEndedTrigger, GlueJobRunEndedTrigger

    run = _job_run(runner, "read-once", "SUCCEEDED")
    glue = runner.endpoint.client()
    glue.create_crawler(Name="read-once-crawler", Role=ROLE, DatabaseName="db",
                        Targets={"S3Targets": [{"Path": "s3://b/p"}]})
    glue.tag_resource(ResourceArn="arn:aws:glue:us-east-1:123456789012:crawler/read-once-crawler",
                      TagsToAdd={"glue-airflow:running-seconds": "1"})
    glue.start_crawler(Name="read-once-crawler")
    time.sleep(2.5)  # both have ended: the first check of each says so
    runner.endpoint.request_counts(reset=True)
    job_event = _first_event(GlueJobRunEndedTrigger(job_name="read-once", run=run, waiter_delay=1,
                                                    waiter_max_attempts=30, succeeded_xcoms=XCOMS))
    crawl_event = _first_event(GlueCrawlEndedTrigger(crawler_name="read-once-crawler", run={"previous_start": None},
                                                     waiter_delay=1, waiter_max_attempts=30,
                                                     succeeded_xcoms={"glue_state": "SUCCEEDED"}))
    assert isinstance(job_event, TaskSuccessEvent) and isinstance(crawl_event, TaskSuccessEvent)
    calls = runner.endpoint.request_counts()["by_name"]
    assert calls.get("GetJobRun read-once") == 1, calls
    assert calls.get("GetCrawler read-once-crawler") == 1, calls


@pytest.mark.parametrize("outcome", ["FAILED", "TIMEOUT"])
def test_any_other_end_resumes_the_task_on_a_worker(runner, outcome: str) -> None:
    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    run = _job_run(runner, f"resumes-{outcome.lower()}", outcome)
    event = _first_event(GlueJobRunEndedTrigger(job_name=f"resumes-{outcome.lower()}", run=run, waiter_delay=1,
                                                waiter_max_attempts=30, succeeded_xcoms=XCOMS))
    assert type(event).__name__ == "TriggerEvent" and event.payload["status"] == "ended"


def test_a_crawler_trigger_ends_its_task_when_its_own_crawl_succeeded(runner) -> None:
    from airflow.triggers.base import TaskSuccessEvent

    from glue_workflow_provider.runtime.triggers.glue_run import GlueCrawlEndedTrigger

    glue = runner.endpoint.client()
    glue.create_crawler(Name="crawls-here", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://b/p"}]})
    glue.tag_resource(ResourceArn="arn:aws:glue:us-east-1:123456789012:crawler/crawls-here",
                      TagsToAdd={"glue-airflow:running-seconds": "1"})
    glue.start_crawler(Name="crawls-here")
    event = _first_event(GlueCrawlEndedTrigger(crawler_name="crawls-here", run={"previous_start": None}, waiter_delay=1,
                                               waiter_max_attempts=30, succeeded_xcoms={"glue_state": "SUCCEEDED"}))
    assert isinstance(event, TaskSuccessEvent) and event.xcoms == {"glue_state": "SUCCEEDED"}


def test_the_trigger_records_what_the_job_put(runner) -> None:
    """A job given a run-properties location: its ``out.json`` is read by the trigger and recorded as the worker
    records it (XCom ``run_properties_put``, and applied to ``run_properties_after``); a job that put nothing
    records no put."""
    import json

    from airflow.triggers.base import TaskSuccessEvent

    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    uri = runner.endpoint.ensure_run_properties_bucket()
    for job, put in (("puts-here", {"loaded": "yes"}), ("puts-nothing", None)):
        location = f"{uri}/hand-on/run/{job}/"
        if put is not None:
            bucket, key = location[len("s3://"):].split("/", 1)
            runner.endpoint.client("s3").put_object(Bucket=bucket, Key=f"{key}out.json", Body=json.dumps(put).encode())
        run = {**_job_run(runner, job, "SUCCEEDED"), "properties": location}
        seen = {"region": "eu", "loaded": "no"}
        event = _first_event(GlueJobRunEndedTrigger(job_name=job, run=run, waiter_delay=1, waiter_max_attempts=30,
                                                    succeeded_xcoms={**XCOMS, "run_properties_after": seen}))
        assert isinstance(event, TaskSuccessEvent)
        if put is None:
            assert event.xcoms == {**XCOMS, "run_properties_after": seen}
        else:
            assert event.xcoms["run_properties_put"]["values"] == put and event.xcoms["run_properties_put"]["ended_at"]
            assert event.xcoms["run_properties_after"] == {"region": "eu", "loaded": "yes"}, "its own put applied"


def test_without_the_xcoms_the_trigger_only_says_the_run_ended(runner) -> None:
    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    run = _job_run(runner, "no-xcoms", "SUCCEEDED")
    event = _first_event(GlueJobRunEndedTrigger(job_name="no-xcoms", run=run, waiter_delay=1, waiter_max_attempts=30))
    assert event.payload["status"] == "ended"


CHAIN = {
    "Workflow": {"Name": "hand-on"},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "first"}]},
        {"Name": "then", "Type": "CONDITIONAL", "Predicate": {"Conditions": [{"JobName": "first", "State": "SUCCEEDED"}]},
         "Actions": [{"JobName": "second"}]},
    ],
}


def test_under_dag_test_a_node_that_hands_on_records_what_it_always_did(runner, tmp_path: Path) -> None:
    """dag.test runs the trigger in line and resumes ``first`` with the TaskSuccessEvent's payload: it finishes
    from its run record, and records its Glue state, run id and note as before."""
    from glue_workflow_provider.runtime.airflow_internals import metadata_session
    from glue_workflow_provider.runtime.node_record.orm import records
    from tests.airflow_compat import deferred_tasks

    path = tmp_path / "hand-on.yaml"
    path.write_text(yaml.safe_dump(CHAIN))
    runner.endpoint.running_seconds = 3.0  # the run outlasts the first check: the task defers
    try:
        report = runner.run(path)
    finally:
        runner.endpoint.running_seconds = 0.0
    assert report.state == "success"
    assert {name: node.glue_state for name, node in report.nodes.items()} == {"first": "SUCCEEDED", "second": "SUCCEEDED"}
    assert "first" in deferred_tasks("hand-on")
    with metadata_session() as session:
        recorded = records(session, "hand-on", _latest_run("hand-on"), ("glue_note", "glue_state"))
    assert recorded["first"].note and recorded["first"].note.startswith("SUCCEEDED")


def _latest_run(dag_id: str) -> str:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return str(session.scalar(select(DagRun.run_id).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(1)))


def test_only_a_node_that_hands_on_gives_its_trigger_the_xcoms(runner, tmp_path: Path) -> None:
    """``first`` hands on to ``second``, the last node, which hands on too in a workflow that handles no failure
    (the notes listener writes the summary) but not in one that does (its end may complete a run with a handled
    failure, and then skips the outcome task). A foreign listener of task successes keeps every node on a worker."""
    from airflow.listeners import hookimpl
    from airflow.listeners.listener import get_listener_manager

    from glue_workflow_provider.compile.dag_builder import build_dag
    from glue_workflow_provider.compile.planner import plan_workflow
    from glue_workflow_provider.runtime.operators.end_in_trigger import succeeded_xcoms
    from glue_workflow_provider.sources.definition_file import load_data

    result = load_data(CHAIN, "hand-on.yaml")
    dag = build_dag(plan_workflow(result.require(), result.source).plan)
    first, second = dag.get_task("first"), dag.get_task("second")
    first.seen = {"day": "today"}
    xcoms = succeeded_xcoms(first, {"run_id": "jr_1", "arguments": {"--day": "today"}})
    assert xcoms is not None and xcoms["glue_state"] == "SUCCEEDED" and xcoms["return_value"] == "jr_1"
    assert xcoms["glue_note"].startswith("SUCCEEDED\n\n") and xcoms["glue_note"].endswith("/job/first/run/jr_1")
    assert first.overwrite_rtif_after_execution and first.glue_run["run_properties"] == {"day": "today"}
    assert xcoms["run_properties_after"] == {"day": "today"}, "what it saw: the trigger applies its put"
    assert succeeded_xcoms(second, {"run_id": "jr_2"}) is not None
    handled = {**CHAIN, "Triggers": [*CHAIN["Triggers"], {
        "Name": "on-fail", "Type": "CONDITIONAL", "Predicate": {"Conditions": [{"JobName": "first", "State": "FAILED"}]},
        "Actions": [{"JobName": "cleanup"}]}]}
    result = load_data(handled, "hand-on.yaml")
    watched = build_dag(plan_workflow(result.require(), result.source).plan)
    assert succeeded_xcoms(watched.get_task("second"), {"run_id": "jr_2"}) is None
    assert succeeded_xcoms(watched.get_task("first"), {"run_id": "jr_1"}) is None, "watched for FAILED too"

    class Lineage:
        @hookimpl
        def on_task_instance_success(self, previous_state: Any, task_instance: Any) -> None:
            """A plugin that wants to see every task success (as OpenLineage does)."""

    manager = get_listener_manager()
    listener = Lineage()
    manager.add_listener(listener)
    try:
        assert succeeded_xcoms(dag.get_task("first"), {"run_id": "jr_3"}) is None
    finally:
        manager.pm.unregister(listener)
