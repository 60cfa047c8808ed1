"""The FastAPI app of the Glue workflow view, mounted by the provider's plugin at ``URL_PREFIX``.

Every route needs the Airflow UI's login: the token the UI keeps in its ``_token`` cookie (or a bearer
token) is required here and passed on to Airflow's REST API, which authenticates it and applies the user's
permissions; a request without one, or one the API refuses, gets the API's 401/403.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.runtime.node_record.rest import rest_records
from glue_workflow_provider.runtime.workflow_view import URL_PREFIX
from glue_workflow_provider.runtime.workflow_view.airflow_rest import AirflowApiError, AirflowRest, own_api_url
from glue_workflow_provider.runtime.workflow_view.page import Links, index_page, message_page, workflow_page
from glue_workflow_provider.runtime.workflow_view.plans import plan_of
from glue_workflow_provider.runtime.workflow_view.run_view import XCOM_KEYS, RunView, run_view

#: The cookie in which Airflow's UI keeps the signed-in user's token.
TOKEN_COOKIE = "_token"


class NotShown(Exception):
    """The page cannot be shown: an HTTP status and a sentence saying why."""

    def __init__(self, status: int, title: str, text: str) -> None:
        super().__init__(text)
        self.status, self.title, self.text = status, title, text


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    token = request.cookies.get(TOKEN_COOKIE, "")
    if not token:
        raise NotShown(401, "Not signed in", "Sign in to Airflow first; this page shows what your Airflow login may see.")
    return token


def _links(request: Request) -> Links:
    view_root = str(request.scope.get("root_path", "")).rstrip("/")
    return Links(view=view_root, airflow=view_root.removesuffix(URL_PREFIX))


def _rest(request: Request) -> AirflowRest:
    return AirflowRest(own_api_url(request.scope, _links(request).airflow), _token(request))


def _plan(rest: AirflowRest, dag_id: str) -> DagPlan:
    dag = rest.dag(dag_id)
    if dag is None:
        raise NotShown(404, "No such DAG", f"Airflow has no DAG {dag_id!r}.")
    plan = plan_of(dag_id, str(dag.get("fileloc") or ""))
    if plan is None:
        raise NotShown(404, "Not a Glue workflow", f"DAG {dag_id!r} was not built from a Glue workflow definition.")
    return plan


def _view(rest: AirflowRest, plan: DagPlan, run_id: str) -> RunView:
    run = rest.run(plan.dag_id, run_id)
    if run is None:
        raise NotShown(404, "No such DAG run", f"DAG {plan.dag_id!r} has no run {run_id!r}.")
    task_instances = rest.task_instances(plan.dag_id, run_id)
    return run_view(plan, run, task_instances, rest_records(rest.fetch, plan.dag_id, run_id, task_instances, XCOM_KEYS))


def _workflow(request: Request, dag_id: str, run_id: str | None) -> tuple[DagPlan, list[dict[str, Any]], RunView | None]:
    """The plan, the latest runs, and the view of ``run_id`` (of the latest run when None)."""
    with _rest(request) as rest:
        plan = _plan(rest, dag_id)
        runs = rest.runs(dag_id)
        chosen = run_id or (str(runs[0]["dag_run_id"]) if runs else None)
        return plan, runs, _view(rest, plan, chosen) if chosen else None


def _refused(exc: AirflowApiError) -> NotShown:
    """A REST API refusal, shown with the API's own status (401/403: the user's login or rights)."""
    return NotShown(exc.status, "Refused by Airflow" if exc.status in (401, 403) else "Airflow API error", exc.detail)


def create_app() -> FastAPI:
    """The view's app (HTML pages, and the same data as JSON under ``/api``)."""
    app = FastAPI(title="Glue workflow view", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(NotShown)
    def not_shown(request: Request, exc: NotShown) -> Response:
        if request.url.path.removeprefix(str(request.scope.get("root_path", ""))).startswith("/api/"):
            return JSONResponse({"detail": exc.text}, status_code=exc.status)
        return HTMLResponse(message_page(exc.title, exc.text), status_code=exc.status)

    @app.exception_handler(AirflowApiError)
    def api_error(request: Request, exc: AirflowApiError) -> Response:
        return not_shown(request, _refused(exc))

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> str:
        with _rest(request) as rest:
            return index_page(rest.glue_dags(), _links(request))

    @app.get("/dags/{dag_id}", response_class=HTMLResponse)
    def dag_page(request: Request, dag_id: str) -> str:
        return workflow_page(*_workflow(request, dag_id, None), _links(request))

    @app.get("/dags/{dag_id}/runs/{run_id:path}", response_class=HTMLResponse)
    def run_page(request: Request, dag_id: str, run_id: str) -> str:
        return workflow_page(*_workflow(request, dag_id, run_id), _links(request))

    @app.get("/api/dags/{dag_id}")
    def dag_json(request: Request, dag_id: str) -> dict[str, Any]:
        plan, runs, view = _workflow(request, dag_id, None)
        return {"dag_id": dag_id, "triggers": plan.to_json()["triggers"], "latest_run": view.to_json() if view else None}

    @app.get("/api/dags/{dag_id}/runs/{run_id:path}")
    def run_json(request: Request, dag_id: str, run_id: str) -> dict[str, Any]:
        _plan_, _runs, view = _workflow(request, dag_id, run_id)
        assert view is not None
        return view.to_json()

    return app
