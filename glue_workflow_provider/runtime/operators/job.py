"""GlueWorkflowJobOperator: run an existing Glue job as a workflow node, exactly as a trigger action would."""

from __future__ import annotations

import urllib.parse
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.model.states import NodeType, is_end_state
from glue_workflow_provider.runtime.exceptions import GlueNodeNotFoundError
from glue_workflow_provider.runtime.hooks import GlueWorkflowJobHook
from glue_workflow_provider.runtime.job_logs import JobLogStream, log_groups
from glue_workflow_provider.runtime.links import JOB_LINKS, aws_domain, job_run_url, link_fields
from glue_workflow_provider.runtime.node_record.record import GLUE_RUN_KEY
from glue_workflow_provider.runtime.operators.monitoring import masked
from glue_workflow_provider.runtime.operators.node import GlueNodeOperator
from glue_workflow_provider.runtime.operators.state_change_option import WakesOnStateChanges
from glue_workflow_provider.runtime.run_properties import (
    LOCATION_ARG,
    RunPropertiesChannel,
    mask_sensitive,
    puts_so_far,
    record_put,
)
from glue_workflow_provider.runtime.run_record import TASK_ARG, RunRecord
from glue_workflow_provider.runtime.start_call import start_once
from glue_workflow_provider.runtime.triggers.glue_run import GlueJobRunEndedTrigger
from glue_workflow_provider.semantics.arguments import (
    WORKFLOW_NAME_ARG,
    WORKFLOW_RUN_ID_ARG,
)

#: Glue's default job timeout when neither the action nor the job says (minutes, Glue 4.0 and earlier).
DEFAULT_JOB_TIMEOUT_MINUTES = 2880
#: Extra time allowed after the run's timeout for Glue to report TIMEOUT.
GRACE_MINUTES = 15
#: What GetJobRun reports of the settings a run ran with (shown in the task's Rendered Templates).
REPORTED_SETTINGS = ("Timeout", "WorkerType", "NumberOfWorkers", "MaxCapacity", "GlueVersion", "ExecutionClass")
#: GetJobRuns pages (of 200, newest first) searched for a run a lost worker started.
SEARCH_PAGES = 5


