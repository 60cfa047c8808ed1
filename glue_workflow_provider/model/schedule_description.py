"""describe_glue_cron(): a Glue cron expression in plain English, for the Airflow UI and ``glue-airflow render``.

The sentence is built from the parsed fields (the same sets the matcher uses), never from a 5-field cron
library's reading of them, so ``L``, ``W``, ``#``, the Year field and Day-of-week 1-7 = SUN-SAT read the way
Glue runs them. Times are always said in UTC, because Glue schedules are.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from glue_workflow_provider.model.schedule import DaySpec, GlueCron

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
ORDINALS = ("first", "second", "third", "fourth", "fifth")
#: Up to this many (hour, minute) pairs are listed as clock times; more are described by their pattern.
MAX_LISTED_TIMES = 4


def describe_glue_cron(cron: GlueCron) -> str:
    """``cron`` as one sentence, e.g. "At 06:00 UTC on day 1 of every month"."""
    minutes, hours = sorted(cron.minutes), sorted(cron.hours)
    days = _day_phrase(cron) + _year_phrase(cron.years)
    if len(minutes) * len(hours) <= MAX_LISTED_TIMES:
        times = [f"{hour:02d}:{minute:02d}" for hour in hours for minute in minutes]
        return f"At {_join(times)} UTC {days}"
    return f"{_repeating_time_phrase(minutes, hours)}, {days} (UTC)"


def _repeating_time_phrase(minutes: list[int], hours: list[int]) -> str:
    """Many times a day: "Every 15 minutes", "Every 10 minutes from 09:00 to 17:50", ..."""
    step = _step(minutes)
    regular = step is not None and minutes[0] < step and minutes[-1] + step >= 60
    if len(hours) == 24:
        if regular:
            return f"Every {step} minutes" + (f" from minute {minutes[0]} of every hour" if minutes[0] else "")
        return f"At minutes {_ranges(minutes, str)} of every hour"
    first, last = f"{hours[0]:02d}:{minutes[0]:02d}", f"{hours[-1]:02d}:{minutes[-1]:02d}"
    if regular and len(list(_runs(hours))) == 1:
        return f"Every {step} minutes from {first} to {last}"
    hour_step = _step(hours)
    if len(minutes) == 1 and hour_step is not None:
        return f"Every {hour_step} hours from {first} to {last}"
    starts = _ranges(hours, lambda hour: f"{hour:02d}:00")
    every = f"Every {step} minutes" if regular else f"At minute{_plural(minutes)} {_ranges(minutes, str)}"
    return f"{every} of the hours starting {starts}"


def _step(values: list[int]) -> int | None:
    """The common difference of ``values`` when they are an arithmetic progression of 3 or more."""
    if len(values) < 3:
        return None
    gaps = {b - a for a, b in pairwise(values)}
    return gaps.pop() if len(gaps) == 1 else None


def _day_phrase(cron: GlueCron) -> str:
    months = _month_phrase(cron.months)
    if cron.day_of_month.is_question:
        return _weekday_phrase(cron.day_of_week, months)
    return _month_day_phrase(cron.day_of_month, months)


def _month_phrase(months: frozenset[int]) -> str | None:
    """None for every month, else the months by name ("January and July", "March to May")."""
    if len(months) == 12:
        return None
    return _ranges(sorted(months), lambda m: MONTHS[m - 1])


def _month_day_phrase(spec: DaySpec, months: str | None) -> str:
    of_months = f"of {months}" if months else "of every month"
    if spec.last:
        return f"on the last day {of_months}"
    if spec.last_weekday_of_month:
        return f"on the last weekday (Monday to Friday) {of_months}"
    if spec.weekday_nearest is not None:
        return f"on the weekday nearest day {spec.weekday_nearest} {of_months}"
    days = sorted(spec.values or ())
    if len(days) == 31:
        return f"every day in {months}" if months else "every day"
    return f"on day{_plural(days)} {_ranges(days, str)} {of_months}"


def _weekday_phrase(spec: DaySpec, months: str | None) -> str:
    of_months = f"of {months}" if months else "of every month"
    if spec.nth is not None:
        weekday, occurrence = spec.nth
        return f"on the {ORDINALS[occurrence - 1]} {WEEKDAYS[weekday - 1]} {of_months}"
    if spec.last_of_weekday is not None:
        return f"on the last {WEEKDAYS[spec.last_of_weekday - 1]} {of_months}"
    days = sorted(spec.values or ())
    in_months = f" in {months}" if months else ""
    if len(days) == 7:
        return f"every day{in_months}"
    return f"every {_ranges(days, lambda d: WEEKDAYS[d - 1])}{in_months}"


def _year_phrase(years: frozenset[int]) -> str:
    if years == frozenset(range(1970, 2200)):
        return ""
    ordered = sorted(years)
    if len(ordered) == 1:
        return f", in {ordered[0]} only"
    if len(list(_runs(ordered))) == 1:
        return f", from {ordered[0]} to {ordered[-1]}"
    return f", in {_ranges(ordered, str)}"


def _ranges(values: list[int], name: object) -> str:
    """``values`` as words, runs of 3 or more as "a to b": [1, 2, 3, 5] -> "1 to 3 and 5"."""
    say = name if callable(name) else str
    parts: list[str] = []
    for run in _runs(values):
        if len(run) >= 3:
            parts.append(f"{say(run[0])} to {say(run[-1])}")
        else:
            parts.extend(say(value) for value in run)
    return _join(parts)


def _runs(values: list[int]) -> Iterable[list[int]]:
    run: list[int] = []
    for value in values:
        if run and value != run[-1] + 1:
            yield run
            run = []
        run.append(value)
    if run:
        yield run


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(values: list[int]) -> str:
    return "s" if len(values) > 1 else ""
