"""A DAG run in Glue's terms: each node's Glue state, times, note and run properties, and the run's outcome.

Pure: built from the compiled plan and what Airflow's REST API returned (the run, its task instances and
the node tasks' records, runtime/node_record), so it is tested without Airflow. States come from what each
node task's current try recorded (``glue_state``); the outcome and its reason come from the same rule-6 logic
the DAG runs with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.model.states import NO_GLUE_STATE
from glue_workflow_provider.runtime.node_record.record import GLUE_STATE_KEY, SEEN_KEY, STARTED_BY_KEY, NodeRecord
from glue_workflow_provider.runtime.run_summary import ended_as
from glue_workflow_provider.semantics.progress import Settled, listened_states, settle, unhandled_failures

#: XCom keys the view reads, per node task.
XCOM_KEYS = (GLUE_STATE_KEY, STARTED_BY_KEY, SEEN_KEY)
#: Airflow states of a task whose Glue run is (or is about to be) in progress.
ACTIVE = frozenset({"queued", "running", "deferred", "up_for_retry", "up_for_reschedule", "restarting"})
#: Airflow states of a task that never started its Glue run.
NEVER_STARTED = frozenset({"skipped", "removed", "upstream_failed"})
#: What the view shows for a node without a Glue end state.
NEVER_RAN, NOT_YET, IN_PROGRESS = "NEVER RAN", "NOT STARTED", "RUNNING"


@dataclass(frozen=True)
class NodeRun:
    """One Glue job or crawler in one DAG run."""

    name: str
    type: str
    task_id: str
    glue_state: str | None
    airflow_state: str | None
    start: str | None = None
    end: str | None = None
    duration: float | None = None
    note: str | None = None
    started_by: str | None = None
    run_properties: Mapping[str, str] | None = None

    def shown_state(self, run_finished: bool) -> str:
        """The state the page shows: Glue's end state, else whether the node runs, waits or never ran."""
        if self.glue_state:
            return self.glue_state
        if self.airflow_state in ACTIVE:
            return IN_PROGRESS
        if self.airflow_state == "failed":
            return NO_GLUE_STATE  # failed without a Glue end state (marked by hand, job missing, outage)
        return NEVER_RAN if run_finished or self.airflow_state in NEVER_STARTED else NOT_YET


@dataclass(frozen=True)
class RunView:
    """One DAG run of a Glue workflow DAG, in Glue's terms."""

    dag_id: str
    run_id: str
    airflow_state: str
    start: str | None
    end: str | None
    nodes: tuple[NodeRun, ...]
    settled: Settled
    outcome: str
    reason: str
    note: str | None = None

    @property
    def finished(self) -> bool:
        """Whether Airflow has finished the run."""
        return self.airflow_state in ("success", "failed")

    def states(self) -> dict[str, str]:
        """Shown state of every node, by Glue name."""
        return {node.name: node.shown_state(self.finished) for node in self.nodes}

    def to_json(self) -> dict[str, Any]:
        """The view as JSON (what the page's ``/api`` route returns)."""
        return {
            "dag_id": self.dag_id,
            "run_id": self.run_id,
            "state": self.airflow_state,
            "start": self.start,
            "end": self.end,
            "outcome": self.outcome,
            "reason": self.reason,
            "fired_triggers": sorted(self.settled.fired),
            "nodes": {
                node.name: {
                    "type": node.type,
                    "task_id": node.task_id,
                    "glue_state": node.glue_state,
                    "shown_state": node.shown_state(self.finished),
                    "airflow_state": node.airflow_state,
                    "start": node.start,
                    "end": node.end,
                    "duration": node.duration,
                    "note": node.note,
                    "started_by": node.started_by,
                    "run_properties": dict(node.run_properties) if node.run_properties is not None else None,
                }
                for node in self.nodes
            },
        }


def run_view(
    plan: DagPlan,
    run: Mapping[str, Any],
    task_instances: Sequence[Mapping[str, Any]],
    records: Mapping[str, NodeRecord],
) -> RunView:
    """The view of one run from the REST API's run, its task instances and their records (by task id)."""
    by_task = {str(ti["task_id"]): ti for ti in task_instances if ti.get("map_index", -1) in (-1, None)}
    nodes = tuple(
        _node(plan, name, by_task.get(task_id, {}), records.get(task_id) or NodeRecord(task_id))
        for name, task_id in _node_tasks(plan)
    )
    ended = {node.name: node.glue_state or NO_GLUE_STATE for node in nodes if node.glue_state or node.airflow_state == "failed"}
    settled = settle(plan.triggers, ended)
    outcome, reason = _outcome(plan, ended, str(run.get("state")))
    return RunView(
        dag_id=plan.dag_id,
        run_id=str(run["dag_run_id"]),
        airflow_state=str(run.get("state")),
        start=run.get("start_date"),
        end=run.get("end_date"),
        nodes=nodes,
        settled=settled,
        outcome=outcome,
        reason=reason,
        note=run.get("note"),
    )


def _node_tasks(plan: DagPlan) -> list[tuple[str, str]]:
    """(Glue name, task id) of each node, in the trigger table's order (the order nodes first start)."""
    tasks = plan.node_task_ids()
    return [(name, tasks[name]) for name in plan.triggers.nodes if name in tasks]


def _node(plan: DagPlan, name: str, ti: Mapping[str, Any], record: NodeRecord) -> NodeRun:
    if ti.get("state") in NEVER_STARTED:
        ti = {"state": ti.get("state"), "note": ti.get("note")}  # a skipped task's dates are when it was skipped
    return NodeRun(
        name=name,
        type=plan.triggers.nodes.get(name, "JOB"),
        task_id=record.task_id,
        glue_state=record.glue_state,
        airflow_state=ti.get("state"),
        start=ti.get("start_date"),
        end=ti.get("end_date"),
        duration=_duration(ti),
        note=ti.get("note") or None,
        started_by=record.started_by,
        run_properties=record.seen,
    )


def _duration(ti: Mapping[str, Any]) -> float | None:
    if ti.get("duration") is not None:
        return float(ti["duration"])
    start, end = ti.get("start_date"), ti.get("end_date")
    if start and end:
        return (datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))).total_seconds()
    return None


def _outcome(plan: DagPlan, ended: Mapping[str, str], airflow_state: str) -> tuple[str, str]:
    """The run's outcome in Glue's terms and why (docs/semantics.md#unhandled-failures: a run fails exactly when a
    failure is unhandled)."""
    if airflow_state not in ("success", "failed"):
        return "RUNNING", f"the DAG run is {airflow_state}"
    unhandled = unhandled_failures(plan.triggers, ended)
    if unhandled:
        parts = ", ".join(ended_as(node, state) for node, state in sorted(unhandled.items()))
        return "FAILED", f"{parts}, and no trigger watches for that state"
    listened = listened_states(plan.triggers)
    handled = sorted((node, state) for node, state in ended.items() if state != "SUCCEEDED" and state in listened.get(node, ()))
    if handled:
        parts = ", ".join(f"{node} ended {state}" for node, state in handled)
        return "SUCCEEDED", f"every failure was handled by a trigger ({parts})"
    return "SUCCEEDED", "no node failed"
