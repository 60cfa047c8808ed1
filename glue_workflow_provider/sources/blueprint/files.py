"""Files a layout opens by a path relative to its blueprint folder, inside the child
process that runs it.

The service runs a layout in the folder *above* the one holding ``blueprint.cfg``
(docs/semantics.md#blueprint-package), so the AWS samples write ``open("compaction/compaction.py")``.
People who tried their layout from inside the blueprint folder write
``open("compaction.py")`` or ``open("jobs/etl.py")`` instead. Such a path that does not
exist from the working directory but does from the blueprint folder is opened there, and
recorded so the command can warn that the service may not find it.
"""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path
from typing import Any


def open_beside(config_dir: Path) -> list[list[str]]:
    """Make ``open`` fall back to ``config_dir`` for relative paths missing from the
    working directory; return the list ``[asked, opened]`` pairs fill as that happens."""
    opened: list[list[str]] = []
    original = builtins.open
    root = Path.cwd()

    def opening(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and not Path(file).is_absolute():
            beside = config_dir / file
            if not Path(file).exists() and beside.exists():
                opened.append(
                    [os.fspath(file), beside.resolve().relative_to(root.resolve()).as_posix()]
                )
                return original(beside, *args, **kwargs)
        return original(file, *args, **kwargs)

    builtins.open = opening
    io.open = opening
    return opened
