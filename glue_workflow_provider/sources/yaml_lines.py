"""Line numbers for field paths, computed only when there is a problem to report (parsing stays fast)."""

from __future__ import annotations

import re

import yaml

from glue_workflow_provider.model.diagnostics import Diagnostic

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_lines(text: str) -> dict[str, int]:
    """Map each field path of a YAML or JSON document to its 1-based line; empty when it cannot be parsed."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    _walk(root, "", lines)
    return lines


def _walk(node: yaml.Node | None, path: str, lines: dict[str, int]) -> None:
    if node is None:
        return
    if path:
        lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines.setdefault(child, key.start_mark.line + 1)
            if path:
                lines.setdefault(f"{path}[{key.value!r}]", key.start_mark.line + 1)
            _walk(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{path}[{index}]", lines)


def with_line(diagnostic: Diagnostic, lines: dict[str, int]) -> Diagnostic:
    """The diagnostic with ``(line N)`` added, using the deepest part of its path that the document has."""
    if not lines or diagnostic.path.startswith("("):
        return diagnostic
    path = diagnostic.path
    while path:
        if path in lines:
            message = f"{diagnostic.message} (line {lines[path]})"
            return Diagnostic(diagnostic.code, diagnostic.severity, diagnostic.path, message, diagnostic.file)
        path = _parent(path)
    return diagnostic


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]
