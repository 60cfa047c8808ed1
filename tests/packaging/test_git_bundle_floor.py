"""The ``git`` extra's floor (apache-airflow-providers-git 0.0.6, the pin of MWAA's Airflow 3.0.6 image) serves
definitions the way tests/system/bundle_stack.py does: a ``GitDagBundle`` on a ``file://`` remote named by an
Airflow connection's host clones the tracked branch, follows a new commit at refresh, and checks out an older
commit for the runs that started on it. scripts/test-matrix runs this on each leg with ``--extras local,git``
(each leg's constraints choose its providers-git); here it runs on the locked one."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from tests.system.bundle_stack import BUNDLE, V1, V2, Repository, bundle_settings

GitDagBundle = pytest.importorskip("airflow.providers.git.bundles.git").GitDagBundle
DEFINITION = "workflows/bundle-flow.yaml"


def _bundle(**kwargs: str) -> object:
    bundle = GitDagBundle(name=BUNDLE, tracking_ref="main", git_conn_id="glue_git", **kwargs)
    bundle.initialize()
    return bundle


def _state(bundle: object) -> tuple[str, str]:
    """The bundle's commit (a BundleVersion's ``version`` from Airflow 3.3, a string before) and definition."""
    current = bundle.get_current_version()  # type: ignore[attr-defined]
    return str(getattr(current, "version", current)), (bundle.path / DEFINITION).read_text()  # type: ignore[attr-defined]


def test_a_git_dag_bundle_on_a_file_remote_tracks_and_checks_out_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = Repository.create(tmp_path)
    for name, value in bundle_settings(repository.remote, tmp_path / "bundles").items():
        monkeypatch.setenv(name, value)
    first = repository.commit({DEFINITION: V1}, "first")
    tracking = _bundle()
    assert _state(tracking) == (first, V1)

    second = repository.commit({DEFINITION: V2}, "second")
    tracking.refresh()
    assert _state(tracking) == (second, V2)

    pinned = _bundle(version=first)
    assert _state(pinned) == (first, V1)
    assert pinned.path != tracking.path, f"providers-git {version('apache-airflow-providers-git')}"
