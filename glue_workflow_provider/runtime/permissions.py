"""The IAM actions the provider's tasks call, by feature: the policy docs/airflow.md documents, written once.

The end-to-end tests count every call Airflow makes at the local endpoint (by its User-Agent) and fail
when one falls outside ``all_actions()`` (tests/system/test_operating.py).
"""

from __future__ import annotations

import json

#: Running jobs and crawlers by name, stopping them, and finding a run a lost worker started.
GLUE = (
    "glue:StartJobRun",
    "glue:GetJobRun",
    "glue:GetJobRuns",
    "glue:BatchStopJobRun",
    "glue:StartCrawler",
    "glue:GetCrawler",
    "glue:StopCrawler",
)
#: The run-properties channel (``Airflow.run_properties_uri``), on its prefix.
RUN_PROPERTIES = ("s3:PutObject", "s3:GetObject", "s3:ListBucket")
#: EVENT start triggers, on the workflow's queue.
EVENTS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
#: ``Airflow.stream_logs``, on the job log groups: GetLogEvents is the only call (FilterLogEvents, which the
#: amazon provider's sync verbose mode uses, is not needed).
JOB_LOGS = ("logs:GetLogEvents",)
#: ``Airflow.state_change_queue_url``, on that queue: read Glue's state-change events, delete what was used.
STATE_CHANGES = ("sqs:ReceiveMessage", "sqs:DeleteMessage")


def all_actions() -> frozenset[str]:
    """Every action the provider may call."""
    return frozenset(GLUE + RUN_PROPERTIES + EVENTS + JOB_LOGS + STATE_CHANGES)


def policy_document() -> str:
    """The IAM policy of Airflow's AWS connection, as JSON (narrow ``Resource`` to your jobs, prefix and queue)."""
    statements = [
        {"Sid": "RunGlueJobsAndCrawlers", "Effect": "Allow", "Action": list(GLUE), "Resource": "*"},
        {"Sid": "RunProperties", "Effect": "Allow", "Action": list(RUN_PROPERTIES), "Resource": "*"},
        {"Sid": "EventStartTriggers", "Effect": "Allow", "Action": list(EVENTS), "Resource": "*"},
        {"Sid": "StreamJobLogs", "Effect": "Allow", "Action": list(JOB_LOGS), "Resource": "*"},
        {"Sid": "StateChangeEvents", "Effect": "Allow", "Action": list(STATE_CHANGES), "Resource": "*"},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
