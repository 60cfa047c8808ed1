"""Differential conformance on random workflows: a real Airflow run and the simulator always agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glue_workflow_provider.sources.definition_file import load_text
from tests.conformance.differential import assert_conforms, distinct_puts
from tests.conformance.strategies import outcomes_for, workflow_documents

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

EXAMPLES = int(os.environ.get("GLUE_AIRFLOW_DIFFERENTIAL_EXAMPLES", "25"))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict, dict[str, str]]:
    document = draw(workflow_documents())
    return document, draw(outcomes_for(document))


def test_generated_workflows_are_valid() -> None:
    """The generator only makes definitions that validate (so the differential test tests compilation)."""

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(workflow_documents())
    def check(document: dict) -> None:
        result = load_text(yaml.safe_dump(document), "random.yaml")
        assert result.ok, [str(d) for d in result.diagnostics]

    check()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_random_workflow_runs_as_simulated(runner, tmp_path_factory, scenario) -> None:
    document, outcomes = scenario
    path = Path(tmp_path_factory.mktemp("random")) / "random.yaml"
    path.write_text(yaml.safe_dump(document))
    definition = load_text(path.read_text(), str(path)).require()
    puts = distinct_puts(definition)
    assert_conforms(definition, outcomes, runner.run(path, outcomes, puts=puts), puts=puts)
