"""Definition files (JSON or YAML) -> the model, with every problem reported against the file and field.

Two document shapes are accepted as they stand: the authored form (``Workflow``, ``Triggers``, ``Jobs``,
``Crawlers``, ``Airflow``; also the blueprint library's ``Workflow.to_json()`` output) and the response of
``aws glue get-workflow --name X --include-graph`` (``Workflow.Graph.Nodes`` with full ``TriggerDetails``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.model.diagnostics import Diagnostic, error, has_errors
from glue_workflow_provider.model.trigger import Trigger
from glue_workflow_provider.model.validation import validate
from glue_workflow_provider.model.workflow import (
    AirflowSettings,
    Crawler,
    Definition,
    Job,
    Workflow,
)
from glue_workflow_provider.sources import yaml_lines
from glue_workflow_provider.sources.limits import (
    MAX_BYTES,
    DocumentProblem,
    check_shape,
    too_big,
)
from glue_workflow_provider.sources.pydantic_errors import describe
from glue_workflow_provider.sources.syntax import parse_text

SUFFIXES = (".json", ".yaml", ".yml")
_READ_ONLY_WORKFLOW_KEYS = ("CreatedOn", "LastModifiedOn", "LastRun", "Graph", "BlueprintDetails")


@dataclass(frozen=True)
class LoadResult:
    """What reading one definition gave: the model (None when it has errors) and every diagnostic."""

    path: str
    definition: Definition | None
    diagnostics: tuple[Diagnostic, ...] = ()
    document: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    text: str | None = field(default=None, repr=False, compare=False)

    def located(self, diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
        """``diagnostics`` found later (by the planner) about this document, in its file, with their lines."""
        placed = tuple(d.in_file(self.path) for d in diagnostics)
        if not placed or self.text is None:
            return placed
        lines = yaml_lines.path_lines(self.text)
        return tuple(yaml_lines.with_line(d, lines) for d in placed)

    @property
    def source(self) -> tuple[str, str] | None:
        """(file, text) as read, for the DAG's docs; None when the definition was not read from text."""
        return None if self.text is None else (self.path, self.text)

    @property
    def ok(self) -> bool:
        """Whether the definition can be compiled (warnings allowed)."""
        return self.definition is not None and not has_errors(self.diagnostics)

    def require(self) -> Definition:
        """The definition, or a DefinitionError listing every problem."""
        if not self.ok or self.definition is None:
            raise DefinitionError([d for d in self.diagnostics if d.is_error] or self.diagnostics)
        return self.definition


@dataclass
class _Document:
    """A parsed document in the authored shape, with where each canonical path came from."""

    data: dict[str, Any]
    renames: dict[str, str] = field(default_factory=dict)


