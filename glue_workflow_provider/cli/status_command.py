"""``glue-airflow status DAG_ID``: the dynamic view of a run, read from a running Airflow's public REST API.

The report is built with the same RunReport/NodeReport as ``simulate`` and ``run`` (semantics/report.py), so
the three ``--json`` shapes cannot drift. Node tasks are recognised by their operator; a node's Glue name is
its task's display name, its end state and the run properties it saw are what its current try recorded
(runtime/node_record), its arguments those the run was started with (the task's rendered ``glue_run``,
secret-looking values masked); ``order`` follows the node tasks' start times.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from glue_workflow_provider.cli.airflow_api import DEFAULT_API_URL, AirflowApi, run_path
from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.runtime.node_record.record import REPORT_KEYS
from glue_workflow_provider.runtime.node_record.report import ReportedNode, run_report
from glue_workflow_provider.runtime.node_record.rest import rest_records
from glue_workflow_provider.semantics.report import RunReport

NAME = "status"

EPILOG = """\
Credentials: --username/--password, or AIRFLOW_USERNAME/AIRFLOW_PASSWORD (exchanged for a token at
/auth/token), or a token in AIRFLOW_API_TOKEN.

Exit codes: 0 the run was read (whatever its state); 1 with --check when the run's state is failed;
2 usage errors, no such DAG or run, or the API server cannot be reached.

Example:
  glue-airflow status data_vault_load --api-url http://localhost:8080 --username admin --password admin --json
"""


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``status`` sub-command."""
    status: argparse.ArgumentParser = commands.add_parser(
        NAME,
        help="the dynamic view of a run, from a running Airflow's REST API",
        description="Print what happened in a DAG run of a Glue workflow (the latest run unless --run-id), "
        "in the shape of `run --json`.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    status.add_argument("dag_id", metavar="DAG_ID", help="the DAG of the workflow (see `render --format json`)")
    status.add_argument("--run-id", help="the DAG run to show (default: the latest)")
    status.add_argument("--api-url", default=DEFAULT_API_URL, help=f"the Airflow API server (default {DEFAULT_API_URL})")
    status.add_argument("--username", help="Airflow user (default $AIRFLOW_USERNAME)")
    status.add_argument("--password", help="Airflow password (default $AIRFLOW_PASSWORD)")
    status.add_argument("--json", action="store_true", help="print the run as JSON (the `run --json` shape)")
    status.add_argument("--check", action="store_true", help="exit 1 when the run's state is failed")
    return status


def run(args: argparse.Namespace) -> int:
    """Read the run and print it; the exit code follows --check."""
    api = AirflowApi.connect(args.api_url, args.username, args.password)
    report = read_report(api, args.dag_id, args.run_id)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.to_text())
    return 1 if args.check and report.state == "failed" else 0


def latest_run_id(api: AirflowApi, dag_id: str) -> str:
    """The id of the DAG's most recent run."""
    reply = api.get(f"/api/v2/dags/{dag_id}/dagRuns", order_by="-run_after", limit=1)
    runs = reply.get("dag_runs") or []
    if not runs:
        raise SourceError(f"DAG {dag_id} has no runs")
    return str(runs[0]["dag_run_id"])


def read_report(api: AirflowApi, dag_id: str, run_id: str | None = None) -> RunReport:
    """The run's report, from the DAG run, its task instances and their records (runtime/node_record)."""
    run_id = run_id or latest_run_id(api, dag_id)
    dag_run = api.get(run_path(dag_id, run_id))
    tis = api.get(f"{run_path(dag_id, run_id)}/taskInstances", limit=1000).get("task_instances") or []
    records = rest_records(api.fetch, dag_id, run_id, tis, REPORT_KEYS)
    by_task = {str(ti["task_id"]): ti for ti in tis}
    nodes = sorted(
        (ReportedNode(str(by_task[task_id].get("task_display_name") or task_id), node_type, record)
         for task_id, record in records.items() if (node_type := record.node_type) is not None),
        key=lambda node: node.name,
    )
    return run_report(
        dag_id, str(dag_run.get("state")), nodes, lambda node: (_arguments(by_task[node.record.task_id]), node.record.start),
        dict(dag_run.get("conf") or {}), records.values(),
    )


def _arguments(ti: dict[str, Any]) -> dict[str, str] | None:
    """The arguments the job run was started with, as the task rendered them (None for crawlers)."""
    if ti.get("operator") != "GlueWorkflowJobOperator":
        return None
    rendered = ti.get("rendered_fields") or {}
    glue_run = rendered.get("glue_run")
    if isinstance(glue_run, str):
        try:
            glue_run = json.loads(glue_run)
        except ValueError:
            glue_run = None
    arguments = glue_run.get("arguments") if isinstance(glue_run, dict) else None
    return dict(arguments) if isinstance(arguments, dict) else None
