"""The demo: a real Airflow (API server, scheduler, DAG processor, triggerer) on a dags folder, the local Glue
endpoint, and one triggered run of the seed example. Ctrl-C stops everything.

``--executor local`` (the default): SQLite and LocalExecutor in one Airflow home. ``--executor celery``: the
distributed deployment of ``distributed.py`` (PostgreSQL, Redis, two Celery workers with homes of their own).
Everything listens on loopback only: the API server on ``--port``, the endpoint on the next port when free
(so queue URLs written into definitions stay valid from one start to the next), log servers on free ports.

Run it with ``./scripts/demo`` (which installs what it needs first), or
``python -m glue_workflow_provider.local.demo --dags-folder dags``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from glue_workflow_provider.compile.discovery import definition_files
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.local.airflow_home import airflow_environment, prepare_home
from glue_workflow_provider.local.demo_api import PASSWORD, USER, AirflowApi, found
from glue_workflow_provider.local.distributed import CeleryServices, WorkerSpec
from glue_workflow_provider.local.endpoint import LOCAL_CREDENTIALS, REGION, LocalGlueEndpoint
from glue_workflow_provider.local.ports import (
    HOSTNAME_CALLABLE,
    LOOPBACK,
    PinnedEndpoint,
    free_port,
    log_server_command,
    port_near,
)
from glue_workflow_provider.local.processes import Component, stop_all
from glue_workflow_provider.local.runner import OutcomeError, check_outcomes
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.sources.definition_file import load_definition

SEED_DAG_ID = "Month_close"
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
_found = found  # the name the system tests import
__all__ = ["Demo", "SEED_DAG_ID", "running", "_found"]


@dataclass
class Demo(AirflowApi):
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
    #: How jobs and crawlers end (``--outcome NAME=STATE``); every other node SUCCEEDED.
    outcomes: dict[str, str] = field(default_factory=dict)
    executor: str = "local"
    workers: tuple[WorkerSpec, ...] = (WorkerSpec("worker-1"), WorkerSpec("worker-2"))
    services: CeleryServices | None = None
    #: The valid definitions last deployed: dag_id -> (definition, plan).
    deployed: dict[str, tuple[Definition, DagPlan]] = field(default_factory=dict)
    log_port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def logs_hint(self) -> str:
        return str(self.home / "logs")

    def environment(self) -> dict[str, str]:
        """Every component's environment: one JWT secret and Fernet key, the endpoint's AWS connection."""
        assert self.endpoint is not None
        env = dict(os.environ)
        env.update(airflow_environment(self.home, log_level="INFO"))
        env.update(LOCAL_CREDENTIALS)
        env.update(
            {
                "AWS_DEFAULT_REGION": REGION,
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": "8" if self.executor == "local" else "64",
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                # One key for every component: started together, they would otherwise race to write
                # airflow.cfg with a random key and fail to read each other's trigger arguments.
                "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__API__BASE_URL": self.base_url,
                "AIRFLOW__API__HOST": LOOPBACK,
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE,
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self.log_port),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.log_port),
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
        """Start the endpoint (and PostgreSQL and Redis for Celery), then the Airflow components."""
        if self.home.exists():
            shutil.rmtree(self.home)
        prepare_home(self.home)
        (self.home / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
        self.endpoint = PinnedEndpoint(
            running_seconds=self.running_seconds, port=port_near(self.port + 1), log_path=self.home / "logs" / "glue-endpoint.log"
        ).start()
        self.log_port = free_port(tuple(f"127.0.0.{i + 1}" for i in range(len(self.workers) + 1)))
        self.deploy_definitions()
        env = self.environment()
        extra: list[Component] = []
        if self.executor == "celery":
            self.services = CeleryServices(self.home, self.workers)
            env.update(self.services.start())
            env.update(self.extra_env)
            self.services.migrate(env)
            extra = self.services.components(env, self.log_port)
        for component in self._components(env) + extra:
            self.processes[component.name] = component.start()

    def _components(self, env: dict[str, str]) -> list[Component]:
        """The four Airflow components, and one loopback log server for this home's task and trigger logs."""
        logs = self.home / "logs"
        made = []
        for name in COMPONENTS:
            command = [sys.executable, "-m", "airflow", name]
            if name == "api-server":
                command += ["--host", LOOPBACK, "--port", str(self.port)]
            elif name in ("scheduler", "triggerer"):
                command.append("--skip-serve-logs")
            made.append(Component(name, command, env, self.home, logs / f"{name}.log"))
        made.append(Component("log-server", log_server_command(LOOPBACK, self.log_port), env, self.home,
                              logs / "log-server.log"))
        return made

    def deploy_definitions(self) -> list[str]:
        """Create on the endpoint the jobs, crawlers and event and state-change queues of every valid definition
        (new files included), and make each node end as ``outcomes`` says; return the workflows' names."""
        assert self.endpoint is not None
        deployed = []
        for definition in valid_definitions(self.dags_folder):
            self.endpoint.deploy(definition)
            self.endpoint.steer(definition, outcomes_of(definition, self.outcomes))
            if definition.airflow.event_queue_url:
                self.endpoint.client("sqs").create_queue(QueueName=queue_name(definition.airflow.event_queue_url))
            if definition.airflow.state_change_queue_url:  # with the rule that sends Glue's state changes there
                self.endpoint.state_change_queue(queue_name(definition.airflow.state_change_queue_url))
            plan = plan_workflow(definition).plan
            if plan is not None:
                self.deployed[plan.dag_id] = (definition, plan)
            deployed.append(definition.name)
        return deployed

    def stop(self) -> None:
        """Stop every component with its children, then the endpoint, Redis and PostgreSQL."""
        stop_all(self.processes.values())
        if self.endpoint is not None:
            self.endpoint.stop()
        if self.services is not None:
            self.services.stop()

    def check_alive(self) -> None:
        """Fail loudly (pointing at the log) if a component died."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"airflow {name} exited ({process.returncode}); see {self.home / 'logs' / name}.log")


def queue_name(url: str) -> str:
    """An SQS queue URL's name (its last path segment): the queue the endpoint serves under that URL."""
    return url.rsplit("/", 1)[1]


def valid_definitions(dags_folder: Path) -> list[Definition]:
    """The valid definitions under ``dags_folder/workflows`` (the loader reports the others)."""
    loaded = (load_definition(path) for path in definition_files(dags_folder / "workflows"))
    return [result.definition for result in loaded if result.ok and result.definition is not None]


def outcomes_of(definition: Definition, outcomes: Mapping[str, str]) -> dict[str, str]:
    """The outcomes that name nodes of ``definition``."""
    nodes = definition.node_types()
    return {name: state for name, state in outcomes.items() if name in nodes}


def check_demo_outcomes(definitions: list[Definition], outcomes: Mapping[str, str]) -> None:
    """Every ``--outcome`` names a job or crawler of some definition and a state it can end in."""
    known = {name for definition in definitions for name in definition.node_types()}
    unknown = sorted(set(outcomes) - known)
    if unknown:
        raise OutcomeError(f"--outcome {unknown[0]}=...: no definition has a job or crawler of that name")
    for definition in definitions:
        check_outcomes(definition, outcomes_of(definition, outcomes))


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
    from glue_workflow_provider.local.demo_cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
