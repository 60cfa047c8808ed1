"""LocalGlueEndpoint: start the embedded Glue endpoint on 127.0.0.1, create a workflow's jobs and crawlers
there, and steer how each run ends. Used by ``glue-airflow run``, the demo and the tests.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from glue_workflow_provider.local.glue_server import (
    OUTCOME_TAG,
    PUTS_TAG,
    RUNNING_SECONDS_TAG,
)
from glue_workflow_provider.local.state_events import CRAWLER_STATE_CHANGE, JOB_STATE_CHANGE, SOURCE
from glue_workflow_provider.model.states import SUCCEEDED, NodeType
from glue_workflow_provider.model.workflow import Definition

REGION = "us-east-1"
ACCOUNT = "123456789012"
LOCAL_ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-airflow-local"
#: Credentials for the local endpoint only; real AWS is never called.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
START_TIMEOUT_SECONDS = 60
#: Where local runs keep run properties (the endpoint's own S3).
RUN_PROPERTIES_URI = "s3://glue-airflow-local/run-properties"
#: The queue (and the EventBridge rule feeding it) ``state_change_queue`` makes by default.
STATE_CHANGE_QUEUE = "glue-airflow-state-changes"
#: The rule's pattern: every job and crawler state change Glue sends.
STATE_CHANGE_PATTERN = {"source": [SOURCE], "detail-type": [JOB_STATE_CHANGE, CRAWLER_STATE_CHANGE]}


@dataclass
class LocalGlueEndpoint:
    """A running local Glue endpoint (a child process), and a boto3 client for it."""

    running_seconds: float = 2.0
    #: Where the server process writes its log (errors with tracebacks); None: this process's stderr.
    log_path: Path | None = None
    process: subprocess.Popen[str] | None = None
    url: str = ""
    _clients: dict[str, Any] = field(default_factory=dict)

    def start(self) -> Self:
        """Start the server process on a free port and wait until it listens."""
        return self.start_on(0)

    def start_on(self, port: int) -> Self:
        """Start the server process on ``port`` (0: any free port) and wait until it listens; its log (errors,
        each with its traceback, such as a request it answered with HTTP 500) goes to ``log_path`` when set,
        else to this process's stderr."""
        command = [sys.executable, "-m", "glue_workflow_provider.local.glue_server", "--port", str(port)]
        log = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = self.log_path.open("a", encoding="utf-8")
        try:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=_child_env()
            )
        finally:
            if log is not None:
                log.close()  # the child holds its own copy
        self.url = f"http://127.0.0.1:{self._read_port()}"
        return self

    def _read_port(self) -> int:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        with selectors.DefaultSelector() as selector:  # not select.select: a descriptor past 1024 is refused there
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(0.5):
                    line = self.process.stdout.readline()
                    if line.startswith("PORT "):
                        return int(line.split()[1])
                if self.process.poll() is not None:
                    break
        self.stop()
        raise RuntimeError(f"the local Glue endpoint did not start: {self._why()} (is the 'local' extra, moto[server], "
                           "installed?)")

    def _why(self) -> str:
        """The last line the server logged (its error), and where the rest is."""
        if self.log_path is None:
            return "see the error output above"
        lines = self.log_path.read_text(encoding="utf-8").strip().splitlines() if self.log_path.exists() else []
        return f"{lines[-1] if lines else 'it logged nothing'}; see {self.log_path}"

    def stop(self) -> None:
        """Stop the server process."""
        stop_process(self.process)
        self.process = None

    def __enter__(self) -> LocalGlueEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str = "glue") -> Any:
        """A boto3 client for ``service`` on this endpoint."""
        if service not in self._clients:
            import boto3

            self._clients[service] = boto3.client(  # type: ignore[call-overload]  # any service by name
                service,
                endpoint_url=self.url,
                region_name=REGION,
                aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=LOCAL_CREDENTIALS["AWS_SESSION_TOKEN"],
            )
        return self._clients[service]

    def connection_uri(self) -> str:
        """The Airflow connection (JSON) that points the amazon provider at this endpoint."""
        return json.dumps(
            {
                "conn_type": "aws",
                "login": LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "password": LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "extra": {"endpoint_url": self.url, "region_name": REGION},
            }
        )

    def deploy(self, definition: Definition) -> None:
        """Create the jobs and crawlers ``definition`` names that do not exist yet (from its Jobs/Crawlers specs)."""
        glue = self.client()
        for node, node_type in definition.node_types().items():
            if node_type is NodeType.JOB:
                _create_job(glue, definition, node)
            else:
                _create_crawler(glue, node)

    def steer(
        self,
        definition: Definition,
        outcomes: Mapping[str, str] | None = None,
        puts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Make the next run of each node end in ``outcomes[node]`` (SUCCEEDED when not named), and each job
        put ``puts[node]`` as run properties (through the shipped job-side module)."""
        glue = self.client()
        for node, node_type in definition.node_types().items():
            kind = "job" if node_type is NodeType.JOB else "crawler"
            arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{node}"
            tags = {OUTCOME_TAG: (outcomes or {}).get(node, SUCCEEDED), RUNNING_SECONDS_TAG: str(self.running_seconds)}
            if node_type is NodeType.JOB:
                tags[PUTS_TAG] = json.dumps(dict((puts or {}).get(node, {})))
            glue.tag_resource(ResourceArn=arn, TagsToAdd=tags)

    def ensure_run_properties_bucket(self) -> str:
        """Create the bucket local runs keep run properties in; return the channel URI."""
        bucket = RUN_PROPERTIES_URI[len("s3://"):].split("/", 1)[0]
        s3 = self.client("s3")
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket)
        return RUN_PROPERTIES_URI

    def state_change_queue(self, name: str = STATE_CHANGE_QUEUE) -> str:
        """Make (idempotently, through the ordinary SQS and EventBridge APIs) the SQS queue ``name``, the
        queue policy that lets EventBridge send to it, and a rule of that name on the default bus sending
        it every Glue job and crawler state change (STATE_CHANGE_PATTERN); return the queue URL."""
        sqs, events = self.client("sqs"), self.client("events")
        url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule_arn = events.put_rule(Name=name, EventPattern=json.dumps(STATE_CHANGE_PATTERN), State="ENABLED")["RuleArn"]
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }]}
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
        events.put_targets(Rule=name, Targets=[{"Id": "state-change-queue", "Arn": queue_arn}])  # same Id: replaced
        return url

    def request_counts(self, *, reset: bool = False) -> dict[str, dict[str, int]]:
        """The calls this endpoint answered: ``{"actions": {"StartJobRun": 3}, "by_name": {"StartJobRun a": 1}}``;
        ``reset`` starts the counts again from zero."""
        import urllib.request

        request = urllib.request.Request(f"{self.url}/_glue_airflow/requests", method="DELETE" if reset else "GET")
        with urllib.request.urlopen(request, timeout=10) as response:
            counts: dict[str, dict[str, int]] = json.loads(response.read())
        return counts

    def glue_run(self, kind: str, name: str, run_id: Any) -> tuple[dict[str, str] | None, Any]:
        """A job run's arguments and start time (a crawl's start time), as this endpoint recorded them."""
        glue = self.client()
        if kind == "JOB":
            if not run_id:
                return None, None
            job_run = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
            return dict(job_run.get("Arguments") or {}), job_run.get("StartedOn")
        last = glue.get_crawler(Name=name)["Crawler"].get("LastCrawl") or {}
        return None, last.get("StartTime")

    def job_runs(self, job_name: str) -> list[dict[str, Any]]:
        """Every run of ``job_name`` on this endpoint, newest first."""
        runs = self.client().get_job_runs(JobName=job_name).get("JobRuns", [])
        return sorted(runs, key=lambda run: run["StartedOn"], reverse=True)


def stop_process(process: subprocess.Popen[Any] | None, timeout: float = 10) -> None:
    """Terminate a child server (the endpoint, Redis), killing it if it does not exit within ``timeout``."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LOCAL_CREDENTIALS)
    env["AWS_DEFAULT_REGION"] = REGION
    return env


