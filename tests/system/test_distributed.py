"""The provider on the distributed deployment (``./scripts/demo --executor celery``): PostgreSQL, Redis,
CeleryExecutor and two Celery workers with homes of their own (worker-1's plan cache in its new, empty home;
worker-2's a read-only folder filled beforehand, as an image's would be), the scheduler, DAG processor,
triggerer and API server.

50 generated definitions (``GLUE_AIRFLOW_DISTRIBUTED_COUNT`` sets another number, for a quicker try)
plus the examples are triggered together through the REST API with forced outcomes; each run must be what
the simulator says Glue would do, each node's Glue run started exactly once (counted at the endpoint), each
worker parse built only the DAG it was for, and every task instance ran on its run's DAG version.

Every process of the deployment keeps its byte code in a cache of its own (``byte_code_env``), and the DAG
processor does not parse the unchanged definitions again while the batch runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.local.demo import Demo, running
from glue_workflow_provider.local.distributed import READ_ONLY, WorkerSpec
from glue_workflow_provider.local.ports import free_port
from glue_workflow_provider.local.rest_report import rest_report
from glue_workflow_provider.model.states import NodeType
from glue_workflow_provider.semantics.report import RunReport
from tests.conformance.differential import assert_conforms
from tests.system.distributed_support import (
    COUNT,
    SEED,
    Case,
    byte_code_env,
    cases,
    compile_imports,
    parses,
    write_folder,
)

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

RUN_TIMEOUT = 900
#: Runs waited for and reported at the same time (a report is a few dozen REST calls).
REPORTERS = 4
#: A worker that never parsed the folder reads every definition's dag_id (parsed, not validated) to find the
#: one it needs; on a crowded machine a parse can still pass Airflow's 30 s import timeout (then the task is
#: rescheduled), so the timeouts are raised.
SLOW_MACHINE = {"AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "300", "AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT": "300"}
#: The definitions do not change while the batch runs, so the DAG processor need not parse them again every
#: 10 s (the demo's setting, made for edits).
QUIET = {"AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "600"}


@dataclass
class Finished:
    """One DAG run of the batch: its case, run id, REST run and report."""

    case: Case
    dag_id: str
    run_id: str
    run: dict[str, Any]
    report: RunReport


@dataclass
class Batch:
    demo: Demo
    runs: list[Finished]
    cache_before: list[str]


def _workers() -> tuple[WorkerSpec, ...]:
    return (WorkerSpec("worker-1", concurrency=6), WorkerSpec("worker-2", cache=READ_ONLY, concurrency=6))


def _listing(folder: Path) -> list[str]:
    return sorted(f"{p.relative_to(folder)}:{p.stat().st_size}" for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    root = tmp_path_factory.mktemp("distributed")
    made = cases(random.Random(SEED))
    write_folder(root / "dags", made)
    outcomes = {name: state for case in made for name, state in case.outcomes.items()}
    demo = Demo(root / "dags", root / "home", port=free_port(), running_seconds=1, outcomes=outcomes,
                executor="celery", workers=_workers(), extra_env={**SLOW_MACHINE, **QUIET})
    with pytest.MonkeyPatch.context() as environment:
        for name, value in byte_code_env().items():  # for the endpoint, the plan cache filling and the components
            environment.setenv(name, value)
        compiling = compile_imports(root / "compile-home")
        try:
            yield from _run_batch(demo, made)
        finally:
            compiling.wait()


def _run_batch(demo: Demo, made: list[Case]) -> Iterator[Batch]:
    with running(demo):
        assert demo.endpoint is not None
        for case in made:
            demo.endpoint.steer(case.definition, case.outcomes, case.puts)
        cache = demo.home / "workers" / "worker-2" / "read-only-plan-cache"
        before = _listing(cache)
        demo.login()
        triggered = []
        for case in made:
            plan = plan_workflow(case.definition).plan
            assert plan is not None
            triggered.append((case, plan, demo.trigger(plan.dag_id)))
        with ThreadPoolExecutor(REPORTERS) as pool:  # each run reported as soon as it ends, not in trigger order
            finished = list(pool.map(lambda item: _finished(demo, *item), triggered))
        yield Batch(demo, finished, before)


def _finished(demo: Demo, case: Case, plan: DagPlan, run_id: str) -> Finished:
    """Wait for the run, then read its report through the REST API and the endpoint."""
    assert demo.endpoint is not None
    run = demo.wait_for_run(plan.dag_id, run_id, timeout=RUN_TIMEOUT)
    return Finished(case, plan.dag_id, run_id, run, rest_report(demo, demo.endpoint, plan, case.definition, run_id))


def test_every_run_is_what_the_simulator_says_glue_would_do(batch: Batch) -> None:
    assert len(batch.runs) == COUNT + 2  # and the two examples
    for item in batch.runs:
        assert_conforms(item.case.definition, item.case.outcomes, item.report, puts=item.case.puts)
    if COUNT >= 50:
        states = {s for item in batch.runs for s in item.case.outcomes.values()}
        assert {"FAILED", "TIMEOUT", "SUCCEEDED"} <= states, "the batch exercises failure branches"
        assert {item.report.state for item in batch.runs} == {"success", "failed"}


def test_every_node_started_its_glue_run_or_crawl_exactly_once(batch: Batch) -> None:
    assert batch.demo.endpoint is not None
    counts = batch.demo.endpoint.request_counts()["airflow_by_name"]
    for item in batch.runs:
        for name, node in item.report.nodes.items():
            action = "StartJobRun" if node.type == NodeType.JOB.value else "StartCrawler"
            expected = 0 if node.order is None else 1
            assert counts.get(f"{action} {name}", 0) == expected, f"{item.dag_id}: {action} {name}"
            if node.type == NodeType.JOB.value:
                assert len(batch.demo.endpoint.job_runs(name)) == expected, name


def test_each_worker_parse_built_only_the_dag_it_was_for(batch: Batch) -> None:
    by_worker = {}
    for worker in ("worker-1", "worker-2"):
        home = batch.demo.home / "workers" / worker / "airflow-home"
        by_worker[worker] = parses(home)
        assert by_worker[worker], f"{worker} ran no task"
        for line in by_worker[worker]:
            assert line["context"], f"{worker} parsed without a parsing context"
            assert line["built"] == [line["context"]], f"{worker} built {line['built']} for {line['context']}"
            assert len(line["validated"]) <= 1, f"{worker} validated {line['validated']} for {line['context']}"
    dag_ids = {item.dag_id for item in batch.runs}
    assert {line["context"] for lines in by_worker.values() for line in lines} == dag_ids


def test_workers_keep_no_state_but_their_own_home(batch: Batch) -> None:
    """worker-1's cache lives in its new home; worker-2's read-only cache was never written to; neither
    worker's home holds another's files, and the DAG processor's home is not theirs."""
    worker_1 = batch.demo.home / "workers" / "worker-1" / "airflow-home"
    assert any((worker_1 / "glue-airflow" / "plans").rglob("*")), "worker-1 cached in its own home"
    cache = batch.demo.home / "workers" / "worker-2" / "read-only-plan-cache"
    assert _listing(cache) == batch.cache_before
    worker_2 = batch.demo.home / "workers" / "worker-2" / "airflow-home"
    assert not (worker_2 / "glue-airflow").exists(), "worker-2 wrote no cache of its own"
    for home in (worker_1, worker_2):
        assert any((home / "logs").rglob("attempt=*.log")), f"{home}: task logs are the worker's own"


def test_no_task_ran_on_another_dag_version(batch: Batch) -> None:
    for item in batch.runs:
        versions = {v["id"] for v in item.run["dag_versions"]}
        assert len(versions) == 1, f"{item.dag_id}: {versions}"
        for ti in batch.demo.task_instances(item.dag_id, item.run_id):
            if ti["start_date"] is not None:
                assert ti["dag_version"]["id"] in versions, f"{item.dag_id}.{ti['task_id']}"
