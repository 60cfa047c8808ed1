"""The dynamic view of a DAG run of a running Airflow, read through its REST API and the local endpoint, in
the ``run --json`` shape (``semantics/report.py``): what the demo prints and what the system tests compare
with the simulator.

Each node's Glue end state, run id and the run properties it saw are the XComs its task recorded; the order
in which nodes started and each job run's arguments are what the endpoint recorded for that run id.
"""

from __future__ import annotations

from datetime import datetime

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.local.demo_api import AirflowApi, run_path
from glue_workflow_provider.local.endpoint import LocalGlueEndpoint
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.report import NodeReport, RunReport
from glue_workflow_provider.semantics.run_properties import PropertyLedger, final_properties, recorded_put


def rest_report(
    api: AirflowApi, endpoint: LocalGlueEndpoint, plan: DagPlan, definition: Definition, run_id: str
) -> RunReport:
    """The report of run ``run_id`` of ``plan``'s DAG."""
    from glue_workflow_provider.runtime.node_state import GLUE_RUN_KEY, GLUE_STATE_KEY
    from glue_workflow_provider.runtime.run_properties import AFTER_KEY, PUT_KEY, SEEN_KEY
    from glue_workflow_provider.runtime.task_states import may_have_put

    dag_id = plan.dag_id
    run = api.request("GET", run_path(dag_id, run_id))
    instances = {ti["task_id"]: ti for ti in api.task_instances(dag_id, run_id)}
    started: dict[str, datetime] = {}
    nodes: dict[str, NodeReport] = {}
    ended: list[tuple[str, str]] = []
    for name, task_id in plan.node_task_ids().items():
        kind = plan.task(task_id).kind.value
        ti = instances.get(task_id, {})
        state = api.xcom(dag_id, run_id, task_id, GLUE_STATE_KEY) if ti.get("start_date") else None
        arguments, began = None, None
        if state is not None:
            arguments, began = endpoint.glue_run(kind, name, api.xcom(dag_id, run_id, task_id, GLUE_RUN_KEY))
            if ti.get("end_date"):
                ended.append((str(ti["end_date"]), task_id))
        if began is not None:
            started[name] = began
        seen = api.xcom(dag_id, run_id, task_id, SEEN_KEY) if state is not None else None
        nodes[name] = NodeReport(kind, state, str(ti.get("state") or "none"), None, arguments, seen)
    order = {name: i + 1 for i, name in enumerate(sorted(started, key=lambda n: started[n]))}
    nodes = {name: _ordered(node, order.get(name)) for name, node in nodes.items()}
    snapshot = api.xcom(dag_id, run_id, max(ended)[1], AFTER_KEY) if ended else None
    if not isinstance(snapshot, dict):
        conf = {str(k): str(v) for k, v in (run.get("conf") or {}).items()}
        snapshot = PropertyLedger.start(definition.workflow.default_run_properties, conf).visible()
    puts = (recorded_put(task_id, api.xcom(dag_id, run_id, task_id, PUT_KEY)) for task_id, ti in instances.items()
            if may_have_put(ti.get("state"), ti.get("operator")))
    return RunReport(dag_id, str(run["state"]), nodes, final_properties(snapshot, [put for put in puts if put]))


def _ordered(node: NodeReport, order: int | None) -> NodeReport:
    from dataclasses import replace

    return replace(node, order=order)

