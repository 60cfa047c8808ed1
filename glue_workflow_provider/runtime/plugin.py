"""The provider's Airflow plugin: its timetables (for the scheduler and the UI), its listeners (manual marks,
notes, the run records' clean-up below Airflow 3.3), and the Glue workflow view (a FastAPI app in the API
server, shown in the UI as external views)."""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin

from glue_workflow_provider.runtime.manual_marks import ManualMarkListener
from glue_workflow_provider.runtime.notes import RunNotesListener
from glue_workflow_provider.runtime.record_cleanup import cleanup_listeners
from glue_workflow_provider.runtime.timetables import GlueCronTimetable, NeverTimetable
from glue_workflow_provider.runtime.workflow_view import URL_PREFIX

#: The view's links: hrefs are relative to the UI's base URL; the UI fills in {DAG_ID} and {RUN_ID}.
_VIEW = URL_PREFIX.lstrip("/")
WORKFLOW_VIEWS = [
    {"name": "Glue workflows", "href": f"{_VIEW}/", "destination": "nav", "url_route": "glue-workflows"},
    {"name": "Glue workflow", "href": f"{_VIEW}/dags/{{DAG_ID}}", "destination": "dag", "url_route": "glue-workflow"},
    {"name": "Glue workflow", "href": f"{_VIEW}/dags/{{DAG_ID}}/runs/{{RUN_ID}}", "destination": "dag_run",
     "url_route": "glue-workflow-run"},
]


class _ViewApps:
    """``fastapi_apps``, built when first read: only the API server reads them, while every task process imports
    the plugin (for its listeners), and importing FastAPI and building the app there cost about 0.3 s each."""

    def __init__(self) -> None:
        self._apps: list[dict[str, Any]] | None = None

    def __get__(self, instance: object, owner: type) -> list[dict[str, Any]]:
        if self._apps is None:
            from glue_workflow_provider.runtime.workflow_view.app import create_app

            self._apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Glue workflow view"}]
        return self._apps


class GlueWorkflowPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point."""

    name = "glue_workflow"
    timetables = [GlueCronTimetable, NeverTimetable]
    listeners = [ManualMarkListener(), RunNotesListener(), *cleanup_listeners()]
    fastapi_apps = _ViewApps()
    external_views = WORKFLOW_VIEWS
