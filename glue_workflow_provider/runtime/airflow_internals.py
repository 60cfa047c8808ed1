"""Every Airflow internal the runtime relies on, in one place, each checked on the installed Airflow.

Where an internal moved between the supported Airflows (3.0.6 to 3.3), ``version_compat`` says which to use.
An Airflow that moves or changes one fails ``tests/integration/test_airflow_internals.py`` (run on every
Airflow of the test matrix, scripts/test-matrix), which names the internal and what the provider uses it for,
instead of failing somewhere in a running DAG.

| internal | used for |
| --- | --- |
| ``task_runner.SUPERVISOR_COMMS`` + ``comms.SkipDownstreamTasks`` | pruning: skip tasks that can no longer run, mid-task |
| ``RuntimeTaskInstance.get_task_states`` | every task's state of a DAG run in one execution-API call |
| ``_shared.secrets_masker.should_hide_value_for_key`` | which run-property and argument keys look secret |
| ORM ``TaskInstance``, ``XComModel``, ``DagModel``, ``create_session`` | manual marks, in the API server |
| the manual-mark error text ("manually set") | telling a manual mark from a task's own failure |
| ``clear_task_instances`` raising ``max_tries`` | a task's try lineage (a clear starts anew, a retry does not) |
| the triggerer's "user-action" cancel message | ``on_kill`` of a deferred task's trigger |
| ORM ``TaskInstance.note``, ``DagRun.note`` | Glue states as notes, in the scheduler (no execution-API call sets one) |
| ``TaskSuccessEvent(xcoms=...)``; the listeners of ``on_task_instance_success`` | ending a task in its trigger |
| ``DagBundlesManager``, ``BundleDagBag``, ``sync_bag_to_db`` | the local runner's DAGs written before each run (3.1, 3.2) |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: Airflow's words when a user sets a task's state (api_fastapi/core_api/services/public/task_instances.py).
MANUAL_MARK_TEXT = "manually set"


def skip_tasks(task_ids: Iterable[str]) -> None:
    """Ask the API server to skip ``task_ids`` of the running task's DAG run (running or done ones are left)."""
    from airflow.sdk.execution_time import task_runner
    from airflow.sdk.execution_time.comms import SkipDownstreamTasks

    task_runner.SUPERVISOR_COMMS.send(SkipDownstreamTasks(tasks=list(task_ids)))


def task_states(dag_id: str, run_id: str) -> dict[str, str | None]:
    """Airflow's state of every task of a DAG run, by task id, in one execution-API call (from a task)."""
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    by_run = RuntimeTaskInstance.get_task_states(dag_id=dag_id, run_ids=[run_id])
    return dict(by_run.get(run_id) or {})


def others_listen_for_task_success() -> bool:
    """Whether a plugin other than this provider listens for task successes (OpenLineage, for one): Airflow calls
    no listener for a task its trigger ended (and refuses ``end_from_trigger`` beside listeners for that reason)."""
    from types import ModuleType

    from airflow.listeners.listener import get_listener_manager

    for impl in get_listener_manager().pm.hook.on_task_instance_success.get_hookimpls():
        plugin = impl.plugin
        module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
        if not module.startswith("glue_workflow_provider."):
            return True
    return False


def looks_secret(key: str) -> bool:
    """Whether Airflow's log masker treats ``key`` as naming a secret (password, token, ...)."""
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS  # this module is imported before airflow

    if AIRFLOW_V_3_1_PLUS:
        from airflow.sdk._shared.secrets_masker.secrets_masker import should_hide_value_for_key
    else:  # 3.0 keeps the masker in the task SDK's execution_time
        from airflow.sdk.execution_time.secrets_masker import should_hide_value_for_key  # type: ignore[no-redef]

    return bool(should_hide_value_for_key(key))  # type: ignore[no-untyped-call]


@contextmanager
def metadata_session() -> Iterator[Any]:
    """A session on the metadata database (API server and scheduler only; never from a task)."""
    from airflow.utils.session import create_session

    with create_session() as session:
        yield session


def orm_models() -> tuple[Any, Any, Any]:
    """The ORM classes manual marks read and write: (TaskInstance, XComModel, DagModel)."""
    from airflow.models.dag import DagModel
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel

    return TaskInstance, XComModel, DagModel


def note_models() -> tuple[Any, Any]:
    """(TaskInstance, DagRun): their ``note`` proxies write the TaskInstanceNote and DagRunNote rows."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance

    return TaskInstance, DagRun


def write_bundle_dags() -> None:
    """Write the DAGs of every configured bundle to the database, as 3.3's ``dag.test`` does on each call.

    3.1's and 3.2's ``dag.test`` write a dag_id's DAG the first time it is tested only; a later test of that
    dag_id with other tasks then runs against the old serialized DAG, and 3.1's execution API refuses to start
    the new tasks (``TaskNotFound``; version_compat.DAG_TEST_WRITES_ONCE). A DAG written less than
    ``[core] min_serialized_dag_update_interval`` ago is not written again: local homes set it to 0
    (local/airflow_home.py).
    """
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.utils.session import create_session

    from glue_workflow_provider.version_compat import AIRFLOW_V_3_2_PLUS

    if AIRFLOW_V_3_2_PLUS:
        from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    else:
        from airflow.models.dagbag import BundleDagBag, sync_bag_to_db  # type: ignore[no-redef]

    manager = DagBundlesManager()  # type: ignore[no-untyped-call]
    with create_session() as session:
        manager.sync_bundles_to_db(session=session)
    for bundle in manager.get_all_dag_bundles():
        if not bundle.is_initialized:
            bundle.initialize()
        bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path)
        sync_bag_to_db(bag, bundle.name, bundle.version)
