"""Reaching into values: ``value.name``, ``value[key]`` and iteration, as Terraform does them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown, to_number, type_name


def get_attribute(value: Any, name: str) -> Any:
    """``value.name``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        if name not in value:
            raise EvaluationError(f"the object has no attribute '{name}'")
        return value[name]
    if hasattr(value, "attribute"):
        return value.attribute(name)
    raise EvaluationError(f"a {type_name(value)} has no attribute '{name}'")


def get_index(value: Any, key: Any) -> Any:
    """``value[key]``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    if isinstance(value, list):
        position = to_number(key)
        if not isinstance(position, int) or not 0 <= position < len(value):
            raise EvaluationError(f"index {key} is out of range (the list has {len(value)} elements)")
        return value[position]
    if isinstance(value, dict):
        if str(key) not in value:
            raise EvaluationError(f"the map has no key '{key}'")
        return value[str(key)]
    if hasattr(value, "index"):
        return value.index(key)
    raise EvaluationError(f"a {type_name(value)} cannot be indexed")


def iterate(collection: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs of a list (index, element) or a map (key, value; keys in lexical order)."""
    if isinstance(collection, list):
        yield from enumerate(collection)
    elif isinstance(collection, dict):
        for key in sorted(collection):
            yield key, collection[key]
    else:
        raise EvaluationError(f"a {type_name(collection)} cannot be iterated over")
