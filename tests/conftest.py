"""Test session set-up: one isolated Airflow (SQLite, its own AIRFLOW_HOME) configured before Airflow is
imported, and one local Glue endpoint on 127.0.0.1, shared by every test that needs them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "dags" / "workflows"
CORPUS = REPO.parent / "shared" / "corpus"

_HOME = Path(tempfile.mkdtemp(prefix="glue-airflow-tests-"))
# Airflow reads its configuration on first import: point it at the throwaway home now, before any test
# module imports airflow. No AWS credentials are needed: only the local endpoint is ever called.
from glue_workflow_provider.local.airflow_home import configure  # noqa: E402

configure(_HOME, log_level=os.environ.get("GLUE_AIRFLOW_TEST_LOG_LEVEL", "WARNING"))
for _key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_key, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    """The session's Airflow home (its dags folder holds the loader and a workflows/ folder)."""
    return _HOME


@pytest.fixture(scope="session")
def runner(airflow_home: Path) -> Iterator[object]:
    """A LocalRunner over the session's Airflow home and one local Glue endpoint."""
    from glue_workflow_provider.local.runner import LocalRunner

    with LocalRunner(home=airflow_home, running_seconds=0.0, poll_interval=1) as local:
        yield local


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real public Glue templates (tests using it skip when it is absent)."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
