"""The embedded Glue endpoint's server process: moto in server mode, with job runs and crawls that end as asked.

Run as ``python -m glue_workflow_provider.local.glue_server`` (the endpoint controller does this). It prints
``PORT <n>`` once it listens on 127.0.0.1. Each job run and crawl reads its end state and how long it stays
RUNNING from its job's or crawler's tags (``glue-airflow:outcome``, ``glue-airflow:running-seconds``),
set through the ordinary Glue TagResource API, so clients use exactly the calls they would use against AWS.
Only this process is changed; the operators talk to it over HTTP like to any Glue endpoint.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

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
DEFAULT_RUNNING_SECONDS = 2.0
ACCOUNT, REGION = "123456789012", "us-east-1"
_FAULT_STATUS = {"500": (500, "InternalServiceException"), "503": (503, "ServiceUnavailableException")}


def _steering(backend: Any, arn: str) -> tuple[str, float, float]:
    tags = backend.get_tags(arn)
    outcome = tags.get(OUTCOME_TAG, "SUCCEEDED")
    seconds = float(tags.get(RUNNING_SECONDS_TAG, DEFAULT_RUNNING_SECONDS))
    return outcome, seconds, time.monotonic()


def install() -> None:
    """Replace moto's Glue job-run and crawl models with ones that end in the steered state."""
    from moto.glue import models, responses

    class SteeredJobRun(models.FakeJobRun):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            job = _CURRENT["job"]
            self.outcome, self.running_seconds, self.started = _steering(job.backend, job.arn)
            self.stopped = False

        @property
        def status(self) -> str:
            if self.stopped:
                return "STOPPED"
            if time.monotonic() - self.started < self.running_seconds:
                return "RUNNING"
            return self.outcome

        @status.setter
        def status(self, value: str) -> None:
            pass

        def as_dict(self) -> dict[str, Any]:
            data = super().as_dict()
            if data["JobRunState"] in ("FAILED", "ERROR", "TIMEOUT", "STOPPED"):
                data["ErrorMessage"] = f"{data['JobRunState']} (steered by the local Glue endpoint)"
            return data

    original_start = models.FakeJob.start_job_run

    def start_job_run(self: Any, **kwargs: Any) -> str:
        """As Glue: the run keeps its own arguments, minus keys the job marks non-overridable."""
        arguments = dict(kwargs.get("arguments") or {})
        for key in self.non_overridable_arguments or {}:
            arguments.pop(key, None)
        saved_defaults, saved_fixed = self.default_arguments, self.non_overridable_arguments
        self.default_arguments, self.non_overridable_arguments = {}, {}
        _CURRENT["job"] = self
        try:
            return original_start(self, **{**kwargs, "arguments": arguments})
        finally:
            self.default_arguments, self.non_overridable_arguments = saved_defaults, saved_fixed

    class SteeredCrawl(models.FakeCrawl):
        def __init__(self, crawler_name: str) -> None:
            super().__init__(crawler_name)
            crawler = _CURRENT["crawler"]
            self.outcome, self.running_seconds, self.started = _steering(crawler.backend, crawler.arn)
            self.cancelled = False

        @property
        def status(self) -> str:
            if self.cancelled:
                return "CANCELLED"
            if time.monotonic() - self.started < self.running_seconds:
                return "RUNNING"
            return self.outcome

        @status.setter
        def status(self, value: str) -> None:
            if value == "STOPPING":
                self.cancelled = True

    original_start_crawler = models.FakeCrawler.start_crawler

    def start_crawler(self: Any) -> None:
        _CURRENT["crawler"] = self
        original_start_crawler(self)

    def crawler_status(self: Any) -> str:
        if not self.crawls:
            return "READY"
        return "RUNNING" if self.crawls[-1].status == "RUNNING" else "READY"

    def crawler_as_dict(self: Any) -> dict[str, Any]:
        """As Glue: ``LastCrawl`` is the last crawl that ended (none while the first one runs)."""
        data = original_as_dict(self)
        ended = [crawl for crawl in self.crawls if crawl.status != "RUNNING"]
        if not ended:
            data.pop("LastCrawl", None)
            return data
        last = ended[-1]
        data["LastCrawl"] = {"LogGroup": last.log_group, "LogStream": last.log_stream,
                             "MessagePrefix": last.message_prefix, "StartTime": last.start_time, "Status": last.status}
        if last.status == "FAILED":
            data["LastCrawl"]["ErrorMessage"] = "FAILED (steered by the local Glue endpoint)"
        return data

    original_as_dict = models.FakeCrawler.as_dict

    def batch_stop_job_run(self: Any) -> Any:
        from moto.core.responses import ActionResult

        name = self.parameters.get("JobName")
        run_ids = self.parameters.get("JobRunIds") or []
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

        job = self.glue_backend.get_job(self.parameters.get("JobName"))
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
        """Start the run, then act as the job for the puts it is tagged with (through the shipped module)."""
        result = original_start_job_run(self)
        job = self.glue_backend.get_job(self.parameters.get("JobName"))
        puts = job.backend.get_tags(job.arn).get(PUTS_TAG)
        if puts:
            _emulate_puts(json.loads(puts), job.job_runs[-1].arguments or {}, f"http://{self.headers['Host']}")
        return result

    responses.GlueResponse.start_job_run = start_job_run_response
    models.FakeJobRun = SteeredJobRun
    models.FakeJob.start_job_run = start_job_run
    models.FakeCrawl = SteeredCrawl
    models.FakeCrawler.start_crawler = start_crawler
    models.FakeCrawler.status = property(crawler_status)
    models.FakeCrawler.as_dict = crawler_as_dict
    responses.GlueResponse.batch_stop_job_run = batch_stop_job_run


