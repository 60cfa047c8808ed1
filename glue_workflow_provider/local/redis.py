"""A private Redis for the distributed demo (Celery's broker): Debian's ``redis-server`` on a free loopback
port, no persistence, no Unix socket, stopped with the demo. ``scripts/apt/distributed.txt`` lists it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from glue_workflow_provider.local.endpoint import stop_process
from glue_workflow_provider.local.ports import LOOPBACK, free_port

START_TIMEOUT_SECONDS = 30


@dataclass
class RedisServer:
    """One running ``redis-server`` whose working folder (and log) is ``folder``."""

    folder: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Celery's broker URL."""
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait until it accepts connections."""
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed: install Debian's 'redis-server' package")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        command = [
            executable, "--bind", LOOPBACK, "--port", str(self.port), "--save", "", "--appendonly", "no",
            "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log"), "--protected-mode", "yes",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited ({self.process.returncode}); see {self.folder / 'redis.log'}")
            if _answers(self.port):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def stop(self) -> None:
        """Stop the server."""
        stop_process(self.process)
        self.process = None


def _answers(port: int) -> bool:
    """Whether Redis answers PING on ``port``."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
