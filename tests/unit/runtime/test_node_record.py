"""The record of a node run: which keys a task's current try can have recorded, and what they decode to."""

from __future__ import annotations

from glue_workflow_provider.runtime.node_record.record import (
    AFTER_KEY,
    GLUE_RUN_KEY,
    GLUE_STATE_KEY,
    PUT_KEY,
    SEEN_KEY,
    STARTED_BY_KEY,
    NodeRecord,
    is_current,
    may_have_put,
)
from glue_workflow_provider.runtime.node_record.report import ReportedNode, run_report


def test_an_end_key_counts_only_for_a_task_that_ran_in_its_current_try() -> None:
    for state in ("running", "success", "failed", "up_for_retry"):
        assert is_current(GLUE_STATE_KEY, state)
    for state in (None, "scheduled", "queued", "skipped", "upstream_failed", "removed", "deferred", "restarting"):
        assert not is_current(GLUE_STATE_KEY, state), state


def test_a_start_key_counts_while_the_task_is_deferred() -> None:
    for key in (GLUE_RUN_KEY, STARTED_BY_KEY, SEEN_KEY):
        assert is_current(key, "deferred") and not is_current(key, "skipped") and not is_current(key, None)
    assert not is_current(AFTER_KEY, "deferred") and not is_current(PUT_KEY, "deferred")


def test_gates_record_nothing_by_the_operator_name_airflow_records() -> None:
    for operator in ("GlueTriggerGateOperator", "GlueWorkflowOutcomeOperator", "EmptyOperator"):
        assert not may_have_put("success", operator)
    assert may_have_put("success", "GlueWorkflowJobOperator") and may_have_put("failed", "_PythonDecoratedOperator")


class _State:  # the ORM gives an enum whose value is the state's text
    value = "success"


def test_a_record_keeps_and_decodes_only_the_current_try() -> None:
    values = {
        GLUE_STATE_KEY: "FAILED", GLUE_RUN_KEY: "jr_1", STARTED_BY_KEY: "start", SEEN_KEY: {"a": "1"},
        AFTER_KEY: {"a": "1", "b": "2"}, PUT_KEY: {"ended_at": "t1", "values": {"b": "2"}},
    }
    failed = NodeRecord.of("load", "failed", "GlueWorkflowJobOperator", values, end="2026-12-01T10:00:00Z")
    assert (failed.glue_state, failed.glue_run_id, failed.started_by) == ("FAILED", "jr_1", "start")
    assert (failed.seen, failed.after, failed.put) == ({"a": "1"}, {"a": "1", "b": "2"}, ("t1", "load", {"b": "2"}))
    assert failed.node_type == "JOB" and failed.ended and failed.end == "2026-12-01T10:00:00Z"
    skipped = NodeRecord.of("load", "skipped", "GlueWorkflowJobOperator", values)
    assert skipped == NodeRecord("load", "skipped", "GlueWorkflowJobOperator")
    deferred = NodeRecord.of("crawl", "deferred", "GlueWorkflowCrawlerOperator", values)
    assert (deferred.glue_state, deferred.glue_run_id, deferred.node_type) == (None, "jr_1", "CRAWLER")
    assert NodeRecord.of("x", _State(), None, {GLUE_STATE_KEY: "SUCCEEDED"}).airflow_state == "success"


def test_the_report_replays_current_puts_over_what_the_last_node_to_end_left() -> None:
    first = NodeRecord("a", "success", "GlueWorkflowJobOperator", "t0", "t1", "SUCCEEDED", after={"x": "1"},
                       seen={}, put=("t1", "a", {"x": "1"}))
    last = NodeRecord("b", "failed", "GlueWorkflowJobOperator", "t2", "t3", "FAILED", after={"x": "1", "y": "2"},
                      seen={"x": "1"})
    late_put = NodeRecord("py", "success", "_PythonDecoratedOperator", "t4", "t5", put=("t5", "py", {"z": "3"}))
    nodes = [ReportedNode("a", "JOB", first), ReportedNode("b", "JOB", last), ReportedNode("c", "JOB", NodeRecord("c"))]
    report = run_report("d", "failed", nodes, lambda node: ({"--n": node.name}, node.record.start), {"s": "0"},
                        [first, last, late_put, NodeRecord("c")])
    assert report.run_properties == {"x": "1", "y": "2", "z": "3"}
    assert [report.nodes[n].order for n in "abc"] == [1, 2, None]
    assert report.nodes["b"].run_properties == {"x": "1"} and report.nodes["c"].run_properties is None
    assert report.nodes["a"].arguments == {"--n": "a"} and report.nodes["c"].arguments is None
    assert report.nodes["c"].airflow_state == "none"
    alone = run_report("d", "running", [], lambda node: (None, None), {"s": "0"}, [])
    assert alone.run_properties == {"s": "0"}
