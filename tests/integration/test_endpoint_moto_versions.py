"""The local Glue endpoint on the installed moto (the ``local`` extra allows moto 5.1.10 to 5.2.x).

The endpoint patches moto's Glue internals (local/moto_hooks.py names them); moto 5.2.6 dropped one, and the
patched GetJobRun answered HTTP 500 until the client's retries ran out. These tests fail naming the moto
version: when moto moves what the endpoint patches, and when a patched call does not answer as it should on
a real endpoint. A 500 the endpoint did not mean to answer leaves its traceback in the endpoint's log.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from glue_workflow_provider.local.endpoint import ACCOUNT, LOCAL_CREDENTIALS, REGION, LocalGlueEndpoint
from glue_workflow_provider.local.moto_hooks import MOTO_FLOOR, missing_hooks, moto_version
from glue_workflow_provider.local.steering import GET_FAILURES_TAG, RELEASE_TAG
from glue_workflow_provider.sources.definition_file import load_data

pytestmark = [pytest.mark.endpoint]

REPO = Path(__file__).resolve().parents[2]
MOTO = f"moto {moto_version()}"
DEFINITION = yaml.safe_load("""Workflow: {Name: moto-guard}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: guard-job}, {JobName: outage-job}, {JobName: broken-job}, {CrawlerName: guard-crawler}]}
""")


def test_moto_has_everything_the_endpoint_patches() -> None:
    assert missing_hooks() == [], f"{MOTO} moved what the local endpoint patches (local/moto_hooks.py HOOKS)"


def test_the_local_extra_asks_for_the_verified_floor() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["local"] == [f"moto[server]>={MOTO_FLOOR}"]
    assert Version(moto_version()) >= Version(MOTO_FLOOR), f"{MOTO} is older than the floor {MOTO_FLOOR}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGlueEndpoint]:
    log = tmp_path_factory.mktemp("moto-endpoint") / "endpoint.log"
    with LocalGlueEndpoint(running_seconds=60, log_path=log) as local:  # runs end when released
        local.deploy(load_data(DEFINITION).require())
        local.steer(load_data(DEFINITION).require(), outcomes={"guard-job": "FAILED"})
        yield local


def _glue(endpoint: LocalGlueEndpoint) -> Any:
    """A Glue client that does not retry, so a 500 shows at once."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "glue", endpoint_url=endpoint.url, region_name=REGION, config=Config(retries={"total_max_attempts": 1}),
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=LOCAL_CREDENTIALS["AWS_SESSION_TOKEN"],
    )


def _log(endpoint: LocalGlueEndpoint, since: int = 0) -> str:
    assert endpoint.log_path is not None
    return endpoint.log_path.read_text(encoding="utf-8")[since:]


def _release(glue: Any, kind: str, name: str) -> None:
    """End the runs of ``name`` started so far (the endpoint's release tag)."""
    time.sleep(0.05)  # strictly after their start
    glue.tag_resource(ResourceArn=f"arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{name}", TagsToAdd={RELEASE_TAG: str(time.time())})


def test_each_patched_call_answers(endpoint: LocalGlueEndpoint) -> None:
    glue, since = _glue(endpoint), len(_log(endpoint))
    stopped = glue.start_job_run(JobName="guard-job", Arguments={"--day": "1"})["JobRunId"]
    run = glue.get_job_run(JobName="guard-job", RunId=stopped)["JobRun"]
    assert (run["JobRunState"], run["Arguments"]) == ("RUNNING", {"--day": "1"}), MOTO
    answer = glue.batch_stop_job_run(JobName="guard-job", JobRunIds=[stopped])
    assert answer["SuccessfulSubmissions"] == [{"JobName": "guard-job", "JobRunId": stopped}], MOTO
    assert glue.get_job_run(JobName="guard-job", RunId=stopped)["JobRun"]["JobRunState"] == "STOPPED", MOTO
    failed_id = glue.start_job_run(JobName="guard-job")["JobRunId"]
    _release(glue, "job", "guard-job")
    failed = glue.get_job_run(JobName="guard-job", RunId=failed_id)["JobRun"]
    assert (failed["JobRunState"], failed["ErrorMessage"]) == ("FAILED", "FAILED (steered by the local Glue endpoint)"), MOTO
    assert {r["Id"] for r in glue.get_job_runs(JobName="guard-job")["JobRuns"]} == {stopped, failed["Id"]}, MOTO
    glue.start_crawler(Name="guard-crawler")
    crawler = glue.get_crawler(Name="guard-crawler")["Crawler"]
    assert (crawler["State"], "LastCrawl" in crawler) == ("RUNNING", False), MOTO
    _release(glue, "crawler", "guard-crawler")
    assert glue.get_crawler(Name="guard-crawler")["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED", MOTO
    assert "Traceback" not in _log(endpoint, since), f"{MOTO}: {_log(endpoint, since)}"


def test_a_steered_outage_is_an_answer_not_a_server_error(endpoint: LocalGlueEndpoint) -> None:
    glue, since = _glue(endpoint), len(_log(endpoint))
    run_id = glue.start_job_run(JobName="outage-job")["JobRunId"]
    glue.tag_resource(ResourceArn=f"arn:aws:glue:{REGION}:{ACCOUNT}:job/outage-job", TagsToAdd={GET_FAILURES_TAG: "1"})
    with pytest.raises(glue.exceptions.InternalServiceException):
        glue.get_job_run(JobName="outage-job", RunId=run_id)
    assert glue.get_job_run(JobName="outage-job", RunId=run_id)["JobRun"]["Id"] == run_id, MOTO
    assert "Traceback" not in _log(endpoint, since), f"{MOTO}: {_log(endpoint, since)}"


def test_a_server_error_leaves_its_traceback_in_the_log(endpoint: LocalGlueEndpoint) -> None:
    from botocore.exceptions import ClientError

    glue, since = _glue(endpoint), len(_log(endpoint))
    run_id = glue.start_job_run(JobName="broken-job")["JobRunId"]
    arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:job/broken-job"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={GET_FAILURES_TAG: "not a number"})  # the patch cannot read it
    try:
        with pytest.raises(ClientError) as raised:
            glue.get_job_run(JobName="broken-job", RunId=run_id)
    finally:
        glue.tag_resource(ResourceArn=arn, TagsToAdd={GET_FAILURES_TAG: "0"})
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500, MOTO
    log = _log(endpoint, since)
    assert f"(moto {moto_version()}) ERROR" in log and "GetJobRun broken-job failed; answered HTTP 500" in log, log
    assert "Traceback" in log and "steering.py" in log and "ValueError" in log, f"{MOTO}: {log}"
