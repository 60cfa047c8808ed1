"""The README's demo, end to end: a running scheduler, DAG processor, triggerer and API server on SQLite,
the local Glue endpoint, and the seed example triggered through the REST API until it succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from glue_workflow_provider.local.ports import free_port

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


def test_demo_runs_the_seed_example_on_a_real_scheduler(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    command = [
        sys.executable, "-m", "glue_workflow_provider.local.demo", "--once",
        "--dags-folder", str(REPO / "dags"), "--home", str(tmp_path / "home"),
        "--port", str(free_port()), "--running-seconds", "10",  # long enough to be RUNNING at the first check
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    out = result.stdout
    assert "login: admin / admin" in out
    assert "Month_close: success" in out
    for line in ("De-duplicate             success", "Fix phone numbers        success", "Update schema            success"):
        assert line in out
    trigger_logs = list((tmp_path / "home" / "logs").rglob("*.log.trigger.*.log"))
    assert len(trigger_logs) == 3, "each node waited in the triggerer, not on a worker"
