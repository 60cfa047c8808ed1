"""``glue-airflow render --format python``: the standalone DAG file parses in a real DagBag, with no definition
file beside it, and serialises exactly as the loader's DAG (shipped examples, fixtures, generated workflows)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from glue_workflow_provider import __version__
from glue_workflow_provider.api import load_dags
from glue_workflow_provider.cli.main import main
from tests.conformance.strategies import workflow_documents
from tests.integration.definition_folders import bag, runtimes, serialised

REPO = Path(__file__).resolve().parents[2]
DEFINITIONS = sorted([*(REPO / "dags" / "workflows").glob("*.yaml"), *(REPO / "tests" / "fixtures").glob("*.yaml")])

pytestmark = pytest.mark.airflow


def _loader_dag(definition: Path, folder: Path) -> object:
    """The DAG the loader builds from ``definition`` (alone in a workflows folder of its own)."""
    workflows = folder / "workflows"
    workflows.mkdir(parents=True)
    (workflows / definition.name).write_bytes(definition.read_bytes())
    report = load_dags({}, workflows, strict=True, use_cache=False)
    (dag,) = report.dags.values()
    return dag


def _rendered_dag(definition: Path, folder: Path) -> tuple[str, object]:
    """The rendered file's text and its DAG, parsed by a DagBag of a folder holding only that file."""
    dags = folder / "rendered"
    dags.mkdir(parents=True)
    target = dags / f"{definition.stem}_dag.py"
    assert main(["render", str(definition), "--format", "python", "-o", str(target)]) == 0
    parsed = bag(dags)
    assert parsed.import_errors == {}
    (dag,) = parsed.dags.values()
    return target.read_text(), dag


def _assert_same(definition: Path, folder: Path) -> str:
    text, rendered = _rendered_dag(definition, folder)
    loaded = _loader_dag(definition, folder)
    assert serialised(rendered) == serialised(loaded), definition.name
    assert runtimes(rendered) == runtimes(loaded), definition.name
    return text


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[p.stem for p in DEFINITIONS])
def test_rendered_file_serialises_as_the_loaders_dag(definition: Path, tmp_path: Path) -> None:
    text = _assert_same(definition, tmp_path)
    assert "definition" not in (tmp_path / "rendered").iterdir().__next__().name
    assert f"glue-airflow {__version__}" in text
    assert str(definition) in text
    assert text.count("Operator(\n") == text.count("    task_id=")


def test_rendered_file_reads_like_a_dag_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = REPO / "dags" / "workflows" / "month_close.yaml"
    assert main(["render", str(path), "--format", "python"]) == 0
    text = capsys.readouterr().out
    assert text.startswith('"""Airflow DAG for the AWS Glue workflow \'Month close\'')
    assert "from glue_workflow_provider.runtime.operators.job import GlueWorkflowJobOperator" in text
    assert "    fix_phone_numbers = GlueWorkflowJobOperator(\n        task_id='Fix_phone_numbers'," in text
    assert "starts=[StartPlan(trigger='Month-close1', arguments={'--country_code': '+1'})]" in text
    assert "    de_duplicate >> Label('Fix/De-dupe succeeded') >> update_schema" in text
    assert "    [de_duplicate, fix_phone_numbers, update_schema] >> workflow_outcome" in text
    compile(text, "month_close_dag.py", "exec")


def test_an_invalid_definition_renders_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Workflow: {Name: b}\nTriggers:\n  - {Name: t, Type: CONDITIONAL, Actions: [{JobName: a}]}\n")
    target = tmp_path / "out.py"
    assert main(["render", str(broken), "--format", "python", "-o", str(target)]) == 1
    assert not target.exists()
    assert "broken.yaml" in capsys.readouterr().out


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=workflow_documents())
def test_generated_workflows_render_to_the_same_dag(tmp_path_factory: pytest.TempPathFactory, document: dict) -> None:
    folder = Path(tmp_path_factory.mktemp("generated"))
    definition = folder / "random.yaml"
    definition.write_text(yaml.safe_dump(document))
    _assert_same(definition, folder)
