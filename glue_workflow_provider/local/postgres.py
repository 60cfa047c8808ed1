"""A private PostgreSQL cluster for the distributed demo: ``initdb`` in a folder of its own, the server on a
loopback port with no Unix socket outside that folder, stopped with the demo.

PostgreSQL refuses to run as root, so when the demo runs as root (containers, CI) the cluster belongs to
``nobody`` and its commands run through ``runuser``. The Debian ``postgresql`` package provides the
binaries (under /usr/lib/postgresql/VERSION/bin); ``scripts/apt/distributed.txt`` lists it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from glue_workflow_provider.local.ports import LOOPBACK, free_port

DEBIAN_ROOT = Path("/usr/lib/postgresql")
DATABASE, USER = "airflow", "airflow"
UNPRIVILEGED = "nobody"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries were found."""


def template_name() -> str:
    """The name of a migrated cluster kept for reuse: by PostgreSQL and Airflow versions."""
    from importlib.metadata import version

    return f"postgres-{binaries().parts[-2]}-airflow-{version('apache-airflow')}"


def binaries() -> Path:
    """The folder holding initdb and pg_ctl (the newest Debian version, else the ones on PATH)."""
    versions = sorted(DEBIAN_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed: install Debian's 'postgresql' package (./scripts/install does, as root)"
    )


@dataclass
class PostgresCluster:
    """One running cluster in a fresh temporary folder (owned by ``nobody`` when we are root, so that it
    is reachable by that user without changing the permissions of any folder of the caller's)."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="glue-airflow-postgres-")))
    port: int = 0
    from_template: bool = False

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the Airflow database (trust authentication, loopback only)."""
        return f"postgresql+psycopg2://{USER}@{LOOPBACK}:{self.port}/{DATABASE}"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def start(self, template: Path | None = None) -> PostgresCluster:
        """Start the server on a free loopback port: from a copy of ``template`` (a stopped cluster's data
        folder, see ``save_template``) when it exists, else a new cluster with an empty Airflow database."""
        self.folder.chmod(0o700)
        self._own(self.folder)
        self.port = self.port or free_port()
        self.from_template = template is not None and template.is_dir()
        if self.from_template:
            assert template is not None
            subprocess.run(["cp", "-a", str(template), str(self.data)], check=True)
        else:
            self._run([str(binaries() / "initdb"), "-D", str(self.data), "--auth=trust", "-U", USER, "-E", "UTF8"])
        self._server("start")
        if not self.from_template:
            self._run([str(binaries() / "createdb"), "-h", LOOPBACK, "-p", str(self.port), "-U", USER, DATABASE])
        return self

    def save_template(self, template: Path) -> None:
        """Keep a copy of this cluster's data (stopped for the copy, then started again) as ``template``:
        migrating Airflow's tables takes a minute, copying them a second."""
        self._server("stop")
        staging = template.with_name(f"{template.name}.staging-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        subprocess.run(["cp", "-a", str(self.data), str(staging)], check=True)
        try:
            os.replace(staging, template)
        except OSError:  # another demo saved it first
            shutil.rmtree(staging, ignore_errors=True)
        self._server("start")

    def _server(self, action: str) -> None:
        options = (
            f"-h {LOOPBACK} -p {self.port} -k {self.folder} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300"
        )
        log = str(self.folder / "postgres.log")
        pg_ctl = [str(binaries() / "pg_ctl"), "-D", str(self.data), "-w"]
        self._run(pg_ctl + (["-o", options, "-l", log, "start"] if action == "start" else ["-m", "fast", "stop"]))

    def stop(self) -> None:
        """Stop the server (fast shutdown: disconnect clients, no waiting on them)."""
        if self.data.exists() and (self.data / "postmaster.pid").exists():
            bin_dir = binaries()
            self._run([str(bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str], *, check: bool = True) -> None:
        prefix = ["runuser", "-u", UNPRIVILEGED, "--"] if os.geteuid() == 0 else []
        result = subprocess.run(prefix + command, capture_output=True, text=True, cwd=self.folder, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:1])} failed ({result.returncode}): {result.stderr.strip()}")

    @staticmethod
    def _own(folder: Path) -> None:
        """Give the cluster's folder to ``nobody`` when we are root (PostgreSQL will not run as root)."""
        if os.geteuid() == 0:
            shutil.chown(folder, user=UNPRIVILEGED)
