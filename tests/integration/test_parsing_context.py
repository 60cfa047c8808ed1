"""A worker's parse: with Airflow's parsing context naming a dag_id, the loader builds that DAG alone, exactly
as the full parse builds it, and falls back to the full parse whenever it cannot be sure."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.integration.definition_folders import BROKEN, WARNED, bag, dags_folder, same_dags, serialised

pytestmark = pytest.mark.airflow

MONTH_CLOSE = (Path(__file__).resolve().parents[2] / "dags" / "workflows" / "month_close.yaml").read_text()


@pytest.fixture(autouse=True)
def plan_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "plan-cache"
    monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", str(root))
    monkeypatch.delenv("GLUE_AIRFLOW_STRICT", raising=False)
    return root


@contextmanager
def parsing_context(dag_id: str) -> Iterator[None]:
    """Airflow's own parsing context, as the task runner sets it before parsing the DAG file.

    Airflow's manager leaves the variables set when they were unset before (a worker parses once), so they
    are removed here, lest the next test parse as a worker.
    """
    from airflow.sdk.definitions._internal.dag_parsing_context import _airflow_parsing_context_manager

    names = ("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "_AIRFLOW_PARSING_CONTEXT_TASK_ID")
    before = {name: os.environ.get(name) for name in names}
    try:
        with _airflow_parsing_context_manager(dag_id=dag_id, task_id="some_task"):
            yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)


def worker_bag(folder: Path, dag_id: str) -> Any:
    """The DagBag an Airflow worker builds to run a task of ``dag_id`` (one file, no safe mode)."""
    from tests.airflow_compat import bundle_dag_bag as BundleDagBag

    with parsing_context(dag_id):
        return BundleDagBag(dag_folder=str(folder / "glue_workflows.py"), safe_mode=False, load_op_links=False,
                            bundle_path=folder, bundle_name="tests")


def test_only_the_requested_dag_is_built_and_it_is_the_full_parse_dag(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path, {"warned.yaml": WARNED})
    full = bag(folder)
    for dag_id in full.dag_ids:
        one = worker_bag(folder, dag_id)
        assert list(one.dags) == [dag_id]
        assert serialised(one.dags[dag_id]) == serialised(full.dags[dag_id])
        assert one.import_errors == {}
    assert same_dags(bag(folder), full)


def test_other_definitions_are_not_checked(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = dags_folder(tmp_path, {"warned.yaml": WARNED})
    caplog.set_level(logging.WARNING, logger="glue_workflow_provider.loader")
    bag(folder)
    assert any("GWF040" in r.getMessage() for r in caplog.records)
    caplog.clear()
    worker_bag(folder, "Month_close")
    assert not [r for r in caplog.records if r.name == "glue_workflow_provider.loader"]


def test_without_an_index_the_worker_checks_the_files_and_still_builds_one_dag(tmp_path: Path,
                                                                                plan_cache: Path) -> None:
    folder = dags_folder(tmp_path)
    one = worker_bag(folder, "Month_close")  # first parse on this machine: every file checked, one DAG built
    assert list(one.dags) == ["Month_close"]
    assert list((plan_cache / "folders").glob("*.json"))  # the worker wrote the index for next time
    assert serialised(one.dags["Month_close"]) == serialised(bag(folder).dags["Month_close"])


def test_another_folder_with_the_same_files_reuses_the_entries(tmp_path: Path) -> None:
    """A new checkout of a versioned DAG bundle: no index for its path, but every entry is already there."""
    from dataclasses import replace

    from glue_workflow_provider.compile.plan_cache import PlanCache, content_key

    first = dags_folder(tmp_path / "v1")
    bag(first)
    path = first / "workflows" / "month_close.yaml"
    cache = PlanCache.for_folder(first / "workflows")
    assert cache is not None
    key = content_key(path.read_bytes(), "yaml")
    entry = cache.get(key)
    assert entry is not None and entry.plan is not None
    cache.put(key, replace(entry, plan=replace(entry.plan, description="from the shared entry")))
    second = dags_folder(tmp_path / "v2")
    one = worker_bag(second, "Month_close")
    assert list(one.dags) == ["Month_close"] and one.dags["Month_close"].description == "from the shared entry"


def test_a_file_changed_after_the_index_is_read_again(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path)
    bag(folder)
    path = folder / "workflows" / "month_close.yaml"
    path.write_text(MONTH_CLOSE.replace("Description: Clean", "Description: Changed after indexing. Clean"))
    one = worker_bag(folder, "Month_close")
    assert one.dags["Month_close"].description.startswith("Changed after indexing.")
    assert serialised(one.dags["Month_close"]) == serialised(bag(folder).dags["Month_close"])


def test_a_same_size_rewrite_with_the_old_mtime_is_still_seen(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path)
    bag(folder)
    path = folder / "workflows" / "month_close.yaml"
    before = path.stat()
    path.write_text(MONTH_CLOSE.replace("Clean customer", "Clean CUSTOMER"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert "CUSTOMER" in worker_bag(folder, "Month_close").dags["Month_close"].description


def test_a_new_file_claiming_the_dag_id_first_wins_as_in_the_full_parse(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path)
    bag(folder)
    (folder / "workflows" / "aa_first.yaml").write_text(
        MONTH_CLOSE.replace("Description: Clean", "Description: Earlier file. Clean"))
    full = bag(folder)
    one = worker_bag(folder, "Month_close")
    assert one.dags["Month_close"].description.startswith("Earlier file.")
    assert serialised(one.dags["Month_close"]) == serialised(full.dags["Month_close"])


def test_a_placeholder_is_the_full_parse_placeholder(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path, {"broken.yaml": BROKEN})
    full = bag(folder)
    one = worker_bag(folder, "broken-flow")
    assert serialised(one.dags["broken-flow"]) == serialised(full.dags["broken-flow"])
    assert "invalid-definition" in one.dags["broken-flow"].tags


def test_strict_mode_with_an_invalid_file_fails_in_the_worker_too(tmp_path: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path, {"broken.yaml": BROKEN})
    bag(folder)
    monkeypatch.setenv("GLUE_AIRFLOW_STRICT", "1")
    one = worker_bag(folder, "Month_close")
    assert "Month_close" not in one.dags
    [message] = one.import_errors.values()
    assert "workflows/broken.yaml" in message


def test_an_unknown_dag_id_falls_back_to_the_full_parse(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path)
    full = bag(folder)
    one = worker_bag(folder, "no_such_dag")
    assert len(full.dags) == 6 and set(one.dags) == set(full.dags)
    assert all(serialised(one.dags[d]) == serialised(full.dags[d]) for d in full.dags)


def test_with_the_cache_disabled_the_worker_builds_everything(tmp_path: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path)
    monkeypatch.setenv("GLUE_AIRFLOW_PLAN_CACHE", "off")
    full = bag(folder)
    one = worker_bag(folder, "Month_close")
    assert len(full.dags) == 6 and set(one.dags) == set(full.dags)
    assert serialised(one.dags["Month_close"]) == serialised(full.dags["Month_close"])


# A worker that never parsed the folder (an empty plan cache): it reads every other file's dag_id only, and
# validates the one definition that owns the DAG it needs. Counted with LoadReport.validated, not timed.

EXTRA = {f"gen_{i}.yaml": WARNED.replace("warned-flow", f"generated-{i}") for i in range(6)}


def fresh_worker(folder: Path, dag_id: str, cache: Path) -> Any:
    """The loader as a worker's parse runs it (the parsing context names ``dag_id``), with its report."""
    from glue_workflow_provider.loader import load_dags

    namespace: dict[str, Any] = {}
    with parsing_context(dag_id):
        return load_dags(namespace, folder / "workflows", cache_dir=cache)


