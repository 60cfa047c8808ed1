"""Each way a trigger compiles (all_success, all_failed, all_done, one_success, gates, deactivated), run for
real over every distinct behaviour (one test each) and compared with the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import assert_conforms, behaviour_cases

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

RULES = {
    "mixed_and": {"quarantine": "all_done"},
    "failure_and": {"page-oncall": "all_failed"},
    "any_failures": {"resume-later": "one_success", "publish": "all_success"},
    "multi_trigger": {"report": "one_success"},
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_fixture_compiles_to_the_expected_rules(name: str) -> None:
    plan = plan_workflow(read_definition(FIXTURES / f"{name}.yaml")).plan
    assert plan is not None
    rules = {t.glue_name: t.trigger_rule for t in plan.tasks if t.is_node}
    assert {node: rules[node] for node in RULES[name]} == RULES[name]


@pytest.mark.parametrize(("path", "outcomes"), behaviour_cases([FIXTURES / f"{name}.yaml" for name in sorted(RULES)]))
def test_every_behaviour_matches_the_simulator(runner, path: Path, outcomes: dict[str, str]) -> None:
    assert_conforms(read_definition(path), outcomes, runner.run(path, outcomes))