_CURRENT: dict[str, Any] = {}


def _emulate_puts(values: dict[str, str], arguments: dict[str, str], endpoint_url: str) -> None:
    """Put ``values`` as a Glue job would: the shipped module, the run's own arguments, the job's AWS env."""
    from glue_workflow_provider.jobside import glue_airflow_run_properties as module

    argv = ["script.py"] + [item for key_value in arguments.items() for item in key_value]
    if module.location(argv) is not None:
        module.put_run_properties(values, argv, endpoint_url=endpoint_url, region_name="us-east-1")


def _iam_action(target: str, environ: dict[str, Any]) -> str:
    """The IAM action a request needs: ``glue:GetJobRun`` from its X-Amz-Target, or the S3 action of a REST call."""
    if target:
        service, _, action = target.partition(".")
        prefix = {"AWSGlue": "glue", "AmazonSQS": "sqs"}.get(service, service.lower())
        return f"{prefix}:{action}"
    method = environ.get("REQUEST_METHOD", "GET")
    has_key = "/" in environ.get("PATH_INFO", "").strip("/")
    if not has_key:
        return "s3:ListBucket" if method in ("GET", "HEAD") else f"s3:{method} bucket"
    return {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject", "DELETE": "s3:DeleteObject"}.get(
        method, f"s3:{method} object"
    )


def _next_fault(action: str, name: str) -> str | None:
    """Take the next fault steered for ``action`` on the job or crawler ``name`` (None: answer normally)."""
    from moto.glue.models import glue_backends

    kind = "crawler" if "Crawler" in action else "job"
    backend = glue_backends[ACCOUNT][REGION]
    arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{name}"
    try:
        faults = json.loads(backend.get_tags(arn).get(FAULTS_TAG) or "{}")
    except Exception:  # noqa: BLE001 - unknown resource: no fault
        return None
    queue = faults.get(action) or []
    if not queue:
        return None
    faults[action] = queue[1:]
    backend.tag_resource(arn, {FAULTS_TAG: json.dumps(faults)})
    return str(queue[0])


def _error_response(start_response: Any, code: str) -> list[bytes]:
    status, kind = _FAULT_STATUS.get(code, (400, code))
    body = json.dumps({"__type": kind, "message": f"{kind} steered by the local Glue endpoint"}).encode()
    start_response(f"{status} Steered", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body)))])
    return [body]


def _with_fault(fault: str | None, app: Any, environ: dict[str, Any], start_response: Any) -> Any:
    """Answer as ``fault`` says, around the real ``app``."""
    if fault is None:
        return app(environ, start_response)
    if fault == "500-after" or fault.startswith("delay:"):
        captured: dict[str, Any] = {}
        body = b"".join(app(environ, lambda status, headers, *_: captured.update(status=status, headers=headers)))
        if fault == "500-after":
            return _error_response(start_response, "500")
        time.sleep(float(fault.split(":", 1)[1]))
        start_response(captured["status"], captured["headers"])
        return [body]
    return _error_response(start_response, fault)


def serve(port: int) -> None:
    """Serve on 127.0.0.1 until killed, counting the requests it answers.

    ``GET /_glue_airflow/requests`` returns the counts as JSON: ``{"actions": {"GetJobRun": 12, ...},
    "by_name": {"GetJobRun job-a": 4, ...}, "airflow": {"glue:GetJobRun": 12, "s3:PutObject": 2, ...}}`` (the
    Glue API action, from ``X-Amz-Target``, alone and with the job or crawler it names; and, for the requests
    Airflow made (its User-Agent says ``Airflow/``), the IAM action each needs, and ``airflow_by_name`` as
    ``by_name`` for those alone); ``DELETE`` on the same path
    resets them. Used by ``benchmarks/runtime.py`` and the least-privilege test.
    """
    import io
    import json as json_module
    import threading
    from collections import Counter

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    install()
    counts: dict[str, Counter[str]] = {
        "actions": Counter(), "by_name": Counter(), "airflow": Counter(), "airflow_by_name": Counter()
    }
    lock = threading.Lock()
    moto_app = DomainDispatcherApplication(create_backend_app)

    def counting_app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/_glue_airflow/requests":
            with lock:
                body = json_module.dumps({kind: dict(counter) for kind, counter in counts.items()}).encode()
                if environ.get("REQUEST_METHOD") == "DELETE":
                    for counter in counts.values():
                        counter.clear()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        action = target.rsplit(".", 1)[-1] if target else f"{environ.get('REQUEST_METHOD')} (no X-Amz-Target)"
        name = ""
        if target:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)
            try:
                request = json_module.loads(raw or b"{}")
                name = str(request.get("JobName") or request.get("Name") or "") if isinstance(request, dict) else ""
            except ValueError:
                name = ""
        with lock:
            counts["actions"][action] += 1
            if name:
                counts["by_name"][f"{action} {name}"] += 1
            if "Airflow/" in environ.get("HTTP_USER_AGENT", ""):
                counts["airflow"][_iam_action(target, environ)] += 1
                if name:
                    counts["airflow_by_name"][f"{action} {name}"] += 1
            fault = _next_fault(action, name) if name else None
        return _with_fault(fault, moto_app, environ, start_response)

    server = make_server("127.0.0.1", port, counting_app, True, request_handler=MotoRequestHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``--port 0`` picks a free port and prints it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    serve(args.port)


if __name__ == "__main__":
    main()
