"""PlanCache: checked definitions kept on local disk, keyed by a hash of the file's content and of this code.

The loader checks every definition file each time the DAG processor parses the loader file (every 30 s by
default). A file whose bytes did not change since it was last checked gives the same diagnostics and plan,
so they are kept here (STYLE §5.9): the key is a hash of the package version, of the source of every module
that decides the result, of the document syntax and of the file's bytes, so an entry can never be stale. A
changed file always gets the full validation.

Layout under the cache root: ``entries/<key>.json``, shared by every definitions folder (a file copied into
another folder, or another checkout of a versioned DAG bundle, is not checked again), whose first line is a
short summary (validity and dag_id) readable without the rest; and ``folders/<id>.json``, one index per
definitions folder (each file's stat signature, key and dag_id) that lets an Airflow worker find the one
file that defines its DAG without reading the others. Every write is atomic (temp file + ``os.replace``),
so concurrent DAG processors never see half an entry; any unreadable, corrupt or foreign entry is ignored
(a miss). A cache this process may not write (an image's baked cache, a read-only volume) is only read: the
kernel is asked first, so no write is even tried. Nothing here imports Airflow.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import glue_workflow_provider
from glue_workflow_provider.compile.folder_index import FolderIndex, IndexedFile
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.model.diagnostics import Diagnostic, Severity

log = logging.getLogger(__name__)

#: A directory for the plan cache, or ``off`` (also ``0``, ``false``, ``no``) to disable it.
PLAN_CACHE_ENV = "GLUE_AIRFLOW_PLAN_CACHE"
#: glue-airflow's cache root; the plan cache is its ``plans`` subdirectory when set.
CACHE_ENV = "GLUE_AIRFLOW_CACHE"
_DISABLED = frozenset({"off", "0", "false", "no", "none", "disabled"})
FORMAT = 5
#: Subpackages and modules whose source decides a file's diagnostics, plan and intended dag_id.
_DECIDING = ("model", "sources", "semantics", "compile", "exceptions.py")
#: Entries no index refers to are removed once this old (a concurrent processor may have just written them).
_PRUNE_AFTER_SECONDS = 3600
#: Folder indexes not rewritten for this long (old checkouts of a versioned bundle) stop keeping entries.
_INDEX_EXPIRES_SECONDS = 7 * 24 * 3600


def cache_root(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where plans are cached: ``$GLUE_AIRFLOW_PLAN_CACHE``, else ``$GLUE_AIRFLOW_CACHE/plans``, else
    ``$AIRFLOW_HOME/glue-airflow/plans`` (``~/airflow`` when AIRFLOW_HOME is unset); None when disabled."""
    env = os.environ if environ is None else environ
    chosen = env.get(PLAN_CACHE_ENV, "").strip()
    if chosen.lower() in _DISABLED:
        return None
    if chosen:
        return Path(chosen).expanduser()
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser() / "plans"
    home = env.get("AIRFLOW_HOME") or os.path.join(os.path.expanduser("~"), "airflow")
    return Path(home) / "glue-airflow" / "plans"


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package version and of the source of every module that decides a cached result."""
    digest = hashlib.sha256(f"glue-airflow {glue_workflow_provider.__version__} format {FORMAT}".encode())
    package = Path(glue_workflow_provider.__file__).parent
    for name in _DECIDING:
        part = package / name
        for source in sorted(part.rglob("*.py")) if part.is_dir() else [part]:
            digest.update(str(source.relative_to(package)).encode() + b"\0")
            digest.update(source.read_bytes())
    return digest.hexdigest()


def content_key(content: bytes, syntax: str) -> str:
    """The cache key of a definition file's bytes read with ``syntax`` (``json`` or ``yaml``)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(b"\0" + syntax.encode() + b"\0")
    digest.update(content)
    return digest.hexdigest()


@dataclass(frozen=True)
class CheckedEntry:
    """What checking one definition gave, independent of the file's name and of the other files.

    :param diagnostics: Every problem (warnings included), not yet placed in a file.
    :param intended_dag_id: The dag_id the document asks for, even when invalid (a placeholder takes it).
    :param plan: The plan when the definition compiles, else None: all that building the DAG and running its
        tasks need, so no definition is kept and nothing is validated again where the entry is read.
    """

    diagnostics: tuple[Diagnostic, ...]
    intended_dag_id: str | None
    plan: DagPlan | None = None

    @property
    def valid(self) -> bool:
        """Whether the definition compiles to a plan."""
        return self.plan is not None

    def to_text(self) -> str:
        """Two lines: the summary (format, validity, ids, diagnostics, plan hash), then the plan."""
        plan = json.dumps(self.plan.to_json(), separators=(",", ":")) if self.plan is not None else ""
        summary = {
            "format": FORMAT,
            "valid": self.valid,
            "dag_id": self.plan.dag_id if self.plan is not None else None,
            "intended_dag_id": self.intended_dag_id,
            "diagnostics": [[d.code, d.severity.value, d.path, d.message] for d in self.diagnostics],
            "plan_sha256": hashlib.sha256(plan.encode()).hexdigest(),
        }
        return "\n".join((json.dumps(summary, separators=(",", ":")), plan))

    @classmethod
    def from_text(cls, text: str) -> CheckedEntry:
        """The entry ``to_text`` wrote; raises ValueError on anything else (a torn or altered plan included)."""
        first, plan_text = text.split("\n", 1)
        summary = _summary(first)
        diagnostics = tuple(
            Diagnostic(str(code), Severity(severity), str(path), str(message))
            for code, severity, path, message in summary["diagnostics"]
        )
        if hashlib.sha256(plan_text.encode()).hexdigest() != summary["plan_sha256"]:
            raise ValueError("plan cache entry: the plan does not match its hash")
        if not summary["valid"]:
            return cls(diagnostics, summary["intended_dag_id"])
        plan = DagPlan.from_json(_interned(json.loads(plan_text)))
        if plan.dag_id != summary["dag_id"]:
            raise ValueError("plan cache entry: summary and plan disagree")
        return cls(diagnostics, summary["intended_dag_id"], plan)


