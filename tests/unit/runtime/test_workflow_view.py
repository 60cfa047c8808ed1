"""The Glue workflow view's pure parts: a run in Glue terms, the graph's layout, and the HTML/SVG it draws.

Plans come from the shipped ``data_vault_load`` example; runs are the REST API's shapes as the view reads
them (the system test, tests/system/test_ui.py, reads them from a running Airflow).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.api import check_paths
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.model.states import NO_GLUE_STATE
from glue_workflow_provider.runtime.node_record.record import decoded
from glue_workflow_provider.runtime.node_record.rest import records_of
from glue_workflow_provider.runtime.workflow_view.airflow_rest import own_api_url
from glue_workflow_provider.runtime.workflow_view.layout import BOX_H, layout
from glue_workflow_provider.runtime.workflow_view.page import Links, index_page, workflow_page
from glue_workflow_provider.runtime.workflow_view.plans import plans_in
from glue_workflow_provider.runtime.workflow_view.run_view import NEVER_RAN, NOT_YET, RunView, run_view

EXAMPLE = Path(__file__).resolve().parents[3] / "dags" / "workflows" / "data_vault_load.yaml"
LINKS = Links(view="/glue-workflow", airflow="")


@pytest.fixture(scope="module")
def plan() -> DagPlan:
    (checked,) = check_paths([EXAMPLE])
    assert checked.plan is not None
    return checked.plan


def _handled_timeout(state: str = "success") -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """load-hubs ended TIMEOUT, hubs-failed started the clean-up, which SUCCEEDED."""
    run = {"dag_run_id": "manual__1", "state": state, "start_date": "2026-12-01T10:00:00Z", "end_date": "2026-12-01T10:02:00Z"}
    tis = [
        {"task_id": "extract-landing", "state": "success", "start_date": "2026-12-01T10:00:01Z", "end_date": "2026-12-01T10:00:21Z"},
        {"task_id": "load-hubs", "state": "failed", "duration": 65.0, "note": "Glue job load-hubs ended TIMEOUT", "map_index": -1},
        {"task_id": "load-hubs__TIMEOUT", "state": "success"},
        {"task_id": "clean-up-job", "state": "success", "duration": 4.0},
        {"task_id": "load-links", "state": "skipped", "start_date": "2026-12-01T10:02:00Z", "end_date": "2026-12-01T10:02:00Z"},
    ]
    xcoms = {
        "glue_state": {"extract-landing": "SUCCEEDED", "load-hubs": "TIMEOUT", "clean-up-job": "SUCCEEDED"},
        "glue_started_by": {"clean-up-job": "hubs-failed", "load-hubs": "landing-succeeded"},
        "run_properties": {"clean-up-job": {"load_date": "today"}},
    }
    return run, tis, xcoms


def _view(plan: DagPlan, run: dict[str, Any], tis: list[dict[str, Any]], xcoms: dict[str, dict[str, Any]]) -> RunView:
    """The view of the run from the REST API's answers, ``xcoms[key][task_id]`` as the API lists them."""
    by_task: dict[str, dict[str, Any]] = {}
    for key, values in xcoms.items():
        for task_id, value in values.items():
            by_task.setdefault(task_id, {})[key] = value
    return run_view(plan, run, tis, records_of(tis, by_task))


def test_only_what_the_current_try_recorded_is_shown(plan: DagPlan) -> None:
    """A task cleared and then skipped still holds an earlier try's XCom; a deferred task has recorded what it
    records at its start (who started it, what it saw) and not yet its end state."""
    run = {"dag_run_id": "r", "state": "running"}
    tis = [{"task_id": "extract-landing", "state": "deferred"}, {"task_id": "load-hubs", "state": "skipped"}]
    xcoms = {
        "glue_state": {"extract-landing": "SUCCEEDED", "load-hubs": "FAILED"},
        "glue_started_by": {"extract-landing": "start-load", "load-hubs": "landing-succeeded"},
    }
    nodes = {node.name: node for node in _view(plan, run, tis, xcoms).nodes}
    assert (nodes["extract-landing"].glue_state, nodes["extract-landing"].started_by) == (None, "start-load")
    assert (nodes["load-hubs"].glue_state, nodes["load-hubs"].started_by) == (None, None)


def test_a_handled_timeout_reads_as_glue_shows_it(plan: DagPlan) -> None:
    view = _view(plan, *_handled_timeout())
    assert view.states() == {
        "extract-landing": "SUCCEEDED",
        "load-hubs": "TIMEOUT",
        "load-links": NEVER_RAN,
        "load-satellites": NEVER_RAN,
        "publish-marts": NEVER_RAN,
        "clean-up-job": "SUCCEEDED",
    }
    assert view.outcome == "SUCCEEDED"
    assert "handled" in view.reason and "load-hubs ended TIMEOUT" in view.reason
    assert {"start-load", "landing-succeeded", "hubs-failed"} <= view.settled.fired
    assert "hubs-succeeded" not in view.settled.fired
    nodes = {node.name: node for node in view.nodes}
    assert nodes["extract-landing"].duration == 20.0  # from the start and end dates when the API gives none
    assert nodes["clean-up-job"].started_by == "hubs-failed"
    assert nodes["clean-up-job"].run_properties == {"load_date": "today"}
    assert nodes["load-hubs"].note == "Glue job load-hubs ended TIMEOUT"
    assert (nodes["load-links"].start, nodes["load-links"].duration) == (None, None)  # skipped: it never started


