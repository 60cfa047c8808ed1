"""A real Airflow (the demo's components, LocalExecutor) whose DAG bundle is Airflow's ``GitDagBundle`` on a
bare git repository on local disk, and the helpers the versioned-bundle test needs: commit a definition,
read a DAG's versions and a run's task instances through the REST API.

The bundle refreshes every 2 s; a DAG run records the commit it started on (its bundle version), and every
task of it is run from a checkout of that commit (``<storage>/<bundle>/versions/<sha>``), as Airflow does.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_workflow_provider.local.ports import free_port
from tests.system.distributed_support import MARKER_LOADER
from tests.system.operating import Stack

BUNDLE = "glue-git"
DAG_ID = "bundle-flow"
#: The recorded parses of every component (the marker loader writes them into the shared home).
RECORDING = {"GLUE_AIRFLOW_DEMO_WORKER": "local"}

#: The first commit. bv-first allows two runs at once (both DAG runs start it while the first is held).
V1 = """Workflow: {Name: bundle-flow}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: bv-first}]}
  - Name: then
    Type: CONDITIONAL
    Predicate: {Conditions: [{JobName: bv-first, State: SUCCEEDED}]}
    Actions: [{JobName: bv-old}]
Jobs: [{Name: bv-first, ExecutionProperty: {MaxConcurrentRuns: 2}}]
Airflow: {poll_interval: 1}
"""
#: The second commit: ``then`` starts bv-new instead of bv-old (a changed edge), and bv-extra follows it (an
#: extra node).
V2 = """Workflow: {Name: bundle-flow}
Triggers:
  - {Name: start, Type: ON_DEMAND, Actions: [{JobName: bv-first}]}
  - Name: then
    Type: CONDITIONAL
    Predicate: {Conditions: [{JobName: bv-first, State: SUCCEEDED}]}
    Actions: [{JobName: bv-new}]
  - Name: after-new
    Type: CONDITIONAL
    Predicate: {Conditions: [{JobName: bv-new, State: SUCCEEDED}]}
    Actions: [{JobName: bv-extra}]
Jobs: [{Name: bv-first, ExecutionProperty: {MaxConcurrentRuns: 2}}]
Airflow: {poll_interval: 1}
"""


@dataclass
class Repository:
    """A bare repository (the bundle's remote) and a working clone the test commits from."""

    remote: Path
    work: Path

    @classmethod
    def create(cls, root: Path) -> Repository:
        remote, work = root / "remote.git", root / "work"
        _git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
        _git(root, "clone", "--quiet", str(remote), str(work))
        _git(work, "checkout", "--quiet", "-B", "main")
        return cls(remote, work)

    def commit(self, files: dict[str, str], message: str) -> str:
        """Write ``files`` (paths relative to the repository), commit and push them; return the commit."""
        for name, text in files.items():
            (self.work / name).parent.mkdir(parents=True, exist_ok=True)
            (self.work / name).write_text(text)
        _git(self.work, "add", "--all")
        _git(self.work, "-c", "user.name=glue-airflow tests", "-c", "user.email=tests@localhost", "commit",
             "--quiet", "-m", message)
        _git(self.work, "push", "--quiet", "origin", "main")
        return _git(self.work, "rev-parse", "HEAD").strip()

    def head(self) -> str:
        return _git(self.work, "rev-parse", "HEAD").strip()

    def checkout(self, sha: str) -> Path:
        """Where Airflow's workers run the tasks of a DAG run started on commit ``sha``."""
        return self.work.parent / "bundles" / BUNDLE / "versions" / sha

    def tracking(self) -> Path:
        """The DAG processor's checkout, moved to the newest commit at each refresh."""
        return self.work.parent / "bundles" / BUNDLE / "tracking_repo"


def _git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                               env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"})
    if completed.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {completed.stderr}")
    return completed.stdout


def bundle_settings(remote: Path, storage: Path) -> dict[str, str]:
    """Airflow's settings for one GitDagBundle on ``remote`` (a ``file://`` URL: no network), refreshed every
    2 s, its clones under ``storage``."""
    bundle = {"name": BUNDLE, "classpath": "airflow.providers.git.bundles.git.GitDagBundle",
              "kwargs": {"tracking_ref": "main", "git_conn_id": "glue_git", "refresh_interval": 2}}
    return {
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps([bundle]),
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_STORAGE_PATH": str(storage),
        "AIRFLOW__DAG_PROCESSOR__BUNDLE_REFRESH_CHECK_INTERVAL": "2",
        "AIRFLOW_CONN_GLUE_GIT": json.dumps({"conn_type": "git", "host": remote.resolve().as_uri()}),
    }


@contextmanager
def started(root: Path, repository: Repository) -> Iterator[Stack]:
    """The stack on the bundle (every job run RUNNING 1 s unless a test holds it), its plan cache in the home."""
    from glue_workflow_provider.local.demo import Demo, running

    home = root / "home"
    extra = {**bundle_settings(repository.remote, root / "bundles"), **RECORDING,
             "GLUE_AIRFLOW_PLAN_CACHE": str(home / "plan-cache")}
    demo = Demo(repository.work, home, port=free_port(), running_seconds=1.0, extra_env=extra)
    with running(demo):
        demo.login()
        yield Stack(demo)


def first_commit() -> dict[str, str]:
    return {"glue_workflows.py": MARKER_LOADER, "workflows/versioned.yaml": V1}


def dag_versions(stack: Stack) -> list[dict[str, Any]]:
    """The DAG's versions (oldest first), each with the bundle version it was parsed from."""
    path = f"/api/v2/dags/{urllib.parse.quote(DAG_ID, safe='')}/dagVersions?order_by=version_number"
    return list(stack.api("GET", path)["dag_versions"])


def run(stack: Stack, run_id: str) -> dict[str, Any]:
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run_id, safe='')}"
    return dict(stack.api("GET", path))
