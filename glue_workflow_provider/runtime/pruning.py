"""Which tasks of a running DAG can no longer run, given what the end states so far decide (rules 1-6 of
docs/semantics.md#the-rules).

Node tasks (when they end) and the manual-mark listener skip these, so nothing waits on a node that will
never run and the outcome task decides the run exactly. Deciding is the semantics' (``settle``,
``pair_dead``, ``run_outcome`` over the plan's trigger table); this module only maps it onto the plan's tasks.
"""

from __future__ import annotations

from glue_workflow_provider.compile.plan import DagPlan, TaskKind, TaskPlan
from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.semantics.predicates import pair_dead
from glue_workflow_provider.semantics.progress import Settled, run_outcome


def tasks_to_skip(plan: DagPlan, settled: Settled) -> list[str]:
    """Tasks that can never run given ``settled``: dead nodes and gates, and the outcome when all is handled.

    The outcome task fails natively (``none_failed``) when a node task failed; skipping it first says that
    every failure was handled by a trigger, so the DAG run succeeds (docs/semantics.md#unhandled-failures).
    """
    return [task.task_id for task in plan.tasks if _dead(plan, task, settled)]


def _dead(plan: DagPlan, task: TaskPlan, settled: Settled) -> bool:
    if task.is_node:
        return task.glue_name in settled.dead_nodes
    if task.kind is TaskKind.TRIGGER_GATE:
        return task.glue_name in settled.dead_triggers
    if task.kind is TaskKind.CONDITION_GATE:
        return pair_dead(task.glue_name or "", task.glue_state or "", settled.ended, settled.dead_nodes)
    if task.kind is TaskKind.OUTCOME:
        return _failures_all_handled(plan, settled)
    return False


def _failures_all_handled(plan: DagPlan, settled: Settled) -> bool:
    failed = any(state != SUCCEEDED for state in settled.ended.values())
    return failed and settled.is_complete(plan.triggers) and run_outcome(plan.triggers, settled.ended) == "success"
