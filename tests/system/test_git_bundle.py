"""Definitions served from a versioned DAG bundle (Airflow's GitDagBundle on a local bare repository), with
Airflow driving: a running scheduler, DAG processor, triggerer and LocalExecutor.

A DAG run starts on the first commit and its first job is held RUNNING at the endpoint; a second commit
changes an edge and adds a node; once the bundle has refreshed and the new version is parsed, a new run
runs the new graph to its end, and only then is the first run's job let go. The first run must finish on the
old graph (its tasks, its Glue runs, counted at the endpoint), every task of it parsed from the old commit's
checkout; and the plan cache must hold each commit's plan under its own content and each checkout's index
under its own path, never one version's plan for the other's file.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from glue_workflow_provider.compile.plan_cache import PlanCache, content_key
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.local.glue_server import RELEASE_TAG, RUNNING_SECONDS_TAG
from glue_workflow_provider.sources.definition_file import load_data
from tests.system import bundle_stack as bs
from tests.system.distributed_support import parses
from tests.system.operating import Stack, run_state

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

HELD = "600"  # seconds the first run's first job stays RUNNING unless it is released


def _tasks(text: str) -> set[str]:
    plan = plan_workflow(load_data(yaml.safe_load(text)).require()).plan
    assert plan is not None
    return {task.task_id for task in plan.tasks}


OLD_TASKS, NEW_TASKS = _tasks(bs.V1), _tasks(bs.V2)


@dataclass
class Story:
    """What the module's one scenario did: the repository, the stack, both commits and both runs."""

    repository: bs.Repository
    stack: Stack
    old_sha: str
    new_sha: str
    old_run: dict[str, Any]
    new_run: dict[str, Any]
    versions: dict[str, str]  # bundle version (commit) -> DAG version id
    held_while_new_ran: tuple[str, str]  # the old run's first task and its Glue run, when the new run ended


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    root = tmp_path_factory.mktemp("git-bundle")
    repository = bs.Repository.create(root)
    old_sha = repository.commit(bs.first_commit(), "bundle-flow: bv-first, then bv-old")
    with bs.started(root, repository) as stack:
        stack.tag("job", "bv-first", {RUNNING_SECONDS_TAG: HELD})
        old_run = stack.trigger(bs.DAG_ID)
        stack.wait_ti(bs.DAG_ID, old_run, "bv-first", {"deferred"})
        new_sha = repository.commit({"workflows/versioned.yaml": bs.V2}, "bundle-flow: bv-new instead of bv-old, then bv-extra")
        stack.demo.deploy_definitions()  # the new jobs exist at the endpoint; runs started from now take 1 s
        stack.eventually("the second commit to be parsed", lambda: _version_of(stack, new_sha), timeout=240)
        new_run = stack.trigger(bs.DAG_ID)
        stack.wait_run(bs.DAG_ID, new_run)
        held = (str(stack.ti(bs.DAG_ID, old_run, "bv-first")["state"]), run_state(_glue_runs(stack, old_run)["bv-first"]))
        stack.tag("job", "bv-first", {RELEASE_TAG: str(time.time())})
        stack.wait_run(bs.DAG_ID, old_run)
        versions = {str(v["bundle_version"]): str(v["id"]) for v in bs.dag_versions(stack)}
        yield Story(repository, stack, old_sha, new_sha, bs.run(stack, old_run), bs.run(stack, new_run), versions, held)


def test_each_run_ran_its_own_commits_graph_to_the_end(story: Story) -> None:
    assert OLD_TASKS == {"bv-first", "bv-old", "workflow_outcome"}
    assert NEW_TASKS == {"bv-first", "bv-new", "bv-extra", "workflow_outcome"}
    assert story.held_while_new_ran == ("deferred", "RUNNING"), "the old run was still on its first job"
    assert story.old_run["bundle_version"] == story.old_sha and story.new_run["bundle_version"] == story.new_sha
    for run, sha, tasks in ((story.old_run, story.old_sha, OLD_TASKS), (story.new_run, story.new_sha, NEW_TASKS)):
        assert run["state"] == "success"
        assert [v["id"] for v in run["dag_versions"]] == [story.versions[sha]], "one DAG version per run"
        instances = story.stack.demo.task_instances(bs.DAG_ID, run["dag_run_id"])
        assert {ti["task_id"] for ti in instances} == tasks
        assert {ti["state"] for ti in instances} == {"success"}
        assert {ti["dag_version"]["id"] for ti in instances} == {story.versions[sha]}


