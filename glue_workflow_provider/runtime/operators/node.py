"""The lifecycle shared by the job and crawler operators: start by name, wait, record the exact end state, prune.

A run is started at most once per try lineage (runtime/run_record.py): a retry after a crash reattaches to
the same Glue run, even when the worker died between the start call and the record, while clearing the task
(Glue's ResumeWorkflowRun) stops the old run and starts exactly one new one (docs/semantics.md#stop-and-resume).
Stopping a task, a deferred one included, stops its Glue run: ``on_kill`` here, ``on_kill`` of the waiting trigger there.
"""

from __future__ import annotations

import math
import time
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar

from airflow.providers.amazon.aws.hooks.base_aws import AwsGenericHook
from airflow.providers.amazon.aws.operators.base_aws import AwsBaseOperator
from airflow.providers.amazon.aws.utils.mixins import aws_template_fields
from airflow.triggers.base import BaseTrigger

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.model.states import NO_GLUE_STATE, SUCCEEDED, NodeType
from glue_workflow_provider.runtime import run_record as records
from glue_workflow_provider.runtime.exceptions import GlueNodeEndedError, GlueNodeWaitError
from glue_workflow_provider.runtime.node_record.record import AFTER_KEY, GLUE_STATE_KEY, SEEN_KEY, STARTED_BY_KEY
from glue_workflow_provider.runtime.node_state import WorkflowRuntime
from glue_workflow_provider.runtime.operators.monitoring import NodeMonitoring, ended_is_final
from glue_workflow_provider.runtime.operators.retire import retire
from glue_workflow_provider.runtime.run_properties import (
    mask_sensitive,
    puts_so_far,
    putting_tasks,
    start_properties,
    visible,
)
from glue_workflow_provider.runtime.run_record import Lineage, RunRecord
from glue_workflow_provider.runtime.run_summary import failure_line
from glue_workflow_provider.version_compat import AirflowFailException, AirflowSkipException, AirflowTaskTerminated, TaskDeferred

HookT = TypeVar("HookT", bound=AwsGenericHook[Any])


