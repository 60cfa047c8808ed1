"""The provider's Airflow plugin: registers GlueCronTimetable so the scheduler and the UI can load it."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from glue_workflow_provider.runtime.timetables import GlueCronTimetable


class GlueWorkflowPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point."""

    name = "glue_workflow"
    timetables = [GlueCronTimetable]
