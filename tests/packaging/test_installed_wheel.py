"""In a leg of scripts/test-matrix (``GLUE_AIRFLOW_MATRIX_LEG`` set), the tests run against the installed wheel:
the package imports from the leg's site-packages, not from a source tree, and a child interpreter started the
way the local endpoint and Airflow's components start (``python -m`` in the working folder) finds the same."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import glue_workflow_provider

pytestmark = pytest.mark.skipif(not os.environ.get("GLUE_AIRFLOW_MATRIX_LEG"), reason="runs in scripts/test-matrix")


def test_the_package_is_the_installed_wheel() -> None:
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    location = Path(glue_workflow_provider.__file__).resolve()
    print(f"leg {os.environ['GLUE_AIRFLOW_MATRIX_LEG']}: glue_workflow_provider from {location}")
    assert location.is_relative_to(installed), location
    child = subprocess.run([sys.executable, "-c", "import glue_workflow_provider; print(glue_workflow_provider.__file__)"],
                           capture_output=True, text=True, check=True, timeout=60)
    assert Path(child.stdout.strip()).resolve() == location
