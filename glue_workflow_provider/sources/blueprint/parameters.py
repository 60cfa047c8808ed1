"""Blueprint parameters: check ``parameterSpec`` and the values given, and convert them
for the layout.

Rules of docs/semantics.md#blueprint-parameters: a parameter has a ``type`` (one of ``TYPES``);
``collection: true`` takes a list; with a ``defaultValue`` it is optional, without one
it is required; ``allowedValues`` limits the values. Values come from ``--param K=V``
(text), ``--params FILE.json`` (JSON) and ``defaultValue``, in that order of precedence,
and reach the layout as Python values of the declared type (``str``, ``int``, ``float``,
``bool``, a ``list`` of them for collections). Every problem is reported, each naming
the parameter.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TEXT_TYPES = ("String", "S3Uri", "S3Bucket", "IAMRoleArn", "IAMRoleName")
TYPES = (*TEXT_TYPES, "Integer", "Double", "Boolean")
_BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
#: The form each text type must have, and how to say it.
FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "S3Uri": (re.compile(rf"^s3://{_BUCKET}(/.*)?$"), "s3://BUCKET/PATH"),
    "S3Bucket": (
        re.compile(rf"^{_BUCKET}$"),
        "a bucket name: 3-63 lower-case letters, digits, '.' or '-'",
    ),
    "IAMRoleArn": (
        re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$"),
        "arn:aws:iam::ACCOUNT:role/NAME",
    ),
    "IAMRoleName": (
        re.compile(r"^[\w+=,.@-]{1,64}$"),
        "a role name: 1-64 letters, digits or +=,.@_-",
    ),
}


@dataclass
class Resolved:
    """The values the layout gets (defaults applied) and every problem found."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def check_spec(spec: object) -> list[tuple[str, str]]:
    """Problems of ``parameterSpec`` itself, as (place, message)."""
    if not isinstance(spec, Mapping):
        return [
            ("parameterSpec", "must be a JSON object of parameter name -> {type, ...}")
        ]
    problems = []
    for name, entry in spec.items():
        place = f"parameterSpec.{name}"
        if not isinstance(entry, Mapping):
            problems.append((place, "must be a JSON object with at least 'type'"))
        elif entry.get("type") not in TYPES:
            problems.append(
                (place, f"type {entry.get('type')!r} is not one of {', '.join(TYPES)}")
            )
        elif not isinstance(entry.get("collection", False), bool):
            problems.append((place, "collection must be true or false"))
        elif "allowedValues" in entry and not isinstance(entry["allowedValues"], list):
            problems.append((place, "allowedValues must be a JSON list"))
        elif "defaultValue" in entry:
            problem = _check_default(entry)
            if problem:
                problems.append((place, problem))
    return problems


def _check_default(entry: Mapping[str, Any]) -> str | None:
    try:
        _convert(entry, entry["defaultValue"], "defaultValue", check_format=False)
    except ValueError as exc:
        return str(exc)
    return None


def resolve(
    spec: Mapping[str, Any], given: Mapping[str, str], from_file: Mapping[str, Any]
) -> Resolved:
    """The layout's ``user_params``: ``given`` (--param) over ``from_file`` (--params)
    over defaults."""
    resolved = Resolved()
    for name in [*given, *(n for n in from_file if n not in given)]:
        if name not in spec:
            known = ", ".join(spec) or "(none)"
            resolved.problems.append(
                (
                    f"parameterSpec.{name}",
                    f"unknown parameter; this blueprint's parameters are: {known}",
                )
            )
    for name, entry in spec.items():
        if name in given:
            raw, origin = given[name], f"--param {name}"
        elif name in from_file:
            raw, origin = from_file[name], f"--params {name}"
        elif "defaultValue" in entry:
            raw, origin = entry["defaultValue"], "defaultValue"
        else:
            resolved.problems.append(
                (
                    f"parameterSpec.{name}",
                    f"required parameter not given ({_kind(entry)}, no "
                    f"defaultValue): give it with --param {name}=VALUE or in --params "
                    "FILE.json",
                )
            )
            continue
        try:
            resolved.values[name] = _convert(
                entry, raw, origin, check_format=origin != "defaultValue"
            )
        except ValueError as exc:
            resolved.problems.append((f"parameterSpec.{name}", str(exc)))
    return resolved


