"""Every Airflow internal the provider relies on (runtime/airflow_internals.py), checked on the installed
Airflow: an upgrade that moves or changes one fails here, naming it and what it is for."""

from __future__ import annotations

import inspect

import pytest

from glue_workflow_provider.version_compat import (
    AIRFLOW_V_3_1_PLUS,
    AIRFLOW_V_3_2_PLUS,
    AIRFLOW_V_3_3_PLUS,
    CLEARED_RUNNING_KEEPS_LINEAGE,
    DAG_TEST_WRITES_ONCE,
)

pytestmark = pytest.mark.airflow


def test_pruning_can_skip_tasks_mid_task() -> None:
    from airflow.sdk.execution_time import comms, task_runner

    assert "SUPERVISOR_COMMS" in vars(task_runner) or "SUPERVISOR_COMMS" in task_runner.__annotations__
    assert comms.SkipDownstreamTasks(tasks=["a", "b"]).tasks == ["a", "b"]


def test_task_states_of_a_dag_run_come_in_one_call() -> None:
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    parameters = inspect.signature(RuntimeTaskInstance.get_task_states).parameters
    assert {"dag_id", "run_ids"} <= set(parameters)


def test_secret_looking_keys_are_those_airflow_masks() -> None:
    from glue_workflow_provider.runtime.airflow_internals import looks_secret

    assert looks_secret("--db_password") and looks_secret("api_token")
    assert not looks_secret("--day") and not looks_secret("region")


def test_manual_marks_reach_the_metadata_database_and_its_models() -> None:
    from sqlalchemy import select, text

    from glue_workflow_provider.runtime.airflow_internals import (
        metadata_session,
        orm_models,
    )

    task_instance, xcom, dag_model = orm_models()
    for model, columns in ((task_instance, ("dag_id", "run_id", "task_id", "state")), (xcom, ("key", "value")),
                           (dag_model, ("dag_id", "fileloc"))):
        assert all(hasattr(model, column) for column in columns), model
    assert callable(xcom.deserialize_value)
    with metadata_session() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
        session.execute(select(task_instance.task_id).limit(1)).all()


def test_a_manual_mark_is_told_by_airflows_words() -> None:
    if AIRFLOW_V_3_1_PLUS:
        from airflow.api_fastapi.core_api.services.public import task_instances
    else:  # 3.0 sets the state in the route itself
        from airflow.api_fastapi.core_api.routes.public import task_instances  # type: ignore[no-redef]

    from glue_workflow_provider.runtime.airflow_internals import MANUAL_MARK_TEXT

    source = inspect.getsource(task_instances)
    assert "state was manually set to" in source
    assert MANUAL_MARK_TEXT in "TaskInstance's state was manually set to `failed`."
    assert "hook.on_task_instance_failed(" in source


def test_a_clear_raises_max_tries_and_a_retry_does_not() -> None:
    """The try lineage (runtime/run_record.py) is ``max_tries``: clearing sets it to try_number + retries."""
    from airflow.jobs import scheduler_job_runner
    from airflow.models import taskinstance

    assert "ti.max_tries = ti.try_number + task.retries" in inspect.getsource(taskinstance.clear_task_instances)
    restarted = "ti.max_tries = ti.try_number + ti.task.retries" in inspect.getsource(scheduler_job_runner)
    # A task cleared while running (RESTARTING) gets a new lineage from 3.1; 3.0 retries it in the old one, and
    # the operator's on_kill retires the record instead (version_compat.CLEARED_RUNNING_KEEPS_LINEAGE).
    assert restarted is not CLEARED_RUNNING_KEEPS_LINEAGE


def test_a_users_action_on_a_deferred_task_calls_its_triggers_on_kill() -> None:
    """From 3.3; older triggerers never call it, and the manual-mark listener and the next try's retire stop
    the run instead (docs/airflow-versions.md)."""
    from airflow.jobs import triggerer_job_runner

    source = inspect.getsource(triggerer_job_runner)
    assert ("_USER_ACTION_CANCEL_MSG" in source and "trigger.on_kill()" in source) is AIRFLOW_V_3_3_PLUS


def test_a_placeholder_can_refuse_every_run() -> None:
    """From 3.2 by ``allowed_run_types``; before it, Airflow validates a run's params when it creates the run."""
    from airflow.sdk import DAG

    assert ("allowed_run_types" in {field.name for field in __import__("attrs").fields(DAG)}) is AIRFLOW_V_3_2_PLUS
    if not AIRFLOW_V_3_2_PLUS:
        from tests.airflow_compat import dag_serialization

        source = inspect.getsource(dag_serialization()) if AIRFLOW_V_3_1_PLUS else inspect.getsource(
            __import__("airflow.models.dag", fromlist=["DAG"]).DAG.create_dagrun)
        assert "copied_params.validate()" in source


def test_notes_are_written_through_the_orm_note_proxies() -> None:
    """The execution API (3.3) has no call that sets a task instance's or a DAG run's note: notes.py writes them."""
    from glue_workflow_provider.runtime.airflow_internals import note_models

    task_instance, dag_run = note_models()
    assert hasattr(task_instance, "note") and hasattr(dag_run, "note")
    from airflow.sdk.execution_time import comms

    assert not any("note" in name.lower() for name in vars(comms) if name[0].isupper())


def test_dag_test_writes_a_dag_once_on_3_1_and_3_2_only() -> None:
    """3.1's and 3.2's ``dag.test`` write a DAG only when its dag_id has no version yet; 3.3's write its bundle
    on every call (the local runner writes it itself where they do not: airflow_internals.write_bundle_dags)."""
    from airflow.sdk import DAG

    source = inspect.getsource(DAG.test)
    if AIRFLOW_V_3_1_PLUS:
        assert ("if not version:" in source) is DAG_TEST_WRITES_ONCE
        assert "sync_bag_to_db" in source
    else:
        assert not DAG_TEST_WRITES_ONCE