def test_an_unhandled_failure_fails_the_run_and_says_why(plan: DagPlan) -> None:
    run, tis, xcoms = _handled_timeout("failed")
    xcoms["glue_state"]["load-hubs"] = "STOPPED"  # no trigger of data_vault_load watches STOPPED
    view = _view(plan, run, tis, xcoms)
    assert view.outcome == "FAILED"
    assert view.reason == "load-hubs ended STOPPED, and no trigger watches for that state"


def test_a_running_run_shows_what_runs_and_what_has_not_started(plan: DagPlan) -> None:
    run = {"dag_run_id": "r", "state": "running"}
    tis = [{"task_id": "extract-landing", "state": "deferred"}, {"task_id": "load-hubs", "state": None}]
    view = _view(plan, run, tis, {})
    assert view.outcome == "RUNNING"
    assert view.states()["extract-landing"] == "RUNNING"
    assert view.states()["load-hubs"] == NOT_YET


def test_a_node_failed_without_a_glue_state_shows_no_glue_state(plan: DagPlan) -> None:
    run, tis, xcoms = _handled_timeout("failed")
    del xcoms["glue_state"]["load-hubs"]  # marked failed by hand: no Glue end state recorded
    view = _view(plan, run, tis, xcoms)
    assert view.states()["load-hubs"] == NO_GLUE_STATE == "NO GLUE STATE"
    assert view.reason.startswith("load-hubs failed without a Glue state")
    assert view.outcome == "FAILED"


def test_layout_is_glue_graph_with_no_gates_trigger_node_trigger(plan: DagPlan) -> None:
    placed = layout(plan.triggers)
    kinds = {(v.kind, v.name) for v in placed.vertices}
    assert kinds == {("trigger", row.name) for row in plan.triggers.triggers} | {("node", n) for n in plan.triggers.nodes}
    for edge in placed.edges:
        assert {edge.source.kind, edge.target.kind} == {"trigger", "node"}  # always alternates, as in Glue
        assert edge.target.y >= edge.source.y + BOX_H  # top to bottom, never upwards or overlapping
    labels = {(e.source.name, e.target.name): e.label for e in placed.edges if e.source.kind == "node"}
    assert labels[("load-hubs", "hubs-failed")] == "FAILED | TIMEOUT"
    assert labels[("load-links", "links-and-satellites-succeeded")] == "SUCCEEDED"
    positions = {(v.x, v.y) for v in placed.vertices}
    assert len(positions) == len(placed.vertices)  # no two shapes on one spot


class _Shapes(HTMLParser):
    """Collects the data-* attributes of the page's shapes and rows (and checks the markup parses)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if any(key.startswith("data-") for key in values):
            self.found.append({"tag": tag, **values})


def _shapes(html: str) -> list[dict[str, str | None]]:
    parser = _Shapes()
    parser.feed(html)
    return parser.found


def test_the_page_draws_every_node_with_its_state_and_every_trigger_and_no_gate(plan: DagPlan) -> None:
    run, tis, xcoms = _handled_timeout()
    html = workflow_page(plan, [run], _view(plan, run, tis, xcoms), LINKS)
    shapes = _shapes(html)
    drawn = {s["data-node"]: s.get("data-state") for s in shapes if s["tag"] == "g" and s.get("data-node")}
    assert drawn["load-hubs"] == "TIMEOUT" and drawn["clean-up-job"] == "SUCCEEDED" and drawn["publish-marts"] == NEVER_RAN
    assert set(drawn) == set(plan.triggers.nodes)
    triggers = {s["data-trigger"] for s in shapes if s["tag"] == "g" and s.get("data-trigger")}
    assert triggers == {row.name for row in plan.triggers.triggers}
    assert "__FAILED" not in html and "__TIMEOUT" not in html and "workflow_outcome" not in html  # no gate, no outcome task
    assert re.search(r"<text[^>]*>ANY</text>", html) and "ALL (AND)" in html and "FAILED | TIMEOUT" in html
    assert 'href="/glue-workflow/dags/data-vault-load/runs/manual__1"' in html
    assert 'href="/dags/data-vault-load/runs/manual__1" target="_top"' in html


def test_the_static_page_needs_no_run(plan: DagPlan) -> None:
    html = workflow_page(plan, [], None, LINKS)
    assert "No DAG run yet." in html
    assert not [s for s in _shapes(html) if s.get("data-state")]


def test_names_are_escaped(plan: DagPlan) -> None:
    html = index_page([{"dag_id": "a<b", "dag_display_name": "<script>x</script>"}], LINKS)
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'href="/glue-workflow/dags/a%3Cb"' in html


def test_plans_are_found_on_the_node_tasks_of_a_dag_file(plan: DagPlan) -> None:
    from glue_workflow_provider.compile.dag_builder import build_dag

    dag = build_dag(plan)
    assert plans_in({"glue_workflow__x": dag, "other": object()}) == {plan.dag_id: [plan]}


def test_xcom_values_and_own_url() -> None:
    assert decoded('{"a": "b"}') == {"a": "b"} and decoded("TIMEOUT") == "TIMEOUT" and decoded('"X"') == "X"
    assert decoded(json.dumps(json.dumps({"a": "b"}))) == {"a": "b"}, "a trigger's record, encoded once more"
    assert own_api_url({"server": ("127.0.0.1", 8080)}, "") == "http://127.0.0.1:8080"
    assert own_api_url({"server": ("::1", 9000)}, "/airflow") == "http://[::1]:9000/airflow"
