"""A throwaway Airflow for local runs: its own AIRFLOW_HOME, a SQLite metadata DB and a DAG bundle folder.

Airflow reads its configuration when it is first imported, so ``configure`` must run before anything
imports ``airflow``. Migrating a fresh SQLite DB takes seconds, so a migrated copy is kept per Airflow
version in the user's cache and copied into each new home.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from glue_workflow_provider.loader_file import LOADER_FILE_NAME, LOADER_FILE_SOURCE

CACHE_ENV = "GLUE_AIRFLOW_CACHE"


def cache_dir() -> Path:
    """Where migrated template databases are kept (``$GLUE_AIRFLOW_CACHE`` or ``~/.cache/glue-airflow``)."""
    root = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "glue-airflow")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def airflow_environment(home: Path, *, log_level: str = "WARNING") -> dict[str, str]:
    """The environment of an Airflow that lives entirely in ``home`` (dags folder ``home/dags``)."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": log_level,
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__EXPOSE_CONFIG": "False",
        "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP": r"(airflow|glue_workflow_provider)\..*",
        # A definition changed between two local runs is written at once (runtime/airflow_internals.write_bundle_dags).
        "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "0",
    }


def prepare_home(home: Path, *, log_level: str = "WARNING") -> dict[str, str]:
    """Create ``home`` with a migrated DB and a dags folder holding the loader; return its environment."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dags" / "workflows").mkdir(parents=True, exist_ok=True)
    (home / "dags" / LOADER_FILE_NAME).write_text(LOADER_FILE_SOURCE, encoding="utf-8")
    env = airflow_environment(home, log_level=log_level)
    database = home / "airflow.db"
    if not database.exists():
        shutil.copyfile(_template_database(), database)
    return env


def configure(home: Path, *, log_level: str = "WARNING") -> dict[str, str]:
    """Prepare ``home`` and point this process's (not yet imported) Airflow at it."""
    if "airflow" in sys.modules and os.environ.get("AIRFLOW_HOME") != str(home):
        raise RuntimeError("configure() must run before airflow is imported")
    env = prepare_home(home, log_level=log_level)
    os.environ.update(env)
    return env


def _template_database() -> Path:
    """A migrated SQLite DB for this Airflow version, made once (under a lock) and reused."""
    template = cache_dir() / f"airflow-{version('apache-airflow')}-template.db"
    if template.exists():
        return template
    with open(cache_dir() / "template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            staging = cache_dir() / f"staging-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            env = {**os.environ, **airflow_environment(staging)}
            subprocess.run(
                [sys.executable, "-m", "airflow", "db", "migrate"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            os.replace(staging / "airflow.db", template)
            shutil.rmtree(staging, ignore_errors=True)
    return template
