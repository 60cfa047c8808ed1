"""How the local endpoint's job runs and crawls end: moto's Glue models, patched to end in the steered state.

Each job run and crawl reads its end state and how long it stays RUNNING from its job's or crawler's tags
(set through the ordinary Glue TagResource API, so clients use exactly the calls they would use against AWS);
a job tagged with puts puts run properties as a job using the shipped module would; every job run writes
CloudWatch log lines under its run id, as a Glue driver does (local/run_logs.py). The server process also
announces each run's state changes as Glue's EventBridge events (local/state_events.py, which reads these
models; ``glue-airflow:state-events`` loses or delays them).
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from glue_workflow_provider.local import moto_hooks, run_logs
from glue_workflow_provider.model.states import SUCCEEDED, NodeType, is_end_state

OUTCOME_TAG = "glue-airflow:outcome"
RUNNING_SECONDS_TAG = "glue-airflow:running-seconds"
#: The next N GetJobRun calls for runs of the tagged job answer with an internal error (an outage).
GET_FAILURES_TAG = "glue-airflow:get-job-run-failures"
#: Run properties (JSON) each run of the tagged job puts, as a job using glue_airflow_run_properties would.
PUTS_TAG = "glue-airflow:puts"
#: Faults to inject, JSON ``{"StartJobRun": ["ThrottlingException", "500", "500-after", "delay:5"], ...}``: each
#: call of that action naming the tagged job or crawler takes the first entry. A code answers with that error
#: before anything is done; ``500-after`` does the call, then answers 500 (the caller cannot know it worked);
#: ``delay:S`` does the call and answers after S seconds (a worker can be killed in between).
FAULTS_TAG = "glue-airflow:faults"
#: An epoch time (``time.time()``): runs and crawls of the tagged job or crawler that started before it end now
#: (in their steered outcome), however long they were to stay RUNNING. A test holds a run RUNNING for as
#: long as it needs (a long running-seconds), then lets it go exactly when it is ready.
RELEASE_TAG = "glue-airflow:release"
#: How the EventBridge state-change events of the tagged job's or crawler's runs are delivered
#: (local/state_events.py): ``off`` sends none (a lost event), ``delay:S`` sends each S seconds late (a late
#: event); absent, each is sent as soon as the change is seen.
STATE_EVENTS_TAG = "glue-airflow:state-events"
#: After each crawl of the tagged crawler ends, the next N answers about the crawler (GetCrawler, GetCrawlers)
#: show it READY with ``LastCrawl`` still the crawl before (``forever``: every answer), as an eventually
#: consistent Glue could: a waiter sees READY while the crawl it waits for is not the last one yet.
LAST_CRAWL_HELD_TAG = "glue-airflow:last-crawl-held"
DEFAULT_RUNNING_SECONDS = 2.0
#: The run settings StartJobRun takes, with the job's attribute moto keeps each in.
RUN_SETTINGS = {
    "Timeout": "timeout", "WorkerType": "worker_type", "NumberOfWorkers": "number_of_workers",
    "MaxCapacity": "max_capacity", "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
}


def _steering(backend: Any, arn: str) -> tuple[str, float, float]:
    tags = backend.get_tags(arn)
    outcome = tags.get(OUTCOME_TAG, "SUCCEEDED")
    seconds = float(tags.get(RUNNING_SECONDS_TAG, DEFAULT_RUNNING_SECONDS))
    return outcome, seconds, time.monotonic()


def _running(resource: Any, started: float, seconds: float, started_at: float) -> bool:
    """Whether a run of ``resource`` (a job or crawler) started at monotonic ``started`` (epoch ``started_at``)
    is still RUNNING: for ``seconds``, unless the resource was released after it started."""
    if time.monotonic() - started >= seconds:
        return False
    released = resource.backend.get_tags(resource.arn).get(RELEASE_TAG)
    return released is None or float(released) <= started_at


def install() -> None:
    """Replace moto's Glue job-run and crawl models with ones that end in the steered state (refusing a moto
    that lacks what they patch, local/moto_hooks.py)."""
    moto_hooks.check_hooks()
    from moto.glue import models, responses

    class SteeredJobRun(models.FakeJobRun):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            job, request = _CURRENT.job, _CURRENT.request
            self.job_run_id = f"jr_{uuid.uuid4().hex}{uuid.uuid4().hex}"  # Glue's form; moto 5.1 says "01" for all
            self.arguments, self.settings = _run_arguments(job, request), _run_settings(job, request)
            self.outcome, self.running_seconds, self.started = _steering(job.backend, job.arn)
            self.job, self.started_at, self.stopped = job, time.time(), False
            self.end_logged = False
            continuous = run_logs.continuous_logging(self.arguments, job.default_arguments)
            run_logs.write(self.job_run_id, run_logs.started_lines(self.job_name, self.job_run_id, continuous))

        @property
        def status(self) -> str:
            if self.stopped:
                return "STOPPED"
            if _running(self.job, self.started, self.running_seconds, self.started_at):
                return "RUNNING"
            return self.outcome

        @status.setter
        def status(self, value: str) -> None:
            pass

        def as_dict(self) -> dict[str, Any]:
            data = _as_glue_reports(super().as_dict(), self)
            if data["JobRunState"] != SUCCEEDED and is_end_state(NodeType.JOB, data["JobRunState"]):
                data["ErrorMessage"] = f"{data['JobRunState']} (steered by the local Glue endpoint)"
            if data["JobRunState"] != "RUNNING":
                self._log_end(data["JobRunState"])
            return data

        def _log_end(self, state: str) -> None:
            """The driver's last lines, written when the end state is first read (once, whoever reads it)."""
            with _END_LOCK:
                first, self.end_logged = not self.end_logged, True
            if first:
                run_logs.write(self.job_run_id, run_logs.ended_lines(self.job_name, self.job_run_id, state))

    class SteeredCrawl(models.FakeCrawl):
        def __init__(self, crawler_name: str) -> None:
            super().__init__(crawler_name)
            crawler = _CURRENT.crawler
            self.outcome, self.running_seconds, self.started = _steering(crawler.backend, crawler.arn)
            self.crawler, self.started_at, self.cancelled = crawler, time.time(), False
            self.held = _held_answers(crawler.backend.get_tags(crawler.arn).get(LAST_CRAWL_HELD_TAG))

        @property
        def status(self) -> str:
            if self.cancelled:
                return "CANCELLED"
            if _running(self.crawler, self.started, self.running_seconds, self.started_at):
                return "RUNNING"
            return self.outcome

        @status.setter
        def status(self, value: str) -> None:
            if value == "STOPPING":
                self.cancelled = True

    original_start_crawler = models.FakeCrawler.start_crawler

    def start_crawler(self: Any) -> None:
        _CURRENT.crawler = self
        original_start_crawler(self)

    def crawler_status(self: Any) -> str:
        if not self.crawls:
            return "READY"
        return "RUNNING" if self.crawls[-1].status == "RUNNING" else "READY"

    def crawler_as_dict(self: Any) -> dict[str, Any]:
        """As Glue: ``LastCrawl`` is the last crawl that ended (none while the first one runs)."""
        data = original_as_dict(self)
        ended = [crawl for crawl in self.crawls if crawl.status != "RUNNING"]
        if ended and _held_back(ended[-1]):
            ended.pop()
        if not ended:
            data.pop("LastCrawl", None)
            return data
        last = ended[-1]
        data["LastCrawl"] = {"LogGroup": last.log_group, "LogStream": last.log_stream, "MessagePrefix": last.message_prefix,
                             "StartTime": _glue_time(last.start_time), "Status": last.status}
        if last.status == "FAILED":
            data["LastCrawl"]["ErrorMessage"] = "FAILED (steered by the local Glue endpoint)"
        return data

    original_as_dict = models.FakeCrawler.as_dict

    def batch_stop_job_run(self: Any) -> Any:
        from moto.core.responses import ActionResult

        name = self._get_param("JobName")
        run_ids = self._get_param("JobRunIds") or []
        job = self.glue_backend.get_job(name)
        stopped = []
        for run in job.job_runs:
            if run.job_run_id in run_ids:
                run.stopped = True
                stopped.append({"JobName": name, "JobRunId": run.job_run_id})
        return ActionResult({"SuccessfulSubmissions": stopped, "Errors": []})

    original_get_job_run = responses.GlueResponse.get_job_run

    def get_job_run(self: Any) -> Any:
        from moto.glue.exceptions import GlueClientError

        job = self.glue_backend.get_job(self._get_param("JobName"))
        failures = int(job.backend.get_tags(job.arn).get(GET_FAILURES_TAG, "0"))
        if failures > 0:
            job.backend.tag_resource(job.arn, {GET_FAILURES_TAG: str(failures - 1)})
            error = GlueClientError("InternalServiceException", "steered outage of the local Glue endpoint")
            error.code = 500
            raise error
        return original_get_job_run(self)

    responses.GlueResponse.get_job_run = get_job_run

    original_start_job_run = responses.GlueResponse.start_job_run

    def start_job_run_response(self: Any) -> Any:
        """Start the run (SteeredJobRun takes its arguments and settings from this request, as moto 5.1 passes
        none on), then act as the job for the puts it is tagged with (through the shipped module)."""
        job = self.glue_backend.get_job(self._get_param("JobName"))
        _CURRENT.job, _CURRENT.request = job, {key: self._get_param(key) for key in ("Arguments", *RUN_SETTINGS)}
        result = original_start_job_run(self)
        puts = json.loads(job.backend.get_tags(job.arn).get(PUTS_TAG) or "{}")
        if puts:  # a job that puts nothing writes no out.json (the tag "{}" clears an earlier run's puts)
            _emulate_puts(puts, job.job_runs[-1].arguments or {}, f"http://{self.headers['Host']}")
        return result

    responses.GlueResponse.start_job_run = start_job_run_response
    models.FakeJobRun = SteeredJobRun
    models.FakeCrawl = SteeredCrawl
    models.FakeCrawler.start_crawler = start_crawler
    models.FakeCrawler.status = property(crawler_status)
    models.FakeCrawler.as_dict = crawler_as_dict
    responses.GlueResponse.batch_stop_job_run = batch_stop_job_run


