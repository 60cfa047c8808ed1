"""``Airflow.stream_logs``: a job run's CloudWatch log lines reach the task log while the task waits, in the
worker (``deferrable: false``) and in the trigger (deferrable), and nothing is streamed without the setting.

The local endpoint writes the lines a Glue driver would, under the run id (glue_workflow_provider/local/
run_logs.py): a start line in ``/aws-glue/jobs/output`` (and ``logs-v2`` with continuous logging), and, once
the run has ended, an end line there and one in ``/aws-glue/jobs/error``. dag.test() runs tasks and triggers
in this process and writes their logs to stderr, which is what these tests read (at INFO for our loggers).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

#: Our operators' and triggers' loggers (Airflow names operator loggers under ``airflow.task.operators``).
LOGGERS = ("airflow.task.operators.glue_workflow_provider", "glue_workflow_provider")


@pytest.fixture
def info_logs() -> Iterator[None]:
    """Our loggers at INFO for one test (the session logs at WARNING), as a deployment's task logs are.

    Airflow filters structlog records by its per-logger level table, filled from ``[logging]
    namespace_levels`` once at start-up; the test sets its entries directly (both copies Airflow ships).
    """
    tables = []
    for module_name in ("airflow._shared.logging.structlog", "airflow.sdk._shared.logging.structlog"):
        try:
            tables.append(importlib.import_module(module_name).PER_LOGGER_LEVELS)
        except ImportError:
            continue
    if not tables:  # Airflow 3.0: the loggers' own levels decide
        tables.append(_StdlibLevels())
    saved = [{name: levels.get(name) for name in LOGGERS} for levels in tables]
    for levels in tables:
        levels.update(dict.fromkeys(LOGGERS, logging.INFO))
    try:
        yield
    finally:
        for levels, before in zip(tables, saved, strict=True):
            for name, level in before.items():
                if level is None:
                    levels.pop(name, None)
                else:
                    levels[name] = level


class _StdlibLevels:
    """The per-logger level table's get, update and pop, on the standard library's loggers."""

    def get(self, name: str) -> int | None:
        return logging.getLogger(name).level or None

    def update(self, levels: dict[str, int]) -> None:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    def pop(self, name: str, default: object = None) -> None:
        logging.getLogger(name).setLevel(logging.NOTSET)

    def __setitem__(self, name: str, level: int) -> None:
        logging.getLogger(name).setLevel(level)


def _definition(
    tmp_path: Path, job: str, *, deferrable: bool, stream_logs: bool | None, crawler: str | None = None
) -> Path:
    settings: dict[str, object] = {"deferrable": deferrable}
    if stream_logs is not None:
        settings["stream_logs"] = stream_logs
    actions: list[dict[str, str]] = [{"JobName": job}] + ([{"CrawlerName": crawler}] if crawler else [])
    document = {
        "Workflow": {"Name": f"wf-{job}"},
        "Triggers": [{"Name": "start", "Type": "ON_DEMAND", "Actions": actions}],
        "Jobs": [{"Name": job, "DefaultArguments": {"--enable-continuous-cloudwatch-log": "true"}}],
        "Airflow": settings,
    }
    path = tmp_path / f"{job}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _run(runner, path: Path, outcomes: dict[str, str] | None = None, seconds: float = 4.0):
    runner.endpoint.running_seconds = seconds  # several checks while RUNNING, so a deferrable task defers
    try:
        return runner.run(path, outcomes)
    finally:
        runner.endpoint.running_seconds = 0.0


def _deferred(dag_id: str) -> list[str]:
    from tests.airflow_compat import deferred_tasks

    return deferred_tasks(dag_id)


def _run_id(runner, job: str) -> str:
    [job_run] = runner.endpoint.job_runs(job)[:1]
    return str(job_run["Id"])


def _expected(job: str, run_id: str, state: str) -> list[str]:
    return [
        f"{job} {run_id}: driver started (local Glue endpoint)",
        f"{job} {run_id}: continuous log of the driver",
        f"{job} {run_id}: driver ended {state}",
        f"{job} {run_id}: driver stderr, run ended {state}",
    ]


@pytest.mark.parametrize("deferrable", [False, True], ids=["in-the-worker", "in-the-trigger"])
def test_streamed_lines_reach_the_task_log(runner, tmp_path: Path, capfd, info_logs, deferrable: bool) -> None:
    from glue_workflow_provider.runtime.permissions import all_actions

    job, crawler = f"logs-{'deferred' if deferrable else 'sync'}", f"logs-crawler-{deferrable}".lower()
    capfd.readouterr()
    runner.endpoint.request_counts(reset=True)
    path = _definition(tmp_path, job, deferrable=deferrable, stream_logs=True, crawler=crawler)
    report = _run(runner, path, {job: "TIMEOUT"})
    captured = capfd.readouterr()
    output = captured.out + captured.err
    assert report.nodes[job].glue_state == "TIMEOUT"  # states as without streaming
    assert report.nodes[crawler].glue_state == "SUCCEEDED"  # crawlers run as before (nothing streamed)
    run_id = _run_id(runner, job)
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS

    # Airflow 3.0's dag.test prints each record of the task's logger twice (formatted and raw), the trigger's once:
    # there a line may show twice; the 3.1+ legs prove the stream itself writes each line once.
    copies = {1} if AIRFLOW_V_3_1_PLUS else {1, 2}
    for line in _expected(job, run_id, "TIMEOUT"):
        assert output.count(line) in copies, f"{line!r} streamed {output.count(line)} times"
    for group in ("output", "error", "logs-v2"):
        assert f"Glue Job Run /aws-glue/jobs/{group} Logs:" in output  # the amazon provider's verbose format
    assert _deferred(f"wf-{job}") == (sorted([job, crawler]) if deferrable else [])
    assert "Stopped streaming" not in output  # the missing error stream, before the end, was passed over
    calls = runner.endpoint.request_counts()["airflow"]
    assert calls.get("logs:GetLogEvents")
    assert set(calls) <= all_actions(), "every call is in the documented IAM policy"


@pytest.mark.parametrize("stream_logs", [None, False], ids=["unset", "false"])
def test_nothing_is_streamed_without_the_setting(runner, tmp_path: Path, capfd, info_logs, stream_logs) -> None:
    job = f"quiet-{stream_logs}".lower()
    capfd.readouterr()
    runner.endpoint.request_counts(reset=True)
    report = _run(runner, _definition(tmp_path, job, deferrable=False, stream_logs=stream_logs), seconds=2.0)
    captured = capfd.readouterr()
    output = captured.out + captured.err
    assert report.nodes[job].glue_state == "SUCCEEDED"
    assert f"Glue job '{job}' SUCCEEDED" in output  # INFO lines are shown, just none of the run's log
    assert f"{job} {_run_id(runner, job)}:" not in output
    assert "/aws-glue/jobs" not in output
    assert not any(action.startswith("logs:") for action in runner.endpoint.request_counts()["airflow"])


def _job_run(runner, job: str, outcome: str = "SUCCEEDED", seconds: str = "0") -> str:
    """A run of ``job`` started straight on the endpoint (its start line is written; it ends ``outcome``)."""
    glue = runner.endpoint.client()
    if not _has_job(glue, job):
        glue.create_job(Name=job, Role="arn:aws:iam::123456789012:role/r", Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"})
    glue.tag_resource(
        ResourceArn=f"arn:aws:glue:us-east-1:123456789012:job/{job}",
        TagsToAdd={"glue-airflow:outcome": outcome, "glue-airflow:running-seconds": seconds},
    )
    return str(glue.start_job_run(JobName=job)["JobRunId"])


def _has_job(glue, job: str) -> bool:
    try:
        glue.get_job(JobName=job)
    except glue.exceptions.EntityNotFoundException:
        return False
    return True


class _Records(logging.Handler):
    """What a logger of its own was given (Airflow's logging set-up replaces root handlers such as caplog's)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _reader(job: str, run_id: str, positions: dict[str, str | None], records: _Records):
    """The worker's reader, through the amazon provider's AwsLogsHook on the session's AWS connection."""
    from airflow.providers.amazon.aws.hooks.logs import AwsLogsHook

    from glue_workflow_provider.runtime.job_logs import JobLogStream

    logger = logging.getLogger(f"test.job_logs.{job}.{len(positions)}")
    logger.handlers, logger.propagate, logger.level = [records], False, logging.INFO
    hook = AwsLogsHook(aws_conn_id="aws_default")
    return JobLogStream(hook, job_name=job, run_id=run_id, positions=positions, log=logger)


