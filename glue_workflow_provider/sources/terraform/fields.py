"""Terraform attribute values → Glue API fields, driven by tables of (attribute → API name, kind).

Empty values are skipped as terraform-provider-aws skips them when it builds the API request (``""``, an
empty map or list, and ``0`` where the API minimum is 1); unknown values and unmapped attributes are
reported, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.terraform.values import (
    EvaluationError,
    Unknown,
    to_bool,
    to_number,
    to_string,
)

#: Attributes Terraform or AWS compute (present in ``terraform show -json``), never part of a definition.
COMPUTED = frozenset({"arn", "id", "tags_all", "region", "timeouts", "state"})


@dataclass(frozen=True)
class Field:
    """How one attribute becomes an API field: ``kind`` is str, int, float, bool, map, list, name, block(s)."""

    key: str
    kind: str = "str"
    fields: Mapping[str, Field] | None = None
    zero_unset: bool = False


@dataclass
class Reporter:
    """Warnings about one resource instance, placed at its address and attribute path."""

    conversion: Conversion
    file: str
    address: str

    def warn(self, path: str, message: str) -> None:
        """A warning at ``ADDRESS.path``."""
        self.conversion.warn(self.file, f"{self.address}.{path}" if path else self.address, message)

    def fail(self, path: str, message: str) -> None:
        """An error at ``ADDRESS.path`` (the command exits 1)."""
        self.conversion.fail(self.file, f"{self.address}.{path}" if path else self.address, message)


def is_empty(value: Any, zero_unset: bool = False) -> bool:
    """Whether the provider would leave this value out of the API request."""
    return value is None or value == "" or value == [] or value == {} or (zero_unset and value == 0)


def convert_fields(
    values: Mapping[str, Any], table: Mapping[str, Field], out: Reporter, path: str = ""
) -> dict[str, Any]:
    """The API fields of ``values`` according to ``table``; anything else is reported."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        if name in COMPUTED and not path:
            continue
        field = table.get(name)
        if field is None:
            if not is_empty(value):
                out.warn(path + name, "not taken over: the converter does not map this attribute")
            continue
        converted = convert_value(value, field, out, path + name)
        if converted is not None:
            result[field.key] = converted
    return result


def convert_value(value: Any, field: Field, out: Reporter, path: str) -> Any:
    """One attribute's API value, or None when it is empty or cannot be known (reported)."""
    if isinstance(value, Unknown):
        if field.kind == "name":
            stand_in = value.stand_in or out.address
            out.warn(path, f"{value.reason}; '{stand_in}' is used as the name: check it")
            return stand_in
        out.warn(path, f"{value.reason}; left out")
        return None
    if is_empty(value, field.zero_unset):
        return None
    try:
        return _CONVERTERS[field.kind](value, field, out, path)
    except EvaluationError as exc:
        out.warn(path, f"{exc}; left out")
        return None


def _map(value: Any, field: Field, out: Reporter, path: str) -> dict[str, str] | None:
    if not isinstance(value, dict):
        raise EvaluationError(f"expected a map of strings, got {value!r}")
    result = {}
    for key, item in value.items():
        if isinstance(item, Unknown):
            out.warn(f'{path}["{key}"]', f"{item.reason}; left out")
        elif item is not None:
            result[str(key)] = to_string(item)
    return result or None


def _list(value: Any, field: Field, out: Reporter, path: str) -> list[str] | None:
    if not isinstance(value, list):
        raise EvaluationError(f"expected a list of strings, got {value!r}")
    result = []
    for number, item in enumerate(value):
        if isinstance(item, Unknown):
            out.warn(f"{path}[{number}]", f"{item.reason}; left out")
        elif item is not None:
            result.append(to_string(item))
    return result or None


def _block(value: Any, field: Field, out: Reporter, path: str) -> dict[str, Any] | None:
    items = value if isinstance(value, list) else [value]
    if len(items) > 1:
        out.warn(path, f"{len(items)} blocks given where one is allowed; the first is used")
    first = items[0]
    if not isinstance(first, dict):
        raise EvaluationError(f"expected a block, got {first!r}")
    return convert_fields(first, field.fields or {}, out, f"{path}.") or None


def _blocks(value: Any, field: Field, out: Reporter, path: str) -> list[dict[str, Any]] | None:
    items = value if isinstance(value, list) else [value]
    result = []
    for number, item in enumerate(items):
        if isinstance(item, Unknown):
            out.warn(f"{path}[{number}]", f"{item.reason}; left out")
        elif isinstance(item, dict):
            result.append(convert_fields(item, field.fields or {}, out, f"{path}[{number}]."))
    return result or None


_CONVERTERS = {
    "str": lambda value, field, out, path: to_string(value),
    "name": lambda value, field, out, path: to_string(value),
    "int": lambda value, field, out, path: int(to_number(value)),
    "float": lambda value, field, out, path: to_number(value),
    "bool": lambda value, field, out, path: to_bool(value),
    "map": _map,
    "list": _list,
    "block": _block,
    "blocks": _blocks,
}
