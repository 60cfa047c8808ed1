"""Writers: the model's authored form -> definition files (YAML or JSON), one per Glue workflow.

Each document is validated with the same code as ``glue-airflow validate`` before it is written, so what
``convert``, ``export`` and ``blueprint`` report is what ``validate`` would say about the written file.
Files are written even when invalid (they carry their errors for the user to fix); the caller exits 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glue_workflow_provider.model.diagnostics import Diagnostic
from glue_workflow_provider.sources.conversion import FoundWorkflow
from glue_workflow_provider.sources.definition_file import LoadResult, load_data

FORMATS = ("yaml", "json")
_SECTION_ORDER = ("Workflow", "Triggers", "Jobs", "Crawlers", "Airflow")
#: libyaml's writer when PyYAML has it: the same text, about 4x faster (the DAG docs of every definition a
#: parse validates are written with it, so this is on the DAG processor's path).
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Written:
    """One definition file written, and what validating it said (named after the source it came from)."""

    workflow: str
    path: Path
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """Whether the written file validates (warnings allowed)."""
        return not any(d.is_error for d in self.diagnostics)


def write_definitions(
    found: list[FoundWorkflow],
    out_dir: Path,
    fmt: str = "yaml",
    event_queue_url: str | None = None,
    check: Callable[[LoadResult], tuple[Diagnostic, ...]] | None = None,
) -> list[Written]:
    """Validate and write each found workflow under ``out_dir``; file names come from workflow names.

    :param check: What to report about a loaded document (default: its validation diagnostics); the command
        line passes the loader's full check, which adds the planner's warnings (GWF034).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for workflow in found:
        document = with_event_queue(workflow.document, event_queue_url)
        path = out_dir / file_name(workflow.name, fmt, taken)
        path.write_text(dump(document, fmt), encoding="utf-8")
        result = load_data(document, f"{workflow.file} ({workflow.place})")
        written.append(Written(workflow.name, path, check(result) if check else result.diagnostics))
    return written


def with_event_queue(document: dict[str, Any], event_queue_url: str | None) -> dict[str, Any]:
    """``document`` with ``Airflow.event_queue_url`` set when its start trigger is EVENT and a URL is given."""
    triggers = document.get("Triggers") or []
    if not event_queue_url or not any(isinstance(t, dict) and t.get("Type") == "EVENT" for t in triggers):
        return document
    airflow = dict(document.get("Airflow") or {})
    airflow["event_queue_url"] = event_queue_url
    return {**document, "Airflow": airflow}


def file_name(workflow_name: str, fmt: str, taken: set[str]) -> str:
    """A file name made from the workflow's name, unique among ``taken`` (which it extends)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", workflow_name).strip("._") or "workflow"
    candidate, number = stem, 2
    while candidate.lower() in taken:
        candidate, number = f"{stem}-{number}", number + 1
    taken.add(candidate.lower())
    return f"{candidate}.{'yaml' if fmt == 'yaml' else 'json'}"


def dump(document: dict[str, Any], fmt: str) -> str:
    """The document as text, its sections in the authored order."""
    ordered = {key: document[key] for key in _SECTION_ORDER if key in document}
    ordered.update({key: value for key, value in document.items() if key not in ordered})
    if fmt == "json":
        return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
