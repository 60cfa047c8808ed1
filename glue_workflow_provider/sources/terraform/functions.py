"""Terraform's built-in functions that a Glue configuration uses, computed as Terraform does.

Only functions whose result is known without AWS are here; any other name is an error the reader reports
(the attribute is then left out with a warning). An unknown argument makes the result unknown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from glue_workflow_provider.sources.terraform.values import (
    EvaluationError,
    Unknown,
    find_unknown,
    to_bool,
    to_json,
    to_number,
    to_string,
    type_name,
)

_FORMAT_VERB = re.compile(r"%(\[\d+\])?([-+# 0]*)(\d+)?(\.\d+)?([a-zA-Z%])")


def call_function(name: str, arguments: list[Any]) -> Any:
    """``name(arguments...)``; an unknown argument gives an unknown result."""
    function = FUNCTIONS.get(name)
    if function is None:
        raise EvaluationError(f"function {name}() is not supported by the converter")
    shallow = name in _SHALLOW
    for argument in arguments:
        unknown = argument if isinstance(argument, Unknown) else (None if shallow else find_unknown(argument))
        if unknown is not None:
            return unknown
    try:
        return function(*arguments)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError, re.error) as exc:
        raise EvaluationError(f"{name}(): {exc}") from None


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise EvaluationError(f"{name}() expects a list, not a {type_name(value)}")
    return value


def _map(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvaluationError(f"{name}() expects a map, not a {type_name(value)}")
    return value


def _format(spec: str, *arguments: Any) -> str:
    position = 0

    def verb(match: re.Match[str]) -> str:
        nonlocal position
        explicit, flags, width, precision, letter = match.groups()
        if letter == "%":
            return "%"
        if explicit:
            position = int(explicit[1:-1]) - 1
        if position >= len(arguments):
            raise EvaluationError(f"format(): not enough arguments for '{spec}'")
        value = arguments[position]
        position += 1
        return _format_one(value, flags or "", width or "", precision or "", letter)

    return _FORMAT_VERB.sub(verb, spec)


def _format_one(value: Any, flags: str, width: str, precision: str, letter: str) -> str:
    if letter == "d":
        return f"%{flags}{width}d" % int(to_number(value))
    if letter in "feEgG":
        return f"%{flags}{width}{precision}{letter}" % float(to_number(value))
    if letter == "t":
        return "true" if to_bool(value) else "false"
    if letter == "q":
        return json.dumps(to_string(value), ensure_ascii=False)
    if letter in "xX":
        return f"%{flags}{width}{letter}" % int(to_number(value))
    text = to_json(value) if isinstance(value, list | dict) else to_string(value)
    return f"%{flags}{width}{precision}s" % text


def _replace(text: str, search: str, replacement: str) -> str:
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        python = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", replacement)
        return re.sub(search[1:-1], python, text)
    return text.replace(search, replacement)


def _element(items: list[Any], index: Any) -> Any:
    items = _list(items, "element")
    if not items:
        raise EvaluationError("element() of an empty list")
    return items[int(to_number(index)) % len(items)]


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    mapping = _map(mapping, "lookup")
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvaluationError(f"lookup(): the map has no key '{key}' and no default was given")


def _coalesce(*arguments: Any) -> Any:
    for argument in arguments:
        if isinstance(argument, Unknown):
            return argument
        if argument is not None and argument != "":
            return argument
    raise EvaluationError("coalesce(): every argument is null or an empty string")


def _merge(*maps: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for mapping in maps:
        if mapping is not None:
            result.update(_map(mapping, "merge"))
    return result


def _toset(items: Any) -> list[Any]:
    unique: list[Any] = []
    for item in _list(items, "toset"):
        if item not in unique:
            unique.append(item)
    return sorted(unique) if all(isinstance(item, str) for item in unique) else unique


def _flatten(items: Any) -> list[Any]:
    result: list[Any] = []
    for item in _list(items, "flatten"):
        result.extend(_flatten(item) if isinstance(item, list) else [item])
    return result


def _length(value: Any) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise EvaluationError(f"length() of a {type_name(value)}")


def _range(*bounds: Any) -> list[int]:
    numbers = [int(to_number(bound)) for bound in bounds]
    return list(range(*numbers))


def _substr(text: str, offset: Any, length: Any) -> str:
    start, size = int(to_number(offset)), int(to_number(length))
    start = start if start >= 0 else len(text) + start
    return text[start:] if size < 0 else text[start : start + size]


def _one(items: Any) -> Any:
    items = _list(items, "one")
    if len(items) > 1:
        raise EvaluationError("one() of a list with more than one element")
    return items[0] if items else None


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "formatlist": lambda spec, *lists: [_format(spec, *row) for row in zip(*lists, strict=True)],
    "join": lambda separator, *lists: separator.join(to_string(i) for items in lists for i in _list(items, "join")),
    "split": lambda separator, text: text.split(separator),
    "concat": lambda *lists: [item for items in lists for item in _list(items, "concat")],
    "merge": _merge,
    "lookup": _lookup,
    "lower": lambda text: to_string(text).lower(),
    "upper": lambda text: to_string(text).upper(),
    "title": lambda text: to_string(text).title(),
    "replace": lambda text, search, replacement: _replace(to_string(text), search, replacement),
    "trimspace": lambda text: to_string(text).strip(),
    "trimprefix": lambda text, prefix: to_string(text).removeprefix(prefix),
    "trimsuffix": lambda text, suffix: to_string(text).removesuffix(suffix),
    "trim": lambda text, characters: to_string(text).strip(characters),
    "substr": _substr,
    "startswith": lambda text, prefix: to_string(text).startswith(prefix),
    "endswith": lambda text, suffix: to_string(text).endswith(suffix),
    "strcontains": lambda text, part: part in to_string(text),
    "element": _element,
    "length": _length,
    "contains": lambda items, value: value in _list(items, "contains"),
    "distinct": lambda items: [v for i, v in enumerate(_list(items, "distinct")) if v not in items[:i]],
    "compact": lambda items: [v for v in _list(items, "compact") if v is not None and v != ""],
    "flatten": _flatten,
    "reverse": lambda items: list(reversed(_list(items, "reverse"))),
    "sort": lambda items: sorted(to_string(item) for item in _list(items, "sort")),
    "slice": lambda items, start, end: _list(items, "slice")[int(to_number(start)) : int(to_number(end))],
    "keys": lambda mapping: sorted(_map(mapping, "keys")),
    "values": lambda mapping: [mapping[key] for key in sorted(_map(mapping, "values"))],
    "zipmap": lambda keys, values: dict(zip((to_string(k) for k in keys), values, strict=True)),
    "range": _range,
    "one": _one,
    "coalesce": _coalesce,
    "coalescelist": lambda *lists: next((items for items in lists if items), []),
    "toset": _toset,
    "tolist": lambda items: list(_list(items, "tolist")),
    "tomap": lambda mapping: dict(_map(mapping, "tomap")),
    "tostring": lambda value: None if value is None else to_string(value),
    "tonumber": lambda value: None if value is None else to_number(value),
    "tobool": lambda value: None if value is None else to_bool(value),
    "jsonencode": to_json,
    "jsondecode": lambda text: json.loads(text),
    "abs": lambda number: abs(to_number(number)),
    "ceil": lambda number: math.ceil(to_number(number)),
    "floor": lambda number: math.floor(to_number(number)),
    "max": lambda *numbers: max(to_number(n) for n in numbers),
    "min": lambda *numbers: min(to_number(n) for n in numbers),
}

#: Functions that only move elements around: an unknown element stays an unknown element of the result.
_SHALLOW = frozenset(
    {"concat", "merge", "lookup", "element", "length", "coalesce", "coalescelist", "flatten", "reverse",
     "slice", "values", "zipmap", "one", "tolist", "tomap"}
)
