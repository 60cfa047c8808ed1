"""A small client of Airflow's public REST API (v2): a token from ``/auth/token``, then JSON calls.

Credentials: a token (``AIRFLOW_API_TOKEN``), or a user and password (``--username``/``--password`` or
``AIRFLOW_USERNAME``/``AIRFLOW_PASSWORD``) exchanged for one, as the Airflow UI does.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.runtime.node_record.rest import run_path as rest_run_path

DEFAULT_API_URL = "http://localhost:8080"


class AirflowApi:
    """Calls to one Airflow API server."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def connect(cls, base_url: str, username: str | None = None, password: str | None = None) -> AirflowApi:
        """A client with a token: ``AIRFLOW_API_TOKEN``, or one issued for the user and password."""
        username = username or os.environ.get("AIRFLOW_USERNAME")
        password = password or os.environ.get("AIRFLOW_PASSWORD")
        api = cls(base_url, None if username else os.environ.get("AIRFLOW_API_TOKEN"))
        if api.token is None and username:
            reply = api.call("POST", "/auth/token", {"username": username, "password": password or ""})
            api.token = str(reply["access_token"])
        return api

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One JSON call; an HTTP or connection error becomes a SourceError naming the URL."""
        url = f"{self.base_url}{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise SourceError(f"{method} {url}: HTTP {exc.code} {detail}") from exc
        except OSError as exc:
            raise SourceError(f"{method} {url}: {exc}") from exc
        return json.loads(text) if text else None

    def get(self, path: str, **query: Any) -> Any:
        """GET ``path`` with query parameters."""
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return self.call("GET", path + suffix)

    def fetch(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET ``path`` under ``/api/v2``; None when the API answers 404 (runtime/node_record/rest.py reads this way)."""
        try:
            return self.get(f"/api/v2{path}", **params)
        except SourceError as exc:
            if "HTTP 404" in str(exc):
                return None
            raise


def run_path(dag_id: str, run_id: str) -> str:
    """The REST path of a DAG run."""
    return f"/api/v2{rest_run_path(dag_id, run_id)}"
