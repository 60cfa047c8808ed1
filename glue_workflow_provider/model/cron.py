"""Glue cron as data: ``GlueCron`` (the parsed fields) and its fire times, matched exactly, day by day, in UTC.

Rules from docs/semantics.md#glue-cron: Day-of-week 1-7 = SUN-SAT, ``L``/``W`` in Day-of-month, ``L``/``#`` in
Day-of-week, a Year field. Matching is done here so that no cron library's reading of these constructs can
change a schedule; ``cron_parser.py`` turns an expression into a ``GlueCron``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from glue_workflow_provider.exceptions import GlueWorkflowError

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
MIN_INTERVAL_MINUTES = 5


class GlueCronError(GlueWorkflowError, ValueError):
    """A Glue cron expression that Glue would reject; the message says what to change."""


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
