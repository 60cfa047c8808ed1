"""Work a listener does after the transaction that called it has committed: in a thread, retried while the
database is locked.

Airflow calls the DAG-run listeners (``on_dag_run_success``/``failed``) inside the scheduler's or the API
server's transaction. A write from there through a second session would wait for that transaction, and on
SQLite time out with "database is locked"; so the listeners hand their writes to a thread, which retries while
the database answers "locked". A process that ends right after its DAG run (``dag.test()``,
``glue-airflow run``) waits for those threads at exit (``wait_for_pending``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Tries of a write (SQLite answers "database is locked" while the caller's transaction is open).
ATTEMPTS = 10
#: Writes not finished yet; see wait_for_pending.
_pending: set[threading.Thread] = set()
_pending_lock = threading.Lock()


def in_background(name: str, what: str, action: Callable[[], object]) -> None:
    """Run ``action`` in a thread named ``name``, retried while the database is locked; a failure is logged
    (``what`` says what could not be done) and never raised: these writes are best effort."""
    thread = threading.Thread(target=_run, args=(what, action), name=name, daemon=True)
    with _pending_lock:
        _pending.add(thread)
    thread.start()


def for_dag_run(dag_run: Any, name: str, what: str, action: Callable[[str, str], object]) -> None:
    """``in_background`` for a DAG-run listener: ``action(dag_id, run_id)`` (the ORM row is not used in the thread,
    which may outlive its session); ``what`` is said of the DAG run in a failure's log line."""
    dag_id, run_id = dag_run.dag_id, dag_run.run_id
    in_background(f"glue-airflow-{name}-{run_id}", f"{what} of DAG run {run_id} of {dag_id}", lambda: action(dag_id, run_id))


@atexit.register
def wait_for_pending(timeout: float = 15.0) -> None:
    """Let the writes under way finish (at most ``timeout`` seconds): a process whose DAG run just ended would
    otherwise exit, or remove its home, under the writing thread. Registered at exit when the module is
    imported: the plugin imports it after Airflow's settings register their engine disposal, and exit hooks
    run last registered first."""
    deadline = time.monotonic() + timeout
    with _pending_lock:
        threads = list(_pending)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def _run(what: str, action: Callable[[], object]) -> None:
    try:
        for attempt in range(ATTEMPTS):
            time.sleep(0.2 * (attempt + 1))
            try:
                action()
                return
            except Exception as exc:
                if "locked" in str(exc) and attempt + 1 < ATTEMPTS:
                    continue
                log.exception("Could not %s", what)
                return
    finally:
        with _pending_lock:
            _pending.discard(threading.current_thread())
