"""The one table of Glue states (model/states.py): it follows botocore's Glue model, and every list of states
elsewhere (the waiter JSON, the run statistics, the view's colours) is that table."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from glue_workflow_provider.model.states import (
    ACTIVE_STATES,
    ANY_ACTIVE_STATE,
    CRAWLER_BUSY_STATES,
    END_STATES,
    NO_GLUE_STATE,
    STATISTICS,
    WATCHABLE_STATES,
    CrawlerState,
    CrawlState,
    JobRunState,
    NodeType,
)
from glue_workflow_provider.runtime.hooks import WAITERS_PATH
from glue_workflow_provider.runtime.workflow_view.svg import state_class


def _glue_enum(shape: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("glue")
    return set(model.shape_for(shape).enum)


@pytest.mark.parametrize(("shape", "enum"), [("JobRunState", JobRunState), ("CrawlState", CrawlState),
                                             ("CrawlerState", CrawlerState)])
def test_the_enums_are_the_glue_apis(shape: str, enum: Any) -> None:
    assert {member.value for member in enum} == _glue_enum(shape)


def test_each_kind_partitions_its_states_into_active_and_ended() -> None:
    for kind, enum in ((NodeType.JOB, JobRunState), (NodeType.CRAWLER, CrawlState)):
        assert set(ACTIVE_STATES[kind]).isdisjoint(END_STATES[kind])
        assert set(WATCHABLE_STATES[kind]) <= set(END_STATES[kind])
        assert set(ACTIVE_STATES[kind]) | set(END_STATES[kind]) <= {member.value for member in enum}
    assert ANY_ACTIVE_STATE == set(ACTIVE_STATES[NodeType.JOB]) | set(ACTIVE_STATES[NodeType.CRAWLER])


def test_no_glue_state_is_no_state_of_glue() -> None:
    every_glue_state = _glue_enum("JobRunState") | _glue_enum("CrawlState") | _glue_enum("CrawlerState")
    assert NO_GLUE_STATE not in every_glue_state
    assert all(NO_GLUE_STATE not in states for states in WATCHABLE_STATES.values())


def test_the_statistics_count_every_end_state_once() -> None:
    counted = [state for _, states in STATISTICS for state in states]
    assert sorted(counted) == sorted({*END_STATES[NodeType.JOB], *END_STATES[NodeType.CRAWLER], NO_GLUE_STATE})


def test_the_view_colours_every_end_state() -> None:
    assert {state_class(s) for _, states in STATISTICS for s in states} == {"ok", "bad", "warn"}
    assert state_class(NO_GLUE_STATE) == "bad"
    assert state_class(None) == "idle"


def _acceptors(waiter: str) -> dict[str, str]:
    acceptors = json.loads(WAITERS_PATH.read_text(encoding="utf-8"))["waiters"][waiter]["acceptors"]
    return {a["expected"]: a["state"] for a in acceptors}


def test_the_job_run_waiter_is_the_table() -> None:
    by_state = _acceptors("job_run_ended")
    assert {s for s, kind in by_state.items() if kind == "success"} == set(END_STATES[NodeType.JOB])
    assert {s for s, kind in by_state.items() if kind == "retry"} == set(ACTIVE_STATES[NodeType.JOB])
    assert "failure" not in by_state.values()


def test_the_crawl_waiter_is_the_table() -> None:
    by_state = _acceptors("crawl_ended")
    assert {s for s, kind in by_state.items() if kind == "retry"} == set(CRAWLER_BUSY_STATES)
    assert {s for s, kind in by_state.items() if kind == "success"} == _glue_enum("CrawlerState") - set(CRAWLER_BUSY_STATES)
