"""Differential conformance inside a GlueWorkflowTaskGroup: a wrapper DAG (a task upstream, the group, a task
downstream) run with dag.test() for a covering set of the distinct behaviours (every node in each end state
it can have, the run in each outcome; all of them with GLUE_AIRFLOW_FULL_GROUP_CONFORMANCE=1), compared
with the reference simulator.

The group's nodes end, run and start in the order the simulator says, see the run properties it says (the
definition's defaults over ``conf[group_id]``), and the downstream task runs exactly when the simulator's
run succeeds.
"""

from __future__ import annotations

import os
import runpy
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.simulator import simulate
from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import assert_conforms, behaviour_cases, distinct_puts

REPO = Path(__file__).resolve().parents[2]
#: The shipped examples (as tests/conformance/test_examples.py) and the fixture whose trigger needs all_done.
CASES = [*sorted((REPO / "dags" / "workflows").glob("*.yaml")), REPO / "tests" / "fixtures" / "mixed_and.yaml"]
GROUP = "wf"
WRAPPER = '''"""A DAG of one's own around a Glue workflow (written by the task group conformance tests)."""

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from glue_workflow_provider.version_compat import AirflowFailException, AirflowSkipException

from glue_workflow_provider.api import GlueWorkflowTaskGroup


def before_callable():
    {before}


with DAG(dag_id={dag_id!r}, schedule=None, catchup=False) as dag:
    before = PythonOperator(task_id="before", python_callable=before_callable)
    after = PythonOperator(task_id="after", python_callable=lambda: "after")
    previous = before
    for group_id in {groups!r}:
        group = GlueWorkflowTaskGroup(group_id=group_id, definition={definition!r})
        previous >> group
        previous = group
    previous >> after
'''

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


def wrapper_dag(
    runner: Any, definition_path: Path, dag_id: str, groups: tuple[str, ...] = (GROUP,), before: str = 'return "before"'
) -> Any:
    """Write a wrapper DAG file (and a copy of the definition, polling each second) into the runner's dags
    folder, and return its DAG as the DAG processor builds it."""
    import warnings

    folder = Path(runner.home) / "dags"
    embedded = folder / "embedded"
    embedded.mkdir(exist_ok=True)
    document = yaml.safe_load(definition_path.read_text())
    document.setdefault("Airflow", {})["poll_interval"] = 1
    (embedded / definition_path.name).write_text(yaml.safe_dump(document))
    dag_file = folder / f"{dag_id}.py"
    dag_file.write_text(WRAPPER.format(
        dag_id=dag_id, groups=groups, definition=f"embedded/{definition_path.name}", before=before
    ))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a scheduled definition warns that its schedule is not used
        namespace = runpy.run_path(str(dag_file))
    return namespace["dag"]


def remove_wrapper(runner: Any, dag_id: str) -> None:
    """Take the wrapper DAG file out of the bundle again (later tests re-parse the bundle)."""
    (Path(runner.home) / "dags" / f"{dag_id}.py").unlink(missing_ok=True)
    shutil.rmtree(Path(runner.home) / "dags" / "embedded", ignore_errors=True)


def group_report(runner: Any, dag: Any, definition: Definition, dag_run: Any, group_id: str, conf: Mapping[str, str]) -> Any:
    """The group's run in the ``run --json`` shape."""
    group = dag.task_group_dict[group_id]
    return runner.report(group.glue_workflow_runtime.plan, definition, dag_run, conf)


def task_states(dag_run: Any) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}


#: Set to 1 to run every behaviour inside a group too (the whole-DAG differential tests always run them all).
FULL_ENV = "GLUE_AIRFLOW_FULL_GROUP_CONFORMANCE"


def covering(definition: Definition, found: list[dict[str, str]]) -> list[dict[str, str]]:
    """Behaviours that together give every node each end state it can have, and the run each outcome
    (success, failed): what differs inside a group is the wiring around the workflow, which these exercise,
    at a fraction of the suite time of all of them (37 runs of about 15 s for the three cases)."""
    if os.environ.get(FULL_ENV) == "1":
        return found
    seen: set[tuple[str, str]] = set()
    chosen = []
    for outcomes in found:
        new = {(node, state) for node, state in outcomes.items()} | {("(run)", simulate(definition, outcomes).state)}
        if new - seen:
            chosen.append(outcomes)
            seen |= new
    return chosen


@pytest.fixture(scope="module")
def wrappers(runner: Any) -> Iterator[dict[Path, Any]]:
    """The current case's wrapper DAG, written and parsed once for all its behaviours (the cases' behaviours
    run one case after another), replaced by the next case's and removed at the end."""
    made: dict[Path, Any] = {}
    yield made
    for path in made:
        remove_wrapper(runner, f"embedded__{path.stem}")


def wrapper_for(runner: Any, wrappers: dict[Path, Any], path: Path) -> Any:
    """``path``'s wrapper DAG from ``wrappers``, written (in place of another case's) when not there yet."""
    if path not in wrappers:
        for previous in list(wrappers):
            remove_wrapper(runner, f"embedded__{previous.stem}")
            del wrappers[previous]
        wrappers[path] = wrapper_dag(runner, path, f"embedded__{path.stem}")
    return wrappers[path]


@pytest.mark.parametrize(("path", "outcomes"), behaviour_cases(CASES, covering))
def test_behaviours_inside_a_group_match_the_simulator(
    runner, wrappers: dict[Path, Any], path: Path, outcomes: dict[str, str]
) -> None:
    definition = read_definition(path)
    dag = wrapper_for(runner, wrappers, path)
    puts = distinct_puts(definition)
    conf = {"started_with": "conf"}
    dag_run = runner.run_dag(dag, definition, outcomes, {GROUP: conf}, puts=puts)
    report = group_report(runner, dag, definition, dag_run, GROUP, conf)
    assert_conforms(definition, outcomes, report, conf, puts)
    expected = simulate(definition, outcomes, conf=conf, puts=puts).state
    states = task_states(dag_run)
    label = f"{path.name} outcomes={outcomes}: {states}"
    assert states["before"] == "success", label
    assert states[f"{GROUP}.workflow_end"] == ("success" if expected == "success" else "failed"), label
    assert states["after"] == ("success" if expected == "success" else "upstream_failed"), label