#: The job (and its StartJobRun request) or crawler being started by this request thread, for the run's model.
_CURRENT = threading.local()
_END_LOCK = threading.Lock()


def _held_answers(tag: str | None) -> float:
    """How many answers about a crawler show its crawl's predecessor as ``LastCrawl`` (LAST_CRAWL_HELD_TAG)."""
    if tag is None:
        return 0
    return math.inf if tag == "forever" else int(tag)


def _held_back(crawl: Any) -> bool:
    """Whether this answer shows the crawl before ``crawl`` as the last one (counting the answer)."""
    with _END_LOCK:
        if crawl.held <= 0:
            return False
        crawl.held -= 1
        return True


def _glue_time(value: datetime | str) -> float:
    """A time as Glue sends it, epoch seconds, from moto's UTC datetime (an ISO string in moto 5.1, whose Glue
    responses write their own JSON), so that it serializes alike under every moto."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _run_arguments(job: Any, request: dict[str, Any]) -> dict[str, str]:
    """As Glue: the run keeps its own arguments, minus keys the job marks non-overridable."""
    fixed = job.non_overridable_arguments or {}
    return {key: value for key, value in (request.get("Arguments") or {}).items() if key not in fixed}


def _run_settings(job: Any, request: dict[str, Any]) -> dict[str, Any]:
    """The settings a run ran with, as Glue reports them: the request's, else the job's (None: not reported)."""
    return {key: request.get(key) or getattr(job, attribute, None) for key, attribute in RUN_SETTINGS.items()}


def _as_glue_reports(data: dict[str, Any], run: Any) -> dict[str, Any]:
    """moto's view of a job run (``data``), made what Glue reports on every moto: moto 5.1 reports made-up
    arguments, settings, trigger and previous run."""
    data.update(Id=run.job_run_id, Attempt=0, PredecessorRuns=[], LogGroupName=run_logs.LOG_GROUP_PREFIX)
    for key in ("StartedOn", "LastModifiedOn", "CompletedOn"):
        data[key] = _glue_time(data[key])
    for key in ("TriggerName", "ErrorMessage", *(["PreviousRunId"] if data.get("PreviousRunId") == "01" else [])):
        data.pop(key, None)
    for key, value in {"Arguments": run.arguments or None, **run.settings}.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _emulate_puts(values: dict[str, str], arguments: dict[str, str], endpoint_url: str) -> None:
    """Put ``values`` as a Glue job would: the shipped module, the run's own arguments, the job's AWS env."""
    from glue_workflow_provider.jobside import glue_airflow_run_properties as module

    argv = ["script.py"] + [item for key_value in arguments.items() for item in key_value]
    if module.location(argv) is not None:
        module.put_run_properties(values, argv, endpoint_url=endpoint_url, region_name="us-east-1")
