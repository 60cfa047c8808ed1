"""Glue cron: ``cron(Minutes Hours Day-of-month Month Day-of-week Year)`` parsed and matched exactly, in UTC.

Rules from glue-semantics.md §3.4: six fields, the ``cron()`` wrapper, Day-of-week 1-7 = SUN-SAT, ``?`` in one
of the day fields, ``L``/``W`` in Day-of-month, ``L``/``#`` in Day-of-week, a Year field, no ``rate()``, and
nothing faster than every 5 minutes. Matching is done here, day by day, so that no cron library's reading of
these constructs can change a schedule.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from glue_workflow_provider.exceptions import GlueWorkflowError

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
MIN_INTERVAL_MINUTES = 5
_WRAPPER = re.compile(r"^\s*cron\((?P<body>.*)\)\s*$", re.IGNORECASE | re.DOTALL)


class GlueCronError(GlueWorkflowError, ValueError):
    """A Glue cron expression that Glue would reject; the message says what to change."""


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


@dataclass(frozen=True, slots=True)
class DaySpec:
    """The day part of a schedule: either plain day numbers or one of Glue's special day forms."""

    values: frozenset[int] | None = None  # None: the field is '?'
    last: bool = False  # DOM 'L' (last day) or DOW 'nL' (last weekday n); with weekday set for DOW
    weekday_nearest: int | None = None  # DOM 'nW'
    last_weekday_of_month: bool = False  # DOM 'LW'
    nth: tuple[int, int] | None = None  # DOW 'n#k': (weekday n, occurrence k)
    last_of_weekday: int | None = None  # DOW 'nL'

    @property
    def is_question(self) -> bool:
        """Whether the field was ``?`` (the other day field decides)."""
        return self.values is None and not self.is_special

    @property
    def is_special(self) -> bool:
        """Whether the field uses ``L``, ``W`` or ``#``."""
        return bool(
            self.last or self.weekday_nearest or self.last_weekday_of_month or self.nth or self.last_of_weekday
        )


@dataclass(frozen=True, slots=True)
class GlueCron:
    """A parsed Glue cron expression; ``matches_day`` and ``next_after`` follow AWS's rules exactly (UTC)."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DaySpec
    months: frozenset[int]
    day_of_week: DaySpec
    years: frozenset[int]
    fields: tuple[str, ...]

    @property
    def uses_special_days(self) -> bool:
        """Whether the expression needs ``L``, ``W`` or ``#`` (no plain 5-field cron says those exactly)."""
        return self.day_of_month.is_special or self.day_of_week.is_special

    @property
    def restricts_years(self) -> bool:
        """Whether the Year field excludes any year."""
        return self.years != frozenset(range(1970, 2200))

    def matches_day(self, day: date) -> bool:
        """Whether the schedule fires on ``day`` (UTC calendar day)."""
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.day_of_month.is_question:
            return _dow_matches(self.day_of_week, day)
        return _dom_matches(self.day_of_month, day)

    def next_after(self, moment: datetime, *, inclusive: bool = False) -> datetime | None:
        """The first fire time strictly after ``moment`` (or at it, when ``inclusive``); None if none is left."""
        whole = _utc_minute(moment)
        exact = whole == (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        start = whole if inclusive and exact else whole + timedelta(minutes=1)
        day = start.date()
        last_year = max(self.years)
        while day.year <= last_year:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
                continue
            if day.month not in self.months:
                day = _first_of_next_month(day)
                continue
            if self.matches_day(day):
                hit = self._first_time_on(day, start)
                if hit is not None:
                    return hit
            day += timedelta(days=1)
        return None

    def previous_at_or_before(self, moment: datetime) -> datetime | None:
        """The last fire time at or before ``moment``; None if the schedule never fired by then."""
        moment = _utc_minute(moment)
        day = moment.date()
        first_year = min(self.years)
        while day.year >= first_year:
            if day.year not in self.years:
                day = date(day.year - 1, 12, 31)
                continue
            if day.month not in self.months:
                day = date(day.year, day.month, 1) - timedelta(days=1)
                continue
            if self.matches_day(day):
                hit = self._last_time_on(day, moment)
                if hit is not None:
                    return hit
            day -= timedelta(days=1)
        return None

    def _last_time_on(self, day: date, not_after: datetime) -> datetime | None:
        for hour in sorted(self.hours, reverse=True):
            for minute in sorted(self.minutes, reverse=True):
                candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if candidate <= not_after:
                    return candidate
        return None

    def _first_time_on(self, day: date, not_before: datetime) -> datetime | None:
        for hour in sorted(self.hours):
            for minute in sorted(self.minutes):
                candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if candidate >= not_before:
                    return candidate
        return None


def _utc_minute(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to the minute (a naive moment is taken as UTC, as Glue schedules are)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


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


def glue_weekday(day: date) -> int:
    """Glue's day-of-week number of ``day``: 1 = SUN ... 7 = SAT."""
    return day.isoweekday() % 7 + 1


def _dow_matches(spec: DaySpec, day: date) -> bool:
    weekday = glue_weekday(day)
    if spec.nth is not None:
        wanted, occurrence = spec.nth
        return weekday == wanted and (day.day - 1) // 7 + 1 == occurrence
    if spec.last_of_weekday is not None:
        return weekday == spec.last_of_weekday and day.day + 7 > _days_in_month(day)
    return spec.values is not None and weekday in spec.values


def _dom_matches(spec: DaySpec, day: date) -> bool:
    last_day = _days_in_month(day)
    if spec.last:
        return day.day == last_day
    if spec.last_weekday_of_month:
        return day == _nearest_weekday(date(day.year, day.month, last_day))
    if spec.weekday_nearest is not None:
        if spec.weekday_nearest > last_day:
            return False
        return day == _nearest_weekday(date(day.year, day.month, spec.weekday_nearest))
    return spec.values is not None and day.day in spec.values


def _nearest_weekday(target: date) -> date:
    """The weekday nearest ``target`` without leaving its month (the Quartz/AWS ``W`` rule)."""
    weekday = target.weekday()  # Monday = 0
    last_day = _days_in_month(target)
    if weekday == 5:  # Saturday: Friday before, or Monday after when the 1st
        return target - timedelta(days=1) if target.day > 1 else target + timedelta(days=2)
    if weekday == 6:  # Sunday: Monday after, or Friday before when the last day
        return target + timedelta(days=1) if target.day < last_day else target - timedelta(days=2)
    return target


def _days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