class GlueWorkflowJobOperator(WakesOnStateChanges, GlueNodeOperator[GlueWorkflowJobHook]):
    """Start an existing Glue job with StartJobRun only (no GetJob/CreateJob/UpdateJob) and wait for it.

    The run gets the starting trigger action's ``Arguments`` plus ``--WORKFLOW_NAME`` and
    ``--WORKFLOW_RUN_ID`` (the Airflow run id), the action's ``Timeout``, ``SecurityConfiguration`` and
    ``NotificationProperty``. The wait is bounded by that timeout (or the run's own), never by a fixed cap.
    The task succeeds only when the run SUCCEEDED; XCom ``glue_state`` holds the exact end state.

    :param stream_logs: Copy the run's CloudWatch log lines into the task log while waiting, here and in the
        trigger (``Airflow.stream_logs``, runtime/job_logs.py); it never changes a state or a Glue call.

    .. seealso:: docs/operating.md#operators
    """

    aws_hook_class = GlueWorkflowJobHook
    node_type = NodeType.JOB
    operator_extra_links = JOB_LINKS
    ui_color = "#6b4fbb"

    def __init__(self, *, stream_logs: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream_logs = stream_logs
        self._logs: JobLogStream | None = None
        self._resumed = False

    def submit(self, context: Any, start: StartPlan, seen: dict[str, str], record: RunRecord) -> dict[str, Any]:
        """StartJobRun with the action's arguments; a missing job is an error, never created."""
        arguments = dict(start.arguments or {})
        arguments[WORKFLOW_NAME_ARG] = self.workflow_name
        arguments[WORKFLOW_RUN_ID_ARG] = context["dag_run"].run_id
        arguments[TASK_ARG] = record.token
        location = self._publish_properties(context, seen)
        if location is not None:
            arguments[LOCATION_ARG] = location
        request: dict[str, Any] = {"JobName": self.glue_name, "Arguments": arguments}
        if start.timeout:
            request["Timeout"] = start.timeout
        if start.security_configuration:
            request["SecurityConfiguration"] = start.security_configuration
        if start.notify_delay_after:
            request["NotificationProperty"] = {"NotifyDelayAfter": start.notify_delay_after}
        client = self.hook.start_client

        def start_run() -> dict[str, Any]:
            run_id = client.start_job_run(**request)["JobRunId"]
            return {"run_id": run_id, "timeout": start.timeout, "properties": location}

        try:
            run = start_once(start_run, lambda: self.find_started(record), f"Glue job '{self.glue_name}'")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
                raise GlueNodeNotFoundError(
                    f"Glue job '{self.glue_name}' does not exist (region {self.hook.conn_region_name}); "
                    "glue-airflow never creates jobs while running: deploy the job or fix its name"
                ) from exc
            raise
        mask_sensitive(arguments)  # the log shows values; secret-looking ones (--db_password, ...) as ***
        self.log.info("Started Glue job '%s' run %s with arguments %s", self.glue_name, run["run_id"], arguments)
        self.reattached(context, run)
        return run

    def find_started(self, record: RunRecord) -> dict[str, Any] | None:
        """The job run carrying this lineage's ``--GLUE_AIRFLOW_TASK`` argument, newest first (GetJobRuns)."""
        pages = self.glue.get_paginator("get_job_runs").paginate(
            JobName=self.glue_name, PaginationConfig={"MaxItems": 200 * SEARCH_PAGES, "PageSize": 200}
        )
        for page in pages:
            for job_run in page.get("JobRuns", []):
                arguments = job_run.get("Arguments") or {}
                if arguments.get(TASK_ARG) == record.token:
                    self.log.info("Found Glue job '%s' run %s started for this task", self.glue_name, job_run["Id"])
                    return {"run_id": job_run["Id"], "timeout": job_run.get("Timeout"), "properties": arguments.get(LOCATION_ARG)}
        return None

    def run_from_glue_run_id(self, value: str | None) -> dict[str, Any] | None:
        """``{"run_id": value}``: the job run id."""
        return {"run_id": value} if value else None

    def reattached(self, context: Any, run: dict[str, Any]) -> None:
        """The run id in XCom (cleared by Airflow between tries), and what the console links are built from."""
        context["ti"].xcom_push(key=GLUE_RUN_KEY, value=run["run_id"])
        self.link_fields = link_fields(self, job_name=urllib.parse.quote(self.glue_name, safe=""), job_run_id=run["run_id"])

    @cached_property
    def _channel(self) -> RunPropertiesChannel | None:
        return RunPropertiesChannel.configured(
            self.run_properties_uri,
            aws_conn_id=self.aws_conn_id,
            region_name=self.region_name,
            verify=self.verify,
            config=self.botocore_config,
        )

    @property
    def run_properties_channel(self) -> RunPropertiesChannel | None:
        """The S3 channel the job reads and puts run properties through (None without one): other tasks list it
        to learn which jobs put (run_properties.with_out_json)."""
        return self._channel

    @property
    def can_put_run_properties(self) -> bool:
        """Only with a run-properties channel (``Airflow.run_properties_uri``, or the variable on the workers)."""
        return self._channel is not None

    def _publish_properties(self, context: Any, seen: dict[str, str]) -> str | None:
        """Write what the job may see to its S3 prefix; None when no channel is configured."""
        channel = self._channel
        if channel is None:
            return None
        ti = context["ti"]
        location = channel.location(ti.dag_id, ti.run_id, ti.task_id)
        channel.publish(location, seen)
        return location

    def collect_puts(self, context: Any, run: dict[str, Any]) -> None:
        """Read the job's puts (``out.json``), whatever its end state, and record them in XCom."""
        channel = self._channel
        if channel is None or not run.get("properties"):
            return
        values = channel.collect(run["properties"])
        if values:
            ti = context["ti"]
            earlier = puts_so_far(ti, [ti.task_id])
            record_put(ti, values, earlier[0][2] if earlier else None)
            self.log.info("Glue job '%s' put run properties %s", self.glue_name, sorted(values))

    def _job_run(self, run: dict[str, Any]) -> dict[str, Any]:
        response = self.glue.get_job_run(JobName=self.glue_name, RunId=run["run_id"], PredecessorsIncluded=False)
        job_run: dict[str, Any] = response["JobRun"]
        return job_run

    def end_state(self, run: dict[str, Any]) -> str | None:
        """The run's JobRunState when it is an end state."""
        job_run = self._job_run(run)
        state = job_run["JobRunState"]
        if run.get("timeout") is None and job_run.get("Timeout"):
            run["timeout"] = job_run["Timeout"]
        if job_run.get("ErrorMessage"):
            run["error"] = job_run["ErrorMessage"]
        run["settings"] = {key: job_run.get(key) for key in REPORTED_SETTINGS if job_run.get(key) is not None}
        run["arguments"] = masked(job_run.get("Arguments") or {})
        if self.stream_logs and run is self.active_run and not self._resumed:  # only checks of the wait itself
            self._forward_logs(run["run_id"], job_run)
        return state if is_end_state(NodeType.JOB, state) else None

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None, run: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger, which copied the log lines up to the run's end (none are copied again)."""
        self._resumed = True
        return super().execute_complete(context, event, run)

    def _forward_logs(self, run_id: str, job_run: dict[str, Any]) -> None:
        """Each check of the worker's wait copies the lines written since the last one (a deferral hands on
        where it stopped). Other checks copy nothing: retiring an earlier lineage's run, a manual mark's
        check in the API server, and the check on resuming (the trigger copied up to the run's end)."""
        if self._logs is None or self._logs.run_id != run_id:
            self._logs = JobLogStream(
                self.hook.logs_hook, job_name=self.glue_name, run_id=run_id,
                positions=dict.fromkeys(log_groups(job_run)), log=self.log,
            )
        self._logs.forward()

    def wait_minutes(self, run: dict[str, Any]) -> int:
        """The run's timeout plus a grace period."""
        return int(run.get("timeout") or DEFAULT_JOB_TIMEOUT_MINUTES) + GRACE_MINUTES

    def ended_trigger(
        self, run: dict[str, Any], attempts: int, succeeded_xcoms: dict[str, Any] | None = None
    ) -> GlueJobRunEndedTrigger:
        """Wait in the triggerer until the run is in any end state."""
        logs = self._logs.positions() if self.stream_logs and self._logs is not None and not self._logs.stopped else None
        kwargs = self.trigger_kwargs(run, attempts, succeeded_xcoms)
        return GlueJobRunEndedTrigger(job_name=self.glue_name, logs=logs, **kwargs)

    def stop(self, run: dict[str, Any]) -> None:
        """BatchStopJobRun for this run (a run that already ended is left as it is)."""
        reply = self.glue.batch_stop_job_run(JobName=self.glue_name, JobRunIds=[run["run_id"]])
        for error in reply.get("Errors") or []:
            self.log.warning("Glue declined to stop job '%s' run %s: %s", self.glue_name, run["run_id"], error)

    def describe(self, run: dict[str, Any]) -> str:
        """The run id, and Glue's error message when there is one."""
        error = f": {run['error']}" if run.get("error") else ""
        return f"run {run.get('run_id')}{error}"

    def result(self, run: dict[str, Any]) -> Any:
        """The job run id."""
        return run["run_id"]

    def console_link(self, run: dict[str, Any]) -> str | None:
        """The job run's Glue console page."""
        domain = aws_domain(self)
        return job_run_url(domain, self.hook.conn_region_name, self.glue_name, run["run_id"]) if domain else None

    def run_details(self, run: dict[str, Any]) -> dict[str, Any]:
        """Run id, arguments (secret-looking values masked) and the settings GetJobRun reports."""
        return {"job_name": self.glue_name, "run_id": run.get("run_id"), "arguments": run.get("arguments"),
                **(run.get("settings") or {})}
