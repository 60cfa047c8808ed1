"""Turn pydantic validation errors into diagnostics a person can act on (field path, what to write)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from glue_workflow_provider.model.diagnostics import Diagnostic, error

#: What a field with a pattern must look like, said as a person would (pydantic only prints the pattern).
PATTERN_HINTS = {
    "dag_id": "may hold only letters, digits, '-', '_' and '.' (Airflow's rule for ids)",
    "run_properties_uri": "must be an S3 prefix such as 's3://my-bucket/glue-airflow'",
    "event_queue_url": "must be an SQS queue URL such as 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue'",
}


def describe(exc: ValidationError, prefix: str | tuple[()] = ()) -> list[Diagnostic]:
    """One GWF002 diagnostic per pydantic error, at ``prefix`` + the error's location."""
    base = prefix if isinstance(prefix, str) else ""
    return [error("GWF002", join_path(base, item["loc"]), _message(item)) for item in exc.errors()]


def join_path(base: str, loc: tuple[Any, ...]) -> str:
    """``Triggers[1]`` + ``('Predicate', 'Conditions', 0, 'State')`` -> ``Triggers[1].Predicate.Conditions[0].State``."""
    path = base
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("[key]",):
            continue
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or "(document)"


def _message(item: Any) -> str:
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return f"required field '{item['loc'][-1]}' is missing; add it"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {_shown(value)}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {_shown(value)}"
    if kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(str(item["loc"][-1]), f"must match {ctx.get('pattern')}")
        return f"{hint}, got {_shown(value)}"
    if kind == "string_too_short":
        return f"must not be empty (at least {ctx.get('min_length')} character)"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    if kind == "extra_forbidden":
        return _unknown_field(str(item["loc"][-1]))
    if kind in ("enum", "literal_error"):
        return f"'{value}' is not a valid value; use one of {ctx.get('expected', '')}"
    if kind == "string_type":
        return f"must be a string, got {_shown(value)}; put it in quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_shown(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {_shown(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of keys to values, got {_shown(value)}"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list, got {_shown(value)}"
    return str(item.get("msg", kind))


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_field(key: str) -> str:
    close = difflib.get_close_matches(key, sorted(_known_keys()), n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else "; remove it or check its spelling"
    return f"unknown field '{key}'{hint}"


def _known_keys() -> Iterator[str]:
    from glue_workflow_provider.model import trigger, workflow

    for module in (trigger, workflow):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
                for name, info in value.model_fields.items():
                    yield info.alias or name
