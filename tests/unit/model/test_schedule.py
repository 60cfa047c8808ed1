"""Glue cron (docs/semantics.md#glue-cron): parsing, exact matching and rejections.

Every expected fire time below was worked out by hand from a printed calendar (2025-01-01 is a Wednesday);
none is computed by the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glue_workflow_provider.model.schedule import GlueCronError, parse_glue_cron
from glue_workflow_provider.model.schedule_description import describe_glue_cron

UTC = UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# (expression, reference moment, the first fire time strictly after it)
NEXT_FIRE_TABLE = [
    # plain daily, 12:15 UTC
    ("cron(15 12 * * ? *)", at(2025, 1, 1), at(2025, 1, 1, 12, 15)),
    ("cron(15 12 * * ? *)", at(2025, 1, 1, 12, 15), at(2025, 1, 2, 12, 15)),
    ("cron(15 12 * * ? *)", at(2025, 12, 31, 13, 0), at(2026, 1, 1, 12, 15)),
    # Day-of-week numbers are 1-7 with 1 = SUN (2025-01-01 is a Wednesday)
    ("cron(0 12 ? * 1 *)", at(2025, 1, 1), at(2025, 1, 5, 12, 0)),  # Sunday
    ("cron(0 12 ? * 2 *)", at(2025, 1, 1), at(2025, 1, 6, 12, 0)),  # Monday, not Tuesday
    ("cron(0 12 ? * 7 *)", at(2025, 1, 1), at(2025, 1, 4, 12, 0)),  # Saturday
    ("cron(0 12 ? * SUN *)", at(2025, 1, 1), at(2025, 1, 5, 12, 0)),
    # names and ranges of names
    ("cron(0 8 ? * MON-FRI *)", at(2025, 1, 3, 9, 0), at(2025, 1, 6, 8, 0)),  # Fri after 08:00 -> Mon
    ("cron(0 8 ? * MON-FRI *)", at(2025, 1, 1), at(2025, 1, 1, 8, 0)),
    # lists
    ("cron(0 9 ? * 1,7 *)", at(2025, 1, 1), at(2025, 1, 4, 9, 0)),  # SUN,SAT -> Saturday first
    ("cron(30 9,17 * * ? *)", at(2025, 1, 1, 10, 0), at(2025, 1, 1, 17, 30)),
    # numeric ranges
    ("cron(0 9 ? * 3-5 *)", at(2025, 1, 2, 10, 0), at(2025, 1, 7, 9, 0)),  # TUE-THU; Thu done -> Tue
    ("cron(0 10-12 * * ? *)", at(2025, 1, 1, 10, 30), at(2025, 1, 1, 11, 0)),
    ("cron(0 10-12 * * ? *)", at(2025, 1, 1, 12, 0), at(2025, 1, 2, 10, 0)),
    # steps
    ("cron(0/15 * * * ? *)", at(2025, 1, 1, 10, 7), at(2025, 1, 1, 10, 15)),
    ("cron(0/15 * * * ? *)", at(2025, 1, 1, 10, 45), at(2025, 1, 1, 11, 0)),
    ("cron(0/15 * * * ? *)", at(2025, 1, 1, 23, 50), at(2025, 1, 2, 0, 0)),
    ("cron(5/20 * * * ? *)", at(2025, 1, 1, 10, 46), at(2025, 1, 1, 11, 5)),
    ("cron(0 12 1/10 * ? *)", at(2025, 1, 2), at(2025, 1, 11, 12, 0)),  # days 1, 11, 21, 31
    # L in Day-of-month: the last day (leap and common February)
    ("cron(0 0 L * ? *)", at(2024, 2, 1), at(2024, 2, 29)),
    ("cron(0 0 L * ? *)", at(2025, 2, 1), at(2025, 2, 28)),
    ("cron(0 0 L * ? *)", at(2025, 1, 31), at(2025, 2, 28)),
    # LW: the last weekday of the month
    ("cron(0 0 LW * ? *)", at(2025, 1, 2), at(2025, 1, 31)),  # Jan 31 is a Friday
    ("cron(0 0 LW * ? *)", at(2025, 5, 1), at(2025, 5, 30)),  # May 31 is a Saturday -> Fri 30
    ("cron(0 0 LW * ? *)", at(2025, 8, 1), at(2025, 8, 29)),  # Aug 31 is a Sunday -> Fri 29
    # nW: the weekday nearest day n, never leaving the month
    ("cron(0 0 15W * ? *)", at(2025, 1, 2), at(2025, 1, 15)),  # Wednesday itself
    ("cron(0 0 15W * ? *)", at(2025, 3, 1), at(2025, 3, 14)),  # Sat 15th -> Fri 14th
    ("cron(0 0 15W * ? *)", at(2025, 6, 1), at(2025, 6, 16)),  # Sun 15th -> Mon 16th
    ("cron(0 0 1W * ? *)", at(2025, 1, 2), at(2025, 2, 3)),  # Sat Feb 1st -> Mon 3rd, not Fri Jan 31
    ("cron(0 0 1W * ? *)", at(2025, 5, 2), at(2025, 6, 2)),  # Sun Jun 1st -> Mon 2nd
    ("cron(0 0 31W * ? *)", at(2025, 8, 1), at(2025, 8, 29)),  # Sun 31st, the last day -> Fri 29th
    ("cron(0 0 30W * ? *)", at(2025, 11, 1), at(2025, 11, 28)),  # Sun 30th, the last day -> Fri 28th
    # nL: the last weekday n of the month (6 = FRI)
    ("cron(0 10 ? * 6L *)", at(2025, 1, 1), at(2025, 1, 31, 10, 0)),
    ("cron(0 10 ? * 6L *)", at(2025, 2, 1), at(2025, 2, 28, 10, 0)),
    ("cron(0 10 ? * 6L *)", at(2025, 3, 1), at(2025, 3, 28, 10, 0)),
    # n#k: the k-th weekday n of the month
    ("cron(0 10 ? * 6#3 *)", at(2025, 1, 1), at(2025, 1, 17, 10, 0)),  # Fridays 3, 10, 17
    ("cron(0 10 ? * 6#3 *)", at(2025, 1, 18), at(2025, 2, 21, 10, 0)),  # Fridays 7, 14, 21
    ("cron(0 10 ? * 2#5 *)", at(2025, 1, 1), at(2025, 3, 31, 10, 0)),  # no 5th Monday in Jan or Feb
    # L alone in Day-of-week is Saturday
    ("cron(0 10 ? * L *)", at(2025, 1, 1), at(2025, 1, 4, 10, 0)),
    # month names
    ("cron(0 0 1 JAN,JUL ? *)", at(2025, 2, 1), at(2025, 7, 1)),
    ("cron(0 0 1 MAR-APR ? *)", at(2025, 1, 1), at(2025, 3, 1)),
    # Year field
    ("cron(0 12 1 1 ? 2030)", at(2025, 1, 1), at(2030, 1, 1, 12, 0)),
    ("cron(0 0 1 1 ? 2026-2027)", at(2025, 6, 1), at(2026, 1, 1)),
    ("cron(0 0 1 1 ? 2026-2027)", at(2026, 1, 1), at(2027, 1, 1)),
    ("cron(0 0 L 2 ? 2028)", at(2025, 1, 1), at(2028, 2, 29)),  # L with a Year: 2028 is a leap year
    # lists of day names; LW in a month whose last day is a Friday
    ("cron(0 12 ? * MON,WED,FRI *)", at(2025, 1, 2), at(2025, 1, 3, 12, 0)),  # Thu -> Fri
    ("cron(0 12 ? * MON,WED,FRI *)", at(2025, 1, 3, 13, 0), at(2025, 1, 6, 12, 0)),  # Fri after -> Mon
    ("cron(0 0 LW * ? *)", at(2025, 2, 1), at(2025, 2, 28)),  # Feb 28 2025 is a Friday
    # n#k with a month list: the first Monday of each quarter
    ("cron(0 9 ? JAN,APR,JUL,OCT 2#1 *)", at(2025, 1, 7), at(2025, 4, 7, 9, 0)),  # Apr 1 2025 is a Tuesday
]


@pytest.mark.parametrize(("expression", "moment", "expected"), NEXT_FIRE_TABLE)
def test_next_after_matches_hand_computed_fire_time(expression: str, moment: datetime, expected: datetime) -> None:
    assert parse_glue_cron(expression).next_after(moment) == expected


@pytest.mark.parametrize(
    ("expression", "moment"),
    [
        ("cron(0 12 * * ? 2020)", at(2025, 1, 1)),  # a past year never fires again
        ("cron(0 12 1 1 ? 2030)", at(2030, 1, 1, 12, 0)),  # the only fire time has passed
        ("cron(0 0 1 1 ? 2026-2027)", at(2027, 1, 1)),
    ],
)
def test_next_after_returns_none_when_no_fire_time_is_left(expression: str, moment: datetime) -> None:
    assert parse_glue_cron(expression).next_after(moment) is None


def test_single_future_year_fires_only_in_that_year() -> None:
    cron = parse_glue_cron("cron(0 12 1 * ? 2030)")
    fires = []
    moment = at(2025, 1, 1)
    while (fire := cron.next_after(moment)) is not None:
        fires.append(fire)
        moment = fire
    assert fires == [at(2030, month, 1, 12, 0) for month in range(1, 13)]


def test_consecutive_fire_times_of_a_weekly_schedule() -> None:
    cron = parse_glue_cron("cron(0 12 ? * 2 *)")
    first = cron.next_after(at(2025, 1, 1))
    second = cron.next_after(first)
    assert (first, second) == (at(2025, 1, 6, 12, 0), at(2025, 1, 13, 12, 0))


def test_moment_in_another_time_zone_is_converted_to_utc() -> None:
    two_hours_east = timezone(timedelta(hours=2))
    moment = datetime(2025, 1, 1, 13, 0, tzinfo=two_hours_east)  # 11:00 UTC
    assert parse_glue_cron("cron(15 12 * * ? *)").next_after(moment) == at(2025, 1, 1, 12, 15)


def test_naive_moment_is_taken_as_utc() -> None:
    assert parse_glue_cron("cron(15 12 * * ? *)").next_after(datetime(2025, 1, 1, 12, 0)) == at(2025, 1, 1, 12, 15)


def test_inclusive_next_after_returns_the_moment_itself_when_it_is_a_fire_time() -> None:
    cron = parse_glue_cron("cron(15 12 * * ? *)")
    assert cron.next_after(at(2025, 1, 1, 12, 15), inclusive=True) == at(2025, 1, 1, 12, 15)
    assert cron.next_after(at(2025, 1, 1, 12, 15)) == at(2025, 1, 2, 12, 15)


def test_inclusive_next_after_never_returns_a_time_before_the_moment() -> None:
    moment = datetime(2025, 1, 1, 12, 15, 30, tzinfo=UTC)
    fire = parse_glue_cron("cron(15 12 * * ? *)").next_after(moment, inclusive=True)
    assert fire is not None and fire >= moment


# (expression, reference moment, the last fire time at or before it)
PREVIOUS_TABLE = [
    ("cron(15 12 * * ? *)", at(2025, 1, 1, 12, 15), at(2025, 1, 1, 12, 15)),  # at: included
    ("cron(15 12 * * ? *)", at(2025, 1, 1, 12, 14), at(2024, 12, 31, 12, 15)),
    ("cron(0/15 * * * ? *)", at(2025, 1, 1, 10, 7), at(2025, 1, 1, 10, 0)),
    ("cron(0 10 ? * 6L *)", at(2025, 3, 1), at(2025, 2, 28, 10, 0)),
    ("cron(0 0 15W * ? *)", at(2025, 3, 20), at(2025, 3, 14)),
    ("cron(0 12 ? * 2 *)", at(2025, 1, 5), at(2024, 12, 30, 12, 0)),  # Monday before Sun Jan 5
    ("cron(0 12 * * ? 2020)", at(2025, 1, 1), at(2020, 12, 31, 12, 0)),
    ("cron(0 0 1 JAN,JUL ? *)", at(2025, 6, 30), at(2025, 1, 1)),
]


@pytest.mark.parametrize(("expression", "moment", "expected"), PREVIOUS_TABLE)
def test_previous_at_or_before_matches_hand_computed_time(
    expression: str, moment: datetime, expected: datetime
) -> None:
    assert parse_glue_cron(expression).previous_at_or_before(moment) == expected


def test_previous_at_or_before_is_none_before_the_first_fire_time() -> None:
    assert parse_glue_cron("cron(0 12 1 1 ? 2030)").previous_at_or_before(at(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("expression", "uses_special_days", "restricts_years"),
    [
        ("cron(15 12 * * ? *)", False, False),
        ("cron(0 0 L * ? *)", True, False),
        ("cron(0 10 ? * 6#3 *)", True, False),
        ("cron(0 10 ? * L *)", False, False),  # L alone is plain Saturday
        ("cron(0 12 * * ? 2030)", False, True),
    ],
)
def test_special_day_and_year_flags(expression: str, uses_special_days: bool, restricts_years: bool) -> None:
    cron = parse_glue_cron(expression)
    assert (cron.uses_special_days, cron.restricts_years) == (uses_special_days, restricts_years)


# (expression, how the Airflow UI and ``glue-airflow render`` say it): read as Glue runs it, in UTC
DESCRIPTION_TABLE = [
    ("cron(0 6 1 * ? *)", "At 06:00 UTC on day 1 of every month"),
    ("cron(15 12 * * ? *)", "At 12:15 UTC every day"),
    ("cron(0 12 ? * 2 *)", "At 12:00 UTC every Monday"),  # 2 is MON in Glue, not TUE
    ("cron(0 8 ? * MON-FRI *)", "At 08:00 UTC every Monday to Friday"),
    ("cron(0 9 ? * 1,7 *)", "At 09:00 UTC every Sunday and Saturday"),
    ("cron(0 10 ? * L *)", "At 10:00 UTC every Saturday"),
    ("cron(30 9,17 * * ? *)", "At 09:30 and 17:30 UTC every day"),
    ("cron(0 0/6 * * ? *)", "At 00:00, 06:00, 12:00 and 18:00 UTC every day"),
    ("cron(0/15 * * * ? *)", "Every 15 minutes, every day (UTC)"),
    ("cron(5/20 * * * ? *)", "Every 20 minutes from minute 5 of every hour, every day (UTC)"),
    ("cron(0,7,30 * * * ? *)", "At minutes 0, 7 and 30 of every hour, every day (UTC)"),
    ("cron(0/10 9-17 ? * MON-FRI *)", "Every 10 minutes from 09:00 to 17:50, every Monday to Friday (UTC)"),
    ("cron(0 0/2 * * ? *)", "Every 2 hours from 00:00 to 22:00, every day (UTC)"),
    ("cron(0 12 1/10 * ? *)", "At 12:00 UTC on days 1, 11, 21 and 31 of every month"),
    ("cron(0 0 L * ? *)", "At 00:00 UTC on the last day of every month"),
    ("cron(0 0 LW * ? *)", "At 00:00 UTC on the last weekday (Monday to Friday) of every month"),
    ("cron(0 0 15W * ? *)", "At 00:00 UTC on the weekday nearest day 15 of every month"),
    ("cron(0 10 ? * 6L *)", "At 10:00 UTC on the last Friday of every month"),
    ("cron(0 10 ? * 6#3 *)", "At 10:00 UTC on the third Friday of every month"),
    ("cron(0 9 ? JAN,APR,JUL,OCT 2#1 *)", "At 09:00 UTC on the first Monday of January, April, July and October"),
    ("cron(0 0 1 MAR-MAY ? *)", "At 00:00 UTC on day 1 of March to May"),
    ("cron(0 12 * 1 ? *)", "At 12:00 UTC every day in January"),
    ("cron(0 12 1 1 ? 2030)", "At 12:00 UTC on day 1 of January, in 2030 only"),
    ("cron(0 0 1 1 ? 2026-2027)", "At 00:00 UTC on day 1 of January, from 2026 to 2027"),
    ("cron(0 0 1 1 ? 2026,2028,2030)", "At 00:00 UTC on day 1 of January, in 2026, 2028 and 2030"),
]


@pytest.mark.parametrize(("expression", "text"), DESCRIPTION_TABLE)
def test_description_says_the_schedule_as_glue_runs_it(expression: str, text: str) -> None:
    assert describe_glue_cron(parse_glue_cron(expression)) == text


# (expression, a fragment the message must contain so the user knows what to change)
REJECTIONS = [
    ("rate(5 minutes)", "only take cron(...)"),
    ("0 12 * * ? *", "not wrapped in cron(...)"),
    ("cron(0 12 * * ?)", "has 5 fields"),
    ("cron(0 0 12 * * ? *)", "has 7 fields"),
    ("cron(0 12 * * * *)", "needs '?' in one of"),
    ("cron(0 12 ? * ? *)", "both '?'"),
    ("cron(0 12 ? * 0 *)", "SUN=1"),
    ("cron(0 12 ? * 8 *)", "SUN=1"),
    ("cron(60 12 * * ? *)", "Minutes value 60 is out of range 0-59"),
    ("cron(0 5-3 * * ? *)", "runs backwards"),
    ("cron(0/3 * * * ? *)", "minimum is every 5 minutes"),
    ("cron(* * * * ? *)", "minimum is every 5 minutes"),
    ("cron(? 12 * * ? *)", "'?' is only allowed in Day-of-month or Day-of-week"),
    ("cron(0 12 ? * 6#6 *)", "must be 1-5"),
    ("cron(0 12 ? * MON#2,3 *)", "must be 1-5"),
    ("cron(0 12 1,L * ? *)", "must stand alone"),
    ("cron(0 12 * FOO ? *)", "Month value 'FOO' is not valid"),
]


@pytest.mark.parametrize(("expression", "fragment"), REJECTIONS)
def test_rejected_expression_says_what_to_change(expression: str, fragment: str) -> None:
    with pytest.raises(GlueCronError) as caught:
        parse_glue_cron(expression)
    assert fragment in str(caught.value)


def test_glue_cron_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_glue_cron("rate(1 hour)")


def test_minimum_interval_counts_the_gap_across_the_hour() -> None:
    with pytest.raises(GlueCronError, match="2 minute"):
        parse_glue_cron("cron(0,58 0-1 * * ? *)")  # 00:58 then 01:00
    assert parse_glue_cron("cron(0/5 * * * ? *)").next_after(at(2025, 1, 1, 0, 56)) == at(2025, 1, 1, 1, 0)


@settings(max_examples=60, deadline=None)
@given(
    expression=st.sampled_from(
        [e for e, _, _ in NEXT_FIRE_TABLE if not e.rstrip(")").endswith(("2030", "2027", "2028"))]
    ),
    moment=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)),
)
def test_previous_and_next_bracket_every_moment(expression: str, moment: datetime) -> None:
    cron = parse_glue_cron(expression)
    moment = moment.replace(tzinfo=UTC)
    before, after = cron.previous_at_or_before(moment), cron.next_after(moment)
    assert before is not None and after is not None
    assert before <= moment < after
    assert cron.matches_day(before.date()) and cron.matches_day(after.date())
    assert cron.next_after(before) == after  # nothing fires between the two
