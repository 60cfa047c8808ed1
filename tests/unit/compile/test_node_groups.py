"""One box per Glue node (issue 11, part 4): a node and its gates share a TaskGroup, and nothing else changes.

The groups are drawing only: task ids, trigger rules and edges are the plan's, checked here on the DAG that
``build_dag`` makes and on the same DAG after Airflow's serialisation (what the UI and the scheduler read).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from glue_workflow_provider.compile.dag_builder import build_dag
from glue_workflow_provider.compile.naming import OUTCOME_TASK_ID
from glue_workflow_provider.compile.plan import DagPlan, TaskKind
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.sources.definition_file import load_definition
from tests.unit.compile.test_planner import WORKFLOWS, definition, plan_of, start, when

GATES = (TaskKind.CONDITION_GATE, TaskKind.TRIGGER_GATE)


def _data_vault() -> DagPlan:
    plan = plan_workflow(load_definition(WORKFLOWS / "data_vault_load.yaml").require()).plan
    assert plan is not None
    return plan


def _serialised(dag: Any) -> Any:
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    return DagSerialization.from_dict(json.loads(json.dumps(DagSerialization.to_dict(dag))))


def test_each_condition_gate_is_drawn_with_the_node_it_watches() -> None:
    plan = _data_vault()
    assert plan.groups() == {f"{node}__node": node for node in
                             ("extract-landing", "load-hubs", "load-links", "load-satellites", "publish-marts")}
    gates = [task for task in plan.tasks if task.kind in GATES]
    assert len(gates) == 6
    for gate in gates:
        assert gate.group == f"{gate.glue_name}__node"
    assert plan.task("clean-up-job").group is None  # no gate watches it: it stays a plain task
    assert plan.task(OUTCOME_TASK_ID).group is None


def test_the_graph_has_one_box_per_glue_node_and_the_task_ids_of_the_plan() -> None:
    plan = _data_vault()
    for dag in (build_dag(plan), _serialised(build_dag(plan))):
        top = dag.task_group.children
        assert len(top) == 7  # 6 Glue jobs and the outcome, where the tasks are 13
        assert sorted(dag.task_dict) == sorted(task.task_id for task in plan.tasks)
        for task in plan.tasks:
            built = dag.task_dict[task.task_id]
            assert built.trigger_rule == task.trigger_rule
            assert sorted(built.upstream_task_ids) == sorted(edge.task_id for edge in task.upstream)
            assert (built.task_group.group_id if built.task_group.group_id else None) == task.group
        box = top["load-hubs__node"]
        assert box.group_display_name == "load-hubs"
        assert sorted(box.children) == ["load-hubs", "load-hubs__FAILED", "load-hubs__TIMEOUT"]


def test_a_trigger_gate_is_drawn_with_the_first_node_its_trigger_starts() -> None:
    plan = plan_of(start("a", "b") + when("both", "AND", [("a", "SUCCEEDED"), ("b", "SUCCEEDED")], "c", "d")
                   + when("other", None, [("a", "FAILED")], "c"))
    (gate,) = [task for task in plan.tasks if task.kind is TaskKind.TRIGGER_GATE]
    assert gate.group == "c__node"
    assert plan.task("c").group == "c__node" and plan.task("d").group is None
    assert plan.task("a").group == "a__node"  # its FAILED condition gate


def test_workflows_without_gates_have_no_groups() -> None:
    plan = plan_of(start("a") + when("next", None, [("a", "SUCCEEDED")], "b"))
    assert plan.groups() == {} and all(task.group is None for task in plan.tasks)
    assert len(build_dag(plan).task_group.children) == 3


def test_a_node_whose_id_is_another_nodes_box_is_a_collision() -> None:
    result = plan_workflow(definition(start("a") + when("failed", "ANY", [("a", "FAILED"), ("a", "TIMEOUT")], "a__node")))
    assert result.plan is None
    (problem,) = result.diagnostics
    assert problem.code == "GWF018" and "'a__node'" in problem.message and "the box of job 'a'" in problem.message


@pytest.mark.parametrize("name", sorted(p.stem for p in WORKFLOWS.glob("*.yaml")))
def test_every_shipped_example_builds_with_its_groups(name: str) -> None:
    plan = plan_workflow(load_definition(WORKFLOWS / f"{name}.yaml").require()).plan
    assert plan is not None
    dag = build_dag(plan)
    nodes = [task for task in plan.tasks if task.is_node]
    boxes = [child for child in dag.task_group.children if child != OUTCOME_TASK_ID]
    assert len(boxes) == len(nodes)  # every gate is inside the box of a node
