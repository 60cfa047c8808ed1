"""Differential conformance of the shipped examples: every distinct behaviour, run for real and simulated."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import assert_conforms, behaviours, distinct_puts

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "dags" / "workflows").glob("*.yaml"))

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_behaviour_of_the_example_matches_the_simulator(runner, path: Path) -> None:
    definition = read_definition(path)
    cases = behaviours(definition)
    assert len(cases) >= 4
    puts = distinct_puts(definition)
    conf = {"started_with": "conf"}
    for outcomes in cases:
        assert_conforms(definition, outcomes, runner.run(path, outcomes, conf, puts=puts), conf, puts)
