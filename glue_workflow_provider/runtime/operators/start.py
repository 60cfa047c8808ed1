"""Step 1 of a node's lifecycle: which trigger starts the node, then reattach to its Glue run or start one.

A run is started at most once per try lineage (runtime/run_record.py): the record is written before the start
call (an intent) and after it (the run), so a retry after a crash reattaches to the same Glue run, even when
the worker died between the start call and the record, while clearing the task (Glue's ResumeWorkflowRun)
retires the old run (retire.py) and starts exactly one new one (docs/semantics.md#stop-and-resume). The start
call itself is made once, with botocore's retries off (runtime/start_call.py, called by each kind's ``submit``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from glue_workflow_provider.compile.plan import StartPlan
from glue_workflow_provider.runtime import run_record as records
from glue_workflow_provider.runtime.check_phase import stamped
from glue_workflow_provider.runtime.node_record.record import SEEN_KEY
from glue_workflow_provider.runtime.operators.retire import retire
from glue_workflow_provider.runtime.run_record import Lineage, RunRecord
from glue_workflow_provider.version_compat import AirflowSkipException

if TYPE_CHECKING:
    from glue_workflow_provider.runtime.operators.node import GlueNodeOperator


def start_plan(node: GlueNodeOperator[Any], context: Any) -> StartPlan:
    """The trigger that starts ``node`` in this run; none fired: skip it and what it can no longer start."""
    if node.runtime is None:
        return node.starts[0] if node.starts else StartPlan(trigger="(none)")
    ti = context["ti"]
    ended = node.runtime.node_states(ti, only=node.runtime.watched_by_starters(node.glue_name))
    start = node.runtime.started_by(node.glue_name, node.starts, ended)
    if start is None:
        node.runtime.prune(ti, node.task_id)
        raise AirflowSkipException(
            f"None of the triggers that start Glue {node.kind} '{node.glue_name}' has fired; it does not run"
        )
    node.log.info("Glue %s '%s' started by trigger '%s'", node.kind, node.glue_name, start.trigger)
    return start


def reattach_or_submit(node: GlueNodeOperator[Any], context: Any, start: StartPlan) -> dict[str, Any]:
    """Reattach to this lineage's run; otherwise retire an earlier lineage's run and start one."""
    store = node.record_store = records.record_store(context)
    lineage = Lineage.of(context)
    saved = records.load_record(store)
    earlier = saved.run or node.find_started(saved) if saved is not None else None
    if saved is not None and saved.lineage == lineage.number and earlier is not None:
        node.log.info("Reattaching to the Glue run started by an earlier try: %s", earlier)
        if saved.run is None:
            records.save_record(store, replace(saved, run=earlier))
        context["ti"].xcom_push(key=SEEN_KEY, value=saved.seen)
        node.seen = saved.seen
        node.reattached(context, earlier)
        return earlier
    if earlier is not None:
        retire(node, earlier)
    seen = _seen_properties(node, context)
    record = RunRecord(lineage.number, lineage.token, node.prepare(), seen)
    records.save_record(store, record)
    run = stamped(node.submit(context, start, seen, record))
    records.save_record(store, replace(record, run=run))
    return run


def _seen_properties(node: GlueNodeOperator[Any], context: Any) -> dict[str, str]:
    """What this node sees: defaults, start values, and the puts of the tasks that already ended."""
    seen = node.seen = node.properties(context, exclude=node.task_id)
    context["ti"].xcom_push(key=SEEN_KEY, value=seen)
    node.log.info("Run properties seen by Glue %s '%s': %s", node.kind, node.glue_name, seen)
    return seen
