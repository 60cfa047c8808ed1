"""The start trigger -> the DAG's schedule, never approximated (§3.4, §10.8).

Every SCHEDULED trigger runs on our GlueCronTimetable, which matches days with the model's exact rules
(Airflow's CronTriggerTimetable would run the latest past fire time as soon as the DAG is enabled, which Glue
never does). Where a 5-field cron says the same thing, the plan also carries it, for people to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from glue_workflow_provider.model.schedule import DAY_NAMES, GlueCron, parse_glue_cron
from glue_workflow_provider.model.trigger import Trigger, TriggerType


class ScheduleKind(StrEnum):
    """How a DAG is started."""

    MANUAL = "manual"
    CRON = "cron"
    GLUE_CRON = "glue_cron"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """The schedule of a compiled DAG, as data."""

    kind: ScheduleKind
    glue_expression: str | None = None
    cron: str | None = None
    timezone: str = "UTC"

    @property
    def summary(self) -> str:
        """A short human description (shown by ``render``)."""
        if self.kind is ScheduleKind.MANUAL:
            return "manual (ON_DEMAND: started by hand or by the API)"
        if self.kind is ScheduleKind.EVENT:
            return "event-driven (EVENT start trigger)"
        return f"{self.glue_expression} (UTC)"


def plan_schedule(start: Trigger | None) -> SchedulePlan:
    """The schedule for a workflow whose start trigger is ``start`` (None: no start trigger)."""
    if start is None or start.type is TriggerType.ON_DEMAND:
        return SchedulePlan(ScheduleKind.MANUAL)
    if start.type is TriggerType.EVENT:
        return SchedulePlan(ScheduleKind.MANUAL)
    expression = start.schedule or ""
    cron = parse_glue_cron(expression)
    if cron.uses_special_days or cron.restricts_years:
        return SchedulePlan(ScheduleKind.GLUE_CRON, glue_expression=expression)
    return SchedulePlan(ScheduleKind.CRON, glue_expression=expression, cron=five_field_cron(cron))


def next_fire_times(plan: SchedulePlan, after: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` times a DAG with this schedule runs (empty for manual and event schedules)."""
    if plan.glue_expression is None or plan.kind not in (ScheduleKind.CRON, ScheduleKind.GLUE_CRON):
        return []
    cron = parse_glue_cron(plan.glue_expression)
    times: list[datetime] = []
    moment = after
    while len(times) < count:
        fire = cron.next_after(moment)
        if fire is None:
            break
        times.append(fire)
        moment = fire
    return times


def five_field_cron(cron: GlueCron) -> str:
    """The 5-field cron string that fires exactly when ``cron`` does (no L/W/#, every year).

    ``?`` becomes ``*``; Day-of-week numbers (1-7, SUN=1) become names, so no renumbering can be misread.
    """
    minute, hour, dom, month, _dow, _year = cron.fields
    dom_field = "*" if cron.day_of_month.is_question else dom
    if cron.day_of_week.is_question:
        dow_field = "*"
    else:
        values = sorted(cron.day_of_week.values or ())
        dow_field = "*" if len(values) == 7 else ",".join(DAY_NAMES[v - 1] for v in values)
    return " ".join((minute, hour, dom_field, month.upper(), dow_field))
