"""The demo: a real Airflow (API server, scheduler, DAG processor, triggerer; SQLite, LocalExecutor) on a
dags folder, the local Glue endpoint, and one triggered run of the seed example. Ctrl-C stops everything.

Run it with ``./scripts/demo`` (which installs what it needs first), or
``python -m glue_workflow_provider.local.demo --dags-folder dags``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from glue_workflow_provider.compile.discovery import definition_files
from glue_workflow_provider.local.airflow_home import airflow_environment, prepare_home
from glue_workflow_provider.local.endpoint import (
    LOCAL_CREDENTIALS,
    REGION,
    LocalGlueEndpoint,
)
from glue_workflow_provider.sources.definition_file import load_definition

SEED_DAG_ID = "Month_close"
USER, PASSWORD = "admin", "admin"
COMPONENTS = (("api-server", "--port"), ("scheduler", None), ("dag-processor", None), ("triggerer", None))
WAIT_SECONDS = 300


@dataclass
class Demo:
    """The running demo: its processes, endpoint and API session."""

    dags_folder: Path
    home: Path
    port: int = 8080
    running_seconds: float = 5.0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    endpoint: LocalGlueEndpoint | None = None
    token: str = ""
    #: More settings for every component (tests shorten Airflow's timeouts with these).
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"

    def environment(self) -> dict[str, str]:
        """Every component's environment: one Airflow home, one JWT secret, the endpoint's AWS connection."""
        assert self.endpoint is not None
        env = dict(os.environ)
        env.update(airflow_environment(self.home, log_level="INFO"))
        env.update(LOCAL_CREDENTIALS)
        env.update(
            {
                "AWS_DEFAULT_REGION": REGION,
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": "8",
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                # One key for every component: started together, they would otherwise race to write
                # airflow.cfg with a random key and fail to read each other's trigger arguments.
                "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__API__BASE_URL": self.base_url,
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.home / "passwords.json"),
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "10",
                "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
                "AIRFLOW_CONN_AWS_DEFAULT": self.endpoint.connection_uri(),
                "GLUE_AIRFLOW_RUN_PROPERTIES_URI": self.endpoint.ensure_run_properties_bucket(),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        """Start the endpoint and the four Airflow components (logs under ``home/logs``)."""
        if self.home.exists():
            shutil.rmtree(self.home)
        prepare_home(self.home)
        (self.home / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
        self.endpoint = LocalGlueEndpoint(running_seconds=self.running_seconds).start()
        self.deploy_definitions()
        env = self.environment()
        logs = self.home / "logs"
        logs.mkdir(exist_ok=True)
        for name, port_flag in COMPONENTS:
            command = [sys.executable, "-m", "airflow", name] + ([port_flag, str(self.port)] if port_flag else [])
            log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            self.processes[name] = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def deploy_definitions(self) -> list[str]:
        """Create on the endpoint the jobs and crawlers of every valid definition (new files included)."""
        assert self.endpoint is not None
        deployed = []
        for path in definition_files(self.dags_folder / "workflows"):
            result = load_definition(path)
            if result.ok and result.definition is not None:
                self.endpoint.deploy(result.definition)
                self.endpoint.steer(result.definition)
                deployed.append(result.definition.name)
        return deployed

    def stop(self) -> None:
        """Stop every process and its children (each component runs in its own process group, so the
        scheduler's LocalExecutor workers and log server go too), then the endpoint."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
        time.sleep(1)
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)
        if self.endpoint is not None:
            self.endpoint.stop()

    def check_alive(self) -> None:
        """Fail loudly (pointing at the log) if a component died."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"airflow {name} exited ({process.returncode}); see {self.home / 'logs' / name}.log")

    # -- the REST API ----------------------------------------------------------------------------------------

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
        raise TimeoutError(f"timed out waiting for {what}; component logs are in {self.home / 'logs'}")

    def login(self) -> None:
        """Get an API token for the demo user."""
        self.wait_for("the API server", lambda: self.request("GET", "/api/v2/monitor/health"))
        reply = self.request("POST", "/auth/token", {"username": USER, "password": PASSWORD})
        self.token = reply["access_token"]

    def trigger(self, dag_id: str) -> str:
        """Wait until ``dag_id`` is parsed, unpause it, start a run; return its run id."""
        self.wait_for(f"DAG {dag_id} to be parsed", lambda: _found(lambda: self.request("GET", f"/api/v2/dags/{dag_id}")))
        self.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
        run = self.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        return str(run["dag_run_id"])

    def wait_for_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        """Wait until the run has finished; return it."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"

        def finished() -> Any:
            run = self.request("GET", path)
            return run if run["state"] in ("success", "failed") else None

        run: dict[str, Any] = self.wait_for(f"run {run_id}", finished)
        return run

    def task_states(self, dag_id: str, run_id: str) -> list[tuple[str, str]]:
        """(display name, state) of each task of the run."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances"
        items = self.request("GET", path)["task_instances"]
        return sorted((item.get("task_display_name") or item["task_id"], str(item["state"])) for item in items)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the process's whole group (it leads one: started with a new session)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _found(call: Any) -> Any:
    try:
        return call()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


@contextmanager
def running(demo: Demo) -> Iterator[Demo]:
    """Start the demo and always stop it, on errors and on Ctrl-C too."""
    try:
        demo.start()
        yield demo
    finally:
        demo.stop()


def main(argv: list[str] | None = None) -> int:
    """Start everything, trigger the seed example, print what happened, and keep running until Ctrl-C."""
    parser = argparse.ArgumentParser(description="glue-airflow demo: Airflow + the local Glue endpoint")
    parser.add_argument("--dags-folder", type=Path, default=Path("dags"))
    parser.add_argument("--home", type=Path, default=Path(".demo") / "airflow-home")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--running-seconds", type=float, default=5.0, help="how long each job run stays RUNNING")
    parser.add_argument("--once", action="store_true", help="stop after the seed example's run (for tests)")
    args = parser.parse_args(argv)
    demo = Demo(args.dags_folder.resolve(), args.home.resolve(), args.port, args.running_seconds)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with running(demo):
            return _show(demo, once=args.once)
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0


def _show(demo: Demo, *, once: bool) -> int:
    assert demo.endpoint is not None
    print(f"Local Glue endpoint: {demo.endpoint.url}")
    print("Starting Airflow (API server, scheduler, DAG processor, triggerer) ...", flush=True)
    demo.login()
    print(f"\nAirflow UI: {demo.base_url}   login: {USER} / {PASSWORD}\n", flush=True)
    run_id = demo.trigger(SEED_DAG_ID)
    print(f"Triggered {SEED_DAG_ID} ({run_id}); waiting for it to finish ...", flush=True)
    run = demo.wait_for_run(SEED_DAG_ID, run_id)
    print(f"{SEED_DAG_ID}: {run['state']}")
    for name, state in demo.task_states(SEED_DAG_ID, run_id):
        print(f"  {name:<24} {state}")
    if once:
        return 0 if run["state"] == "success" else 1
    print(f"\nDrop definitions into {demo.dags_folder / 'workflows'}: they appear as DAGs within a minute.")
    print("Press Ctrl-C to stop.", flush=True)
    while True:
        time.sleep(5)
        demo.check_alive()
        demo.deploy_definitions()


if __name__ == "__main__":
    sys.exit(main())
