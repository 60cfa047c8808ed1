"""The distributed deployment (``./scripts/demo --executor celery``): PostgreSQL as the metadata database,
Redis as Celery's broker, CeleryExecutor, and Celery workers that share nothing with the other components
but the DAG bundle folder: each has its own ``AIRFLOW_HOME`` (created empty, as on a fresh disk), working
directory, plan cache and loopback address (its hostname, where the API server fetches its task logs).

A worker's plan cache can be its home's (the default), ``off``, or a folder it may read but not write (an
image's baked cache, a read-only volume): a read-only bind mount in a private mount namespace when we are
root (root ignores file modes), the folder's write bits removed otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from glue_workflow_provider.local.airflow_home import cache_dir
from glue_workflow_provider.local.ports import HOST_ENV, log_server_command, loopback
from glue_workflow_provider.local.postgres import PostgresCluster, template_name
from glue_workflow_provider.local.processes import Component
from glue_workflow_provider.local.redis import RedisServer

PLAN_CACHE_ENV = "GLUE_AIRFLOW_PLAN_CACHE"
#: Set in each worker's environment: the test's loader file records what each parse built.
WORKER_ENV = "GLUE_AIRFLOW_DEMO_WORKER"
READ_ONLY = "read-only"


@dataclass(frozen=True)
class WorkerSpec:
    """One Celery worker: ``cache`` is None (its home's plan cache), ``off``, or ``read-only``."""

    name: str
    cache: str | None = None
    concurrency: int = 8


@dataclass
class CeleryServices:
    """PostgreSQL and Redis for one deployment, and the commands of its Celery workers."""

    root: Path
    workers: tuple[WorkerSpec, ...] = (WorkerSpec("worker-1"), WorkerSpec("worker-2"))
    postgres: PostgresCluster = field(default_factory=PostgresCluster)
    redis: RedisServer | None = None

    def start(self) -> dict[str, str]:
        """Start PostgreSQL and Redis; return the settings that point every component at them."""
        self.postgres.start(cache_dir() / template_name())
        self.redis = RedisServer(self.root / "redis").start()
        return {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.postgres.url,
            "AIRFLOW__CELERY__BROKER_URL": self.redis.url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + self.postgres.url,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.workers[0].concurrency if self.workers else 8),
            # the broker holds a task for this long before giving it to another worker (default six hours)
            "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "21600",
        }

    def migrate(self, env: dict[str, str]) -> None:
        """Create Airflow's tables in the new database (``airflow db migrate``), unless it is a copy of a
        migrated one; keep a copy of a newly migrated one for the next start."""
        if self.postgres.from_template:
            return
        result = subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"], env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed on PostgreSQL: {result.stderr[-2000:]}")
        self.postgres.save_template(cache_dir() / template_name())

    def components(self, env: dict[str, str], log_port: int) -> list[Component]:
        """Each worker and its loopback log server, with a home of its own (made here, empty)."""
        made: list[Component] = []
        for index, spec in enumerate(self.workers, start=1):
            folder = self.root / "workers" / spec.name
            home = folder / "airflow-home"
            home.mkdir(parents=True, exist_ok=True)
            own = _worker_env(env, home, spec, loopback(index), self._cache(folder, spec))
            worker = [sys.executable, "-m", "airflow", "celery", "worker", "--skip-serve-logs",
                      "--celery-hostname", f"{spec.name}@%h", "--concurrency", str(spec.concurrency)]
            if spec.cache == READ_ONLY:
                fill_plan_cache(Path(own[PLAN_CACHE_ENV]), Path(env["AIRFLOW__CORE__DAGS_FOLDER"]), own)
                worker = read_only_command(Path(own[PLAN_CACHE_ENV]), worker)
            logs = self.root / "logs"
            made.append(Component(spec.name, worker, own, folder / "work", logs / f"{spec.name}.log"))
            made.append(Component(f"{spec.name}-log-server", log_server_command(loopback(index), log_port), own,
                                  folder / "work", logs / f"{spec.name}-log-server.log"))
        return made

    def _cache(self, folder: Path, spec: WorkerSpec) -> str:
        if spec.cache == "off":
            return "off"
        if spec.cache == READ_ONLY:
            cache = folder / "read-only-plan-cache"
            cache.mkdir(parents=True, exist_ok=True)
            return str(cache)
        return str(folder / "airflow-home" / "glue-airflow" / "plans")

    def stop(self) -> None:
        """Stop Redis and PostgreSQL (after the Airflow components)."""
        if self.redis is not None:
            self.redis.stop()
        self.postgres.stop()


def _worker_env(env: dict[str, str], home: Path, spec: WorkerSpec, host: str, cache: str) -> dict[str, str]:
    """A worker's environment: the shared settings, with its own home, logs, cache and address."""
    own = {k: v for k, v in env.items() if k not in ("GLUE_AIRFLOW_CACHE",)}
    own.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            HOST_ENV: host,
            PLAN_CACHE_ENV: cache,
            WORKER_ENV: spec.name,
        }
    )
    return own


def read_only_command(cache: Path, command: list[str]) -> list[str]:
    """``command`` run with ``cache`` read-only for it (and only for it)."""
    if os.geteuid() != 0:
        cache.chmod(0o555)
        return command
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(cache), *command]


def fill_plan_cache(cache: Path, dags_folder: Path, env: dict[str, str]) -> None:
    """Check every definition once into ``cache`` (as an image build would, before the cache goes read-only)."""
    code = (
        "import sys; from glue_workflow_provider.loader import load_dags; "
        "load_dags({}, sys.argv[1], cache_dir=sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", code, str(dags_folder / "workflows"), str(cache)], env=env,
                   check=True, capture_output=True)
