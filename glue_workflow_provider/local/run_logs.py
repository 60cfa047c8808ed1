"""The CloudWatch log lines a steered job run of the local endpoint writes, as a Glue job's driver would.

A run writes one line to ``/aws-glue/jobs/output`` when it starts, and, once its end state is first read,
one more there and one to ``/aws-glue/jobs/error``; a run with continuous logging on
(``--enable-continuous-cloudwatch-log true`` in its arguments or the job's defaults) also writes to
``/aws-glue/jobs/logs-v2``. Every stream is named by the job run id, and every line names the job and the
run, so a test can find exactly those lines in a task log. The groups do not exist before the first run
that writes to them, and the error stream not before the run ends: readers meet missing streams, as they
do in a real run's first seconds. Written straight into moto's CloudWatch Logs backend, in this process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

ACCOUNT, REGION = "123456789012", "us-east-1"
LOG_GROUP_PREFIX = "/aws-glue/jobs"
CONTINUOUS_LOGGING_ARG = "--enable-continuous-cloudwatch-log"
_LOCK = threading.Lock()


def continuous_logging(arguments: Mapping[str, str] | None, defaults: Mapping[str, str] | None) -> bool:
    """Whether a run with ``arguments`` of a job with ``defaults`` logs continuously (the run's own value wins)."""
    value = {**(defaults or {}), **(arguments or {})}.get(CONTINUOUS_LOGGING_ARG, "false")
    return str(value).lower() == "true"


def started_lines(job_name: str, run_id: str, continuous: bool) -> dict[str, list[str]]:
    """What a run writes when it starts, by group suffix."""
    lines = {"output": [f"{job_name} {run_id}: driver started (local Glue endpoint)"]}
    if continuous:
        lines["logs-v2"] = [f"{job_name} {run_id}: continuous log of the driver"]
    return lines


def ended_lines(job_name: str, run_id: str, state: str) -> dict[str, list[str]]:
    """What a run writes once it has ended in ``state``, by group suffix."""
    return {
        "output": [f"{job_name} {run_id}: driver ended {state}"],
        "error": [f"{job_name} {run_id}: driver stderr, run ended {state}"],
    }


def write(run_id: str, lines: Mapping[str, list[str]]) -> None:
    """Append ``lines`` to the run's stream in each ``/aws-glue/jobs/<suffix>`` group (created when missing)."""
    from moto.logs.models import logs_backends

    backend: Any = logs_backends[ACCOUNT][REGION]
    now = int(time.time() * 1000)
    with _LOCK:
        for suffix, messages in lines.items():
            group = f"{LOG_GROUP_PREFIX}/{suffix}"
            if group not in backend.groups:
                backend.create_log_group(group, {})
            if run_id not in backend.groups[group].streams:
                backend.create_log_stream(group, run_id)
            backend.put_log_events(group, run_id, [{"timestamp": now, "message": m} for m in messages])
