"""The local endpoint's release tag (``glue-airflow:release``): a run held RUNNING ends, in its steered
outcome, as soon as its job is released, while runs started after the release keep their own time and
outcome; and a job carried with ``ExecutionProperty.MaxConcurrentRuns`` allows that many runs at once. The
versioned-bundle system test holds a DAG run's first job this way while a second DAG run starts it again."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml

from glue_workflow_provider.local.glue_server import OUTCOME_TAG, RELEASE_TAG, RUNNING_SECONDS_TAG
from glue_workflow_provider.sources.definition_file import load_data

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

DEFINITION = """Workflow: {Name: release-flow}
Triggers: [{Name: start, Type: ON_DEMAND, Actions: [{JobName: release-job}]}]
Jobs: [{Name: release-job, ExecutionProperty: {MaxConcurrentRuns: 2}}]
"""


def _state(glue: Any, run_id: str) -> str:
    return str(glue.get_job_run(JobName="release-job", RunId=run_id)["JobRun"]["JobRunState"])


def test_a_released_run_ends_and_a_later_one_keeps_its_time(runner: Any) -> None:
    runner.endpoint.deploy(load_data(yaml.safe_load(DEFINITION)).require())
    glue = runner.endpoint.client()
    arn = "arn:aws:glue:us-east-1:123456789012:job/release-job"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={RUNNING_SECONDS_TAG: "600", OUTCOME_TAG: "FAILED"})
    held = glue.start_job_run(JobName="release-job")["JobRunId"]
    assert _state(glue, held) == "RUNNING"
    time.sleep(0.05)  # the release comes strictly after the held run's start
    glue.tag_resource(ResourceArn=arn, TagsToAdd={RELEASE_TAG: str(time.time())})
    assert _state(glue, held) == "FAILED"  # its steered outcome, at once
    time.sleep(0.05)
    later = glue.start_job_run(JobName="release-job")["JobRunId"]
    assert _state(glue, later) == "RUNNING"
    beside = glue.start_job_run(JobName="release-job")["JobRunId"]  # the job allows two at once (its spec)
    assert _state(glue, beside) == "RUNNING"
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName="release-job")
