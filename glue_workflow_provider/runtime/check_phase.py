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
2026-12-07: a trigger fired 4 s after its deferral, with a 2 s interval). Skipping the grid points that
close also saves their Glue calls: with 6 s checks, a trigger that starts 2 s after its run first checks
at 12 s. A run reference without the time (reattached by a retry, or written by an older version) waits
one interval, as before.
"""

from __future__ import annotations

import math
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
    """Seconds from ``now`` until the first check of ``run``: the next point of its start's grid at least
    ``FIRST_CHECK_FLOOR`` (at most one ``interval``) away; one ``interval`` when the run's start is not known."""
    started = run.get(STARTED_AT)
    if not isinstance(started, (int, float)) or isinstance(started, bool) or interval <= 0:
        return interval
    now = time.time() if now is None else now
    floor = min(interval, FIRST_CHECK_FLOOR)
    wait = interval - (now - started) % interval
    return wait + interval * math.ceil(max(0.0, floor - wait) / interval)
