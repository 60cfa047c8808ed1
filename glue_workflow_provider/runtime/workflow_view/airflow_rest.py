"""Airflow's public REST API (v2), called by the view as the signed-in user: the user's own token goes with
every call, so the API's own authentication and permissions decide what the page may show.

The view runs inside the API server, so it calls the server it runs in: at the address of the socket the
page's request came in on, or at ``$GLUE_AIRFLOW_VIEW_API_URL`` (for a server that terminates TLS itself).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

API_URL_ENV = "GLUE_AIRFLOW_VIEW_API_URL"
TIMEOUT_SECONDS = 30.0
RUNS_SHOWN = 25


class AirflowApiError(Exception):
    """The REST API refused or failed a call; ``status`` is its HTTP status (401/403 for the user's rights)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def own_api_url(scope: Mapping[str, Any], root_path: str) -> str:
    """The API server's own URL as seen from inside it (``root_path``: Airflow's own prefix, often empty)."""
    configured = os.environ.get(API_URL_ENV)
    if configured:
        return configured.rstrip("/")
    host, port = scope.get("server") or ("127.0.0.1", 8080)
    host = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{host}:{port}{root_path}"


@dataclass
class AirflowRest:
    """The calls the view makes, each as the user whose ``token`` it holds."""

    base_url: str
    token: str
    client: httpx.Client | None = None

    def __enter__(self) -> AirflowRest:
        self.client = httpx.Client(
            base_url=f"{self.base_url}/api/v2", headers={"Authorization": f"Bearer {self.token}"}, timeout=TIMEOUT_SECONDS
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        """GET ``path`` under ``/api/v2``; None for a 404 when ``missing_ok``."""
        assert self.client is not None, "use AirflowRest as a context manager"
        response = self.client.get(path, params=dict(params or {}))
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise AirflowApiError(response.status_code, _detail(response))
        return response.json()

    def dag(self, dag_id: str) -> Any:
        """The DAG's details (display name, tags, ``fileloc``); None if there is no such DAG."""
        return self.get(f"/dags/{_q(dag_id)}/details", missing_ok=True)

    def glue_dags(self) -> list[dict[str, Any]]:
        """The DAGs tagged ``glue-workflow`` (every DAG the provider built)."""
        reply = self.get("/dags", {"tags": "glue-workflow", "limit": 100, "order_by": "dag_id"})
        return list(reply.get("dags", []))

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        """The DAG's latest runs, newest first."""
        reply = self.get(f"/dags/{_q(dag_id)}/dagRuns", {"limit": RUNS_SHOWN, "order_by": "-run_after"})
        return list(reply.get("dag_runs", []))

    def run(self, dag_id: str, run_id: str) -> Any:
        """One DAG run; None if there is no such run."""
        return self.get(f"/dags/{_q(dag_id)}/dagRuns/{_q(run_id)}", missing_ok=True)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """Every task instance of the run."""
        reply = self.get(f"/dags/{_q(dag_id)}/dagRuns/{_q(run_id)}/taskInstances", {"limit": 1000})
        return list(reply.get("task_instances", []))

    def fetch(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET ``path`` under ``/api/v2``, None for a 404 (runtime/node_record/rest.py reads records this way)."""
        return self.get(path, params, missing_ok=True)


def _q(part: str) -> str:
    return quote(part, safe="")


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)
