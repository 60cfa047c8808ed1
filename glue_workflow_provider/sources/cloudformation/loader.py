"""Reading a CloudFormation template: JSON, or YAML with the short intrinsic tags (``!Ref``, ``!Sub`` ...).

The short tags are PyYAML constructors that build the long form CloudFormation itself uses (``!Ref X`` is
``{"Ref": "X"}``, ``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}``), so everything after loading sees one
shape. As CloudFormation does, timestamps stay the strings they were written as (``Version: 2012-10-17``).
A key given twice in one mapping is refused: YAML would silently keep the last one.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from glue_workflow_provider.sources.limits import MAX_BYTES, DocumentProblem, check_shape

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Short tags whose long form is ``Fn::<Name>``.
FN_TAGS = (
    "Base64", "Cidr", "FindInMap", "GetAZs", "If", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "Equals", "Not", "And", "Or", "Length", "ToJsonString",
)


class TemplateError(Exception):
    """A template that cannot be read: ``where`` (line and column when known) and why."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


class TemplateLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML's safe loader plus CloudFormation's short intrinsic tags; a key given twice is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise TemplateError(f"(line {line})", f"key '{key}' is given twice in one mapping; keep one")
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _node_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The tag's operand as plain data (a scalar, a list or a mapping, fully constructed)."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _fn(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _node_value(loader, node)}

    return construct


def _ref(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _node_value(loader, node)}


def _condition(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _node_value(loader, node)}


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    """``!GetAtt Resource.Attribute`` (split at the first dot) or ``!GetAtt [Resource, Attribute]``."""
    value = _node_value(loader, node)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


def _timestamp_as_written(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


for _name in FN_TAGS:
    TemplateLoader.add_constructor(f"!{_name}", _fn(_name))
TemplateLoader.add_constructor("!Ref", _ref)
TemplateLoader.add_constructor("!Condition", _condition)
TemplateLoader.add_constructor("!GetAtt", _get_att)
TemplateLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_written)


def parse_template(text: str) -> object:
    """The document in ``text``: JSON when it opens with ``{``, else YAML with the short tags.

    Any JSON or YAML document reads this way (a get-workflow response, ``terraform show -json``), which is
    how a source's kind is told from its content.

    :raises TemplateError: a syntax error, a key given twice, a file too big or a document too deep.
    """
    if len(text) > MAX_BYTES:
        raise TemplateError("(file)", f"the file is larger than {MAX_BYTES // 1048576} MiB")
    try:
        data = _parse(text)
        check_shape(data)
    except RecursionError as exc:
        raise TemplateError("(document)", "values are nested too deeply to read") from exc
    except DocumentProblem as problem:
        raise TemplateError(problem.diagnostic.path, problem.diagnostic.message) from problem
    return data


def _parse(text: str) -> object:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"(line {exc.lineno}, column {exc.colno})", f"JSON syntax error: {exc.msg}") from exc
    try:
        return yaml.load(text, Loader=TemplateLoader)  # noqa: S506 - a safe loader plus data-only tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"(line {mark.line + 1}, column {mark.column + 1})" if mark else "(file)"
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise TemplateError(where, f"YAML syntax error: {message}") from exc
    except yaml.YAMLError as exc:
        raise TemplateError("(file)", f"YAML syntax error: {exc}") from exc


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise TemplateError("(document)", f"key '{key}' is given twice in one object; keep one")
        result[key] = value
    return result
