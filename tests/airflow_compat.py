"""What the tests reach of Airflow that moved between the supported versions (the package's own differences
are in ``glue_workflow_provider.version_compat``)."""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS, AIRFLOW_V_3_2_PLUS


def dag_serialization() -> Any:
    """The DAG serializer: ``DagSerialization`` from Airflow 3.2, ``SerializedDAG`` before (same to_dict and
    from_dict)."""
    if AIRFLOW_V_3_2_PLUS:
        from airflow.serialization.serialized_objects import DagSerialization

        return DagSerialization
    from airflow.serialization.serialized_objects import SerializedDAG

    return SerializedDAG


def dagbag_module() -> Any:
    """Airflow's DagBag module: ``airflow.dag_processing.dagbag`` from 3.2, ``airflow.models.dagbag`` before."""
    if AIRFLOW_V_3_2_PLUS:
        import airflow.dag_processing.dagbag as module
    else:
        import airflow.models.dagbag as module  # type: ignore[no-redef]
    return module


def dag_bag(*args: Any, **kwargs: Any) -> Any:
    """``DagBag(...)`` of the installed Airflow (before 3.2 it takes no ``bundle_name``)."""
    if not AIRFLOW_V_3_2_PLUS:
        kwargs.pop("bundle_name", None)
    return dagbag_module().DagBag(*args, **kwargs)


def bundle_dag_bag(*, bundle_name: str, **kwargs: Any) -> Any:
    """What a worker parses with: ``BundleDagBag`` from 3.1; 3.0's DagBag takes the bundle path alone."""
    module = dagbag_module()
    if hasattr(module, "BundleDagBag"):
        return module.BundleDagBag(bundle_name=bundle_name, **kwargs)
    return dag_bag(**kwargs)


def sync_bag_to_db(bag: Any, bundle_name: str, bundle_version: str | None, **kwargs: Any) -> None:
    """Write a parsed DagBag's DAGs to the metadata DB as the DAG processor does."""
    module = dagbag_module()
    if hasattr(module, "sync_bag_to_db"):
        module.sync_bag_to_db(bag, bundle_name, bundle_version, **kwargs)
    else:
        bag.sync_to_db(bundle_name, bundle_version, **kwargs)


def deferred_tasks(dag_id: str) -> list[str]:
    """Tasks of ``dag_id``'s latest run that went through the ``deferred`` state.

    From 3.2 Airflow's audit log records every state a task instance enters; before it, a task instance that
    resumed from a trigger keeps the ``next_method`` it resumed with until it is cleared.
    """
    from airflow.models.dagrun import DagRun
    from airflow.models.log import Log
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        if AIRFLOW_V_3_2_PLUS:
            latest = session.scalar(select(Log.run_id).where(Log.dag_id == dag_id).order_by(Log.id.desc()).limit(1))
            rows = select(Log.task_id).where(Log.dag_id == dag_id, Log.run_id == latest, Log.event == "deferred")
        else:
            latest = session.scalar(select(DagRun.run_id).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(1))
            rows = select(TaskInstance.task_id).where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == latest,
                                                      TaskInstance.next_method.is_not(None))
        return sorted(session.scalars(rows))


def import_string(path: str) -> Any:
    """Airflow's ``import_string`` (moved to ``airflow.sdk._shared`` in 3.1)."""
    if AIRFLOW_V_3_1_PLUS:
        from airflow.sdk._shared.module_loading import import_string as found
    else:
        from airflow.utils.module_loading import import_string as found  # type: ignore[no-redef]
    return found(path)


def redact(text: str) -> Any:
    """Airflow's log masker applied to ``text`` (moved to ``airflow.sdk._shared`` in 3.1)."""
    if AIRFLOW_V_3_1_PLUS:
        from airflow.sdk._shared.secrets_masker.secrets_masker import redact as masker
    else:
        from airflow.sdk.execution_time.secrets_masker import redact as masker  # type: ignore[no-redef]
    return masker(text)


def next_run_info(dag: Any, last: Any) -> Any:
    """The scheduler's next DagRunInfo of a serialized ``dag`` after the automated run ``last`` (a DagRunInfo or
    None); before 3.2 the scheduler passes the last run's data interval instead."""
    if AIRFLOW_V_3_2_PLUS:
        return dag.next_dagrun_info(last_automated_run_info=last)
    return dag.next_dagrun_info(last.data_interval if last is not None else None)


def encode_trigger(trigger: Any) -> dict[str, Any]:
    """How a DAG stores a watcher's trigger: ``airflow.serialization.encoders.encode_trigger`` from 3.1,
    ``serialized_objects._encode_trigger`` before (the same classpath and kwargs)."""
    try:
        from airflow.serialization.encoders import encode_trigger as encode
    except ModuleNotFoundError:
        from airflow.serialization.serialized_objects import _encode_trigger as encode  # type: ignore[attr-defined]
    return dict(encode(trigger))


def known_to_the_api(dags_folder: Any, dag_id: str) -> None:
    """Write ``dags_folder``'s DAGs to the metadata DB as the DAG processor does, when ``dag_id`` is not there
    yet: ``dag.test`` of Airflow 3.0 writes no DAG row, so its REST API answers 404 for a DAG only tested, where a
    deployment's DAG processor would have written it (3.3's ``dag.test`` syncs its bundle itself)."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        if session.get(DagModel, dag_id) is not None:
            return
    DagBundlesManager().sync_bundles_to_db()
    bag = dag_bag(dag_folder=str(dags_folder), include_examples=False, bundle_name="dags-folder")
    sync_bag_to_db(bag, "dags-folder", None)
