"""No local state: a worker that never parsed the folder, in a fresh process with a fresh ``AIRFLOW_HOME``,
parses the loader file as Airflow's task runner does (parsing context from the environment, Airflow's
``BundleDagBag``) with a plan cache it cannot write, with none, or with the default one in its new home.

Each parse runs in its own process (``worker_probe.py``), which watches, with audit hooks, every attempt to
write under the cache and the home: a read-only cache must be read and never written to (one debug line
says so, no warning), and a worker validates only the definition of the DAG it builds, counted by the
loader's own report (``LoadReport.validated``), not timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.local.distributed import fill_plan_cache, read_only_command
from tests.integration.definition_folders import dags_folder

pytestmark = pytest.mark.airflow

PROBE = Path(__file__).with_name("worker_probe.py")
#: The shipped loader, keeping its report where the probe can read it.
LOADER = LOADER_FILE_SOURCE.replace("load_dags(globals()", "report = load_dags(globals()")
#: Valid definitions without warnings: any warning or error a worker logs fails the test.
EXTRA = {f"gen_{i}.yaml": f"Workflow: {{Name: generated-{i}}}\nTriggers:\n"
         f"  - {{Name: go, Type: ON_DEMAND, Actions: [{{JobName: only-{i}}}]}}\n" for i in range(6)}
WANTED, OWNER = "Month_close", "workflows/month_close.yaml"
ALL = 12  # definitions in the folder


def _folder(tmp_path: Path) -> Path:
    folder = dags_folder(tmp_path, EXTRA)  # every file dated an hour back, as in a deployment
    (folder / "glue_workflows.py").write_text(LOADER)
    return folder


def _worker(tmp_path: Path, folder: Path, cache: str | None, *, read_only: Path | None = None) -> dict[str, Any]:
    """One worker parse for WANTED in a new process with a new, empty AIRFLOW_HOME."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GLUE_AIRFLOW", "_AIRFLOW"))}
    env.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "_AIRFLOW_PARSING_CONTEXT_DAG_ID": WANTED, "_AIRFLOW_PARSING_CONTEXT_TASK_ID": "De-duplicate"})
    if cache is not None:
        env["GLUE_AIRFLOW_PLAN_CACHE"] = cache
    watched = [str(home)] + ([cache] if cache not in (None, "off") else [])
    command = [sys.executable, str(PROBE), str(folder / "glue_workflows.py"), *watched]
    if read_only is not None:
        command = read_only_command(read_only, command)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    parse: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert parse["import_errors"] == {}, parse["import_errors"]
    assert not [m for name, level, m in parse["log"] if level in ("ERROR", "CRITICAL") or (
        level == "WARNING" and name == "glue_workflow_provider.compile.plan_cache")], parse["log"]
    parse["home"] = home
    return parse


def _cache_writes(parse: dict[str, Any], home: Path) -> list[str]:
    """Attempts to write anywhere but Airflow's own files in the home (airflow.cfg, logs)."""
    return [a for a in parse["attempts"] if str(home) not in a or "glue-airflow" in a]


def test_a_read_only_cache_is_read_and_never_written(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    cache = tmp_path / "image-cache"
    cache.mkdir()
    parse = _worker(tmp_path, folder, str(cache), read_only=cache)
    assert parse["dags"] == [WANTED] and parse["validated"] == [OWNER]
    assert _cache_writes(parse, parse["home"]) == [], "no write was even tried"
    assert [m for _, _, m in parse["log"] if "read-only" in m] == [
        f"Glue workflow plan cache {cache} is read-only here: it is read, nothing is written to it"]
    assert not any(cache.iterdir()) and not (parse["home"] / "glue-airflow").exists()


def test_a_read_only_cache_filled_at_image_build_saves_every_check(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    cache = tmp_path / "image-cache"
    fill_plan_cache(cache, folder, dict(os.environ))  # as an image build would, before the cache goes read-only
    before = sorted(str(p.relative_to(cache)) for p in cache.rglob("*"))
    parse = _worker(tmp_path, folder, str(cache), read_only=cache)
    assert parse["dags"] == [WANTED] and parse["validated"] == []
    assert _cache_writes(parse, parse["home"]) == [] and not any("read-only" in m for _, _, m in parse["log"])
    assert sorted(str(p.relative_to(cache)) for p in cache.rglob("*")) == before


def test_a_cache_folder_that_cannot_be_made_is_not_tried(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    volume = tmp_path / "read-only-volume"
    volume.mkdir()
    parse = _worker(tmp_path, folder, str(volume / "plans"), read_only=volume)
    assert parse["dags"] == [WANTED] and parse["validated"] == [OWNER]
    assert _cache_writes(parse, parse["home"]) == [] and not (volume / "plans").exists()


def test_with_caching_off_every_dag_is_built_and_nothing_kept(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    parse = _worker(tmp_path, folder, "off")
    assert len(parse["dags"]) == ALL and WANTED in parse["dags"] and len(parse["validated"]) == ALL
    assert _cache_writes(parse, parse["home"]) == [] and not (parse["home"] / "glue-airflow").exists()


def test_a_fresh_home_gets_its_own_cache_and_the_worker_validates_one_definition(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    parse = _worker(tmp_path, folder, None)
    assert parse["dags"] == [WANTED] and parse["validated"] == [OWNER]
    plans = parse["home"] / "glue-airflow" / "plans"
    assert [p.name for p in (plans / "entries").iterdir()] != [] and list((plans / "folders").iterdir())
    writes = _cache_writes(parse, parse["home"])
    assert writes and all(str(parse["home"] / "glue-airflow") in a for a in writes), "it wrote only its own cache"
