"""Later put wins (docs/semantics.md#run-properties), compared with the simulator on what the runtime itself recorded: three jobs in a
chain put the same key, so the value each node sees and the run's final value depend on the put order.

The chain makes the order certain (each job waits for the one before), so the real run and the simulator
must agree exactly: ``b`` sees ``a``'s value, ``c`` sees ``b``'s, and the run ends with ``c``'s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import assert_conforms

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]

CHAIN = """\
Workflow:
  Name: later-put-wins
  DefaultRunProperties: {shared: default, untouched: kept}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: a}]}
  - Name: after-a
    Type: CONDITIONAL
    StartOnCreation: true
    Predicate: {Conditions: [{LogicalOperator: EQUALS, JobName: a, State: SUCCEEDED}]}
    Actions: [{JobName: b}]
  - Name: after-b
    Type: CONDITIONAL
    StartOnCreation: true
    Predicate: {Conditions: [{LogicalOperator: EQUALS, JobName: b, State: FAILED}]}
    Actions: [{JobName: c}]
"""


def test_the_later_put_of_one_key_wins_as_in_glue(runner, tmp_path: Path) -> None:
    path = tmp_path / "later_put_wins.yaml"
    path.write_text(CHAIN)
    definition = read_definition(path)
    puts = {"a": {"shared": "from-a"}, "b": {"shared": "from-b", "b.only": "1"}, "c": {"shared": "from-c"}}
    outcomes = {"b": "FAILED"}  # a put counts even when the job then fails, as in Glue
    run = runner.run(path, outcomes, {"shared": "from-conf"}, puts=puts)
    assert_conforms(definition, outcomes, run, {"shared": "from-conf"}, puts)
    assert run.nodes["a"].run_properties == {"shared": "from-conf", "untouched": "kept"}
    assert run.nodes["b"].run_properties == {"shared": "from-a", "untouched": "kept"}
    assert run.nodes["c"].run_properties == {"shared": "from-b", "untouched": "kept", "b.only": "1"}
    assert run.run_properties == {"shared": "from-c", "untouched": "kept", "b.only": "1"}
    assert [run.nodes[n].order for n in "abc"] == [1, 2, 3]
