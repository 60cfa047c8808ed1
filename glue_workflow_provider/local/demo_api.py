"""The demo's client of Airflow's REST API (v2): log in, wait for a DAG, trigger it, wait for its run.

Kept apart from the process handling in ``demo.py`` so that the demo, the system tests and the benchmarks
drive Airflow only the way a user's tools would: through the public API.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from glue_workflow_provider.runtime.node_record.rest import run_path as rest_run_path

USER, PASSWORD = "admin", "admin"
WAIT_SECONDS = 300


def found(call: Any) -> Any:
    """``call()``, or None when the API answers 404."""
    try:
        return call()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def run_path(dag_id: str, run_id: str) -> str:
    """The REST path of one DAG run."""
    return f"/api/v2{rest_run_path(dag_id, run_id)}"


class AirflowApi:
    """REST calls against ``base_url`` as the demo user; ``check_alive`` is called while waiting."""

    token: str

    @property
    def base_url(self) -> str:
        """The API server's URL."""
        raise NotImplementedError

    def check_alive(self) -> None:
        """Raise when a component the caller depends on has died (nothing to check here)."""

    def logs_hint(self) -> str:
        """Where to look when waiting fails."""
        return "the component logs"

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call Airflow's REST API (v2) as the demo user."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def wait_for(self, what: str, probe: Any, timeout: float = WAIT_SECONDS) -> Any:
        """Poll ``probe`` until it returns a truthy value (or fail after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                value = probe()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                value = None
            if value:
                return value
            time.sleep(2)
        raise TimeoutError(f"timed out waiting for {what}; see {self.logs_hint()}")

    def login(self) -> None:
        """Get an API token for the demo user."""
        self.wait_for("the API server", lambda: self.request("GET", "/api/v2/monitor/health"))
        reply = self.request("POST", "/auth/token", {"username": USER, "password": PASSWORD})
        self.token = reply["access_token"]

    def wait_parsed(self, dag_id: str, timeout: float = WAIT_SECONDS) -> None:
        """Wait until the DAG processor has serialized ``dag_id``."""
        path = f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}"
        self.wait_for(f"DAG {dag_id} to be parsed", lambda: found(lambda: self.request("GET", path)), timeout)

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        """Wait until ``dag_id`` is parsed, unpause it, start a run; return its run id."""
        self.wait_parsed(dag_id)
        path = f"/api/v2/dags/{urllib.parse.quote(dag_id, safe='')}"
        self.request("PATCH", path, {"is_paused": False})
        body: dict[str, Any] = {"logical_date": None}
        if conf:
            body["conf"] = conf
        run = self.request("POST", f"{path}/dagRuns", body)
        return str(run["dag_run_id"])

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        """Wait until the run has finished; return it."""

        def finished() -> Any:
            run = self.request("GET", run_path(dag_id, run_id))
            return run if run["state"] in ("success", "failed") else None

        run: dict[str, Any] = self.wait_for(f"run {run_id}", finished, timeout)
        return run

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """Every task instance of the run (one page holds them: the limit is raised)."""
        reply = self.request("GET", f"{run_path(dag_id, run_id)}/taskInstances?limit=1000")
        return list(reply["task_instances"])

    def task_states(self, dag_id: str, run_id: str) -> list[tuple[str, str]]:
        """(display name, state) of each task of the run."""
        items = self.task_instances(dag_id, run_id)
        return sorted((item.get("task_display_name") or item["task_id"], str(item["state"])) for item in items)

    def fetch(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET ``path`` under ``/api/v2``; None when the API answers 404 (runtime/node_record/rest.py reads this way).
        Values are read as stored, not with ``?deserialize=true``: Airflow 3.0 refuses it by default."""
        query = f"?{urllib.parse.urlencode(dict(params))}" if params else ""
        return found(lambda: self.request("GET", f"/api/v2{path}{query}"))
