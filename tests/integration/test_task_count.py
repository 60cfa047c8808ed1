"""No needless tasks, seen in a real DagBag: a workflow whose predicates are all SUCCEEDED is one task per job
or crawler plus ``workflow_outcome``, and every task that is not a node is an EmptyOperator the scheduler
resolves without a worker. Also keeps the parse benchmark honest: its hand-written DAGs are the loader's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.integration.definition_folders import REPO, bag, serialised

pytestmark = pytest.mark.airflow

sys.path.insert(0, str(REPO / "benchmarks"))
import workload  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    workload.write_definitions(root / "loader", 4, 20)
    workload.write_handwritten(root / "hand", 4, 20)
    return root


def _nodes(dag) -> list[str]:
    return [t.task_id for t in dag.tasks if type(t).__name__ in ("GlueWorkflowJobOperator", "GlueWorkflowCrawlerOperator")]


def test_all_succeeded_workflows_are_one_task_per_node_plus_the_outcome(generated: Path) -> None:
    loaded = bag(generated / "loader")
    assert loaded.import_errors == {} and len(loaded.dags) == 4
    for dag in loaded.dags.values():
        assert len(_nodes(dag)) == 20
        assert len(dag.tasks) == 21
        assert sorted(set(dag.task_ids) - set(_nodes(dag))) == ["workflow_outcome"]
    month_close = bag(REPO / "dags").dags["Month_close"]
    assert len(month_close.tasks) == len(_nodes(month_close)) + 1 == 4


def test_every_task_that_is_not_a_node_needs_no_worker() -> None:
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    for dag in bag(REPO / "dags").dags.values():
        restored = DagSerialization.from_dict(DagSerialization.to_dict(dag))
        for task in restored.tasks:
            is_node = task.task_id in _nodes(dag)
            assert task.inherits_from_empty_operator is not is_node, task.task_id


def test_the_benchmark_hand_written_dags_are_the_loader_dags(generated: Path) -> None:
    loaded = bag(generated / "loader")
    hand = bag(generated / "hand")
    assert hand.import_errors == {}
    assert set(hand.dags) == set(loaded.dags)
    for dag_id, dag in loaded.dags.items():
        assert serialised(hand.dags[dag_id]) == serialised(dag), dag_id