def _interned(value: Any) -> Any:
    """``value`` with every string interned: a plan names each node many times (task id, Glue name, edges,
    the trigger table), and JSON gives each mention its own string, which every loaded DAG would keep."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [_interned(item) for item in value]
    if isinstance(value, dict):
        return {sys.intern(key): _interned(item) for key, item in value.items()}
    return value


def _summary(line: str) -> dict[str, Any]:
    summary = json.loads(line)
    if not isinstance(summary, dict) or summary.get("format") != FORMAT:
        raise ValueError("not a plan cache entry of this format")
    return summary


class PlanCache:
    """The plan cache as seen from one definitions folder: shared checked entries, and the folder's index."""

    def __init__(self, root: Path, folder: str | Path) -> None:
        resolved = str(Path(folder).resolve())
        self.root = root
        self.entries = root / "entries"
        self.index_file = root / "folders" / f"{hashlib.sha256(resolved.encode()).hexdigest()[:24]}.json"
        self._writable = True

    @classmethod
    def for_folder(cls, folder: str | Path, root: str | Path | None = None) -> PlanCache | None:
        """The cache of ``folder`` under ``root`` (default: ``cache_root()``); None when caching is disabled."""
        chosen = Path(root) if root is not None else cache_root()
        return cls(chosen, folder) if chosen is not None else None

    def get(self, key: str) -> CheckedEntry | None:
        """The entry for ``key``; None when absent, unreadable or corrupt (a miss, never an error)."""
        try:
            return CheckedEntry.from_text((self.entries / f"{key}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except Exception as exc:  # any corrupt or foreign entry is a miss
            log.debug("Ignoring unreadable plan cache entry %s: %s", key, exc)
            return None

    def summary(self, key: str) -> tuple[bool, str | None, str | None] | None:
        """(valid, dag_id, intended dag_id) of the entry for ``key``, reading only its first line; None on a miss."""
        try:
            with open(self.entries / f"{key}.json", encoding="utf-8") as stream:
                summary = _summary(stream.readline())
            return bool(summary["valid"]), summary["dag_id"], summary["intended_dag_id"]
        except FileNotFoundError:
            return None
        except Exception as exc:
            log.debug("Ignoring unreadable plan cache entry %s: %s", key, exc)
            return None

    def put(self, key: str, entry: CheckedEntry) -> None:
        """Store ``entry`` atomically; a cache that cannot be written is skipped (logged once)."""
        self._write(self.entries / f"{key}.json", entry.to_text())

    def read_index(self) -> FolderIndex | None:
        """The folder index when it exists and was written by this code; else None."""
        try:
            data = json.loads(self.index_file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("fingerprint") != code_fingerprint():
                return None
            files = {shown: IndexedFile.from_json(item) for shown, item in data["files"].items()}
            return FolderIndex(int(data["scanned_ns"]), files)
        except FileNotFoundError:
            return None
        except Exception as exc:
            log.debug("Ignoring unreadable plan cache index %s: %s", self.index_file, exc)
            return None

    def write_index(self, index: FolderIndex, *, prune: bool = True) -> None:
        """Replace the folder index atomically; with ``prune``, then remove entries no index refers to."""
        data = {
            "format": FORMAT,
            "fingerprint": code_fingerprint(),
            "scanned_ns": index.scanned_ns,
            "files": {shown: item.to_json() for shown, item in index.files.items()},
        }
        if self._write(self.index_file, json.dumps(data, separators=(",", ":"))) and prune:
            self._prune()

    def _write(self, path: Path, text: str) -> bool:
        if not self._writable:
            return False
        if not _may_write(path.parent):
            self._writable = False  # an image's baked cache, a read-only volume: read, and never written
            log.debug("Glue workflow plan cache %s is read-only here: it is read, nothing is written to it", self.root)
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            self._writable = False
            log.warning("Glue workflow plan cache %s could not be written (%s); nothing more is written to it",
                        self.root, exc)
            return False
        return True

    def _prune(self) -> None:
        """Remove entries that no recent folder index refers to (and indexes not rewritten for a week)."""
        now = time.time()
        keep: set[str] = set()
        try:
            with os.scandir(self.index_file.parent) as indexes:
                for item in indexes:
                    if item.stat().st_mtime < now - _INDEX_EXPIRES_SECONDS:
                        os.unlink(item.path)
                    elif not item.name.startswith(".tmp-"):
                        keep.update(_index_keys(Path(item.path)))
            with os.scandir(self.entries) as entries:
                for entry in entries:
                    if entry.name not in keep and entry.stat().st_mtime < now - _PRUNE_AFTER_SECONDS:
                        os.unlink(entry.path)
        except OSError as exc:
            log.debug("Could not prune the plan cache %s: %s", self.root, exc)


def _may_write(directory: Path) -> bool:
    """Whether files can be made in ``directory``, or (not made yet) in the nearest folder above it that exists.

    Asked of the kernel (access(2)), which knows read-only mounts even for root, so that a cache that cannot
    be written is never tried: no failed write, no warning on every worker of a read-only image.
    """
    effective = os.access in os.supports_effective_ids
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return os.access(candidate, os.W_OK | os.X_OK, effective_ids=effective)
    return False


def _index_keys(path: Path) -> set[str]:
    """The entry file names a folder index refers to (none when it cannot be read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {f"{item[1]}.json" for item in data["files"].values()}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return set()
