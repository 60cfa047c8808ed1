"""GlueCronTimetable: a SCHEDULED Glue trigger as an Airflow schedule, exact to Glue's cron rules (UTC).

Unlike CronTriggerTimetable with catchup off, enabling the DAG never runs a fire time that has already
passed (Glue does not); after a scheduler outage the latest missed fire time runs once, as Airflow does.
A backfill (catchup on) runs every fire time in its range. Times never depend on Airflow's
``default_timezone``: Glue schedules are UTC, and so is every time computed here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airflow.exceptions import AirflowTimetableInvalid
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from pendulum import DateTime, instance

from glue_workflow_provider.model.schedule import (
    GlueCron,
    GlueCronError,
    parse_glue_cron,
)
from glue_workflow_provider.model.schedule_description import describe_glue_cron


class GlueCronTimetable(Timetable):
    """Runs at every fire time of a Glue ``cron(...)`` expression (6 fields, SUN=1, L, W, #, Year; UTC)."""

    periodic = True
    can_be_scheduled = True
    run_ordering = ("logical_date", "data_interval_end")

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self._cron: GlueCron | None = None
        try:
            self._cron = parse_glue_cron(expression)
        except GlueCronError:
            self._cron = None
        #: The schedule's tooltip: the schedule in words ("At 06:00 UTC on day 1 of every month").
        self.description = (
            describe_glue_cron(self._cron) if self._cron is not None else f"Invalid Glue schedule {expression}"
        )

    @property
    def summary(self) -> str:
        """Shown in the UI's schedule column."""
        return self.expression

    def serialize(self) -> dict[str, Any]:
        return {"expression": self.expression}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls(data["expression"])

    def validate(self) -> None:
        try:
            parse_glue_cron(self.expression)
        except GlueCronError as exc:
            raise AirflowTimetableInvalid(str(exc)) from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GlueCronTimetable) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash(self.expression)

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        return DataInterval.exact(run_after)

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
    ) -> DagRunInfo | None:
        if self._cron is None:
            return None
        now = datetime.now(UTC)
        if last_automated_data_interval is None:
            fire = self._first_fire(now, restriction)
        else:
            fire = self._cron.next_after(last_automated_data_interval.end)
            if fire is not None and restriction.earliest is not None and fire < restriction.earliest:
                fire = self._cron.next_after(restriction.earliest, inclusive=True)
            if fire is not None and fire < now and not restriction.catchup:
                fire = max(fire, self._cron.previous_at_or_before(now) or fire)
        if fire is None or (restriction.latest is not None and fire > restriction.latest):
            return None
        return DagRunInfo.exact(instance(fire))

    def _first_fire(self, now: datetime, restriction: TimeRestriction) -> datetime | None:
        """The first run: the next fire time from now (Glue never runs a past one), or, for a backfill
        (catchup on), the first fire time at or after the start of its range."""
        assert self._cron is not None
        if restriction.catchup and restriction.earliest is not None:
            return self._cron.next_after(restriction.earliest, inclusive=True)
        floor = max(now, restriction.earliest) if restriction.earliest else now
        return self._cron.next_after(floor, inclusive=True)


class NeverTimetable(Timetable):
    """A schedule with no fire times, for placeholder DAGs of invalid definitions.

    Paired with ``allowed_run_types=["scheduled"]`` it makes a DAG of which no run can be created by any
    means (trigger form, REST API, backfill, another DAG), since Airflow only lets a DAG with no schedule
    refuse manual runs when it has a schedule. A run accepted for a placeholder would otherwise wait in the
    queue and run the real jobs once the file is fixed.
    """

    periodic = False
    can_be_scheduled = True
    #: The schedule's tooltip.
    description = "Never: the definition is invalid; fix it and the workflow's own schedule returns"

    @property
    def summary(self) -> str:
        """Shown in the UI's schedule column."""
        return "never"

    def serialize(self) -> dict[str, Any]:
        return {}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls()

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        return DataInterval.exact(run_after)

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        return None
