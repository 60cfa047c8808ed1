"""Checking one definition file as the loader does: read once, validate, plan, and keep the result cached.

The file's bytes are both hashed and checked, so a cache entry always matches its key; without a cache the
file is checked in full and nothing is kept. ``claimed_dag_id`` is the cheap read a worker needs of the
files it does not run: the dag_id only, parsed but not validated. Nothing here imports Airflow.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from glue_workflow_provider.compile.dag_ids import certain_dag_id, intended_dag_id
from glue_workflow_provider.compile.plan_cache import CheckedEntry, PlanCache, content_key
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.sources.definition_file import LoadResult, authored_form, load_definition, load_text
from glue_workflow_provider.sources.limits import MAX_BYTES, check_shape
from glue_workflow_provider.sources.syntax import parse_text


class Checked(NamedTuple):
    """One file as checked: its entry, its content key (None when it cannot be read as text), and whether it
    was validated here (False when the entry came from the cache)."""

    entry: CheckedEntry
    key: str | None
    validated: bool


def checked_entry(path: Path, cache: PlanCache | None) -> Checked:
    """The checked definition in ``path``, from the cache when its bytes were checked before."""
    if cache is None or too_big(path):
        return Checked(entry_of(load_definition(path)), None, True)  # load_definition refuses a big file unread
    try:
        content = path.read_bytes()
        text = _text(content)
    except (OSError, UnicodeDecodeError):
        return Checked(entry_of(load_definition(path)), None, True)  # reports the problem as before; not cached
    key = content_key(content, syntax(path))
    cached = cache.get(key)
    if cached is not None:
        return Checked(cached, key, False)
    entry = entry_of(load_text(text, str(path)))
    cache.put(key, entry)
    return Checked(entry, key, True)


def claimed_dag_id(content: bytes, path: Path) -> str | None:
    """The dag_id the file's bytes claim, valid or not (``dag_ids.certain_dag_id``), parsed but not validated;
    None when only a full check can tell (unreadable, not a definition's shape, an id validation decides)."""
    try:
        data = parse_text(_text(content), str(path))
        check_shape(data)
        return certain_dag_id(authored_form(data))
    except Exception:  # whatever it is, the full check reports it exactly as before
        return None


def entry_of(result: LoadResult) -> CheckedEntry:
    """Plan a loaded definition: every diagnostic (the planner's warnings with their lines) and the plan."""
    intended = intended_dag_id(result.document)
    if not result.ok or result.definition is None:
        return CheckedEntry(result.diagnostics, intended)
    planned = plan_workflow(result.definition, result.source)
    diagnostics = result.diagnostics + result.located(planned.diagnostics)
    return CheckedEntry(diagnostics, intended, planned.plan)


def too_big(path: Path) -> bool:
    """Whether the file is past the size limit (it is then reported without being read)."""
    try:
        return path.stat().st_size > MAX_BYTES
    except OSError:
        return False


def syntax(path: Path) -> str:
    """The syntax ``load_text`` reads the file with (it decides by the name, case-sensitively)."""
    return "json" if str(path).endswith(".json") else "yaml"


def _text(content: bytes) -> str:
    """The file's text as ``Path.read_text()`` gives it (universal newlines)."""
    return content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
