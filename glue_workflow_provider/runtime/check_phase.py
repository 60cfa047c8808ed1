"""When a waiting trigger checks a run: on the grid of the run's start, as a worker polling from the start would.

A task starts its Glue run, defers, and its trigger starts in the triggerer a second or two later. Counting
its checks from then (every ``poll_interval``) put each check that much later than the amazon operator's,
which polls from the start: a run's end was seen a second or two later, on every hand-off (issue 23). The
run reference therefore carries the wall-clock time the run was started (``STARTED_AT``), and the trigger's
first check comes at the next point ``started_at + k * poll_interval``; the ones after it follow every
``poll_interval``, so the number of Glue calls is the same.

Never sooner than ``FIRST_CHECK_FLOOR`` seconds (or one interval, if shorter) after the trigger starts: a
trigger that fires within seconds of the deferral can lose to an Airflow scheduler race that fails the task
(apache/airflow#71580, #72716; docs/semantics.md, "Known limitations"): the scheduler, handling the
deferring worker's exit late on a loaded machine, takes the task's new state for an external change (CI,
2026-12-07: a trigger fired 4 s after its deferral, with a 2 s interval). A grid point sooner than that is
checked at the floor instead, not skipped: skipping it saw a run that ended just before it one whole
interval late (on the loaded Celery benchmark, a 10 s run seen 8 s after it ended). The checks after the first
return to the grid, each at least half an interval after the one before, so the number of Glue calls stays
about one per interval. A run reference without the time (reattached by a retry, or written by an older
version) is checked every interval from the trigger's start, as before.
"""

from __future__ import annotations

import time
from typing import Any

#: The run reference's wall-clock start, in seconds since the epoch.
STARTED_AT = "started_at"
#: The least time between a trigger's start and its first check, in seconds (capped at one interval).
FIRST_CHECK_FLOOR = 5.0


def stamped(run: dict[str, Any]) -> dict[str, Any]:
    """``run`` with the time it was started (now: called as soon as the start call answered)."""
    return {**run, STARTED_AT: round(time.time(), 3)}


def first_check_delay(run: dict[str, Any], interval: float, now: float | None = None) -> float:
    """Seconds from ``now`` until the first check of ``run``: the next point of its start's grid, or
    ``FIRST_CHECK_FLOOR`` (at most one ``interval``) when that point is sooner; one ``interval`` when the run's
    start is not known."""
    started = _started(run)
    if started is None or interval <= 0:
        return interval
    return max(_to_grid(started, interval, now), min(interval, FIRST_CHECK_FLOOR))


def next_check_delay(run: dict[str, Any], interval: float, now: float | None = None) -> float:
    """Seconds from ``now`` (just after a check) until the next: the next point of the grid at least half an
    ``interval`` away; one ``interval`` when the run's start is not known."""
    started = _started(run)
    if started is None or interval <= 0:
        return interval
    wait = _to_grid(started, interval, now)
    return wait if wait >= interval / 2 else wait + interval


def _started(run: dict[str, Any]) -> float | None:
    started = run.get(STARTED_AT) if isinstance(run, dict) else None
    if not isinstance(started, (int, float)) or isinstance(started, bool):
        return None
    return float(started)


def _to_grid(started: float, interval: float, now: float | None) -> float:
    """Seconds until the next point ``started + k * interval`` (in (0, interval])."""
    elapsed = max(0.0, (time.time() if now is None else now) - started)  # a start stamped a hair ahead: 0
    return interval - elapsed % interval
