"""The first check of a waiting trigger lands on the grid of its run's start (runtime/check_phase.py)."""

from __future__ import annotations

import pytest

from glue_workflow_provider.runtime.check_phase import STARTED_AT, first_check_delay, stamped


@pytest.mark.parametrize(("since_start", "expected"), [
    (1.5, 4.5),    # the usual case: the trigger starts 1.5 s after the run; checks at 6, 12, ... from its start
    (0.0, 6.0),
    (2.9, 3.1),
    (3.0, 3.0),    # exactly half an interval away: allowed
    (3.5, 8.5),    # closer than half an interval: the point after it
    (13.0, 5.0),   # a trigger restarted later keeps the grid
])
def test_the_first_check_is_on_the_grid_of_the_runs_start(since_start: float, expected: float) -> None:
    assert first_check_delay({STARTED_AT: 1000.0}, 6, now=1000.0 + since_start) == pytest.approx(expected)


@pytest.mark.parametrize("run", [{}, {STARTED_AT: None}, {STARTED_AT: "soon"}, {STARTED_AT: True}])
def test_without_a_start_time_it_waits_one_interval(run: dict) -> None:
    assert first_check_delay(run, 6, now=5.0) == 6


def test_a_started_run_is_stamped_with_the_time_and_keeps_its_reference() -> None:
    run = stamped({"run_id": "jr_1"})
    assert run["run_id"] == "jr_1" and isinstance(run[STARTED_AT], float)
    assert 0 < first_check_delay(run, 6) <= 6
