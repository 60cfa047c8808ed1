"""The plan cache: JSON round trips of plans and definitions, keys, atomic writes, corrupt entries, settings."""

from __future__ import annotations

import json
import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from glue_workflow_provider.compile.checking import entry_of
from glue_workflow_provider.compile.folder_index import FolderIndex, IndexedFile
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.plan_cache import (
    CheckedEntry,
    PlanCache,
    cache_root,
    code_fingerprint,
    content_key,
)
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.model.diagnostics import Severity
from glue_workflow_provider.semantics.trigger_table import TriggerTable
from glue_workflow_provider.sources.definition_file import (
    load_data,
    load_definition,
    load_text,
    read_definition,
)
from tests.conformance.strategies import workflow_documents
from tests.fuzz.test_fuzz_definitions import mutated_documents

REPO = Path(__file__).resolve().parents[3]
DEFINITIONS = sorted((REPO / "dags" / "workflows").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures").glob("*.yaml"))


def _entry(path: Path) -> CheckedEntry:
    entry = entry_of(load_definition(path))
    assert entry.plan is not None, entry.diagnostics
    return entry


def _round_trip(entry: CheckedEntry) -> CheckedEntry:
    return CheckedEntry.from_text(json.loads(json.dumps(entry.to_text())))


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_the_plan_survives_the_json_round_trip_and_is_all_an_entry_keeps(path: Path) -> None:
    entry = _entry(path)
    assert entry.plan is not None
    assert DagPlan.from_json(json.loads(json.dumps(entry.plan.to_json()))) == entry.plan
    back = _round_trip(entry)
    assert back.plan == entry.plan and back.plan.to_json() == entry.plan.to_json()
    assert back.plan.triggers == TriggerTable.of(read_definition(path))  # the plan alone decides a run
    assert back.plan.triggers.starters("x-not-a-node") == () and back.plan.triggers.start_triggers
    assert back.diagnostics == tuple(d.in_file("<definition>") for d in entry.diagnostics)
    assert len(entry.to_text().splitlines()) == 2  # summary and plan: no definition is kept


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_to_json_is_asdict_without_the_task_index(path: Path) -> None:
    from dataclasses import asdict

    plan = _entry(path).plan
    assert plan is not None
    expected = asdict(plan)
    expected.pop("_index")
    expected["triggers"].pop("_starters")
    assert plan.to_json() == expected and repr(plan.to_json()) == repr(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow_documents(max_nodes=8))
def test_random_workflows_survive_the_round_trip(document: dict) -> None:
    result = load_data(document, "random.yaml")
    assert result.definition is not None, result.diagnostics
    planned = plan_workflow(result.definition)
    if planned.plan is None:
        return
    entry = CheckedEntry(result.diagnostics, planned.plan.dag_id, planned.plan)
    back = _round_trip(entry)
    assert back.plan == entry.plan and back.plan.triggers == TriggerTable.of(result.definition)
    assert back.diagnostics == tuple(d.in_file("<definition>") for d in entry.diagnostics)


def test_an_invalid_definition_keeps_its_problems_and_intended_id() -> None:
    result = load_text("Workflow:\n  Name: broken\nTriggers:\n  - Name: s\n    Type: SCHEDULED\n", "b.yaml")
    assert not result.ok
    entry = CheckedEntry(result.diagnostics, "broken")
    back = _round_trip(entry)
    assert not back.valid and back.plan is None
    assert back.intended_dag_id == "broken"
    assert [(d.code, d.severity, d.path, d.message) for d in back.diagnostics] == [
        (d.code, d.severity, d.path, d.message) for d in result.diagnostics
    ]
    assert any(d.severity is Severity.ERROR for d in back.diagnostics)


def test_from_json_rejects_what_is_not_a_plan() -> None:
    plan = _entry(DEFINITIONS[0]).plan
    assert plan is not None
    data = json.loads(json.dumps(plan.to_json()))
    with pytest.raises(ValueError):
        DagPlan.from_json({**data, "unknown": 1})
    with pytest.raises(ValueError):
        DagPlan.from_json({k: v for k, v in data.items() if k != "dag_id"})
    with pytest.raises(ValueError):
        DagPlan.from_json({**data, "tasks": [{"task_id": "x"}]})


def test_keys_depend_on_content_syntax_and_code() -> None:
    key = content_key(b"Workflow: {Name: a}", "yaml")
    assert key == content_key(b"Workflow: {Name: a}", "yaml")
    assert key != content_key(b"Workflow: {Name: b}", "yaml")
    assert key != content_key(b"Workflow: {Name: a}", "json")
    assert len(code_fingerprint()) == 64 and code_fingerprint() == code_fingerprint()


def test_put_then_get_and_misses(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path, "workflows")
    entry = _entry(DEFINITIONS[0])
    assert cache.get("0" * 64) is None
    cache.put("a" * 64, entry)
    got = cache.get("a" * 64)
    assert got is not None and got.plan == entry.plan and got.diagnostics == entry.diagnostics
    assert entry.plan is not None
    assert cache.summary("a" * 64) == (True, entry.plan.dag_id, entry.intended_dag_id)
    assert cache.summary("0" * 64) is None
    assert [p.name for p in cache.entries.iterdir()] == ["a" * 64 + ".json"]  # no temporary file left


@pytest.mark.parametrize(
    "text",
    ["", "not json", '{"format": 1}', '{"format": 99, "valid": false}\n\n', '{"format": 1, "valid": true, '
     '"dag_id": "x", "intended_dag_id": null, "diagnostics": []}\n{"dag_id": "x"}\n{}', "\x00\xff"],
)
def test_corrupt_or_foreign_entries_are_misses(tmp_path: Path, text: str) -> None:
    cache = PlanCache(tmp_path, "workflows")
    cache.entries.mkdir(parents=True)
    (cache.entries / f"{'b' * 64}.json").write_text(text, encoding="utf-8", errors="surrogateescape")
    assert cache.get("b" * 64) is None


def test_an_altered_plan_is_a_miss(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path, "workflows")
    cache.put("9" * 64, _entry(DEFINITIONS[0]))
    path = cache.entries / f"{'9' * 64}.json"
    path.write_text(path.read_text().replace('"task_id":', '"task_id" :', 1))  # still JSON, not what was hashed
    assert cache.get("9" * 64) is None


def test_a_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path, "workflows")
    cache.put("c" * 64, _entry(DEFINITIONS[0]))
    path = cache.entries / f"{'c' * 64}.json"
    text = path.read_text()
    for cut in (len(text) // 3, len(text) - 5):
        path.write_text(text[:cut])
        assert cache.get("c" * 64) is None


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the cache directory should be")
    cache = PlanCache(tmp_path / "blocked", "workflows")
    cache.put("d" * 64, _entry(DEFINITIONS[0]))  # no exception
    assert cache.get("d" * 64) is None
    cache.write_index(FolderIndex(0, {}))
    assert cache.read_index() is None


def _hammer(directory: str, worker: int, rounds: int, text: str) -> list[str]:
    """Write and read one key over and over; return every problem seen (a torn read would be one)."""
    cache = PlanCache(Path(directory), "workflows")
    entry = CheckedEntry.from_text(text)
    problems = []
    for _ in range(rounds):
        cache.put("e" * 64, entry)
        got = cache.get("e" * 64)
        if got is None or got.plan != entry.plan:
            problems.append(f"worker {worker}: torn or missing entry")
    return problems


def test_concurrent_writers_never_expose_a_partial_entry(tmp_path: Path) -> None:
    text = _entry(DEFINITIONS[-1]).to_text()
    # spawn, not fork: by now the test process may run threads (dag.test's in-process API loop), and a forked
    # child can inherit one of their locks held, and hang
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_hammer, [(str(tmp_path), n, 40, text) for n in range(4)])
    assert [p for problems in results for p in problems] == []
    cache = PlanCache(tmp_path, "workflows")
    assert [p.name for p in cache.entries.iterdir()] == ["e" * 64 + ".json"]