def _kind(entry: Mapping[str, Any]) -> str:
    return (
        f"a list of {entry['type']}" if entry.get("collection") else str(entry["type"])
    )


def _convert(
    entry: Mapping[str, Any], raw: object, origin: str, *, check_format: bool
) -> Any:
    """``raw`` as the declared type (a list for a collection); ValueError says what is
    wrong and what is allowed."""
    if not entry.get("collection"):
        return _scalar(entry, raw, origin, check_format)
    items = _items(raw, origin, entry)
    return [
        _scalar(entry, item, f"{origin}[{index}]", check_format)
        for index, item in enumerate(items)
    ]


def _items(raw: object, origin: str, entry: Mapping[str, Any]) -> list[Any]:
    """A collection's values: a JSON list, or (as text) a JSON list or comma-separated
    values."""
    if isinstance(raw, list):
        return raw
    if isinstance(raw, str) and not origin.startswith("defaultValue"):
        if raw.lstrip().startswith("["):
            try:
                items = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{origin}: {raw!r} is not a JSON list: {exc}"
                ) from exc
            if isinstance(items, list):
                return items
        return [item.strip() for item in raw.split(",")] if raw else []
    raise ValueError(
        f"{origin}: {raw!r} is not a list; {_kind(entry)} takes a JSON list or "
        "comma-separated values"
    )


def _scalar(
    entry: Mapping[str, Any], raw: object, origin: str, check_format: bool
) -> Any:
    kind = str(entry["type"])
    value = _PARSERS[kind](raw, origin)
    if check_format and kind in FORMATS and not FORMATS[kind][0].match(value):
        raise ValueError(
            f"{origin}: {value!r} is not a valid {kind}: expected {FORMATS[kind][1]}"
        )
    allowed = entry.get("allowedValues")
    if isinstance(allowed, list) and value not in allowed:
        choices = ", ".join(map(repr, allowed))
        raise ValueError(
            f"{origin}: {value!r} is not allowed; allowedValues: {choices}"
        )
    return value


def _text(raw: object, origin: str) -> str:
    if not isinstance(raw, str):
        raise ValueError(f"{origin}: {raw!r} is not text (a JSON string)")
    return raw


def _integer(raw: object, origin: str) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw)
    raise ValueError(f"{origin}: {raw!r} is not an Integer (a whole number such as 5)")


def _double(raw: object, origin: str) -> float:
    try:
        value = (
            float(raw)
            if isinstance(raw, (int, float, str)) and not isinstance(raw, bool)
            else math.nan
        )
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"{origin}: {raw!r} is not a Double (a number such as 128 or 0.5)"
        )
    return value


def _boolean(raw: object, origin: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValueError(f"{origin}: {raw!r} is not a Boolean (true or false)")


_PARSERS: dict[str, Callable[[object, str], Any]] = {
    **dict.fromkeys(TEXT_TYPES, _text),
    "Integer": _integer,
    "Double": _double,
    "Boolean": _boolean,
}


def buckets(spec: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """The S3 buckets the S3Uri and S3Bucket parameters name (for the sandbox to
    create), sorted."""
    names: set[str] = set()
    for name, entry in spec.items():
        kind, value = entry.get("type"), values.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and kind == "S3Uri" and item.startswith("s3://"):
                names.add(item[len("s3://") :].split("/", 1)[0])
            elif isinstance(item, str) and kind == "S3Bucket" and item:
                names.add(item)
    return sorted(n for n in names if FORMATS["S3Bucket"][0].match(n))
