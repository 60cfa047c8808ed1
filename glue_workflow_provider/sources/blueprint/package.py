"""Read a blueprint (a folder or a .zip holding ``blueprint.cfg`` and the layout module)
and stage a copy of it.

The copy is laid out as the service runs a blueprint (docs/semantics.md#blueprint-package): the
folder that holds the layout package is the working directory and the first entry of
``sys.path``, so ``crawl_s3_locations.layout`` imports and
``open("crawl_s3_locations/script.py")`` finds the bundled file. The user's files are
never written to.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from glue_workflow_provider.exceptions import GlueWorkflowError
from glue_workflow_provider.sources.conversion import Notice

CONFIG = "blueprint.cfg"
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "__MACOSX", ".DS_Store")
#: ``module.path.function``: file and folder names (hyphens allowed), then an identifier.
_GENERATOR = re.compile(r"(?:[\w][\w-]*\.)+[A-Za-z_]\w*")


class BlueprintProblems(GlueWorkflowError):
    """The blueprint cannot be run as given: every problem found, each naming the file
    and the place."""

    def __init__(self, notices: list[Notice]) -> None:
        self.notices = notices
        super().__init__("\n".join(str(notice) for notice in notices))


@dataclass(frozen=True)
class Blueprint:
    """A staged blueprint: what its ``blueprint.cfg`` says, and where the copy the
    layout runs in lives."""

    config_file: str
    layout_file: str
    module: str
    function: str
    parameter_spec: dict[str, Any]
    root: Path
    # : The staged folder that stands for the folder holding ``blueprint.cfg``, and that
    # folder's display name.
    staged_config_dir: Path
    shown_config_dir: str

    def shown(self, staged_relative: str) -> str:
        """The user-facing name of a staged file given relative to ``root`` (for error
        messages)."""
        path = (self.root / staged_relative).resolve()
        if path.is_relative_to(self.staged_config_dir.resolve()):
            return str(
                PurePosixPath(self.shown_config_dir)
                / path.relative_to(self.staged_config_dir.resolve())
            )
        return staged_relative


def stage(source: Path, into: Path) -> Blueprint:
    """Read ``source`` (folder or zip) and copy it under ``into`` (an empty folder the
    caller removes)."""
    if source.is_dir():
        config_dir, shown = _find_config(source, str(source)), str(source)
    elif source.is_file() and zipfile.is_zipfile(source):
        extracted = into / "extracted"
        with zipfile.ZipFile(source) as archive:
            archive.extractall(extracted)
        config_dir = _find_config(extracted, str(source))
        relative = config_dir.relative_to(extracted)
        shown = (
            str(PurePosixPath(str(source)) / relative.as_posix())
            if str(relative) != "."
            else str(source)
        )
    else:
        raise GlueWorkflowError(
            f"{source}: not a blueprint folder or .zip file (it must hold {CONFIG})"
        )
    config_file = f"{shown}/{CONFIG}"
    config = _read_config(config_dir / CONFIG, config_file)
    module, function = _layout_generator(config, config_file)
    root = into / "blueprint"
    staged_config_dir = _copy(config_dir, root, module, config_file)
    layout = _module_file(root, module)
    if layout is None:
        raise BlueprintProblems(
            [
                Notice(
                    config_file,
                    "layoutGenerator",
                    f"no module {module!r} in the blueprint "
                    f"(looked for {module.replace('.', '/')}.py beside {CONFIG} and "
                    "above it)",
                    True,
                )
            ]
        )
    blueprint = Blueprint(
        config_file,
        "",
        module,
        function,
        config.get("parameterSpec") or {},
        root,
        staged_config_dir,
        shown,
    )
    return _with_layout_file(blueprint, layout)


def _with_layout_file(blueprint: Blueprint, layout: Path) -> Blueprint:
    from dataclasses import replace

    return replace(
        blueprint, layout_file=blueprint.shown(str(layout.relative_to(blueprint.root)))
    )


def _find_config(folder: Path, shown: str) -> Path:
    """The folder holding ``blueprint.cfg``: ``folder`` itself or its one sub-folder
    that has one."""
    if (folder / CONFIG).is_file():
        return folder
    found = sorted(
        p.parent for p in folder.glob(f"*/{CONFIG}") if "__MACOSX" not in p.parts
    )
    if len(found) == 1:
        return found[0]
    where = (
        "in any of its sub-folders"
        if not found
        else f"in exactly one sub-folder (found {len(found)})"
    )
    raise BlueprintProblems(
        [
            Notice(
                shown,
                CONFIG,
                f"no {CONFIG} at the top of the blueprint or {where}",
                True,
            )
        ]
    )


def _read_config(path: Path, shown: str) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BlueprintProblems(
            [Notice(shown, "(file)", f"not readable JSON: {exc}", True)]
        ) from exc
    if not isinstance(config, dict):
        raise BlueprintProblems(
            [
                Notice(
                    shown,
                    "(file)",
                    "must be a JSON object with layoutGenerator and parameterSpec",
                    True,
                )
            ]
        )
    return config


def _layout_generator(config: dict[str, Any], shown: str) -> tuple[str, str]:
    """``"package.module.function"`` split into the module and the function.

    A module path may have hyphens (``my-blueprint.layout``): the service loads the file
    it names, and so does ``importlib`` (only ``import`` statements need identifiers).
    """
    generator = config.get("layoutGenerator")
    if not isinstance(generator, str) or not _GENERATOR.fullmatch(generator):
        raise BlueprintProblems(
            [
                Notice(
                    shown,
                    "layoutGenerator",
                    f"must be 'module.function' (for example "
                    f"'my_blueprint.layout.generate_layout'), got {generator!r}",
                    True,
                )
            ]
        )
    module, _, function = generator.rpartition(".")
    return module, function


def _copy(config_dir: Path, root: Path, module: str, shown: str) -> Path:
    """Copy the blueprint folder so that ``module`` imports from ``root``; return where
    the folder went.

    Either the module is found from the folder itself (``layout.py`` beside
    ``blueprint.cfg`` for ``layout.generate_layout``, or a package folder inside it), or
    the folder *is* the module's top package, as an AWS sample archive unpacks
    (``s3_to_dynamodb/blueprint.cfg`` beside ``layout.py`` and the job script
    ``s3_to_dynamodb.py``, for ``s3_to_dynamodb.layout``): then it is staged under the
    package's name, whatever the folder is called.
    """
    if _module_file(config_dir, module) is not None:
        shutil.copytree(config_dir, root, ignore=_IGNORED)
        return root
    top = module.split(".")[0]
    shutil.copytree(config_dir, root / top, ignore=_IGNORED)
    return root / top


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None
