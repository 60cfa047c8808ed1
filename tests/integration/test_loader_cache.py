"""The loader's plan cache in a real DagBag: it never changes a DAG, it is used for unchanged files only, it
survives corruption, and it can be turned off."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from glue_workflow_provider.compile.discovery import definition_files, scan_folder
from glue_workflow_provider.compile.plan_cache import PlanCache, content_key
from glue_workflow_provider.loader import load_dags
from tests.integration.definition_folders import BROKEN, WARNED, bag, dags_folder, same_dags

pytestmark = pytest.mark.airflow

EXTRA = {
    "broken.yaml": BROKEN,
    "syntax.json": '{"Workflow": {',
    "zz_copy.yaml": (Path(__file__).resolve().parents[2] / "dags" / "workflows" / "month_close.yaml").read_text(),
    "warned.yaml": WARNED,
    "sub/nested.yml": WARNED.replace("warned-flow", "nested-flow"),
}


@pytest.fixture
def plan_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "plan-cache"
    monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", str(root))
    return root


def _loader_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "glue_workflow_provider.loader"]


def test_dags_are_identical_without_cache_cold_and_warm(tmp_path: Path, plan_cache: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path, EXTRA)
    cold = bag(folder)
    assert list((plan_cache / "folders").glob("*.json"))
    warm = bag(folder)
    monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", "off")
    uncached = bag(folder)
    assert uncached.import_errors == cold.import_errors == warm.import_errors == {}
    assert {"Month_close", "broken-flow", "invalid__workflows_syntax_json", "invalid__workflows_zz_copy_yaml",
            "warned-flow", "nested-flow"} <= set(uncached.dag_ids)
    assert same_dags(uncached, cold) and same_dags(uncached, warm)


def test_warnings_and_errors_are_logged_the_same_from_the_cache(tmp_path: Path, plan_cache: Path, monkeypatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    folder = dags_folder(tmp_path, EXTRA)
    caplog.set_level(logging.WARNING, logger="glue_workflow_provider.loader")
    messages = []
    for setting in ("off", str(plan_cache), str(plan_cache)):
        monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", setting)
        caplog.clear()
        load_dags({}, folder / "workflows")
        messages.append(_loader_messages(caplog))
    assert messages[0] == messages[1] == messages[2]
    assert any("workflows/warned.yaml" in m and "GWF040" in m for m in messages[0])
    assert any("workflows/broken.yaml" in m for m in messages[0])


def test_an_unchanged_file_comes_from_the_cache_and_a_changed_one_is_checked_again(tmp_path: Path,
                                                                                   plan_cache: Path) -> None:
    folder = dags_folder(tmp_path)
    workflows = folder / "workflows"
    load_dags({}, workflows)
    path = workflows / "month_close.yaml"
    cache = PlanCache.for_folder(workflows)
    assert cache is not None
    key = content_key(path.read_bytes(), "yaml")
    entry = cache.get(key)
    assert entry is not None and entry.plan is not None
    # Plant a different (but well-formed) entry under the file's key: an unchanged file is never re-checked.
    from dataclasses import replace

    cache.put(key, replace(entry, plan=replace(entry.plan, description="planted in the cache")))
    assert bag(folder).dags["Month_close"].description == "planted in the cache"
    # Any change to the file's bytes gives another key: the full check runs, the planted entry is never used.
    path.write_text(path.read_text() + "\n# edited\n")
    assert bag(folder).dags["Month_close"].description != "planted in the cache"
    path.write_text(BROKEN.replace("broken-flow", "Month close"))
    placeholder = bag(folder).dags["Month_close"]
    assert "invalid-definition" in placeholder.tags


def test_corrupt_entries_and_index_change_nothing(tmp_path: Path, plan_cache: Path) -> None:
    folder = dags_folder(tmp_path, EXTRA)
    expected = bag(folder)
    files = [p for p in plan_cache.rglob("*") if p.is_file()]
    assert len(files) > len(EXTRA)
    for number, path in enumerate(files):
        path.write_bytes([b"", b"{", b"\x00\xff garbage", b'{"format": 1}\n'][number % 4])
    assert same_dags(expected, bag(folder))
    assert same_dags(expected, bag(folder))  # and the cache heals


def test_a_disabled_cache_writes_nothing(tmp_path: Path, plan_cache: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path)
    load_dags({}, folder / "workflows", use_cache=False)
    assert not plan_cache.exists()
    monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", "off")
    assert len(bag(folder).dags) == 6
    assert not plan_cache.exists()


def test_cache_dir_argument_overrides_the_environment(tmp_path: Path, plan_cache: Path) -> None:
    folder = dags_folder(tmp_path)
    load_dags({}, folder / "workflows", cache_dir=tmp_path / "elsewhere")
    assert list((tmp_path / "elsewhere" / "folders").glob("*.json")) and not plan_cache.exists()


def test_strict_mode_still_fails_with_a_warm_cache(tmp_path: Path, plan_cache: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path, {"broken.yaml": BROKEN})
    bag(folder)
    monkeypatch.setenv("GLUE_AIRFLOW_STRICT", "1")
    [(path, message)] = bag(folder).import_errors.items()
    assert path.endswith("glue_workflows.py") and "workflows/broken.yaml: Triggers[0].Schedule" in message


def test_the_folder_scan_finds_what_pathlib_finds_in_the_same_order(tmp_path: Path) -> None:
    root = tmp_path / "workflows"
    for name in ("b.yaml", "a.json", "A.YML", ".hidden.yaml", "notes.txt", "x/z.yaml", "x/y/w.yml", "x-y/v.json",
                 "x.yaml.bak", "dir.yaml/inner.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Workflow: {Name: w}\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "linked.yaml").write_text("Workflow: {Name: l}\n")
    os.symlink(outside, root / "linked-dir")
    os.symlink(outside / "linked.yaml", root / "linked-file.yaml")
    expected = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".json", ".yaml", ".yml") and p.is_file())
    assert definition_files(root) == expected
    assert [s.shown for s in scan_folder(root)] == [str(p.relative_to(tmp_path)) for p in expected]
    assert definition_files(tmp_path / "missing") == []
    shutil.rmtree(root)
