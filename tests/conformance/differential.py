"""Helpers for differential tests: enumerate a workflow's distinct behaviours and compare a real run with
the reference simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.jobside.glue_airflow_run_properties import LOCATION_ARG
from glue_workflow_provider.model.states import END_STATES, SUCCEEDED, NodeType
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.runtime.run_record import TASK_ARG
from glue_workflow_provider.semantics.arguments import WORKFLOW_RUN_ID_ARG
from glue_workflow_provider.semantics.predicates import is_conjunction, trigger_fires
from glue_workflow_provider.semantics.progress import listened_states
from glue_workflow_provider.semantics.report import RunReport
from glue_workflow_provider.semantics.simulator import simulate
from glue_workflow_provider.semantics.trigger_table import TriggerTable


def outcome_classes(definition: Definition) -> dict[str, list[str]]:
    """Per node, one end state per distinct behaviour: SUCCEEDED, each state a trigger listens for, and one
    state nobody listens for (all such states behave alike; which one rotates from node to node so that
    every end state gets recorded somewhere)."""
    graph = TriggerTable.of(definition)
    listened = listened_states(graph)
    classes: dict[str, list[str]] = {}
    for index, (node, node_type) in enumerate(graph.nodes.items()):
        heard = sorted(listened.get(node, frozenset()) - {SUCCEEDED})
        unheard = [s for s in END_STATES[NodeType(node_type)] if s != SUCCEEDED and s not in heard]
        classes[node] = [SUCCEEDED, *heard] + ([unheard[index % len(unheard)]] if unheard else [])
    return classes


def behaviours(definition: Definition) -> list[dict[str, str]]:
    """Every distinct combination of end states of the nodes that actually run (nodes that never run do
    not matter), found by branching on each node the simulator starts."""
    classes = outcome_classes(definition)
    found: list[dict[str, str]] = []

    def explore(assigned: dict[str, str]) -> None:
        pending = [n for n in simulate(definition, assigned).ran() if n not in assigned]
        if not pending:
            found.append(assigned)
            return
        for state in classes[pending[0]]:
            explore({**assigned, pending[0]: state})

    explore({})
    return found


def behaviour_id(outcomes: Mapping[str, str]) -> str:
    """A test id naming a behaviour by the nodes that do not succeed (``all-succeeded`` when none)."""
    failing = [f"{node}={state}" for node, state in sorted(outcomes.items()) if state != SUCCEEDED]
    return ",".join(failing) or "all-succeeded"


def behaviour_cases(
    paths: list[Path], choose: Callable[[Definition, list[dict[str, str]]], list[dict[str, str]]] | None = None
) -> list[Any]:
    """One pytest case per (definition file, distinct behaviour), ``choose`` picking among a file's behaviours
    (all of them by default): each behaviour a test of its own, computed at collection (the simulator only)."""
    from glue_workflow_provider.sources.definition_file import read_definition

    cases = []
    for path in paths:
        definition = read_definition(path)
        found = behaviours(definition)
        for outcomes in choose(definition, found) if choose else found:
            cases.append(pytest.param(path, outcomes, id=f"{path.stem}:{behaviour_id(outcomes)}"))
    return cases


def distinct_puts(definition: Definition) -> dict[str, dict[str, str]]:
    """One put per job, each under its own key (so the final properties do not depend on timing)."""
    return {node: {f"put.{node}": "1"} for node, kind in definition.node_types().items() if kind.value == "JOB"}


def assert_conforms(
    definition: Definition,
    outcomes: Mapping[str, str],
    run: RunReport,
    conf: Mapping[str, str] | None = None,
    puts: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """The real run did exactly what the simulator says Glue would do."""
    expected = simulate(definition, outcomes, dag_id=run.dag_id, conf=conf, puts=puts)
    label = f"outcomes={dict(outcomes)}"
    assert run.state == expected.state, f"{label}: DAG run {run.state}, simulator {expected.state}"
    assert set(run.nodes) == set(expected.nodes), label
    for name, want in expected.nodes.items():
        got = run.nodes[name]
        assert (got.glue_state, got.airflow_state) == (want.glue_state, want.airflow_state), (
            f"{label}: node {name!r} ran as {(got.glue_state, got.airflow_state)}, "
            f"simulator says {(want.glue_state, want.airflow_state)}"
        )
        assert (got.order is None) == (want.order is None), f"{label}: node {name!r} order"
        if want.arguments is not None:
            assert got.arguments is not None, f"{label}: node {name!r} has no recorded arguments"
            assert got.arguments.get(WORKFLOW_RUN_ID_ARG), f"{label}: node {name!r} got no --WORKFLOW_RUN_ID"
            assert got.arguments.get(TASK_ARG, "").count("/") == 3, f"{label}: {name!r} got no {TASK_ARG}"
            assert _without_run_id(got.arguments) == _without_run_id(want.arguments), f"{label}: {name!r} arguments"
    assert run.run_properties == expected.run_properties, label
    assert_causal_order(definition, run)
    assert_order_constraints(definition, run, expected)
    if puts:
        assert_puts_visible_causally(definition, run, puts)


def assert_puts_visible_causally(definition: Definition, run: RunReport, puts: Mapping[str, Mapping[str, str]]) -> None:
    """A node never sees a value put by a node that started after it, and always sees the keys put by the
    nodes its single AND trigger waited for (and theirs, transitively; a later one may override a value)."""
    graph = TriggerTable.of(definition)
    order = {name: node.order for name, node in run.nodes.items() if node.order is not None}
    for name, position in order.items():
        seen = run.nodes[name].run_properties or {}
        for other, values in puts.items():
            if order.get(other, 0) > position:
                assert not set(values.items()) & set(seen.items()), (
                    f"{name!r} saw the put of {other!r}, which started after it"
                )
        for ancestor in _waited_for(graph, name):
            if ancestor in order:
                assert set(puts.get(ancestor, {})) <= set(seen), f"{name!r} did not see the put of {ancestor!r}"


def _waited_for(graph: TriggerTable, node: str) -> set[str]:
    """Nodes that surely ended before ``node`` started: through single AND triggers only."""
    triggers = [t for t in graph.starters(node) if not t.deactivated]
    if len(triggers) != 1 or triggers[0].is_start or not is_conjunction(triggers[0]):
        return set()
    direct = {c.node for c in triggers[0].conditions}
    return direct.union(*(_waited_for(graph, n) for n in direct)) if direct else set()


def assert_order_constraints(definition: Definition, run: RunReport, expected: RunReport) -> None:
    """For every pair of nodes that ran where one surely ended before the other started (it is waited for
    through single AND triggers), both the real run and the simulator start them in that order."""
    graph = TriggerTable.of(definition)
    real = {name: node.order for name, node in run.nodes.items() if node.order is not None}
    simulated = {name: node.order for name, node in expected.nodes.items() if node.order is not None}
    assert set(real) == set(simulated), f"nodes that started: real {sorted(real)}, simulator {sorted(simulated)}"
    for later in real:
        for earlier in _waited_for(graph, later) & set(real):
            assert real[earlier] < real[later], f"{earlier!r} started after {later!r}, which waits for it"
            assert simulated[earlier] < simulated[later], f"simulator: {earlier!r} after {later!r}"


def assert_causal_order(definition: Definition, run: RunReport) -> None:
    """Every node that ran started after some trigger of it held on nodes that had started before it."""
    graph = TriggerTable.of(definition)
    order = {name: node.order for name, node in run.nodes.items() if node.order is not None}
    states = {name: node.glue_state for name, node in run.nodes.items() if node.glue_state is not None}
    for name, position in order.items():
        before = {n: s for n, s in states.items() if order.get(n, 10**9) < position}
        triggers = graph.starters(name)
        assert any(t.is_start or trigger_fires(t, before) for t in triggers), (
            f"node {name!r} started at position {position} before any of its triggers held "
            f"(started earlier: {sorted(before)})"
        )


def _without_run_id(arguments: Mapping[str, str]) -> dict[str, str]:
    """Arguments minus the three that only a real run knows (its run id, its run-properties prefix, the task
    lineage that started it)."""
    return {k: v for k, v in arguments.items() if k not in (WORKFLOW_RUN_ID_ARG, LOCATION_ARG, TASK_ARG)}
