"""The loader in a real DagBag: every shipped example parses, a broken definition hides no other DAG."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.version_compat import AIRFLOW_V_3_2_PLUS

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.airflow


def _bag(folder: Path):
    from tests.airflow_compat import dag_bag as DagBag

    return DagBag(str(folder))


def test_shipped_dags_folder_parses_without_import_errors() -> None:
    bag = _bag(REPO / "dags")
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"Month_close", "data-vault-load"}
    month_close = bag.dags["Month_close"]
    assert month_close.dag_display_name == "Month close"
    assert month_close.fileloc.endswith("glue_workflows.py")
    assert {t.task_id: t.task_display_name for t in month_close.tasks} == {
        "De-duplicate": "De-duplicate",
        "Fix_phone_numbers": "Fix phone numbers",
        "Update_schema": "Update schema",
        "workflow_outcome": "Workflow run outcome",
    }
    assert month_close.timetable.summary == "cron(0 6 1 * ? *)"
    assert month_close.catchup is False
    assert month_close.max_active_runs == 1
    assert month_close.params["period"] == "latest"


def test_edges_are_labelled_with_trigger_names() -> None:
    dag = _bag(REPO / "dags").dags["Month_close"]
    assert dag.get_edge_info("De-duplicate", "Update_schema") == {"label": "Fix/De-dupe succeeded"}
    assert dag.task_dict["Update_schema"].trigger_rule == "all_success"
    assert dag.task_dict["workflow_outcome"].trigger_rule == "none_failed"


def test_shipped_loader_file_is_the_one_the_package_writes() -> None:
    assert (REPO / "dags" / "glue_workflows.py").read_text() == LOADER_FILE_SOURCE


def test_compiled_dags_serialize_for_the_scheduler() -> None:
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    for dag in _bag(REPO / "dags").dags.values():
        data = DagSerialization.to_dict(dag)
        restored = DagSerialization.from_dict(data)
        assert sorted(restored.task_ids) == sorted(dag.task_ids)
    month_close = DagSerialization.from_dict(DagSerialization.to_dict(_bag(REPO / "dags").dags["Month_close"]))
    assert type(month_close.timetable).__name__ == "GlueCronTimetable"


def _dags_folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "dags"
    (folder / "workflows").mkdir(parents=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for name in ("month_close.yaml", "data_vault_load.yaml"):
        shutil.copyfile(REPO / "dags" / "workflows" / name, folder / "workflows" / name)
    for name, text in files.items():
        (folder / "workflows" / name).write_text(text)
    return folder


BROKEN = """
Workflow:
  Name: broken-flow
Triggers:
  - Name: start
    Type: SCHEDULED
    Schedule: cron(0 12 * * * *)
    Actions: [{JobName: a}]
  - Name: next
    Type: CONDITIONAL
    Predicate: {Conditions: [{JobName: a, State: RUNNING}]}
    Actions: [{JobName: b}]
