"""Parsing a Glue ``Schedule`` (``cron(Minutes Hours Day-of-month Month Day-of-week Year)``) into a GlueCron.

Six fields, the ``cron()`` wrapper, ``?`` in one of the day fields, no ``rate()``, nothing faster than every
5 minutes (docs/semantics.md#glue-cron); every refusal says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from glue_workflow_provider.model.cron import (
    DAY_NAMES,
    MIN_INTERVAL_MINUTES,
    MONTH_NAMES,
    DaySpec,
    GlueCron,
    GlueCronError,
)

_WRAPPER = re.compile(r"^\s*cron\((?P<body>.*)\)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class _FieldRule:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _FieldRule("Minutes", 0, 59),
    _FieldRule("Hours", 0, 23),
    _FieldRule("Day-of-month", 1, 31),
    _FieldRule("Month", 1, 12, MONTH_NAMES, 1),
    _FieldRule("Day-of-week", 1, 7, DAY_NAMES, 1),
    _FieldRule("Year", 1970, 2199),
)


def parse_glue_cron(expression: str) -> GlueCron:
    """Parse a Glue ``Schedule``; raise GlueCronError with a message that says what to change."""
    text = expression.strip()
    if text.lower().startswith("rate("):
        raise GlueCronError(
            f"'{expression}' is a rate() expression; Glue trigger schedules only take cron(...) "
            "(for example cron(0/15 * * * ? *) for every 15 minutes)"
        )
    match = _WRAPPER.match(text)
    if match is None:
        raise GlueCronError(
            f"'{expression}' is not wrapped in cron(...); write cron(Minutes Hours Day-of-month Month "
            "Day-of-week Year), for example cron(15 12 * * ? *)"
        )
    fields = tuple(match.group("body").split())
    if len(fields) != 6:
        raise GlueCronError(
            f"'{expression}' has {len(fields)} fields; Glue cron needs exactly 6: "
            "Minutes Hours Day-of-month Month Day-of-week Year (for example cron(15 12 * * ? *))"
        )
    minutes = _parse_plain(fields[0], _FIELDS[0])
    hours = _parse_plain(fields[1], _FIELDS[1])
    dom = _parse_day_of_month(fields[2])
    months = _parse_plain(fields[3], _FIELDS[3])
    dow = _parse_day_of_week(fields[4])
    years = _parse_plain(fields[5], _FIELDS[5])
    _check_day_fields(fields[2], fields[4], dom, dow)
    cron = GlueCron(text, minutes, hours, dom, months, dow, years, fields)
    _check_min_interval(cron)
    return cron


def _check_day_fields(dom_text: str, dow_text: str, dom: DaySpec, dow: DaySpec) -> None:
    if dom.is_question and dow.is_question:
        raise GlueCronError("Day-of-month and Day-of-week are both '?'; put '*' or a value in one of them")
    if not dom.is_question and not dow.is_question:
        raise GlueCronError(
            f"Day-of-month '{dom_text}' and Day-of-week '{dow_text}' are both set; Glue needs '?' in one of "
            f"them (for example cron(0 12 * * ? *) or cron(0 12 ? * MON *))"
        )


def _check_min_interval(cron: GlueCron) -> None:
    minutes = sorted(cron.minutes)
    gaps = [b - a for a, b in pairwise(minutes)]
    if len(cron.hours) > 1 and _has_consecutive(sorted(cron.hours)):
        gaps.append(60 - minutes[-1] + minutes[0])
    if gaps and min(gaps) < MIN_INTERVAL_MINUTES:
        raise GlueCronError(
            f"'{cron.expression}' fires {min(gaps)} minute(s) apart; Glue's minimum is every "
            f"{MIN_INTERVAL_MINUTES} minutes (for example 0/5 in the Minutes field)"
        )


def _has_consecutive(values: list[int]) -> bool:
    return any(b - a == 1 for a, b in pairwise(values)) or (0 in values and 23 in values)


def _parse_plain(text: str, rule: _FieldRule) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        values |= _parse_part(part, rule)
    return frozenset(values)


def _parse_part(part: str, rule: _FieldRule) -> set[int]:
    if part == "":
        raise GlueCronError(f"{rule.name} field has an empty list item")
    base, _, step_text = part.partition("/")
    step = 1
    if step_text:
        step = _number(step_text, rule, is_step=True)
    if base in ("*", "?"):
        if base == "?" and rule.name not in ("Day-of-month", "Day-of-week"):
            raise GlueCronError(f"'?' is only allowed in Day-of-month or Day-of-week, not in {rule.name}")
        low, high = rule.low, rule.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _number(first, rule), _number(last, rule)
        if low > high:
            raise GlueCronError(f"{rule.name} range '{base}' runs backwards; write it from low to high")
    else:
        low = _number(base, rule)
        high = rule.high if step_text else low
    return set(range(low, high + 1, step))


def _number(text: str, rule: _FieldRule, *, is_step: bool = False) -> int:
    upper = text.upper()
    if not is_step and upper in rule.names:
        return rule.names.index(upper) + rule.name_base
    if not text.isdigit():
        allowed = f"{rule.low}-{rule.high}" + (f" or {rule.names[0]}-{rule.names[-1]}" if rule.names else "")
        raise GlueCronError(f"{rule.name} value '{text}' is not valid; use {allowed}")
    value = int(text)
    if is_step:
        if value < 1:
            raise GlueCronError(f"{rule.name} step '/{text}' must be at least 1")
        return value
    if not rule.low <= value <= rule.high:
        hint = " (Glue numbers days of the week 1-7, SUN=1)" if rule.name == "Day-of-week" else ""
        raise GlueCronError(f"{rule.name} value {value} is out of range {rule.low}-{rule.high}{hint}")
    return value


def _parse_day_of_month(text: str) -> DaySpec:
    upper = text.upper()
    if upper == "?":
        return DaySpec()
    if upper == "L":
        return DaySpec(last=True)
    if upper == "LW":
        return DaySpec(last_weekday_of_month=True)
    if upper.endswith("W"):
        day = _number(upper[:-1], _FIELDS[2])
        return DaySpec(weekday_nearest=day)
    _reject_specials(upper, "Day-of-month", "L, LW or nW (for example 15W)")
    return DaySpec(values=_parse_plain(text, _FIELDS[2]))


def _parse_day_of_week(text: str) -> DaySpec:
    upper = text.upper()
    if upper == "?":
        return DaySpec()
    if upper == "L":
        return DaySpec(values=frozenset({7}))
    if "#" in upper:
        day_text, _, nth_text = upper.partition("#")
        day = _number(day_text, _FIELDS[4])
        if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5:
            raise GlueCronError(f"Day-of-week '{text}': the occurrence after '#' must be 1-5 (for example 6#3)")
        return DaySpec(nth=(day, int(nth_text)))
    if upper.endswith("L"):
        return DaySpec(last_of_weekday=_number(upper[:-1], _FIELDS[4]))
    _reject_specials(upper, "Day-of-week", "L, nL or n#k (for example 6L or 6#3)")
    return DaySpec(values=_parse_plain(text, _FIELDS[4]))


def _reject_specials(text: str, field_name: str, allowed: str) -> None:
    names = "|".join(MONTH_NAMES + DAY_NAMES)
    stripped = re.sub(names, "", text)
    if any(ch in stripped for ch in "LW#"):
        raise GlueCronError(f"{field_name} '{text}': L, W and # must stand alone in the field; use {allowed}")


