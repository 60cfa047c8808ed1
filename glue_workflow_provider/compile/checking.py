"""Checking one definition file as the loader does: read once, validate, plan, and keep the result cached.

The file's bytes are both hashed and checked, so a cache entry always matches its key; without a cache the
file is checked in full and nothing is kept. Nothing here imports Airflow.
"""

from __future__ import annotations

from pathlib import Path

from glue_workflow_provider.compile.dag_ids import intended_dag_id
from glue_workflow_provider.compile.plan_cache import CheckedEntry, PlanCache, content_key
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.sources.definition_file import LoadResult, load_definition, load_text
from glue_workflow_provider.sources.limits import MAX_BYTES


def checked_entry(path: Path, cache: PlanCache | None) -> tuple[CheckedEntry, str | None]:
    """The checked definition in ``path`` and its content key (None when the file cannot be read as text)."""
    if cache is None or too_big(path):
        return entry_of(load_definition(path)), None  # load_definition refuses a file past MAX_BYTES unread
    try:
        content = path.read_bytes()
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads
    except (OSError, UnicodeDecodeError):
        return entry_of(load_definition(path)), None  # reports the problem exactly as before; not cached
    key = content_key(content, syntax(path))
    cached = cache.get(key)
    if cached is not None:
        return cached, key
    entry = entry_of(load_text(text, str(path)))
    cache.put(key, entry)
    return entry, key


def entry_of(result: LoadResult) -> CheckedEntry:
    """Plan a loaded definition: every diagnostic (the planner's warnings with their lines) and the plan."""
    intended = intended_dag_id(result.document)
    if not result.ok or result.definition is None:
        return CheckedEntry(result.diagnostics, intended)
    planned = plan_workflow(result.definition)
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