class GlueNodeOperator(NodeMonitoring, AwsBaseOperator[HookT], Generic[HookT]):
    """Run one existing Glue job or crawler as a node of a Glue workflow (never creates or changes it).

    :param glue_name: Name of the existing Glue job or crawler.
    :param workflow_name: Name of the Glue workflow (passed to jobs as ``--WORKFLOW_NAME``).
    :param starts: The triggers that can start this node, with their action's arguments and timeout.
    :param runtime: The workflow's plan and graph, shared by all tasks of the DAG (for pruning).
    :param deferrable: Wait in the triggerer instead of holding a worker slot (default True).
    :param poll_interval: Seconds between two state checks.
    :param run_properties_uri: ``s3://bucket/prefix`` through which jobs read and put run properties
        (default: ``$GLUE_AIRFLOW_RUN_PROPERTIES_URI`` on the worker; none: jobs get no properties).
    :param glue_run: What the Glue run ran with, filled in when it ends (shown in Rendered Templates).
    """

    node_type: ClassVar[NodeType]
    template_fields: Sequence[str] = aws_template_fields("glue_run")
    shallow_copy_attrs: Sequence[str] = ("runtime",)
    ui_fgcolor = "#ffffff"

    def __init__(
        self,
        *,
        glue_name: str,
        workflow_name: str,
        starts: Sequence[StartPlan] = (),
        runtime: WorkflowRuntime | None = None,
        deferrable: bool = True,
        poll_interval: int = 10,
        run_properties_uri: str | None = None,
        glue_run: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if (policy := ended_is_final()) is not None:
            kwargs.setdefault("retry_policy", policy)
        super().__init__(**kwargs)
        self.glue_run = dict(glue_run or {})
        self.run_properties_uri = run_properties_uri
        self.glue_name = glue_name
        self.workflow_name = workflow_name
        self.starts = tuple(starts)
        self.runtime = runtime
        self.deferrable = deferrable
        self.poll_interval = poll_interval
        self._active_run: dict[str, Any] | None = None
        self._killed = False  # on_kill stopped the run: this try records nothing more
        self._store: Any = None

    # -- what each kind of node does ---------------------------------------------------------------------

    def prepare(self) -> dict[str, Any]:
        """What must be known before the start call to recognise the run afterwards (the record's intent)."""
        return {}

    @abstractmethod
    def submit(self, context: Any, start: StartPlan, seen: dict[str, str], record: RunRecord) -> dict[str, Any]:
        """Start the Glue run (which may see run properties ``seen``); return a JSON-able reference to it."""

    @abstractmethod
    def find_started(self, record: RunRecord) -> dict[str, Any] | None:
        """The run that the start call of ``record`` started, if it did (a worker died before recording it)."""

    @abstractmethod
    def end_state(self, run: dict[str, Any]) -> str | None:
        """The run's Glue end state, or None while it is still going."""

    @abstractmethod
    def wait_minutes(self, run: dict[str, Any]) -> int:
        """How long the run may take before waiting for it is pointless (bounds the wait)."""

    @abstractmethod
    def ended_trigger(self, run: dict[str, Any], attempts: int) -> BaseTrigger:
        """The deferrable trigger that waits for the run to end."""

    @abstractmethod
    def stop(self, run: dict[str, Any]) -> None:
        """Stop the run (the task was killed)."""

    @property
    def glue(self) -> Any:
        """The hook's Glue client (botocore's default retries), for every call but the start."""
        return self.hook.conn

    @abstractmethod
    def describe(self, run: dict[str, Any]) -> str:
        """A short description of the run for messages (its id, Glue's error message)."""

    def trigger_kwargs(self, run: dict[str, Any], attempts: int) -> dict[str, Any]:
        """What every waiting trigger takes: the run, the polling, and this task's AWS connection."""
        return {"run": run, "waiter_delay": self.poll_interval, "waiter_max_attempts": attempts,
                "aws_conn_id": self.aws_conn_id, "region_name": self.region_name, "verify": self.verify,
                "botocore_config": self.botocore_config}

    def result(self, run: dict[str, Any]) -> Any:
        """The task's return value when the node SUCCEEDED."""
        return None

    def collect_puts(self, context: Any, run: dict[str, Any]) -> None:
        """Record the run properties the Glue run put (jobs only; crawlers put none)."""

    # -- the lifecycle ------------------------------------------------------------------------------------

    def execute(self, context: Any) -> Any:
        """Start (or reattach to) the Glue run, then wait for it, deferring by default."""
        with self._pruned_on_final_failure(context):
            start = self._start_plan(context)
            context["ti"].xcom_push(key=STARTED_BY_KEY, value=start.trigger)
            run = self._reattach_or_submit(context, start)
            return self._wait(context, run)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None, run: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger: read the exact end state and finish."""
        with self._pruned_on_final_failure(context):
            return self._complete(context, event, run)

    @contextmanager
    def _pruned_on_final_failure(self, context: Any) -> Iterator[None]:
        """A last try that fails without a Glue end state (job missing, retries spent on an outage) skips what
        can no longer run, as an end state would: its successors never ran, so they are skipped (rule 5)."""
        try:
            yield
        except (GlueNodeEndedError, AirflowSkipException, TaskDeferred):
            raise
        except Exception as exc:
            ti = context["ti"]
            retried = not isinstance(exc, AirflowFailException) and 0 < ti.try_number <= (ti.max_tries or 0)
            if self.runtime is not None and not retried:
                try:
                    self.runtime.prune(ti, self.task_id, also={self.glue_name: NO_GLUE_STATE})
                except Exception:
                    self.log.exception("Could not skip what this node can no longer start")
            raise

    def _complete(self, context: Any, event: dict[str, Any] | None, run: dict[str, Any] | None) -> Any:
        run = run or (event or {}).get("run")
        if run is None:
            raise GlueNodeWaitError(f"Glue {self._kind} '{self.glue_name}': resumed without a run reference")
        state = self.end_state(run)
        if state is None:
            if event and event.get("status") == "error":
                raise GlueNodeWaitError(
                    f"Glue {self._kind} '{self.glue_name}' ({self.describe(run)}) has not ended: "
                    f"{event.get('message')}; a retry reattaches to the same run"
                )
            return self._wait(context, run)
        return self._finish(context, run, state)

    def on_kill(self) -> None:
        """Stop the Glue run this task started when the task is killed (stopping a DAG run stops its runs)."""
        self._killed = True
        if self._active_run is not None:
            self.log.info("Stopping Glue %s '%s' (%s)", self._kind, self.glue_name, self.describe(self._active_run))
            self.stop(self._active_run)
            records.release_on_kill(self._store)

    @property
    def _kind(self) -> str:
        return self.node_type.lower()

    def _start_plan(self, context: Any) -> StartPlan:
        if self.runtime is None:
            return self.starts[0] if self.starts else StartPlan(trigger="(none)")
        ti = context["ti"]
        ended = self.runtime.node_states(ti, only=self.runtime.watched_by_starters(self.glue_name))
        start = self.runtime.started_by(self.glue_name, self.starts, ended)
        if start is None:
            self.runtime.prune(ti, self.task_id)
            raise AirflowSkipException(
                f"None of the triggers that start Glue {self._kind} '{self.glue_name}' has fired; it does not run"
            )
        self.log.info("Glue %s '%s' started by trigger '%s'", self._kind, self.glue_name, start.trigger)
        return start

    def _reattach_or_submit(self, context: Any, start: StartPlan) -> dict[str, Any]:
        """Reattach to this lineage's run; otherwise retire an earlier lineage's run and start one."""
        store = self._store = records.record_store(context)
        lineage = Lineage.of(context)
        saved = records.load_record(store)
        earlier = saved.run or self.find_started(saved) if saved is not None else None
        if saved is not None and saved.lineage == lineage.number and earlier is not None:
            self.log.info("Reattaching to the Glue run started by an earlier try: %s", earlier)
            if saved.run is None:
                records.save_record(store, replace(saved, run=earlier))
            context["ti"].xcom_push(key=SEEN_KEY, value=saved.seen)
            self.reattached(context, earlier)
            return earlier
        if earlier is not None:
            retire(self, earlier)
        seen = self._seen_properties(context)
        record = RunRecord(lineage.number, lineage.token, self.prepare(), seen)
        records.save_record(store, record)
        run = self.submit(context, start, seen, record)
        records.save_record(store, replace(record, run=run))
        return run

    def reattached(self, context: Any, run: dict[str, Any]) -> None:
        """Publish again what the first try published about ``run`` (Airflow clears XCom between tries)."""

    @abstractmethod
    def run_from_glue_run_id(self, value: str | None) -> dict[str, Any] | None:
        """The run reference that XCom ``glue_run_id`` (written by ``reattached``) stands for; None if none."""

    def _properties(self, context: Any, exclude: str | None = None) -> dict[str, str]:
        """The run properties as far as this task reads them: defaults, start values, and the puts of the tasks
        that ended (but ``exclude``), secret-looking values masked."""
        ti = context["ti"]
        defaults = self.runtime.plan.params if self.runtime is not None else {}
        values = visible(start_properties(context, defaults), puts_so_far(ti, putting_tasks(ti, exclude)))
        mask_sensitive(values)
        return values

    def _seen_properties(self, context: Any) -> dict[str, str]:
        """What this node sees: defaults, start values, and the puts of the tasks that already ended."""
        seen = self._properties(context, exclude=self.task_id)
        context["ti"].xcom_push(key=SEEN_KEY, value=seen)
        self.log.info("Run properties seen by Glue %s '%s': %s", self._kind, self.glue_name, seen)
        return seen

    def _wait(self, context: Any, run: dict[str, Any]) -> Any:
        self._active_run = run
        state = self.end_state(run)
        if state is not None:
            return self._finish(context, run, state)
        attempts = max(1, math.ceil(self.wait_minutes(run) * 60 / self.poll_interval))
        if self.deferrable:
            self.defer(trigger=self.ended_trigger(run, attempts), method_name="execute_complete")
        for _ in range(attempts):
            time.sleep(self.poll_interval)
            state = self.end_state(run)
            if state is not None:
                return self._finish(context, run, state)
        raise GlueNodeWaitError(
            f"Glue {self._kind} '{self.glue_name}' ({self.describe(run)}) did not end within "
            f"{self.wait_minutes(run)} minutes; a retry reattaches to the same run"
        )

    def _finish(self, context: Any, run: dict[str, Any], state: str) -> Any:
        """Record the exact end state, prune what can no longer run, then succeed only on SUCCEEDED. A killed try
        (cleared, marked) lives on until its process is ended; what it would record is not its node's end."""
        if self._killed:
            raise AirflowTaskTerminated(f"Glue {self._kind} '{self.glue_name}' was stopped: its task was killed")
        self._active_run = None
        ti = context["ti"]
        self.collect_puts(context, run)  # then the properties right after this node (reports replay every put)
        ti.xcom_push(key=AFTER_KEY, value=self._properties(context))
        ti.xcom_push(key=GLUE_STATE_KEY, value=state)
        settled = self.runtime.prune(ti, self.task_id) if self.runtime is not None else None
        self.report_end(context, run, state, settled)
        if state == SUCCEEDED:
            self.log.info("Glue %s '%s' SUCCEEDED (%s)", self._kind, self.glue_name, self.describe(run))
            return self.result(run)
        line = failure_line(self._kind, self.glue_name, state, run.get("error"), self.console_link(run))
        self.log.error(line)
        raise GlueNodeEndedError(line)
