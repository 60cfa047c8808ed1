"""A waiting trigger checks on the grid of its run's start, never sooner than the floor after it starts
(runtime/check_phase.py)."""

from __future__ import annotations

import pytest

from glue_workflow_provider.runtime.check_phase import STARTED_AT, first_check_delay, next_check_delay, stamped


@pytest.mark.parametrize(("interval", "since_start", "expected"), [
    (6, 0.0, 6.0),
    (6, 1.0, 5.0),     # exactly the floor (5 s) away: allowed
    (6, 1.5, 5.0),     # the usual case: the trigger starts 1.5 s after the run; 4.5 s is too soon: at the floor
    (6, 13.0, 5.0),    # a trigger restarted later keeps the grid
    (6, 14.0, 5.0),
    (6, 17.5, 5.0),    # 0.5 s to the grid point: checked at the floor (it was skipped: one interval late)
    (2, 0.5, 2.0),     # shorter intervals: the floor is one interval
    (2, 1.5, 2.0),
    (60, 10.0, 50.0),
])
def test_the_first_check_is_on_the_grid_of_the_runs_start_or_at_the_floor(interval: int, since_start: float, expected: float) -> None:
    assert first_check_delay({STARTED_AT: 1000.0}, interval, now=1000.0 + since_start) == pytest.approx(expected)


@pytest.mark.parametrize(("interval", "since_start", "expected"), [
    (6, 6.0, 6.0),     # just checked on a grid point: the next one
    (6, 6.5, 5.5),     # checked at the floor, past a grid point: back on the grid
    (6, 10.0, 8.0),    # 2 s to the next point is less than half an interval: the one after
    (60, 62.0, 58.0),  # a check that came late keeps the grid
])
def test_the_checks_after_the_first_are_on_the_grid_at_least_half_an_interval_apart(
    interval: int, since_start: float, expected: float
) -> None:
    assert next_check_delay({STARTED_AT: 1000.0}, interval, now=1000.0 + since_start) == pytest.approx(expected)


@pytest.mark.parametrize("run", [{}, {STARTED_AT: None}, {STARTED_AT: "soon"}, {STARTED_AT: True}, None])
def test_without_a_start_time_it_waits_one_interval(run: dict) -> None:
    assert first_check_delay(run, 6, now=5.0) == 6
    assert next_check_delay(run, 6, now=5.0) == 6


def test_a_started_run_is_stamped_with_the_time_and_keeps_its_reference() -> None:
    run = stamped({"run_id": "jr_1"})
    assert run["run_id"] == "jr_1" and isinstance(run[STARTED_AT], float)
    assert first_check_delay(run, 6) == pytest.approx(6, abs=0.05)  # stamped just now: one interval
