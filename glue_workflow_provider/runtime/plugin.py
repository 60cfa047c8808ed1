"""The provider's Airflow plugin: its timetables (for the scheduler and the UI), its listeners (manual marks, notes)."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from glue_workflow_provider.runtime.manual_marks import ManualMarkListener
from glue_workflow_provider.runtime.notes import RunNotesListener
from glue_workflow_provider.runtime.timetables import GlueCronTimetable, NeverTimetable


class GlueWorkflowPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point."""

    name = "glue_workflow"
    timetables = [GlueCronTimetable, NeverTimetable]
    listeners = [ManualMarkListener(), RunNotesListener()]
