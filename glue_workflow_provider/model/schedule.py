"""Glue cron: ``cron(Minutes Hours Day-of-month Month Day-of-week Year)`` parsed and matched exactly, in UTC.

Rules from docs/semantics.md#glue-cron: six fields, the ``cron()`` wrapper, Day-of-week 1-7 = SUN-SAT, ``?`` in one
of the day fields, ``L``/``W`` in Day-of-month, ``L``/``#`` in Day-of-week, a Year field, no ``rate()``, and
nothing faster than every 5 minutes. Matching is done here, day by day, so that no cron library's reading of
these constructs can change a schedule.
"""

from __future__ import annotations

from glue_workflow_provider.model.cron import DAY_NAMES, MONTH_NAMES, DaySpec, GlueCron, GlueCronError, glue_weekday
from glue_workflow_provider.model.cron_parser import parse_glue_cron

__all__ = ["DAY_NAMES", "MONTH_NAMES", "DaySpec", "GlueCron", "GlueCronError", "glue_weekday", "parse_glue_cron"]
