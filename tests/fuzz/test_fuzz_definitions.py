"""Bad input at scale (issue 9.7): generated and mutated definitions through validation and a real DagBag.

Every input must give diagnostics, never a traceback or a hang; the loader must turn each bad file into its
placeholder while every good DAG of the folder still loads. Mutations: keys removed, renamed and added;
wrong types; nulls; unicode and control characters; very long names; deep nesting; duplicate keys; YAML
anchors, alias bombs and tags; truncated text; files past the size limit. The tests print how many inputs
they tried.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.sources.definition_file import load_text

REPO = Path(__file__).resolve().parents[2]
SEEDS = [yaml.safe_load(p.read_text()) for p in sorted((REPO / "dags" / "workflows").glob("*.yaml"))] + [
    yaml.safe_load(p.read_text()) for p in sorted((REPO / "tests" / "fixtures").glob("*.yaml"))
]
VALIDATION_EXAMPLES = 500
LOADER_FILES = 120
TRIED = {"validation": 0, "loader": 0}

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_weird_text = st.one_of(
    _text,
    st.just("x" * 10_000),
    st.just("\x00\x07\x1b[31m\u202e\ufeff"),
    st.just("名前 with spaces/and:colons!"),
    st.text(alphabet="\t\n\r\x0b\x0c", min_size=1, max_size=5),
)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), _weird_text)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value] if depth % 2 else {"k": value}
    return value


_value = st.one_of(
    _scalar,
    st.lists(_scalar, max_size=4),
    st.dictionaries(_text, _scalar, max_size=3),
    st.integers(10, 120).map(_nested),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, prefix + (index,))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A seed definition with one to four structural mutations."""
    document = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(document, path), path[-1]
        action = draw(st.sampled_from(["remove", "rename", "add", "replace"]))
        if action == "remove":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(_text)] = parent.pop(last)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(_text)] = draw(_value)
        else:
            parent[last] = draw(_value)
    return document


_BOMB = "".join(f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))


@st.composite
def definition_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, text): a mutated document as YAML or JSON, sometimes mutated again as text."""
    document = draw(mutated_documents())
    as_json = draw(st.booleans())
    try:
        text = json.dumps(document, allow_nan=True) if as_json else yaml.safe_dump(document, allow_unicode=True)
    except (ValueError, TypeError, RecursionError, yaml.YAMLError):
        text = repr(document)
    lines = text.splitlines(keepends=True)
    edit = draw(st.sampled_from(["none", "duplicate", "truncate", "anchor", "bomb", "tag", "python-tag"]))
    if edit == "duplicate" and lines:
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
    elif edit == "truncate" and text:
        lines = [text[: draw(st.integers(0, len(text)))]]
    elif edit == "anchor":
        lines = ["base: &base {Name: shared}\n", *lines, "again: *base\n"]
    elif edit == "bomb":
        lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]\n', _BOMB, *lines]
    elif edit == "tag":
        lines = [*lines, "Extra: !Ref SomeParameter\n"]
    elif edit == "python-tag":
        lines = ["Workflow: !!python/object/apply:os.system ['true']\n", *lines]
    return ("fuzz.json" if as_json and edit == "none" else "fuzz.yaml"), "".join(lines)


@settings(max_examples=VALIDATION_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(definition_texts())
def test_validation_never_raises_on_mutated_definitions(named: tuple[str, str]) -> None:
    name, text = named
    result = load_text(text, name)  # never raises
    TRIED["validation"] += 1
    for problem in result.diagnostics:
        assert str(problem).startswith(f"{name}: "), problem
        assert problem.code.startswith("GWF")
    assert result.ok or any(d.is_error for d in result.diagnostics) or result.definition is not None


@pytest.mark.airflow
def test_the_loader_isolates_every_mutated_file(tmp_path: Path) -> None:
    from tests.airflow_compat import dag_bag as DagBag

    folder = tmp_path / "dags"
    (folder / "workflows").mkdir(parents=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for name in ("month_close.yaml", "data_vault_load.yaml"):
        shutil.copyfile(REPO / "dags" / "workflows" / name, folder / "workflows" / name)
    texts = _examples(definition_texts(), LOADER_FILES)
    for index, (name, text) in enumerate(texts):
        (folder / "workflows" / f"f{index:03d}_{name}").write_text(text, encoding="utf-8", errors="replace")
    (folder / "workflows" / "huge.yaml").write_text("Workflow: {Name: huge}\nx: '" + "y" * (5 * 1024 * 1024) + "'\n")
    (folder / "workflows" / "bomb.yaml").write_text('a: &a ["x","x","x","x","x","x","x","x","x"]\n' + _BOMB)
    TRIED["loader"] = len(texts) + 2
    bag = DagBag(str(folder))
    assert bag.import_errors == {}
    assert {"Month_close", "data-vault-load"} <= set(bag.dag_ids)
    assert len(bag.dag_ids) >= 4  # the two examples and, at least, the huge file's and the bomb's placeholders
    from glue_workflow_provider.loader import load_dags

    report = load_dags({}, folder / "workflows", use_cache=False)
    refused = [str(p) for problems in report.invalid.values() for p in problems if p.code == "GWF045"]
    assert refused == [], "validation let through a definition that Airflow refused"
    assert set(report.dags) == set(bag.dag_ids)
    print(f"\nfuzz: {TRIED['validation']} definitions through validation, {TRIED['loader']} files through a DagBag")


def _examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    found: list[Any] = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found[:count]
