"""The notes listener's own run summary (runtime/notes.py ``summary_of``): written from the tasks' records when no
node task left one, because the last node ended in the triggerer. It must say what the node that saw the run
complete would have said, from the same records: Airflow's task states and each current try's Glue state."""

from __future__ import annotations

from glue_workflow_provider.runtime.node_record.record import NodeRecord
from glue_workflow_provider.runtime.notes import summary_of
from glue_workflow_provider.runtime.run_summary import node_note, run_summary
from tests.unit.compile.test_planner import plan_of, start, when

NODE = "GlueWorkflowJobOperator"
JOIN = plan_of(start("a", "b") + when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c"))
HANDLED = plan_of(start("a") + when("to-b", None, [("a", "SUCCEEDED")], "b") + when("on-fail", None, [("a", "FAILED")], "c"))


def _ended(task_id: str, state: str, airflow_state: str = "success", error: str | None = None) -> NodeRecord:
    return NodeRecord(task_id, airflow_state, NODE, glue_state=state, note=node_note(state, error))


def test_a_run_whose_last_node_ended_in_the_triggerer_is_summarised_as_its_node_would_have() -> None:
    ids = JOIN.node_task_ids()
    recorded = {ids[node]: _ended(ids[node], "SUCCEEDED") for node in "abc"}
    text = summary_of(JOIN, recorded)
    assert text == run_summary(JOIN.triggers, dict.fromkeys("abc", "SUCCEEDED"))
    assert text is not None and text.startswith("Glue workflow run: success")
    assert "Actions: 3 total, 3 succeeded, 0 failed" in text


def test_a_handled_failure_is_named_with_glues_error_and_the_skipped_node_never_ran() -> None:
    ids = HANDLED.node_task_ids()
    recorded = {
        ids["a"]: _ended(ids["a"], "FAILED", "failed", "Job run failed: boom"),
        ids["b"]: NodeRecord(ids["b"], "skipped", NODE),
        ids["c"]: _ended(ids["c"], "SUCCEEDED"),
    }
    text = summary_of(HANDLED, recorded)
    assert text is not None and text.startswith("Glue workflow run: success")
    assert "1 succeeded, 1 failed" in text and "1 never ran" in text
    assert "- a: FAILED: Job run failed: boom" in text


def test_a_run_stopped_half_way_gets_no_summary() -> None:
    ids = JOIN.node_task_ids()
    recorded = {ids["a"]: _ended(ids["a"], "SUCCEEDED"), ids["b"]: NodeRecord(ids["b"], "deferred", NODE)}
    assert summary_of(JOIN, recorded) is None


def test_a_cleared_task_counts_only_what_its_current_try_recorded() -> None:
    """A task cleared and skipped still holds its earlier try's XCom; ``NodeRecord.of`` drops it, so the
    node counts as never ran, as a node task reading the same states would count it."""
    ids = HANDLED.node_task_ids()
    values = {"glue_state": "FAILED", "glue_note": "FAILED: old"}
    recorded = {
        ids["a"]: _ended(ids["a"], "SUCCEEDED"),
        ids["b"]: _ended(ids["b"], "SUCCEEDED"),
        ids["c"]: NodeRecord.of(ids["c"], "skipped", NODE, values),
    }
    text = summary_of(HANDLED, recorded)
    assert text is not None and "2 succeeded, 0 failed" in text and "1 never ran" in text and "old" not in text
