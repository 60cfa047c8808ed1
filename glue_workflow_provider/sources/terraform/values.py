"""Terraform values as plain Python data, plus the one marker for a value not known statically.

Terraform's types map onto Python's: string ``str``, number ``int``/``float``, bool ``bool``, null ``None``,
tuple/list/set ``list``, object/map ``dict``. What Terraform knows only after apply (an ARN, a data source)
is an :class:`Unknown` that remembers why, so the reader can warn instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol


class EvaluationError(Exception):
    """An expression Terraform itself would reject (a type error, a missing key, an unsupported function)."""


@dataclass(frozen=True)
class Unknown:
    """A value not known statically; ``stand_in`` is the name to use where Glue requires a name."""

    reason: str
    stand_in: str | None = None


class Traversable(Protocol):
    """A value reached by ``.name`` and ``[key]`` that is not plain data (a resource, a module, ``var``)."""

    def attribute(self, name: str) -> Any:
        """The value of ``.name``."""

    def index(self, key: Any) -> Any:
        """The value of ``[key]``."""


def find_unknown(value: Any) -> Unknown | None:
    """The first :class:`Unknown` inside ``value`` (itself, or nested in lists and maps), if any."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        items: list[Any] = value
    elif isinstance(value, dict):
        items = list(value.values())
    else:
        return None
    for item in items:
        found = find_unknown(item)
        if found is not None:
            return found
    return None


def to_string(value: Any) -> str:
    """Terraform's conversion of a primitive to string (``tostring``, interpolation)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    if value is None:
        raise EvaluationError("a null value cannot be used in a string")
    raise EvaluationError(f"a {type_name(value)} cannot be converted to a string")


def to_number(value: Any) -> int | float:
    """Terraform's conversion to number (a string of digits is a number)."""
    if isinstance(value, bool) or value is None:
        raise EvaluationError(f"a {type_name(value)} is not a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvaluationError(f"'{value}' is not a number") from None
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvaluationError(f"a {type_name(value)} is not a number")


def to_bool(value: Any) -> bool:
    """Terraform's conversion to bool (the strings "true" and "false" are bools)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvaluationError(f"a {type_name(value)} is not a bool")


def type_name(value: Any) -> str:
    """Terraform's name for the type of ``value``, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "object"


def to_json(value: Any) -> str:
    """``jsonencode``: compact JSON as Terraform writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def string_map(value: Any) -> dict[str, str]:
    """A map whose values become strings, as Terraform converts a ``map(string)`` attribute."""
    if not isinstance(value, dict):
        raise EvaluationError(f"expected a map, got a {type_name(value)}")
    return {str(key): to_string(item) for key, item in value.items() if item is not None}
