"""The demo's processes: each component starts in a session of its own, so stopping its process group
stops its children too (the executor's workers, the log servers, a Celery worker's pool)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Component:
    """One process to start: its command, environment and working directory; its log goes to ``log``."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    def start(self) -> subprocess.Popen[bytes]:
        """Start the process (output to its log file)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.cwd.mkdir(parents=True, exist_ok=True)
        log = open(self.log, "wb")  # noqa: SIM115 - the child keeps it; closed when we exit
        return subprocess.Popen(
            self.command,
            env={**self.env, **self.extra},
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the process's whole group (it leads one: started with a new session)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_all(processes: Iterable[subprocess.Popen[bytes]], grace: float = 20) -> None:
    """SIGTERM every group, give them ``grace`` seconds in all, then SIGKILL what is left."""
    processes = list(processes)
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
    time.sleep(1)
    for process in processes:
        signal_group(process, signal.SIGKILL)
        if process.poll() is None:
            process.wait(timeout=10)