def test_index_round_trip_and_racy_signatures(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path, "workflows")
    scanned = 10_000_000_000_000
    old = IndexedFile((10, scanned - 5_000_000_000, 1, 7), "f" * 64, True, "a", "a")
    racy = IndexedFile((10, scanned - 1_000_000_000, 1, 8), "0" * 64, False, None, "b")
    claimed = IndexedFile((10, scanned - 9_000_000_000, 1, 9), "9" * 64, None, "c", "c")  # only its dag_id read
    files = {"workflows/a.yaml": old, "workflows/b.yaml": racy, "workflows/c.yaml": claimed}
    cache.write_index(FolderIndex(scanned, files))
    index = cache.read_index()
    assert index is not None and index.files == files and index.files["workflows/c.yaml"].valid is None
    assert index.trusted("workflows/a.yaml", old.signature) == old
    assert index.trusted("workflows/a.yaml", (11, *old.signature[1:])) is None  # changed
    assert index.trusted("workflows/b.yaml", racy.signature) is None  # modified too close to the scan
    assert index.trusted("workflows/d.yaml", old.signature) is None  # unknown


def test_entries_no_recent_index_refers_to_are_pruned(tmp_path: Path) -> None:
    mine, other = PlanCache(tmp_path, tmp_path / "a"), PlanCache(tmp_path, tmp_path / "b")
    entry = _entry(DEFINITIONS[0])
    for key in ("1" * 64, "2" * 64, "3" * 64, "4" * 64, "5" * 64):
        mine.put(key, entry)
    for key in ("2" * 64, "4" * 64, "5" * 64):
        os.utime(mine.entries / f"{key}.json", (0, 0))  # old
    item = IndexedFile((1, 1, 1, 1), "5" * 64, True, "x", "x")
    other.write_index(FolderIndex(1, {"workflows/y.yaml": item}), prune=False)  # another folder still uses "5"
    expired = PlanCache(tmp_path, tmp_path / "c")
    expired.write_index(FolderIndex(1, {"workflows/z.yaml": replace(item, key="4" * 64)}), prune=False)
    os.utime(expired.index_file, (0, 0))  # an index not rewritten for a week (an old checkout) keeps nothing
    mine.write_index(FolderIndex(1, {"workflows/x.yaml": replace(item, key="1" * 64)}))
    assert sorted(p.name[0] for p in mine.entries.iterdir()) == ["1", "3", "5"]  # "3": recent, maybe in use
    assert not expired.index_file.exists() and other.index_file.exists()