def test_missing_streams_are_passed_over_in_silence(runner) -> None:
    from glue_workflow_provider.runtime.job_logs import log_groups

    run_id, records = _job_run(runner, "logs-reader"), _Records()
    reader = _reader("logs-reader", run_id, dict.fromkeys(log_groups({"LogGroupName": "/aws-glue/jobs"})), records)
    reader.forward()  # output has the start line; error (before the end) and logs-v2 (not continuous) are missing
    reader.forward()  # nothing new: nothing printed again
    assert [r.getMessage() for r in records.records] == [
        f"Glue Job Run /aws-glue/jobs/output Logs:\n\tlogs-reader {run_id}: driver started (local Glue endpoint)\n"
    ]
    assert not reader.stopped
    assert reader.positions()["/aws-glue/jobs/output"] and reader.positions()["/aws-glue/jobs/error"] is None
    missing = _reader("logs-reader", run_id, {"/aws-glue/no-such-group/output": None}, records)
    missing.forward()
    assert not missing.stopped and len(records.records) == 1


def test_any_other_log_error_is_one_warning_and_streaming_stops(runner) -> None:
    run_id, records = _job_run(runner, "logs-reader"), _Records()
    groups = {"/aws-glue/jobs/output": "f/not-a-token", "/aws-glue/jobs/error": None}
    reader = _reader("logs-reader", run_id, groups, records)
    runner.endpoint.request_counts(reset=True)
    reader.forward()
    reader.forward()
    [warning] = records.records
    assert warning.levelno == logging.WARNING
    assert warning.getMessage().startswith(
        f"Stopped streaming the logs of Glue job 'logs-reader' run {run_id} (reading /aws-glue/jobs/output failed: "
    )
    assert "InvalidParameterException" in warning.getMessage() and "\n" not in warning.getMessage()
    assert reader.stopped
    assert runner.endpoint.request_counts()["actions"].get("GetLogEvents") == 1, "no reading after the error"


