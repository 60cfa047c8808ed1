"""Differential conformance of the shipped examples: every distinct behaviour (one test each), run for real and
simulated."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import assert_conforms, behaviour_cases, behaviours, distinct_puts

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "dags" / "workflows").glob("*.yaml"))
CONF = {"started_with": "conf"}

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_has_at_least_four_behaviours(path: Path) -> None:
    assert len(behaviours(read_definition(path))) >= 4


@pytest.mark.parametrize(("path", "outcomes"), behaviour_cases(EXAMPLES))
def test_every_behaviour_of_the_example_matches_the_simulator(runner, path: Path, outcomes: dict[str, str]) -> None:
    definition = read_definition(path)
    puts = distinct_puts(definition)
    assert_conforms(definition, outcomes, runner.run(path, outcomes, CONF, puts=puts), CONF, puts)
