"""The distributed stack of tests/system/test_distributed.py: ``COUNT`` generated definitions (seeded) plus
the examples, each with forced outcomes that exercise its failure branches, on the Celery deployment.

Every generated workflow has its own node names (the endpoint steers runs by job and crawler name). Shapes
rotate: chains, fan-outs joined by AND, branches on FAILED / TIMEOUT / ANY, crawlers, default run
properties, and run properties put by jobs. Outcomes are one of the workflow's distinct behaviours
(tests/conformance/differential.py), picked by the seeded generator.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glue_workflow_provider.local.airflow_home import cache_dir
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.sources.definition_file import read_definition
from tests.conformance.differential import behaviours

REPO = Path(__file__).resolve().parents[2]
SEED = 20261201
#: How many definitions are generated (the examples come on top): issue 12's 50 (6 to 7 minutes on two
#: cores); ``GLUE_AIRFLOW_DISTRIBUTED_COUNT=6 ./scripts/test tests/system/test_distributed.py`` for a quicker try.
COUNT = int(os.environ.get("GLUE_AIRFLOW_DISTRIBUTED_COUNT", "50"))
MARKERS = "parses.jsonl"

#: The shipped loader, plus one line per parse in the component's home: what the parse was for (dag and task),
#: which folder it read (a versioned bundle's checkout), what it built (each DAG's task ids) and which
#: definitions it validated in full.
MARKER_LOADER = '''"""The shipped loader (dags/glue_workflows.py), recording each worker's parse in $AIRFLOW_HOME/parses.jsonl."""

import json
import os
from pathlib import Path

from airflow.sdk import get_parsing_context

from glue_workflow_provider.api import load_dags

report = load_dags(globals(), Path(__file__).parent / "workflows")
if os.environ.get("GLUE_AIRFLOW_DEMO_WORKER"):
    context = get_parsing_context()
    line = {"worker": os.environ["GLUE_AIRFLOW_DEMO_WORKER"], "context": context.dag_id, "task": context.task_id,
            "folder": str(Path(__file__).resolve().parent), "built": sorted(report.dags),
            "tasks": {dag_id: sorted(dag.task_ids) for dag_id, dag in report.dags.items()},
            "validated": report.validated}
    with open(Path(os.environ["AIRFLOW_HOME"]) / "parses.jsonl", "a") as markers:
        markers.write(json.dumps(line) + "\\n")
