"""Finding definition files under a folder: which files, in what order, and the name users know each by.

One ``scandir`` per folder, so a scan of thousands of files stays cheap (the DAG processor repeats it every
30 s); each file's stat signature lets the plan cache's folder index vouch for files that did not change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from glue_workflow_provider.compile.folder_index import stat_signature
from glue_workflow_provider.sources.definition_file import SUFFIXES


@dataclass(frozen=True, slots=True)
class DefinitionSource:
    """One definition file found under a folder: its path, its name as users know it, its stat signature."""

    file: str
    shown: str
    signature: tuple[int, ...]

    @property
    def path(self) -> Path:
        """The file as a Path."""
        return Path(self.file)


def definition_files(folder: str | Path) -> list[Path]:
    """Every ``*.json``, ``*.yaml`` and ``*.yml`` file under ``folder``, in a stable order."""
    return [source.path for source in scan_folder(folder)]


def scan_folder(folder: str | Path) -> list[DefinitionSource]:
    """The definition files under ``folder`` (subfolders included, symlinked folders not followed), sorted as
    paths sort, each with its stat signature."""
    root = Path(folder)
    found: list[tuple[tuple[str, ...], str, os.stat_result]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while pending:
        directory, parts = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir() and not entry.is_symlink():
                            pending.append((entry.path, parts + (entry.name,)))
                        elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                            found.append((parts + (entry.name,), entry.path, entry.stat()))
                    except OSError:
                        continue
        except OSError:
            continue
    found.sort(key=lambda item: item[0])
    named = bool(root.name) and root.name != ".."
    return [
        DefinitionSource(
            file,
            os.path.join(root.name, *parts) if named else shown_path(Path(file), root),
            stat_signature(stat),
        )
        for parts, file, stat in found
    ]


def shown_path(path: Path, folder: str | Path) -> str:
    """The file as users know it: relative to the folder's parent (``workflows/month_close.yaml``)."""
    try:
        return str(path.relative_to(Path(folder).parent))
    except ValueError:
        return str(path)
