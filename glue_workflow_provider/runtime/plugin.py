"""The provider's Airflow plugin: registers its timetables so the scheduler and the UI can load them."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from glue_workflow_provider.runtime.timetables import GlueCronTimetable, NeverTimetable


class GlueWorkflowPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point."""

    name = "glue_workflow"
    timetables = [GlueCronTimetable, NeverTimetable]