"""


def test_broken_definition_becomes_a_placeholder_and_hides_nothing(tmp_path: Path) -> None:
    bag = _bag(_dags_folder_with(tmp_path, {"broken.yaml": BROKEN, "syntax.json": '{"Workflow": {'}))
    assert bag.import_errors == {}
    assert {"Month_close", "data-vault-load"} <= set(bag.dag_ids)
    placeholder = bag.dags["broken-flow"]
    assert "invalid-definition" in placeholder.tags
    if AIRFLOW_V_3_2_PLUS:  # no run can ever be made: only "scheduled" runs, from a timetable that never fires
        assert {t.value for t in placeholder.allowed_run_types} == {"scheduled"}
        assert type(placeholder.timetable).__name__ == "NeverTimetable"
    else:  # no schedule, and a param no run's conf can satisfy (Airflow validates it as it creates a run)
        from airflow.sdk.definitions.param import ParamValidationError

        assert placeholder.timetable.summary == "None"
        with pytest.raises(ParamValidationError, match="definition_is_invalid"):
            placeholder.params.validate()
    assert "workflows/broken.yaml: Triggers[0].Schedule:" in placeholder.description
    assert "Triggers[1].Predicate.Conditions[0].State" in placeholder.doc_md
    assert placeholder.task_ids == ["definition_errors"]
    syntax = bag.dags["invalid__workflows_syntax_json"]
    assert "JSON syntax error" in syntax.description


def test_strict_mode_turns_a_broken_definition_into_an_import_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GLUE_AIRFLOW_STRICT", "1")
    bag = _bag(_dags_folder_with(tmp_path, {"broken.yaml": BROKEN}))
    [(path, message)] = bag.import_errors.items()
    assert path.endswith("glue_workflows.py")
    assert "workflows/broken.yaml: Triggers[1].Predicate.Conditions[0].State" in message


def test_two_files_claiming_one_dag_id(tmp_path: Path) -> None:
    copy = (REPO / "dags" / "workflows" / "month_close.yaml").read_text()
    bag = _bag(_dags_folder_with(tmp_path, {"zz_copy.yaml": copy}))
    assert bag.dags["Month_close"].tags != ["glue-workflow", "invalid-definition"]
    placeholder = bag.dags["invalid__workflows_zz_copy_yaml"]
    assert "already used by workflows/month_close.yaml" in placeholder.description


def test_placeholder_task_fails_with_the_problems(tmp_path: Path) -> None:
    bag = _bag(_dags_folder_with(tmp_path, {"broken.yaml": BROKEN}))
    task = bag.dags["broken-flow"].task_dict["definition_errors"]
    from glue_workflow_provider.version_compat import AirflowFailException

    with pytest.raises(AirflowFailException, match="Triggers\\[0\\].Schedule"):
        task.execute({})


BAD_DAG_IDS = {
    "space.yaml": 'Workflow: {Name: space}\nAirflow: {dag_id: "my dag!"}\n',
    "long.yaml": "Workflow: {Name: long}\nAirflow: {dag_id: " + "x" * 251 + "}\n",
    "control.json": '{"Workflow": {"Name": "ctl"}, "Airflow": {"dag_id": "a\\u0007b"}}',
}


def test_a_bad_dag_id_is_a_validation_error_and_hides_no_other_dag(tmp_path: Path) -> None:
    """Issue 9.5: one bad dag_id used to make the whole loader file an import error."""
    from glue_workflow_provider.api import check_paths

    folder = _dags_folder_with(tmp_path, BAD_DAG_IDS)
    for checked in check_paths([folder / "workflows" / name for name in BAD_DAG_IDS]):
        [problem] = [d for d in checked.diagnostics if d.is_error and d.path == "Airflow.dag_id"]
        assert "letters, digits" in problem.message or "at most 250" in problem.message, problem
    bag = _bag(folder)
    assert bag.import_errors == {}
    assert {"Month_close", "data-vault-load"} <= set(bag.dag_ids)
    placeholders = [dag for dag in bag.dags.values() if "invalid-definition" in dag.tags]
    assert len(placeholders) == len(BAD_DAG_IDS)


def test_a_dag_that_airflow_refuses_becomes_a_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever makes DAG() raise for one valid file (here an id Airflow refuses, planted past validation),
    that file becomes its placeholder and the rest of the folder loads."""
    from glue_workflow_provider.compile import plan as plan_module

    original = plan_module.DagPlan.__post_init__

    def bad_id_for_month_close(self: plan_module.DagPlan) -> None:
        original(self)
        if self.dag_id == "Month_close":
            object.__setattr__(self, "dag_id", "Month close!")

    monkeypatch.setattr(plan_module.DagPlan, "__post_init__", bad_id_for_month_close)
    from glue_workflow_provider.loader import load_dags

    report = load_dags({}, _dags_folder_with(tmp_path, {}) / "workflows", use_cache=False)
    assert "data-vault-load" in report.dags
    [(shown, problems)] = report.invalid.items()
    assert shown.endswith("month_close.yaml")
    assert "GWF045" in str(problems[-1]) and "Month close!" in str(problems[-1])
    assert any("invalid-definition" in dag.tags for dag in report.dags.values())
