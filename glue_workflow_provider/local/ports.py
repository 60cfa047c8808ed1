"""Loopback ports and log servers for the demo, so that two demos (and the test stacks) can run side by side.

Airflow's own log servers (the scheduler's, the triggerer's, a Celery worker's) listen on every interface
on fixed ports (8793, 8794). The demo starts its components with ``--skip-serve-logs`` and runs the same
log server application here, bound to one loopback address on a port chosen free. A Celery worker gets an
address of its own (127.0.0.2, ...) and reports it as its hostname, so the API server fetches each task's
log from the worker that ran it while every worker uses the one ``worker_log_server_port``.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from dataclasses import dataclass

from glue_workflow_provider.local.endpoint import LocalGlueEndpoint

#: The loopback address a component reports as its hostname (read by ``worker_hostname``).
HOST_ENV = "GLUE_AIRFLOW_DEMO_HOST"
LOOPBACK = "127.0.0.1"


def loopback(index: int) -> str:
    """The ``index``-th loopback address (0: 127.0.0.1); Linux routes all of 127.0.0.0/8 to lo."""
    return f"127.0.0.{index + 1}"


def is_free(port: int, hosts: tuple[str, ...] = (LOOPBACK,)) -> bool:
    """Whether ``port`` can be bound on every one of ``hosts``."""
    for host in hosts:
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                return False
    return True


def free_port(hosts: tuple[str, ...] = (LOOPBACK,)) -> int:
    """A port free on every one of ``hosts`` (the kernel picks it on the first)."""
    while True:
        with socket.socket() as sock:
            sock.bind((hosts[0], 0))
            port = int(sock.getsockname()[1])
        if is_free(port, hosts):
            return port


def port_near(preferred: int, hosts: tuple[str, ...] = (LOOPBACK,)) -> int:
    """``preferred`` when it is free (a stable port users can write into files), else a free one."""
    return preferred if 0 < preferred < 65536 and is_free(preferred, hosts) else free_port(hosts)


def worker_hostname() -> str:
    """Airflow's ``[core] hostname_callable`` for the demo's components: their loopback address."""
    return os.environ.get(HOST_ENV, LOOPBACK)


HOSTNAME_CALLABLE = f"{__name__}.worker_hostname"


@dataclass
class PinnedEndpoint(LocalGlueEndpoint):
    """The local Glue endpoint on a port the caller chose (``port`` 0: any free port)."""

    port: int = 0

    def start(self) -> PinnedEndpoint:
        """Start the server process on ``self.port`` and wait until it listens."""
        return self.start_on(self.port)


def log_server_command(host: str, port: int) -> list[str]:
    """The command that serves this Airflow's log folder on ``host:port`` only."""
    return [sys.executable, "-m", __name__, "--host", host, "--port", str(port)]


def serve_logs(host: str, port: int) -> None:
    """Airflow's log server application (the one ``airflow scheduler`` starts), on one address."""
    from glue_workflow_provider.version_compat import AIRFLOW_V_3_1_PLUS

    if not AIRFLOW_V_3_1_PLUS:  # 3.0's log server is a Flask application
        from airflow.utils.serve_logs import create_app
        from werkzeug.serving import run_simple

        run_simple(host, port, create_app(), threaded=True)  # type: ignore[no-untyped-call]
        return
    import uvicorn

    uvicorn.run(
        "airflow.utils.serve_logs.log_server:get_app",
        host=host,
        port=port,
        log_level="warning",
        log_config=None,
        access_log=False,
        factory=True,
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m glue_workflow_provider.local.ports --host H --port P``: a loopback log server."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=LOOPBACK)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    serve_logs(args.host, args.port)


if __name__ == "__main__":
    main()