def _create_job(glue: Any, definition: Definition, name: str) -> None:
    if _exists(glue.get_job, JobName=name):
        return
    spec = definition.job_spec(name)
    request: dict[str, Any] = {
        "Name": name,
        "Role": LOCAL_ROLE,
        "Command": {"Name": "glueetl", "ScriptLocation": f"s3://glue-airflow-local/scripts/{name}.py"},
    }
    if spec is not None:
        carried = {
            "DefaultArguments": spec.default_arguments,
            "NonOverridableArguments": spec.non_overridable_arguments,
            "Timeout": spec.timeout,
        }
        for key, value in carried.items():
            if value:
                request[key] = value
        # how many runs may overlap, as the job allows (Glue refuses more with ConcurrentRunsExceededException)
        execution = (spec.model_extra or {}).get("ExecutionProperty")
        runs = execution.get("MaxConcurrentRuns") if isinstance(execution, dict) else None
        if isinstance(runs, int) and not isinstance(runs, bool) and runs >= 1:
            request["ExecutionProperty"] = {"MaxConcurrentRuns": runs}
    glue.create_job(**request)


def _create_crawler(glue: Any, name: str) -> None:
    if _exists(glue.get_crawler, Name=name):
        return
    glue.create_crawler(
        Name=name,
        Role=LOCAL_ROLE,
        DatabaseName="glue_airflow_local",
        Targets={"S3Targets": [{"Path": f"s3://glue-airflow-local/data/{name}/"}]},
    )


def _exists(getter: Any, **kwargs: Any) -> bool:
    from botocore.exceptions import ClientError

    try:
        getter(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
            return False
        raise
    return True
