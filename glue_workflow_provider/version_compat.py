"""What differs between the Airflow versions the provider supports (3.0.6 to 3.3), in one place.

In the amazon provider's manner (``airflow/providers/amazon/version_compat.py``): version flags, and the
imports whose home moved, so no other module tests a version or wraps an import in ``try``. Each flag names
the Airflow that brought what it guards; docs/airflow-versions.md says what the provider does without it.

| flag | what the older Airflow lacks |
| --- | --- |
| ``AIRFLOW_V_3_1_PLUS`` | the secrets masker in ``airflow.sdk._shared``; a new lineage for a task cleared while running |
| ``AIRFLOW_V_3_2_PLUS`` | ``airflow.sdk.exceptions`` holding the task exceptions; ``DAG(allowed_run_types=...)`` |
| ``AIRFLOW_V_3_3_PLUS`` | ``ExceptionRetryPolicy``; ``task_state_store``; ``BaseTrigger.on_kill``; ``TaskGroup.doc_md`` |

Importing this module imports ``airflow`` (its version); the model, sources and semantics never import it.
"""

from __future__ import annotations

from airflow import __version__ as AIRFLOW_VERSION_STRING  # noqa: N812 - the flag table reads better so
from packaging.version import Version

#: The oldest Airflow the provider supports: MWAA's oldest Airflow 3 image.
OLDEST_SUPPORTED = (3, 0, 6)
#: The newest Airflow line the test matrix covers (scripts/test-matrix).
NEWEST_TESTED = (3, 3)


def airflow_version() -> tuple[int, int, int]:
    """The installed Airflow's (major, minor, micro), pre-release and local parts dropped."""
    version = Version(AIRFLOW_VERSION_STRING)
    return version.major, version.minor, version.micro


AIRFLOW_V_3_1_PLUS = airflow_version() >= (3, 1, 0)
AIRFLOW_V_3_2_PLUS = airflow_version() >= (3, 2, 0)
AIRFLOW_V_3_3_PLUS = airflow_version() >= (3, 3, 0)

if AIRFLOW_V_3_2_PLUS:
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowSkipException,
        AirflowTaskTerminated,
        TaskDeferred,
    )
else:  # the task runner of 3.0 and 3.1 catches the classes of airflow.exceptions
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef]
        AirflowException,
        AirflowFailException,
        AirflowSkipException,
        AirflowTaskTerminated,
        TaskDeferred,
    )


#: The base of the error a Glue end state other than SUCCEEDED raises. From 3.3 a SystemExit: the task runner
#: logs it as one line, and the node operators' ``ExceptionRetryPolicy`` fails it without a retry. Older task
#: runners retry a SystemExit and have no retry policy, so there it is an AirflowFailException, which they
#: fail at once (logged with its traceback).
NODE_ENDED_BASE: type[BaseException] = SystemExit if AIRFLOW_V_3_3_PLUS else AirflowFailException


#: A task cleared while running is killed and retried. From 3.1 the scheduler gives that retry a new try lineage
#: (``max_tries`` raised, as for any clear); 3.0 keeps the old one, so the operator's ``on_kill`` releases the
#: run record there, and the retry starts a new Glue run instead of reattaching to the one the kill stopped.
CLEARED_RUNNING_KEEPS_LINEAGE = not AIRFLOW_V_3_1_PLUS

#: 3.1's and 3.2's ``dag.test`` write a dag_id's DAG to the database the first time only, so a later test of
#: that dag_id with other tasks meets the old serialized DAG (3.1's execution API then fails the new tasks with
#: ``TaskNotFound``): the local runner writes its home's DAGs before each run there
#: (airflow_internals.write_bundle_dags). 3.0 reads no serialized DAG there; 3.3 writes the bundle each call.
DAG_TEST_WRITES_ONCE = AIRFLOW_V_3_1_PLUS and not AIRFLOW_V_3_3_PLUS


def unsupported_reason() -> str | None:
    """Why the installed Airflow cannot run the provider, or None when it can (newer lines are allowed)."""
    if airflow_version() < OLDEST_SUPPORTED:
        oldest = ".".join(map(str, OLDEST_SUPPORTED))
        return (
            f"glue-airflow needs Apache Airflow {oldest} or newer; this environment has {AIRFLOW_VERSION_STRING}. "
            f"Upgrade Airflow (on Amazon MWAA: an environment of Airflow {oldest} or newer)."
        )
    return None


__all__ = [
    "AIRFLOW_V_3_1_PLUS",
    "AIRFLOW_V_3_2_PLUS",
    "AIRFLOW_V_3_3_PLUS",
    "CLEARED_RUNNING_KEEPS_LINEAGE",
    "AirflowException",
    "AirflowFailException",
    "AirflowSkipException",
    "AirflowTaskTerminated",
    "NODE_ENDED_BASE",
    "TaskDeferred",
    "airflow_version",
    "unsupported_reason",
]