def test_a_fresh_worker_validates_only_the_definition_it_builds(tmp_path: Path) -> None:
    folder = dags_folder(tmp_path, EXTRA)
    full = bag(folder)
    assert len(full.dags) == 12
    for number, dag_id in enumerate(sorted(full.dag_ids)):
        report = fresh_worker(folder, dag_id, tmp_path / f"fresh-{number}")
        assert list(report.dags) == [dag_id] and len(report.validated) == 1, (dag_id, report.validated)
        assert serialised(report.dags[dag_id]) == serialised(full.dags[dag_id])
        again = fresh_worker(folder, dag_id, tmp_path / f"fresh-{number}")
        assert list(again.dags) == [dag_id] and again.validated == []  # its next task validates nothing


def test_a_dag_id_claimed_twice_goes_where_the_full_parse_puts_it(tmp_path: Path) -> None:
    earlier = MONTH_CLOSE.replace("Description: Clean", "Description: Earlier file. Clean")
    folder = dags_folder(tmp_path, {"aa_first.yaml": earlier, **EXTRA})
    full = bag(folder)
    report = fresh_worker(folder, "Month_close", tmp_path / "fresh")
    assert report.validated == ["workflows/aa_first.yaml"]
    assert report.dags["Month_close"].description.startswith("Earlier file.")
    assert serialised(report.dags["Month_close"]) == serialised(full.dags["Month_close"])
    clash = "invalid__workflows_month_close_yaml"  # the later file's placeholder: the full parse builds it
    report = fresh_worker(folder, clash, tmp_path / "fresh-clash")
    assert serialised(report.dags[clash]) == serialised(full.dags[clash]) and len(report.validated) == 13


def test_an_id_only_validation_can_tell_is_validated_and_a_broken_owner_is_built_as_the_full_parse(
        tmp_path: Path) -> None:
    dotted = WARNED.replace("warned-flow", "dotted-flow") + "Airflow: {dag_id: dotted.flow}\n"
    folder = dags_folder(tmp_path, {"dotted.yaml": dotted, "broken.yaml": BROKEN, **EXTRA})
    full = bag(folder)
    report = fresh_worker(folder, "Month_close", tmp_path / "fresh")
    assert sorted(report.validated) == ["workflows/dotted.yaml", "workflows/month_close.yaml"]
    assert list(report.dags) == ["Month_close"]
    report = fresh_worker(folder, "dotted.flow", tmp_path / "fresh-dotted")
    assert report.validated == ["workflows/dotted.yaml"] and list(report.dags) == ["dotted.flow"]
    report = fresh_worker(folder, "broken-flow", tmp_path / "fresh-broken")
    assert serialised(report.dags["broken-flow"]) == serialised(full.dags["broken-flow"])


def test_strict_mode_validates_every_file_of_a_fresh_worker(tmp_path: Path, monkeypatch) -> None:
    folder = dags_folder(tmp_path, EXTRA)
    monkeypatch.setenv("GLUE_AIRFLOW_STRICT", "1")  # an invalid file anywhere must fail the parse: all are read
    report = fresh_worker(folder, "Month_close", tmp_path / "fresh")
    assert list(report.dags) == ["Month_close"] and len(report.validated) == 12
