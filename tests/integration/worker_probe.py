"""Parse a loader file in this (fresh) process as an Airflow worker does before it runs a task: the parsing
context comes from the environment (``_AIRFLOW_PARSING_CONTEXT_DAG_ID`` / ``_TASK_ID``, as the task runner
sets it) and Airflow's own ``BundleDagBag`` reads the file. Prints one JSON line: the DAGs built, import
errors, what the loader validated, every attempt to write under the watched folders (seen by audit hooks:
opening for writing, mkdir, rename or replace, remove, mkstemp), and the loader's log records.

Usage: ``python worker_probe.py LOADER_FILE WATCHED_FOLDER...``
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PATH_EVENTS = ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "tempfile.mkstemp", "os.truncate", "os.chmod")
WATCHED = [os.path.realpath(folder) for folder in sys.argv[2:]]
ATTEMPTS: list[str] = []


def _watched(path: Any) -> bool:
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    real = os.path.realpath(os.fsdecode(path))
    return any(real == folder or real.startswith(folder + os.sep) for folder in WATCHED)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(int(flags or 0) & _WRITE_FLAGS)
        if writing and _watched(path):
            ATTEMPTS.append(f"open {os.fsdecode(path)}")
    elif event in _PATH_EVENTS and args and _watched(args[0]):
        ATTEMPTS.append(f"{event} {os.fsdecode(args[0])}")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record.name, record.levelname, record.getMessage()))


def main() -> None:
    loader = Path(sys.argv[1])
    import runpy  # the probe runs as a script: the tests' compat module by its path, not as tests.airflow_compat

    BundleDagBag = runpy.run_path(str(Path(__file__).resolve().parents[1] / "airflow_compat.py"))["bundle_dag_bag"]

    records = _Records()
    logger = logging.getLogger("glue_workflow_provider")
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    sys.addaudithook(_audit)
    bag = BundleDagBag(dag_folder=str(loader), safe_mode=False, load_op_links=False, bundle_path=loader.parent,
                       bundle_name="probe")
    module = next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == str(loader))
    print(json.dumps({"dags": sorted(bag.dag_ids), "import_errors": dict(bag.import_errors),
                      "validated": module.report.validated, "attempts": ATTEMPTS, "log": records.seen}))


if __name__ == "__main__":
    main()