def load_definition(path: str | Path) -> LoadResult:
    """Read and validate one definition file; never raises for problems in the file itself."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            return LoadResult(file, None, (too_big(size).in_file(file),))
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadResult(file, None, (error("GWF001", "(file)", f"cannot read the file: {exc}").in_file(file),))
    return load_text(text, file)


def read_definition(path: str | Path) -> Definition:
    """The validated definition in ``path``; raises DefinitionError with every problem otherwise."""
    return load_definition(path).require()


def load_text(text: str, file: str) -> LoadResult:
    """Parse and validate a definition given as text; ``file`` names it in diagnostics and picks the syntax."""
    if len(text) > MAX_BYTES:
        return LoadResult(file, None, (too_big(len(text.encode("utf-8", "replace"))).in_file(file),))
    try:
        data = parse_text(text, file)
        check_shape(data)
    except (DocumentProblem) as problem:
        return LoadResult(file, None, (problem.diagnostic.in_file(file),))
    result = load_data(data, file)
    located = result.diagnostics
    if located:
        lines = yaml_lines.path_lines(text)
        located = tuple(yaml_lines.with_line(d, lines) for d in result.diagnostics)
    return LoadResult(file, result.definition, located, result.document, text)


def load_data(data: object, file: str = "<definition>") -> LoadResult:
    """Validate an already parsed document (a dict as read from JSON or YAML, or as returned by boto3)."""
    document = _normalise(data)
    if isinstance(document, Diagnostic):
        return LoadResult(file, None, (document.in_file(file),))
    definition, problems = _build(document.data)
    if definition is not None:
        problems += validate(definition)
    located = tuple(_relocate(p, document.renames).in_file(file) for p in problems)
    valid = definition if not has_errors(list(located)) else None
    return LoadResult(file, valid, located, document.data)


def authored_form(data: object) -> dict[str, Any]:
    """The authored form of either accepted shape, as a plain dict (what ``convert`` writes for a get-workflow document).

    A ``GetWorkflow(IncludeGraph=True)`` response becomes ``Workflow`` (its read-only fields dropped) and the
    ``Triggers`` of its graph's trigger nodes; an authored definition comes back as it is.

    :raises DefinitionError: the document is neither shape (GWF003).
    """
    document = _normalise(data)
    if isinstance(document, Diagnostic):
        raise DefinitionError([document])
    return document.data


def _normalise(data: object) -> _Document | Diagnostic:
    """Bring either accepted shape to the authored shape, remembering where converted parts came from."""
    if not isinstance(data, Mapping) or not isinstance(data.get("Workflow"), Mapping):
        return error(
            "GWF003",
            "(document)",
            "expected a mapping with a 'Workflow' section and a 'Triggers' list (an authored definition), "
            "or the output of 'aws glue get-workflow --name NAME --include-graph'",
        )
    workflow = dict(data["Workflow"])
    graph = workflow.get("Graph")
    if isinstance(graph, Mapping) and "Triggers" not in data:
        return _from_get_workflow(dict(data), workflow, graph)
    for key in _READ_ONLY_WORKFLOW_KEYS:
        workflow.pop(key, None)
    return _Document({**data, "Workflow": workflow})


def _from_get_workflow(data: dict[str, Any], workflow: dict[str, Any], graph: Mapping[str, Any]) -> _Document:
    triggers: list[Any] = []
    renames: dict[str, str] = {}
    for index, node in enumerate(graph.get("Nodes") or ()):
        if isinstance(node, Mapping) and node.get("Type") == "TRIGGER":
            details = node.get("TriggerDetails") or {}
            renames[f"Triggers[{len(triggers)}]"] = f"Workflow.Graph.Nodes[{index}].TriggerDetails.Trigger"
            triggers.append(details.get("Trigger") if isinstance(details, Mapping) else details)
    header = {k: v for k, v in workflow.items() if k not in _READ_ONLY_WORKFLOW_KEYS}
    extra = {k: v for k, v in data.items() if k in ("Jobs", "Crawlers", "Airflow")}
    return _Document({"Workflow": header, "Triggers": triggers, **extra}, renames)


_SECTIONS: tuple[tuple[str, type[BaseModel], bool], ...] = (
    ("Workflow", Workflow, False),
    ("Triggers", Trigger, True),
    ("Jobs", Job, True),
    ("Crawlers", Crawler, True),
    ("Airflow", AirflowSettings, False),
)


def _build(data: dict[str, Any]) -> tuple[Definition | None, list[Diagnostic]]:
    """Validate each section (and each list item) on its own, so one bad trigger hides no other problem.

    When some triggers are malformed, the well-formed ones are still checked as a workflow; checks that a
    missing trigger could explain (references, reachability) are left out so nothing misleading is said.
    """
    problems: list[Diagnostic] = [
        describe_unknown_section(str(key)) for key in data if key not in {n for n, _, _ in _SECTIONS}
    ]
    parsed: dict[str, Any] = {}
    for name, model, is_list in _SECTIONS:
        if name not in data or data[name] is None:
            continue
        if is_list:
            parsed[name] = _build_list(name, model, data[name], problems)
        else:
            parsed[name] = _build_one(name, model, data[name], problems)
    if not problems:
        return Definition.model_validate(parsed), problems
    if not isinstance(parsed.get("Workflow"), Workflow):
        parsed["Workflow"] = _stand_in_header(data.get("Workflow"))
    problems += _validate_partial(parsed)
    return None, problems


def _stand_in_header(raw: object) -> Workflow:
    """A minimal header so the triggers are still checked when the Workflow section itself is malformed."""
    name = raw.get("Name") if isinstance(raw, Mapping) else None
    return Workflow(name=name if isinstance(name, str) and 0 < len(name) <= 255 else "(invalid name)")


def _validate_partial(parsed: dict[str, Any]) -> list[Diagnostic]:
    kept = [(i, t) for i, t in enumerate(parsed.get("Triggers") or ()) if t is not None]
    sections = {k: [x for x in v if x is not None] if isinstance(v, list) else v for k, v in parsed.items()}
    sections["Triggers"] = [t for _, t in kept]
    sections = {k: v for k, v in sections.items() if v is not None}
    partial = Definition.model_validate(sections)
    dropped = len(kept) != len(parsed.get("Triggers") or ())
    renames = {f"Triggers[{new}]": f"Triggers[{old}]" for new, (old, _) in enumerate(kept)}
    return [
        _relocate(d, renames)
        for d in validate(partial)
        if not (dropped and d.code in _REFERENCE_CODES)
    ]


#: Checks whose findings a malformed (dropped) trigger could explain.
_REFERENCE_CODES = frozenset({"GWF021", "GWF032", "GWF033", "GWF034", "GWF041"})


def _build_one(name: str, model: type[BaseModel], value: object, problems: list[Diagnostic]) -> object:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems.extend(describe(exc, name))
        return _lenient(model, value)


def _lenient(model: type[BaseModel], value: object) -> object:
    """The part without its unknown keys, if that is valid: still checked as a workflow, never compiled."""
    if not isinstance(value, Mapping):
        return None
    keys = {info.alias or field for field, info in model.model_fields.items()}
    try:
        return model.model_validate({k: v for k, v in value.items() if k in keys})
    except ValidationError:
        return None


def _build_list(name: str, model: type[BaseModel], value: object, problems: list[Diagnostic]) -> list[object]:
    if not isinstance(value, list):
        problems.append(error("GWF002", name, f"{name} must be a list"))
        return []
    return [_build_one(f"{name}[{i}]", model, item, problems) for i, item in enumerate(value)]


def describe_unknown_section(key: str) -> Diagnostic:
    """The diagnostic for a top-level key that no section has (with the section it probably meant)."""
    names = [name for name, _, _ in _SECTIONS]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return error(
        "GWF002",
        key,
        f"unknown section '{key}'; {hint}a definition has Workflow, Triggers, and optionally Jobs, Crawlers, "
        "Airflow",
    )


def _relocate(diagnostic: Diagnostic, renames: dict[str, str]) -> Diagnostic:
    """Report a converted part at the place it had in the original document."""
    for canonical, original in sorted(renames.items(), key=lambda item: -len(item[0])):
        if diagnostic.path == canonical or diagnostic.path.startswith((canonical + ".", canonical + "[")):
            path = original + diagnostic.path[len(canonical):]
            return Diagnostic(diagnostic.code, diagnostic.severity, path, diagnostic.message, diagnostic.file)
    return diagnostic
