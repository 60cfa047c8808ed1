"""The one running Airflow (API server, scheduler, DAG processor, triggerer, LocalExecutor) and local Glue endpoint
that the system modules able to share it use: operating, monitoring, the UI, run properties and events.

Each module keeps DAGs (and Glue jobs) of its own, all written before the start (the events module adds its file
later, once its queue exists), so one start serves them all: module M's definitions in ``workflows/M/workflows``
beside a loader file of its own (``module_folder``), so a task's parse and a manual mark's rebuild read only its
module's definitions, as on a stack of its own, while the demo creates every definition's jobs (it reads
``workflows`` with its subfolders). A job or crawl stays RUNNING
``operating.LONG`` seconds unless a module tags its nodes otherwise (``run_for``), which each module does for
its own. The stack starts at its first user and stops after its last (``tests/system/conftest.py`` keeps the
users together and ends it), so it never runs beside the modules that start a stack of their own.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import yaml

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from glue_workflow_provider.local.glue_server import RUNNING_SECONDS_TAG
from glue_workflow_provider.local.ports import free_port
from glue_workflow_provider.sources.definition_file import load_data
from tests.system import monitoring_stack, operating, ui_support
from tests.system.operating import LONG, Stack

#: test_run_properties_system's workflow: a producer and a sibling started together, a consumer after the producer.
CONCURRENT_PUTS = {
    "Workflow": {"Name": "concurrent-puts", "DefaultRunProperties": {"region": "eu"}},
    "Triggers": [
        {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"JobName": "producer"}, {"JobName": "sibling"}]},
        {
            "Name": "produced",
            "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": "producer", "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": "consumer"}],
        },
    ],
    "Airflow": {"poll_interval": 2},
}


def definitions() -> dict[str, dict[str, str]]:
    """Every sharing module's definition files: module -> file name -> text."""
    return {
        "operating": operating.DEFINITIONS,
        "monitoring": monitoring_stack.definitions(),
        "ui": ui_support.definitions(),
        "run_properties": {"concurrent.yaml": yaml.safe_dump(CONCURRENT_PUTS)},
        "events": {},
    }


def module_folder(dags: Path, module: str) -> Path:
    """The folder of ``module``'s loader file (its definitions are in its ``workflows`` subfolder)."""
    return dags / "workflows" / module


def start_shared(tmp: Path) -> Generator[Stack, None, None]:
    """Start the stack on a dags folder holding ``definitions()``; yield it signed in; stop it afterwards."""
    from glue_workflow_provider.local.demo import Demo, running

    dags = tmp / "dags"
    for module, files in definitions().items():
        folder = module_folder(dags, module)
        (folder / "workflows").mkdir(parents=True)
        (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
        for name, text in files.items():
            (folder / "workflows" / name).write_text(text)
    demo = Demo(
        dags,
        tmp / "home",
        port=free_port(),
        running_seconds=float(LONG),
        extra_env={
            # a killed task is noticed within seconds, not Airflow's default five minutes
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "15",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        },
    )
    with running(demo):
        demo.login()
        yield Stack(demo)


def run_for(stack: Stack, definition: str | dict[str, Any], seconds: float) -> None:
    """Every job run and crawl of ``definition``'s nodes started from now on stays RUNNING ``seconds``."""
    document = yaml.safe_load(definition) if isinstance(definition, str) else definition
    for node, kind in load_data(document).require().node_types().items():
        stack.tag("job" if kind.value == "JOB" else "crawler", node, {RUNNING_SECONDS_TAG: str(seconds)})
