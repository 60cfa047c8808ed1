"""The walk of a node's lifecycle (runtime/operators/__init__.py) names every module of the package and only
modules that exist, so it cannot fall behind a move or a new step."""

from __future__ import annotations

import re
from pathlib import Path

import glue_workflow_provider.runtime.operators as operators

OPERATORS = Path(operators.__file__).parent
RUNTIME = OPERATORS.parent


def _named() -> set[str]:
    return set(re.findall(r"[\w/]+\.py", operators.__doc__ or ""))


def test_the_walk_names_every_module_of_the_package() -> None:
    modules = {path.name for path in OPERATORS.glob("*.py") if path.name != "__init__.py"}
    assert modules - _named() == set()


def test_every_module_the_walk_names_exists() -> None:
    def exists(name: str) -> bool:
        return (OPERATORS / name).is_file() or (RUNTIME.parent / name).is_file()

    assert [name for name in sorted(_named()) if not exists(name)] == []


def test_the_steps_come_in_order() -> None:
    text = operators.__doc__ or ""
    steps = [text.index(f"{number}. ``{module}``") for number, module in
             enumerate(("node.py", "start.py", "wait.py", "finish.py"), start=1)]
    assert steps == sorted(steps)
