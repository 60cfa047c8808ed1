"""Below Airflow 3.3 a node's run record is an Airflow Variable: it outlives the node's run (a try failed by the
scheduler after its run ended must reattach to that run) and is removed when the DAG run ends. On 3.3 the
record lives in ``task_state_store`` and no Variable is ever written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

FLOW = {
    "Workflow": {"Name": "wf-records"},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "records-first"}]},
        {"Name": "then", "Type": "CONDITIONAL", "Actions": [{"JobName": "records-second"}],
         "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "records-first", "State": "SUCCEEDED"}]}},
    ],
}


def _record_variables(dag_id: str) -> list[str]:
    """The record Variables of ``dag_id``'s task instances (their description names the task instance)."""
    from airflow.models.variable import Variable
    from sqlalchemy import select

    from glue_workflow_provider.runtime.airflow_internals import metadata_session
    from glue_workflow_provider.runtime.run_record import VARIABLE_PREFIX

    with metadata_session() as session:
        return list(session.scalars(select(Variable.key).where(
            Variable.key.startswith(VARIABLE_PREFIX), Variable.description.contains(f" {dag_id}/"))).all())


def test_the_run_records_of_a_dag_run_are_removed_when_it_ends_and_not_before(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glue_workflow_provider.runtime import record_cleanup
    from glue_workflow_provider.runtime.after_commit import wait_for_pending
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS

    removed: list[int] = []
    real = record_cleanup.forget_run_records  # observed, not replaced: it still removes the Variables

    def observed(dag_id: str, run_id: str) -> int:
        count = real(dag_id, run_id)
        if dag_id == "wf-records":  # another test's DAG run may end meanwhile
            removed.append(count)
        return count

    monkeypatch.setattr(record_cleanup, "forget_run_records", observed)
    path = tmp_path / "workflow.yaml"
    path.write_text(yaml.safe_dump(FLOW))
    report = runner.run(path)
    wait_for_pending()
    assert [report.nodes[n].glue_state for n in ("records-first", "records-second")] == ["SUCCEEDED", "SUCCEEDED"]
    assert _record_variables("wf-records") == []
    if AIRFLOW_V_3_3_PLUS:
        assert removed == [], "Airflow 3.3 keeps the records in task_state_store: no Variable, no clean-up"
    else:  # both records were still there when the DAG run ended: neither node removed its own at its end
        assert removed == [2]
