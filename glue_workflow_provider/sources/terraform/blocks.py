"""A resource's body as values: attributes evaluated, nested blocks as lists of maps, ``dynamic`` expanded.

This is the shape ``terraform show -json`` gives a resource's ``values`` (a nested block is a list of
objects), so the mapping to Glue reads HCL and state alike. A value that cannot be computed is kept as an
:class:`Unknown` (with the expression as written) for the mapping to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.sources.terraform.expressions import Scope, evaluate
from glue_workflow_provider.sources.terraform.hcl import Attribute, Block, Body
from glue_workflow_provider.sources.terraform.traversal import iterate
from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown

#: Meta-arguments and blocks Terraform itself consumes: never resource values.
META_ATTRIBUTES = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "timeouts"})


@dataclass
class ResourceInstance:
    """One resource instance (after ``count``/``for_each``): its address, file and values."""

    type: str
    address: str
    file: str
    values: dict[str, Any]


def evaluate_attribute(attribute: Attribute, scope: Scope) -> Any:
    """An attribute's value; an error or an unknown becomes an :class:`Unknown` that names the expression."""
    try:
        value = evaluate(attribute.expression, scope)
    except EvaluationError as exc:
        return Unknown(f"'{attribute.text}' cannot be evaluated: {exc}", _stand_in(attribute.text))
    if isinstance(value, Unknown) and value.stand_in is None:
        return Unknown(value.reason, _stand_in(attribute.text))
    return value


def _stand_in(text: str) -> str:
    """The expression as written, used as a name where the value is unknown (so equal texts stay equal)."""
    if text.startswith('"') and text.endswith('"') and text.count('"') == 2:
        return text[1:-1]
    return text


def evaluate_body(body: Body, scope: Scope) -> dict[str, Any]:
    """Every attribute and nested block of ``body`` (meta-arguments left out)."""
    values: dict[str, Any] = {
        name: evaluate_attribute(attribute, scope)
        for name, attribute in body.attributes.items()
        if name not in META_ATTRIBUTES
    }
    for block in body.blocks:
        if block.type in META_BLOCKS:
            continue
        if block.type == "dynamic" and block.labels:
            _add_dynamic(values, block, scope)
        else:
            _append(values, block.type, evaluate_body(block.body, scope))
    return values


def _append(values: dict[str, Any], kind: str, item: Any) -> None:
    existing = values.get(kind)
    if isinstance(existing, list):
        existing.append(item)
    elif kind not in values:
        values[kind] = [item]


def _add_dynamic(values: dict[str, Any], block: Block, scope: Scope) -> None:
    """``dynamic "kind" { for_each = ...; iterator = name; content { ... } }``: one block per element."""
    kind = block.labels[0]
    iterator = block.body.attributes.get("iterator")
    name = iterator.text if iterator is not None else kind
    contents = block.body.blocks_of("content")
    source = block.body.attributes.get("for_each")
    if source is None or not contents:
        values[kind] = Unknown(f"dynamic \"{kind}\" has no for_each or no content block")
        return
    collection = evaluate_attribute(source, scope)
    if isinstance(collection, Unknown):
        values[kind] = Unknown(f"dynamic \"{kind}\": for_each {collection.reason}")
        return
    values.setdefault(kind, [])
    try:
        pairs = list(iterate(collection))
    except EvaluationError as exc:
        values[kind] = Unknown(f"dynamic \"{kind}\": for_each {exc}")
        return
    for key, value in pairs:
        if isinstance(collection, list) and isinstance(value, str):
            key = value  # a set of strings: each key is the element itself
        inner = scope.child({name: {"key": key, "value": value}})
        _append(values, kind, evaluate_body(contents[0].body, inner))