'''


@dataclass(frozen=True)
class Case:
    """One definition of the folder, how its nodes end, and what its jobs put."""

    file: str
    text: str
    definition: Definition
    outcomes: dict[str, str]
    puts: dict[str, dict[str, str]]


def _job(name: str, **extra: Any) -> dict[str, Any]:
    return {"JobName": name, **extra}


def _cond(name: str, state: str = "SUCCEEDED", crawler: bool = False) -> dict[str, str]:
    return {"CrawlerName": name, "CrawlState": state} if crawler else {"JobName": name, "State": state}


def _conditional(name: str, conditions: list[dict[str, str]], actions: list[dict[str, Any]],
                 logical: str | None = None) -> dict[str, Any]:
    predicate: dict[str, Any] = {"Conditions": conditions}
    if logical:
        predicate["Logical"] = logical
    return {"Name": name, "Type": "CONDITIONAL", "Predicate": predicate, "Actions": actions}


def generated(index: int, rng: random.Random) -> dict[str, Any]:
    """Definition ``index``: its shape is ``index % 5``, its sizes and states drawn from ``rng``."""
    p = f"d{index:02d}"
    shape = index % 5
    start = {"Name": "start", "Type": "ON_DEMAND", "Actions": [_job(f"{p}-a", Arguments={"--i": str(index)})]}
    triggers: list[dict[str, Any]] = [start]
    if shape == 0:  # a chain of 2 to 4 jobs, then a crawler
        length = rng.randint(2, 4)
        for k in range(1, length):
            triggers.append(_conditional(f"t{k}", [_cond(f"{p}-{'a' if k == 1 else k - 1}")], [_job(f"{p}-{k}")]))
        triggers.append(_conditional("tc", [_cond(f"{p}-{length - 1}")], [{"CrawlerName": f"{p}-crawl"}]))
    elif shape == 1:  # fan-out of 2 or 3 jobs joined by AND
        width = rng.randint(2, 3)
        start["Actions"] = [_job(f"{p}-{k}") for k in range(width)]
        triggers.append(_conditional("join", [_cond(f"{p}-{k}") for k in range(width)], [_job(f"{p}-join")], "AND"))
    elif shape == 2:  # a FAILED branch beside the success path
        triggers.append(_conditional("ok", [_cond(f"{p}-a")], [_job(f"{p}-next")]))
        triggers.append(_conditional("failed", [_cond(f"{p}-a", "FAILED")], [_job(f"{p}-handler")]))
    elif shape == 3:  # a TIMEOUT branch, and ANY over two jobs
        start["Actions"].append(_job(f"{p}-b"))
        triggers.append(_conditional("late", [_cond(f"{p}-a", "TIMEOUT")], [_job(f"{p}-alert")]))
        triggers.append(_conditional("any", [_cond(f"{p}-a"), _cond(f"{p}-b")], [_job(f"{p}-any")], "ANY"))
    else:  # a crawler, and a job on its end state
        start["Actions"].append({"CrawlerName": f"{p}-crawl"})
        state = rng.choice(["SUCCEEDED", "FAILED", "CANCELLED"])
        triggers.append(_conditional("crawled", [_cond(f"{p}-crawl", state, crawler=True)], [_job(f"{p}-after")]))
    workflow: dict[str, Any] = {"Name": f"dist-{p}"}
    if rng.random() < 0.5:
        workflow["DefaultRunProperties"] = {"batch": str(rng.randint(1, 99)), "owner": p}
    return {
        "Workflow": workflow,
        "Triggers": triggers,
        "Airflow": {"poll_interval": 1, "deferrable": index % 4 == 0},
    }


def cases(rng: random.Random | None = None) -> list[Case]:
    """The folder's definitions (written by ``write_folder``) with their outcomes and puts."""
    rng = rng or random.Random(SEED)
    documents = {f"dist_{i:02d}.yaml": yaml.safe_dump(generated(i, rng), sort_keys=False) for i in range(COUNT)}
    for example in sorted((REPO / "dags" / "workflows").glob("*.yaml")):
        documents[example.name] = example.read_text()
    made = []
    for file, text in documents.items():
        definition = _definition(file, text)
        outcomes = rng.choice(behaviours(definition))
        jobs = [n for n, kind in definition.node_types().items() if kind.value == "JOB"]
        puts = {job: {f"put.{job}": "1"} for job in jobs if rng.random() < 0.3}
        made.append(Case(file, text, definition, outcomes, puts))
    return made


def _definition(file: str, text: str) -> Definition:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file
        path.write_text(text)
        return read_definition(path)


def write_folder(dags: Path, made: list[Case]) -> None:
    """The DAG bundle: the marker loader and every definition."""
    (dags / "workflows").mkdir(parents=True)
    (dags / "glue_workflows.py").write_text(MARKER_LOADER)
    for case in made:
        (dags / "workflows" / case.file).write_text(case.text)


def parses(worker_home: Path) -> list[dict[str, Any]]:
    """The parses a worker recorded."""
    path = worker_home / MARKERS
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


#: What the components and the task processes import, compiled by one process while the deployment starts
#: (instead of by every component at once): the Airflow commands, the API server's apps, Celery, the task
#: supervisor and runner, the AWS hooks and triggers, the provider.
IMPORTED = (
    "airflow.cli.cli_parser", "airflow.cli.commands.scheduler_command", "airflow.cli.commands.api_server_command",
    "airflow.cli.commands.dag_processor_command", "airflow.cli.commands.triggerer_command",
    "airflow.jobs.scheduler_job_runner", "airflow.jobs.triggerer_job_runner", "airflow.jobs.dag_processor_job_runner",
    "airflow.dag_processing.manager", "airflow.dag_processing.processor", "airflow.api_fastapi.app",
    "airflow.api_fastapi.core_api.app", "airflow.api_fastapi.execution_api.app", "uvicorn",
    "airflow.providers.celery.cli.celery_command", "airflow.providers.celery.executors.celery_executor",
    "celery.bin.worker", "celery.worker.worker", "celery.concurrency.prefork", "kombu.transport.redis",
    "celery.backends.database", "airflow.sdk.execution_time.supervisor", "airflow.sdk.execution_time.task_runner",
    "airflow.providers.amazon.aws.hooks.glue", "airflow.providers.amazon.aws.hooks.glue_crawler",
    "airflow.providers.amazon.aws.hooks.s3", "airflow.providers.amazon.aws.triggers.glue",
    "airflow.providers.amazon.aws.triggers.glue_crawler", "aiobotocore.session", "glue_workflow_provider.api",
    "glue_workflow_provider.loader", "glue_workflow_provider.runtime.operators", "glue_workflow_provider.local.ports",
)


def byte_code_env() -> dict[str, str]:
    """Byte code for every process of the deployment, kept in a cache of its own (next to the migrated
    databases). Where PYTHONDONTWRITEBYTECODE is set (as on this project's machines, whose virtualenv holds
    no byte code) each component and each task process would otherwise compile from source every module it
    imports, which no deployed Airflow does (with 50 definitions, a third of the batch's CPU time)."""
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(cache_dir() / "pycache")}


def compile_imports(home: Path) -> subprocess.Popen[bytes]:
    """Start one process that imports ``IMPORTED`` (an Airflow home of its own: ``home``), filling the byte
    code cache before the components start; any import that fails is left to the component that needs it."""
    home.mkdir(parents=True, exist_ok=True)
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    try:\n        importlib.import_module(name)\n"
    code += "    except Exception:\n        pass\n"
    env = {**os.environ, **byte_code_env(), "AIRFLOW_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-c", code, *IMPORTED], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