def test_each_node_of_each_graph_started_one_glue_run(story: Story) -> None:
    for job, count in {"bv-first": 2, "bv-old": 1, "bv-new": 1, "bv-extra": 1}.items():
        assert story.stack.calls("StartJobRun", job) == count, job
    for run, jobs in ((story.old_run, {"bv-first", "bv-old"}), (story.new_run, {"bv-first", "bv-new", "bv-extra"})):
        glue_runs = _glue_runs(story.stack, run["dag_run_id"])
        assert set(glue_runs) == jobs, run["dag_run_id"]
        assert {run_state(r) for r in glue_runs.values()} == {"SUCCEEDED"}


def test_every_task_was_parsed_from_its_runs_commit_and_built_that_graph(story: Story) -> None:
    old, new = story.repository.checkout(story.old_sha), story.repository.checkout(story.new_sha)
    expected = {str(old): OLD_TASKS, str(new): NEW_TASKS}
    worker_parses = [line for line in parses(story.stack.demo.home) if line["context"]]
    assert {line["folder"] for line in worker_parses} == set(expected), "workers read only the two checkouts"
    for line in worker_parses:
        assert line["built"] == [bs.DAG_ID] and set(line["tasks"][bs.DAG_ID]) == expected[line["folder"]], line
    tasks = {folder: {line["task"] for line in worker_parses if line["folder"] == folder} for folder in expected}
    assert "bv-old" in tasks[str(old)] and {"bv-new", "bv-extra"} <= tasks[str(new)]


def test_the_plan_cache_keeps_each_commits_plan_apart(story: Story) -> None:
    root = story.stack.demo.home / "plan-cache"
    keys = {sha: content_key(text.encode(), "yaml") for sha, text in ((story.old_sha, bs.V1), (story.new_sha, bs.V2))}
    assert len(set(keys.values())) == 2
    for sha, text, tasks in ((story.old_sha, bs.V1, OLD_TASKS), (story.new_sha, bs.V2, NEW_TASKS)):
        folder = story.repository.checkout(sha) / "workflows"
        assert (folder / "versioned.yaml").read_text() == text
        cache = PlanCache(root, folder)
        index = cache.read_index()
        assert index is not None, f"no index for the checkout of {sha}"
        assert [(i.key, i.dag_id) for i in index.files.values()] == [(keys[sha], bs.DAG_ID)]
        entry = cache.get(keys[sha])
        assert entry is not None and entry.plan is not None
        assert {task.task_id for task in entry.plan.tasks} == tasks
    tracking = PlanCache(root, story.repository.tracking() / "workflows").read_index()
    assert tracking is not None and [i.key for i in tracking.files.values()] == [keys[story.new_sha]]


def _glue_runs(stack: Stack, run_id: str) -> dict[str, dict[str, Any]]:
    """The Glue job runs a DAG run started, by job (each run carries its DAG run's id in --WORKFLOW_RUN_ID)."""
    found: dict[str, dict[str, Any]] = {}
    for job in ("bv-first", "bv-old", "bv-new", "bv-extra"):
        for glue_run in stack.runs_of(job):
            if (glue_run.get("Arguments") or {}).get("--WORKFLOW_RUN_ID") == run_id:
                assert job not in found, f"{job} ran twice for {run_id}"
                found[job] = glue_run
    return found


def _version_of(stack: Stack, sha: str) -> bool:
    return any(v["bundle_version"] == sha for v in bs.dag_versions(stack))
