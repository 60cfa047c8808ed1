"""The start trigger -> the DAG's schedule, never approximated.

Rules: docs/semantics.md#start-triggers, docs/semantics.md#glue-cron, docs/semantics.md#event-batching.

Every SCHEDULED trigger runs on our GlueCronTimetable, which matches days with the model's exact rules
(Airflow's CronTriggerTimetable would run the latest past fire time as soon as the DAG is enabled, which Glue
never does). Where a 5-field cron says the same thing, the plan also carries it, for people to read.

An EVENT trigger becomes an event-driven schedule: an Airflow asset whose watcher reads the SQS queue that
receives the workflow's EventBridge events (``Airflow.event_queue_url``) and batches them exactly as the
trigger's ``EventBatchingCondition`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from glue_workflow_provider.model.schedule import DAY_NAMES, GlueCron, parse_glue_cron
from glue_workflow_provider.model.schedule_description import describe_glue_cron
from glue_workflow_provider.model.trigger import Trigger, TriggerType
from glue_workflow_provider.model.workflow import AirflowSettings

#: Glue's defaults when an EVENT trigger has no EventBatchingCondition (or no BatchWindow): docs/semantics.md#event-batching.
DEFAULT_BATCH_SIZE = 1
DEFAULT_BATCH_WINDOW = 900


class ScheduleKind(StrEnum):
    """How a DAG is started."""

    MANUAL = "manual"
    CRON = "cron"
    GLUE_CRON = "glue_cron"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class EventSource:
    """Where an EVENT workflow's EventBridge events arrive, and how they are batched into runs (docs/semantics.md#event-batching).

    A run starts when ``batch_size`` events have arrived, or ``batch_window`` seconds after the first event of
    the batch, whichever comes first; then the batch starts again from empty.
    """

    queue_url: str | None
    batch_size: int = DEFAULT_BATCH_SIZE
    batch_window: int = DEFAULT_BATCH_WINDOW

    @property
    def summary(self) -> str:
        """The batching rule in words."""
        events = "each event" if self.batch_size == 1 else f"every {self.batch_size} events"
        return (
            f"a run for {events} arriving on SQS queue {self.queue_url or '(not configured)'}, or "
            f"{self.batch_window} s after the first event of a batch, whichever comes first"
        )


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """The schedule of a compiled DAG, as data."""

    kind: ScheduleKind
    glue_expression: str | None = None
    cron: str | None = None
    timezone: str = "UTC"
    event: EventSource | None = None

    @property
    def summary(self) -> str:
        """A short human description (shown by ``render``)."""
        if self.kind is ScheduleKind.MANUAL:
            return "manual (ON_DEMAND: started by hand or by the API)"
        if self.kind is ScheduleKind.EVENT:
            return "event-driven (EVENT start trigger): " + (self.event.summary if self.event else "")
        return f"{self.glue_expression} (UTC)"

    @property
    def description(self) -> str | None:
        """The schedule in plain English ("At 06:00 UTC on day 1 of every month"); None for manual DAGs."""
        if self.kind is ScheduleKind.EVENT and self.event is not None:
            return self.event.summary[0].upper() + self.event.summary[1:]
        if self.glue_expression is None:
            return None
        return describe_glue_cron(parse_glue_cron(self.glue_expression))


def plan_schedule(start: Trigger | None, settings: AirflowSettings | None = None) -> SchedulePlan:
    """The schedule for a workflow whose start trigger is ``start`` (None: no start trigger).

    :param settings: The definition's ``Airflow`` section (where an EVENT workflow's queue is named).
    """
    if start is None or start.type is TriggerType.ON_DEMAND:
        return SchedulePlan(ScheduleKind.MANUAL)
    if start.type is TriggerType.EVENT:
        return SchedulePlan(ScheduleKind.EVENT, event=event_source(start, settings))
    expression = start.schedule or ""
    cron = parse_glue_cron(expression)
    if cron.uses_special_days or cron.restricts_years:
        return SchedulePlan(ScheduleKind.GLUE_CRON, glue_expression=expression)
    return SchedulePlan(ScheduleKind.CRON, glue_expression=expression, cron=five_field_cron(cron))


def event_source(start: Trigger, settings: AirflowSettings | None) -> EventSource:
    """The queue and batching of EVENT trigger ``start``, with Glue's defaults (size 1, window 900 s)."""
    batching = start.event_batching_condition
    return EventSource(
        queue_url=settings.event_queue_url if settings is not None else None,
        batch_size=batching.batch_size if batching is not None else DEFAULT_BATCH_SIZE,
        batch_window=(batching.batch_window if batching is not None else None) or DEFAULT_BATCH_WINDOW,
    )


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
