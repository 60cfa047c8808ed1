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


#: Fixtures that run Airflow against the local endpoint: the dag.test runner and every running stack. A test
#: using one (directly or through another fixture) is marked ``airflow`` and ``endpoint`` by the hook below,
#: so ``-m "not airflow"`` runs no DAG at all, whether or not its module remembered the markers.
AIRFLOW_FIXTURES = frozenset({"runner", "airflow_stack", "batch", "story"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shard", default=None, metavar="I/N",
        help="run only every N-th collected test, starting at the I-th (1 <= I <= N); scripts/test runs N at once",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if AIRFLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.airflow)
            item.add_marker(pytest.mark.endpoint)
    shard = config.getoption("--shard")
    if shard:
        index, count = _shard(shard)
        kept, other = [], []
        for position, item in enumerate(items):
            (kept if position % count == index - 1 else other).append(item)
        config.hook.pytest_deselected(items=other)
        items[:] = kept


def _shard(text: str) -> tuple[int, int]:
    """``I/N`` as (I, N), or a usage error saying what is expected."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise pytest.UsageError(f"--shard {text}: expected I/N with 1 <= I <= N, e.g. --shard 1/2")
    return int(index), int(count)


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
