"""Run a staged blueprint's layout generator in a child Python process and read back
what it made.

The child (``runner``) gets the parameters in a request file and writes its result to
another file, so the layout may print freely; its standard output and error are kept and
shown on the CLI's standard error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import glue_workflow_provider
from glue_workflow_provider.sources.blueprint.package import Blueprint

# : How long a layout may run (the service's own limit is not documented; real layouts
# take seconds).
TIMEOUT_SECONDS = 600
RUNNER = "glue_workflow_provider.sources.blueprint.runner"


@dataclass
class LayoutRun:
    """What one run of a layout gave: the library's ``to_json`` document, or the error;
    and its AWS calls."""

    document: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    calls: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, str]] = field(default_factory=list)
    output: str = ""
    #: Each change the layout made (``service:Action what``), in order.
    made: list[str] = field(default_factory=list)
    #: ``[asked, opened]`` for each file opened relative to the blueprint folder.
    opened: list[list[str]] = field(default_factory=list)


def run_layout(
    blueprint: Blueprint,
    user_params: Mapping[str, Any],
    system_params: Mapping[str, str],
    name_suffix: str,
    environment: Mapping[str, str],
) -> LayoutRun:
    """Run ``generate_layout(user_params, system_params)`` with ``environment`` (the
    child's whole environment)."""
    request = {
        "module": blueprint.module,
        "function": blueprint.function,
        "user_params": dict(user_params),
        "system_params": dict(system_params),
        "name_suffix": name_suffix,
        "config_dir": str(blueprint.staged_config_dir.relative_to(blueprint.root)),
    }
    with tempfile.TemporaryDirectory(prefix="glue-airflow-layout-") as scratch:
        request_file, result_file = (
            Path(scratch) / "request.json",
            Path(scratch) / "result.json",
        )
        request_file.write_text(json.dumps(request), encoding="utf-8")
        try:
            completed = subprocess.run(
                [sys.executable, "-m", RUNNER, str(request_file), str(result_file)],
                cwd=blueprint.root,
                env=_with_package(environment),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            message = f"the layout generator did not return within {TIMEOUT_SECONDS} s"
            return LayoutRun(
                error={
                    "stage": "layout",
                    "type": "TimeoutExpired",
                    "message": message,
                    "file": "",
                    "line": 0,
                },
                output=_text(exc.stdout) + _text(exc.stderr),
            )
        output = completed.stdout + completed.stderr
        if not result_file.is_file():
            message = (
                f"the layout process ended with exit code {completed.returncode} "
                "before writing its result"
            )
            return LayoutRun(
                error={
                    "stage": "layout",
                    "type": "ProcessError",
                    "message": message,
                    "file": "",
                    "line": 0,
                },
                output=output,
            )
        result = json.loads(result_file.read_text(encoding="utf-8"))
    return LayoutRun(
        result.get("document"),
        result.get("error"),
        result.get("calls") or {},
        result.get("dropped") or [],
        output,
        result.get("made") or [],
        result.get("opened") or [],
    )


def _text(value: str | bytes | None) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value or ""


def _with_package(environment: Mapping[str, str]) -> dict[str, str]:
    """``environment`` plus this package on ``PYTHONPATH``, so the child imports the
    compatible library."""
    package_parent = str(Path(glue_workflow_provider.__file__).resolve().parents[1])
    env = dict(environment)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, env.get("PYTHONPATH", "")) if p
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
