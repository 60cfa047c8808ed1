"""When a waiting trigger checks a run: on the grid of the run's start, as a worker polling from the start would.

A task starts its Glue run, defers, and its trigger starts in the triggerer a second or two later. Counting
its checks from then (every ``poll_interval``) put each check that much later than the amazon operator's,
which polls from the start: a run's end was seen a second or two later, on every hand-off (issue 23). The
run reference therefore carries the wall-clock time the run was started (``STARTED_AT``), and the trigger's
first check comes at the next point ``started_at + k * poll_interval``; the ones after it follow every
``poll_interval``, so the number of Glue calls is the same.

Never sooner than half an interval after the trigger starts: a trigger that fires within seconds of the
deferral can lose to an Airflow 3.3 scheduler race (apache/airflow#71580, #72716; docs/semantics.md,
"Known limitations"). A run reference without the time (reattached by a retry, or written by an older
version) waits one interval, as before.
"""

from __future__ import annotations

import time
from typing import Any

#: The run reference's wall-clock start, in seconds since the epoch.
STARTED_AT = "started_at"


def stamped(run: dict[str, Any]) -> dict[str, Any]:
    """``run`` with the time it was started (now: called as soon as the start call answered)."""
    return {**run, STARTED_AT: round(time.time(), 3)}


def first_check_delay(run: dict[str, Any], interval: float, now: float | None = None) -> float:
    """Seconds from ``now`` until the first check of ``run``: the next point of its start's grid at least half
    an ``interval`` away; one ``interval`` when the run's start is not known."""
    started = run.get(STARTED_AT)
    if not isinstance(started, (int, float)) or isinstance(started, bool) or interval <= 0:
        return interval
    now = time.time() if now is None else now
    wait = interval - (now - started) % interval
    return wait if wait >= interval / 2 else wait + interval
