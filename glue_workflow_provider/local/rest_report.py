"""The report of a local DAG run (``run --json`` shape, semantics/report.py) from its tasks' records and the local
endpoint: what ``glue-airflow run`` and the demo print, and what the system tests compare with the simulator.

The records come through Airflow's REST API (``rest_report``: the demo, a running stack) or the metadata
database (``LocalRunner``, which has no API server); each node's Glue state and the run properties it saw are
what its current try recorded (runtime/node_record), and the order in which nodes began and each job run's
arguments are what the endpoint recorded for the run id the node recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.local.demo_api import AirflowApi, run_path
from glue_workflow_provider.local.endpoint import LocalGlueEndpoint
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.runtime.node_record.record import REPORT_KEYS, NodeRecord
from glue_workflow_provider.runtime.node_record.report import ReportedNode, run_report
from glue_workflow_provider.runtime.node_record.rest import rest_records
from glue_workflow_provider.semantics.report import RunReport
from glue_workflow_provider.semantics.run_properties import PropertyLedger


def rest_report(
    api: AirflowApi, endpoint: LocalGlueEndpoint, plan: DagPlan, definition: Definition, run_id: str
) -> RunReport:
    """The report of run ``run_id`` of ``plan``'s DAG, read through Airflow's REST API."""
    run = api.request("GET", run_path(plan.dag_id, run_id))
    records = rest_records(api.fetch, plan.dag_id, run_id, api.task_instances(plan.dag_id, run_id), REPORT_KEYS)
    conf = {str(k): str(v) for k, v in (run.get("conf") or {}).items()}
    return endpoint_report(endpoint, plan, definition, str(run["state"]), records, conf)


def endpoint_report(
    endpoint: LocalGlueEndpoint,
    plan: DagPlan,
    definition: Definition,
    state: str,
    records: Mapping[str, NodeRecord],
    conf: Mapping[str, Any],
) -> RunReport:
    """The report of a DAG run in Airflow state ``state`` from its tasks' ``records`` (by task id) and the endpoint."""
    nodes = (
        ReportedNode(name, plan.task(task_id).kind.value, records.get(task_id) or NodeRecord(task_id))
        for name, task_id in plan.node_task_ids().items()
    )
    start = PropertyLedger.start(definition.workflow.default_run_properties, {str(k): str(v) for k, v in conf.items()})
    return run_report(
        plan.dag_id, state, nodes, lambda node: endpoint.glue_run(node.type, node.name, node.record.glue_run_id),
        start.visible(), records.values(),
    )
