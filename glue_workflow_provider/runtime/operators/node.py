"""GlueNodeOperator: what the job and crawler operators share; ``execute()`` is where a node's lifecycle starts.

The lifecycle (start, wait, finish) is walked step by step in this package's ``__init__``; this module holds
the operator's settings, what each kind of node must say (submit, end_state, ended_trigger, ...) and the
entry points Airflow calls: ``execute``, ``execute_complete`` (after a deferral) and ``on_kill``.
Stopping a task, a deferred one included, stops its Glue run: ``on_kill`` here, ``on_kill`` of the waiting
trigger there.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from airflow.providers.amazon.aws.hooks.base_aws import AwsGenericHook
from airflow.providers.amazon.aws.operators.base_aws import AwsBaseOperator
from airflow.providers.amazon.aws.utils.mixins import aws_template_fields
from airflow.triggers.base import BaseTrigger

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.model.workflow import DEFAULT_POLL_SECONDS
from glue_workflow_provider.runtime import run_record as records
from glue_workflow_provider.runtime.node_record.record import STARTED_BY_KEY
from glue_workflow_provider.runtime.node_state import WorkflowRuntime
from glue_workflow_provider.runtime.operators.end_in_trigger import run_of_an_end_event
from glue_workflow_provider.runtime.operators.finish import pruned_on_final_failure
from glue_workflow_provider.runtime.operators.monitoring import NodeMonitoring, ended_is_final
from glue_workflow_provider.runtime.operators.start import reattach_or_submit, start_plan
from glue_workflow_provider.runtime.operators.wait import complete, resumed_by_a_retry, wait
from glue_workflow_provider.runtime.run_properties import (
    mask_sensitive,
    puts_so_far,
    putting_tasks,
    start_properties,
    visible,
)
from glue_workflow_provider.runtime.run_record import RunRecord
from glue_workflow_provider.runtime.task_states import one_read

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
    #: Shared, not deep-copied, when Airflow copies the task (Airflow 3.0's dag.test copies the whole DAG for a
    #: second run): the plan, and the AWS hooks and run-properties channel a run left cached, whose boto
    #: clients cannot be deep-copied.
    shallow_copy_attrs: Sequence[str] = ("runtime", "hook", "_logs", "_channel")
    ui_fgcolor = "#ffffff"

    def __init__(
        self,
        *,
        glue_name: str,
        workflow_name: str,
        starts: Sequence[StartPlan] = (),
        runtime: WorkflowRuntime | None = None,
        deferrable: bool = True,
        poll_interval: int = DEFAULT_POLL_SECONDS,
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
        self.active_run: dict[str, Any] | None = None  # the run being waited for (on_kill stops it)
        self.killed = False  # on_kill stopped the run: this try records nothing more
        self.record_store: Any = None  # where this task's run record is kept (runtime/run_record.py)
        self.seen: dict[str, str] | None = None  # the run properties this try's run sees, once known
        self.link_fields: dict[str, Any] | None = None  # what the console links are built from, once the run is known

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
    def ended_trigger(self, run: dict[str, Any], attempts: int, succeeded_xcoms: dict[str, Any] | None) -> BaseTrigger:
        """The deferrable trigger that waits for the run to end (and, given ``succeeded_xcoms``, ends the task
        itself when the run SUCCEEDED: end_in_trigger.py)."""

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

    def trigger_kwargs(
        self, run: dict[str, Any], attempts: int, succeeded_xcoms: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """What every waiting trigger takes: the run, the polling, this task's AWS connection, and what a
        SUCCEEDED end records when the trigger may end the task."""
        return {"run": run, "waiter_delay": self.poll_interval, "waiter_max_attempts": attempts,
                "aws_conn_id": self.aws_conn_id, "region_name": self.region_name, "verify": self.verify,
                "botocore_config": self.botocore_config, "succeeded_xcoms": succeeded_xcoms}

    def result(self, run: dict[str, Any]) -> Any:
        """The task's return value when the node SUCCEEDED."""
        return None

    def collect_puts(self, context: Any, run: dict[str, Any]) -> None:
        """Record the run properties the Glue run put (jobs only; crawlers put none)."""

    # -- the lifecycle (the steps are in start.py, wait.py and finish.py; the walk is in __init__.py) ----

    def execute(self, context: Any) -> Any:
        """Start (or reattach to) the Glue run, then wait for it, deferring by default."""
        with pruned_on_final_failure(self, context):
            with one_read():  # what starts the node and what it sees, from one read of the run's task states
                start = start_plan(self, context)
                context["ti"].xcom_push(key=STARTED_BY_KEY, value=start.trigger)
                run = reattach_or_submit(self, context, start)
            return wait(self, context, run)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None, run: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger: read the exact end state and finish (or wait again, within a limit)."""
        if (ended := run_of_an_end_event(context, event)) is not None:
            event, run = None, ended
        if resumed_by_a_retry(context, run or (event or {}).get("run")):
            return self.execute(context)
        # The process that deferred pushed the links' XComs (Airflow pushes each at a task process's end, reading
        # the details XCom once per link); this try's links are unchanged, so this process pushes none again.
        self.operator_extra_links = ()
        with pruned_on_final_failure(self, context):
            return complete(self, context, event, run)

    def on_kill(self) -> None:
        """Stop the Glue run this task started when the task is killed (stopping a DAG run stops its runs)."""
        self.killed = True
        if self.active_run is not None:
            self.log.info("Stopping Glue %s '%s' (%s)", self.kind, self.glue_name, self.describe(self.active_run))
            self.stop(self.active_run)
            records.release_on_kill(self.record_store)

    @property
    def kind(self) -> str:
        """``job`` or ``crawler``, for messages."""
        return self.node_type.lower()

    def reattached(self, context: Any, run: dict[str, Any]) -> None:
        """Publish again what the first try published about ``run`` (Airflow clears XCom between tries)."""

    @abstractmethod
    def run_from_glue_run_id(self, value: str | None) -> dict[str, Any] | None:
        """The run reference that XCom ``glue_run_id`` (written by ``reattached``) stands for; None if none."""

    def properties(self, context: Any, exclude: str | None = None) -> dict[str, str]:
        """The run properties as far as this task reads them: defaults, start values, and the puts of the tasks
        that ended (but ``exclude``), secret-looking values masked."""
        ti = context["ti"]
        defaults = self.runtime.plan.params if self.runtime is not None else {}
        values = visible(start_properties(context, defaults), puts_so_far(ti, putting_tasks(ti, exclude)))
        mask_sensitive(values)
        return values
