"""One LocalRunner, one workflow name, two definitions with other nodes: each run runs its own graph.

Airflow 3.1's and 3.2's ``dag.test`` write a dag_id's DAG to the database only the first time; without the
runner writing its home's DAGs before each run there, the second run met the first graph and 3.1's execution
API refused to start the node only the second has (``TaskNotFound``; docs/airflow-versions.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint]


def _definition(tmp_path: Path, name: str, second: str) -> Path:
    path = tmp_path / f"{second}.yaml"
    path.write_text(yaml.safe_dump({
        "Workflow": {"Name": name},
        "Triggers": [
            {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "rerun-first"}]},
            {"Name": "then", "Type": "CONDITIONAL", "Actions": [{"JobName": second}],
             "Predicate": {"Conditions": [{"JobName": "rerun-first", "State": "SUCCEEDED"}]}},
        ],
    }))
    return path


def test_a_second_definition_under_the_same_name_runs_its_own_nodes(runner: Any, tmp_path: Path) -> None:
    first = runner.run(_definition(tmp_path, "rerun", "rerun-second"))
    again = runner.run(_definition(tmp_path, "rerun", "rerun-other"))
    assert first.state == again.state == "success"
    assert {name: node.glue_state for name, node in again.nodes.items()} == {
        "rerun-first": "SUCCEEDED", "rerun-other": "SUCCEEDED"}
