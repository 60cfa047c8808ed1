"""The child process that runs a blueprint's layout generator unmodified: ``python -m
...runner REQUEST RESULT``.

It maps ``awsglue.blueprint.*`` to the compatible library (in ``sys.modules`` of this
process only), counts the AWS calls the layout makes, imports the layout module from the
staged blueprint folder (its working directory, as in the service), calls
``generate_layout(user_params, system_params)`` and writes, as JSON to RESULT, either
the returned Workflow's ``to_json(name_suffix)`` or the error, plus the calls and the
fields the library dropped. Running in a child keeps the layout's imports, globals,
environment and prints away from the CLI.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from glue_workflow_provider.sources.blueprint.api import MODULES
from glue_workflow_provider.sources.blueprint.files import open_beside


def install_awsglue() -> None:
    """Make ``awsglue.blueprint.{workflow,job,crawler,base_resource}`` importable as the
    compatible library."""
    for name in ("awsglue", "awsglue.blueprint"):
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    for alias, real in MODULES.items():
        module = importlib.import_module(real)
        sys.modules[alias] = module
        setattr(sys.modules["awsglue.blueprint"], alias.rsplit(".", 1)[1], module)
    sys.modules["awsglue"].blueprint = sys.modules["awsglue.blueprint"]  # type: ignore[attr-defined]


class UndefinedParameter(KeyError):
    """The layout read a parameter that ``parameterSpec`` does not define (in the
    service, the same ``KeyError``)."""

    def __init__(self, name: object, known: list[str]) -> None:
        super().__init__(name)
        near = difflib.get_close_matches(str(name), known, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        self.message = (
            f"the layout reads user_params[{name!r}], which parameterSpec in "
            f"blueprint.cfg does not define{hint}; define it there or correct the "
            "name in the layout"
        )

    def __str__(self) -> str:
        return self.message


class UserParams(dict[str, Any]):
    """``user_params``: a dict whose missing keys raise :class:`UndefinedParameter`
    naming the spec's near-miss."""

    def __missing__(self, key: str) -> Any:
        raise UndefinedParameter(key, list(self))


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Run the layout ``request`` names; return what the parent needs (never raises for
    layout errors)."""
    from glue_workflow_provider.sources.blueprint.calls import record_calls

    install_awsglue()
    made: list[str] = []
    counts = record_calls(made)
    root = Path.cwd()
    sys.path.insert(0, str(root))
    opened = open_beside(root / request.get("config_dir", "."))
    result: dict[str, Any] = {}
    stage = "import"
    try:
        module = importlib.import_module(request["module"])
        function = getattr(module, request["function"], None)
        if not callable(function):
            raise AttributeError(
                f"module {request['module']!r} has no function {request['function']!r}"
            )
        stage = "layout"
        workflow = function(
            UserParams(request["user_params"]), request["system_params"]
        )
        stage = "result"
        result = _result(workflow, request["name_suffix"])
    except BaseException as exc:  # noqa: BLE001 - a layout may raise anything, SystemExit included
        result = {"error": _error(stage, exc, root)}
    result.update(calls=dict(counts), made=made, opened=opened)
    return result


def _result(workflow: object, name_suffix: str) -> dict[str, Any]:
    from glue_workflow_provider.sources.blueprint.api.workflow import Workflow

    if not isinstance(workflow, Workflow):
        raise TypeError(
            f"the layout generator returned {type(workflow).__name__}, not an "
            "awsglue.blueprint Workflow"
        )
    document = workflow.to_json(name_suffix)
    json.dumps(document)  # raises TypeError naming the value that is not JSON
    return {"document": document, "dropped": _dropped(workflow)}


def _dropped(workflow: Any) -> list[dict[str, str]]:
    """What the library did not keep: ``[{"kind", "name", "field", "reason"}]``."""
    entities = workflow.Entities
    resources = [workflow, *(entities.Crawlers or ()), *(entities.Jobs or ())]
    return [
        {
            "kind": resource._kind,
            "name": str(resource.__dict__.get("Name")),
            "field": field,
            "reason": reason,
        }
        for resource in resources
        for field, reason in resource._dropped
    ]


def _error(stage: str, exc: BaseException, root: Path) -> dict[str, Any]:
    """The exception, and the innermost place in the blueprint's own files it came from.
    The exception, and the innermost place in the blueprint's own files it came from."""
    place: tuple[str, int] | None = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if _in_blueprint(frame.filename, root):
            place = (frame.filename, frame.lineno or 0)
    if (
        isinstance(exc, SyntaxError)
        and exc.filename
        and _in_blueprint(exc.filename, root)
    ):
        place = (exc.filename, exc.lineno or 0)
    file, line = place if place else ("", 0)
    if file and Path(file).resolve().is_relative_to(root.resolve()):
        file = os.path.relpath(Path(file).resolve(), root.resolve())
    return {
        "stage": stage,
        "type": type(exc).__name__,
        "message": str(exc),
        "file": file,
        "line": line,
    }


def _in_blueprint(filename: str, root: Path) -> bool:
    """Whether a traceback's file is one of the blueprint's own (not the library, not
    ``<frozen ...>``)."""
    path = Path(filename)
    return path.is_file() and path.resolve().is_relative_to(root.resolve())


def main(argv: list[str] | None = None) -> int:
    """Read the request file, run, write the result file; exit 0 (errors travel in the
    result)."""
    request_path, result_path = (argv if argv is not None else sys.argv[1:])[:2]
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    result = run(request)
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
