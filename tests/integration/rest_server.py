"""Airflow's own REST API (v2), served in this process on a free loopback port, over the session's metadata
database: what ``status``, the demo report and the workflow view read, without starting an Airflow stack."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RestServer:
    """The server's URL and a token for it (every user is an admin here)."""

    url: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def airflow_rest_api() -> Iterator[RestServer]:
    """Serve ``airflow.api_fastapi.app.create_app()`` with the simple auth manager, all users admins."""
    import json

    import uvicorn
    from airflow.configuration import conf

    saved = conf.get("core", "simple_auth_manager_all_admins", fallback="False")
    conf.set("core", "simple_auth_manager_all_admins", "True")
    from airflow.api_fastapi.app import create_app, purge_cached_app

    purge_cached_app()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app("core"), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="airflow-rest-api", daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("Airflow's REST API did not start in 60 s")
            time.sleep(0.1)
        with urllib.request.urlopen(f"{url}/auth/token", timeout=30) as reply:
            token = str(json.loads(reply.read())["access_token"])
        yield RestServer(url, token)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        conf.set("core", "simple_auth_manager_all_admins", saved)
        purge_cached_app()