def test_cache_root_follows_the_environment(tmp_path: Path) -> None:
    assert cache_root({"GLUE_AIRFLOW_PLAN_CACHE": "off"}) is None
    assert cache_root({"GLUE_AIRFLOW_PLAN_CACHE": " 0 "}) is None
    assert cache_root({"GLUE_AIRFLOW_PLAN_CACHE": str(tmp_path)}) == tmp_path
    assert cache_root({"GLUE_AIRFLOW_CACHE": str(tmp_path)}) == tmp_path / "plans"
    assert cache_root({"AIRFLOW_HOME": str(tmp_path)}) == tmp_path / "glue-airflow" / "plans"
    assert cache_root({}) == Path.home() / "airflow" / "glue-airflow" / "plans"
    assert PlanCache.for_folder("workflows", root=None) is not None or cache_root() is None


def test_folders_share_entries_and_have_their_own_index(tmp_path: Path) -> None:
    a, b = PlanCache(tmp_path, tmp_path / "a"), PlanCache(tmp_path, tmp_path / "b")
    assert a.entries == b.entries and a.index_file != b.index_file
    assert a.index_file == PlanCache(tmp_path, tmp_path / "x" / ".." / "a").index_file




@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_an_entry_holds_nothing_of_the_files_path(document: object) -> None:
    """Entries are keyed by content alone and shared by every folder (each checkout of a versioned bundle):
    that is safe only because nothing in one depends on where the file was, its problems included."""
    import yaml

    where = "/bundles/versions/0123abcd/workflows/flow.yaml"
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    written = entry_of(load_text(text, where)).to_text()
    assert "0123abcd" not in written and "bundles" not in written
