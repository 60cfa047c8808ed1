"""The system tests' one shared stack (``airflow_stack``, see shared_stack.py): its users run one after another,
and it stops right after the last of them, so it never runs beside a module that starts its own stack."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from tests.system.operating import Stack

SHARED = "airflow_stack"
_running: list[Generator[Stack, None, None]] = []


def _uses_shared(item: pytest.Item | None) -> bool:
    return item is not None and SHARED in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session")
def airflow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from tests.system.shared_stack import start_shared

    started = start_shared(tmp_path_factory.mktemp("shared-stack"))
    _running.append(started)
    try:
        yield next(started)
    finally:
        started.close()  # the demo stops in the generator's own finally (at most once)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the shared stack's users together, where the first of them was (the others keep their order)."""
    users = [item for item in items if _uses_shared(item)]
    if not users:
        return
    others = [item for item in items if not _uses_shared(item)]
    first = items.index(users[0])
    items[:] = others[:first] + users + others[first:]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the shared stack's last user (and its module's fixtures), stop the stack."""
    if _uses_shared(item) and not _uses_shared(nextitem):
        while _running:
            _running.pop().close()
