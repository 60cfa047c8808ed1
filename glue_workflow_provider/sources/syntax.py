"""JSON and YAML as definitions are read: safe YAML (libyaml when available), every key once per mapping.

A key given twice is an error (JSON and YAML would silently keep the last one), and so is a document nested
too deeply for the parser; each comes out as one GWF001 diagnostic with the line where it can be told.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from glue_workflow_provider.model.diagnostics import error
from glue_workflow_provider.sources.limits import DocumentProblem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML's safe loader (libyaml when available) that rejects a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key, 0)
        result[key] = value
    return result


def parse_text(text: str, file: str) -> object:
    """The document in ``text``, as JSON when ``file`` ends in ``.json``, else as YAML.

    :raises DocumentProblem: a syntax error, a key given twice, or nesting too deep to parse.
    """
    try:
        return _parse_syntax(text, file)
    except _DuplicateKey as exc:
        where = f"(line {exc.line})" if exc.line else "(document)"
        message = f"key '{exc.key}' is given twice in one mapping; keep one (the others would be silently lost)"
        raise DocumentProblem(error("GWF001", where, message)) from exc


def syntax_of(file: str) -> str:
    """``"json"`` for a file named ``*.json``, else ``"yaml"``: how a definition file is read (and shown)."""
    return "json" if file.endswith(".json") else "yaml"


def _parse_syntax(text: str, file: str) -> object:
    if syntax_of(file) == "json":
        try:
            return json.loads(text, object_pairs_hook=_json_pairs)
        except RecursionError as exc:
            raise DocumentProblem(error("GWF001", "(document)", "values are nested too deeply to read")) from exc
        except json.JSONDecodeError as exc:
            where = f"(line {exc.lineno}, column {exc.colno})"
            message = f"JSON syntax error: {exc.msg}; fix the file at that line"
            raise DocumentProblem(error("GWF001", where, message)) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"(line {mark.line + 1}, column {mark.column + 1})" if mark else "(file)"
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise DocumentProblem(error("GWF001", where, f"YAML syntax error: {message}; fix the file there")) from exc
    except yaml.YAMLError as exc:
        raise DocumentProblem(error("GWF001", "(file)", f"YAML syntax error: {exc}")) from exc
    except RecursionError as exc:
        raise DocumentProblem(error("GWF001", "(document)", "values are nested too deeply to read")) from exc