def test_the_trigger_streams_beside_the_waiter_and_a_log_error_changes_no_event(runner, capfd, info_logs) -> None:
    from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger

    events = {}
    for case, token in (("readable", None), ("unreadable", "f/not-a-token")):
        job = f"logs-trigger-{case}"
        run_id = _job_run(runner, job, outcome="FAILED", seconds="2")
        run = {"run_id": run_id, "timeout": None}
        logs = {"/aws-glue/jobs/output": token, "/aws-glue/jobs/error": None}
        trigger = GlueJobRunEndedTrigger(job_name=job, run=run, waiter_delay=1, waiter_max_attempts=30, logs=logs)

        async def first_event(trigger=trigger) -> dict:
            async for event in trigger.run():
                return event.payload
            raise AssertionError("no event")

        capfd.readouterr()
        events[case] = asyncio.run(first_event())
        output = "".join(capfd.readouterr())
        assert events[case] == {
            "status": "ended", "run": run, "message": f"Glue job {job} run {run_id} is in an end state"
        }
        if token is None:
            for line in _expected(job, run_id, "FAILED")[::2]:  # start and end lines; this job logs no logs-v2
                assert output.count(line) == 1, line
            assert f"{job} {run_id}: driver stderr, run ended FAILED" in output
            assert "Stopped streaming" not in output
        else:
            assert output.count("Stopped streaming") == 1
            assert "(reading /aws-glue/jobs/output failed: " in output
            assert f"{job} {run_id}:" not in output  # no other group was read after the error


def test_checks_outside_the_wait_read_no_logs(runner) -> None:
    """Retiring an earlier lineage's run and a manual mark's check (in the API server) check the run too."""
    from glue_workflow_provider.runtime.operators.job import GlueWorkflowJobOperator

    run_id = _job_run(runner, "logs-reader")
    operator = GlueWorkflowJobOperator(task_id="t", glue_name="logs-reader", workflow_name="wf", stream_logs=True)
    runner.endpoint.request_counts(reset=True)
    assert operator.end_state({"run_id": run_id}) == "SUCCEEDED"
    assert runner.endpoint.request_counts()["actions"] == {"GetJobRun": 1}
