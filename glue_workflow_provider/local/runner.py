"""LocalRunner: real local runs of a definition (``glue-airflow run``, the demo's checks, the conformance tests).

Each run compiles the definition exactly as the loader does, starts it with ``dag.test()`` (Airflow's own
scheduling decisions, deferral through the real triggers), against the local Glue endpoint reached over HTTP
through an ordinary AWS connection, and reads the dynamic view back from Airflow and from the endpoint.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.exceptions import DefinitionError, GlueWorkflowError
from glue_workflow_provider.local.airflow_home import configure
from glue_workflow_provider.local.endpoint import (
    LOCAL_CREDENTIALS,
    REGION,
    LocalGlueEndpoint,
)
from glue_workflow_provider.model.states import END_STATES, NodeType
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.report import NodeReport, RunReport
from glue_workflow_provider.semantics.run_properties import PropertyLedger, final_properties, recorded_put
from glue_workflow_provider.sources.definition_file import load_definition


class OutcomeError(GlueWorkflowError, ValueError):
    """An ``--outcome`` that names no node of the workflow or a state the node cannot end in."""


def check_puts(definition: Definition, puts: Mapping[str, Mapping[str, str]]) -> None:
    """Reject ``--put`` for nodes that are not jobs of the workflow (only jobs put run properties)."""
    nodes = definition.node_types()
    for name in puts:
        if nodes.get(name) is not NodeType.JOB:
            what = "a crawler" if name in nodes else "not a job of this workflow"
            raise OutcomeError(f"--put {name}:...: '{name}' is {what}; only jobs put run properties")


def check_outcomes(definition: Definition, outcomes: Mapping[str, str]) -> None:
    """Reject outcomes for unknown nodes or impossible end states, saying what is allowed."""
    nodes = definition.node_types()
    for name, state in outcomes.items():
        if name not in nodes:
            known = ", ".join(sorted(nodes)) or "(none)"
            raise OutcomeError(f"--outcome {name}={state}: '{name}' is not a job or crawler of this workflow ({known})")
        allowed = END_STATES[nodes[name]]
        if state not in allowed:
            raise OutcomeError(
                f"--outcome {name}={state}: a {nodes[name].lower()} ends in one of {', '.join(allowed)}"
            )


@dataclass
class LocalRunner:
    """A local Airflow home and Glue endpoint that can run definitions one DAG run at a time.

    :param running_seconds: How long each job run and crawl stays RUNNING on the endpoint.
    :param poll_interval: Seconds between state checks in the operators (overrides the definition's).
    :param home: Airflow home to use (a temporary one, removed on close, when not given).
    """

    running_seconds: float = 0.0
    poll_interval: int = 1
    home: Path | None = None
    log_level: str = "WARNING"
    endpoint: LocalGlueEndpoint | None = None
    _own_home: bool = field(default=False, init=False)

    def __enter__(self) -> LocalRunner:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> LocalRunner:
        """Configure Airflow (before it is imported) and start the local Glue endpoint."""
        if self.home is None:
            self.home = Path(tempfile.mkdtemp(prefix="glue-airflow-run-"))
            self._own_home = True
        configure(self.home, log_level=self.log_level)
        if self.endpoint is None:
            self.endpoint = LocalGlueEndpoint(running_seconds=self.running_seconds).start()
        os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = self.endpoint.connection_uri()
        os.environ["GLUE_AIRFLOW_RUN_PROPERTIES_URI"] = self.endpoint.ensure_run_properties_bucket()
        os.environ.update(LOCAL_CREDENTIALS)
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
        return self

    def close(self) -> None:
        """Stop the endpoint and remove a temporary home (once the runs' notes are written into it)."""
        from glue_workflow_provider.runtime.after_commit import wait_for_pending

        wait_for_pending()
        if self.endpoint is not None:
            self.endpoint.stop()
            self.endpoint = None
        if self._own_home and self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)

    @property
    def workflows_folder(self) -> Path:
        """The folder the loader in this home reads."""
        assert self.home is not None, "open() the runner first"
        return self.home / "dags" / "workflows"

    def run(
        self,
        path: str | Path,
        outcomes: Mapping[str, str] | None = None,
        conf: Mapping[str, str] | None = None,
        *,
        puts: Mapping[str, Mapping[str, str]] | None = None,
        deploy: bool = True,
        logical_date: datetime | None = None,
    ) -> RunReport:
        """One real DAG run of the definition in ``path``; nodes end as ``outcomes`` says (default SUCCEEDED).

        ``puts`` makes jobs put run properties (``{job: {key: value}}``), as a job using the shipped module would.
        With ``deploy=False`` the jobs and crawlers are not created on the endpoint first (only existing ones run).
        Giving the ``logical_date`` of an earlier run runs that DAG run again, clearing its tasks first.
        """
        result = load_definition(path)
        definition = result.require()
        planned = plan_workflow(definition, result.source)
        if planned.plan is None:
            raise DefinitionError(planned.diagnostics)
        # The definition's warnings, as the loader logs them; dag.test of older Airflow parses no loader file.
        for warning in (d for d in result.diagnostics + planned.diagnostics if not d.is_error):
            print(f"glue-airflow: {warning}", file=sys.stderr)
        check_outcomes(definition, outcomes or {})
        check_puts(definition, puts or {})
        plan = _with_poll_interval(planned.plan, self.poll_interval)
        self._install(Path(path))
        dag = _build(plan, definition, self.home)
        dag_run = self._steered_test(dag, definition, outcomes, conf, puts, deploy=deploy, logical_date=logical_date)
        return self._report(plan, definition, dag_run, conf or {})

    def run_dag(
        self,
        dag: Any,
        definition: Definition,
        outcomes: Mapping[str, str] | None = None,
        conf: Mapping[str, Any] | None = None,
        *,
        puts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Any:
        """One ``dag.test()`` run of any DAG that holds ``definition``'s tasks (a GlueWorkflowTaskGroup in a
        DAG of one's own), its nodes ending as ``outcomes`` says; ``dag``'s file must be in this home's dags
        folder. Returns the DAG run (``report`` reads it)."""
        check_outcomes(definition, outcomes or {})
        check_puts(definition, puts or {})
        return self._steered_test(dag, definition, outcomes, conf, puts)

    def _steered_test(
        self,
        dag: Any,
        definition: Definition,
        outcomes: Mapping[str, str] | None,
        conf: Mapping[str, Any] | None,
        puts: Mapping[str, Mapping[str, str]] | None,
        *,
        deploy: bool = True,
        logical_date: datetime | None = None,
    ) -> Any:
        """Deploy and steer ``definition``'s nodes at the endpoint, then one ``dag.test()`` (outcomes and puts
        already checked): what ``run`` and ``run_dag`` share."""
        assert self.endpoint is not None, "open() the runner first"
        if deploy:
            self.endpoint.deploy(definition)
        self.endpoint.steer(definition, outcomes, puts)
        dated = {"logical_date": logical_date} if logical_date is not None else {}
        with contextlib.redirect_stdout(sys.stderr):
            return dag.test(run_conf=dict(conf or {}), **dated)

    def report(self, plan: DagPlan, definition: Definition, dag_run: Any, conf: Mapping[str, str]) -> RunReport:
        """The dynamic view of ``plan``'s nodes in ``dag_run`` (a group's plan names tasks by their DAG ids)."""
        return self._report(plan, definition, dag_run, conf)

    def _install(self, path: Path) -> None:
        """Make ``path`` the only definition in the bundle (dag.test re-parses the whole bundle each run)."""
        folder = self.workflows_folder
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
        shutil.copyfile(path, folder / path.name)

    def _report(self, plan: DagPlan, definition: Definition, dag_run: Any, conf: Mapping[str, str]) -> RunReport:
        from glue_workflow_provider.runtime.node_state import (
            GLUE_RUN_KEY,
            GLUE_STATE_KEY,
        )
        from glue_workflow_provider.runtime.run_properties import AFTER_KEY, PUT_KEY, SEEN_KEY
        from glue_workflow_provider.runtime.task_states import may_have_put

        instances = {ti.task_id: ti for ti in dag_run.get_task_instances()}
        xcoms = _xcoms(dag_run, (GLUE_STATE_KEY, GLUE_RUN_KEY, SEEN_KEY, AFTER_KEY, PUT_KEY))
        started: dict[str, tuple[datetime, str]] = {}
        nodes: dict[str, NodeReport] = {}
        assert self.endpoint is not None
        for name, task_id in plan.node_task_ids().items():
            task = plan.task(task_id)
            state = xcoms.get((task_id, GLUE_STATE_KEY))
            arguments, began = self.endpoint.glue_run(task.kind.value, name, xcoms.get((task_id, GLUE_RUN_KEY)))
            if state is not None and began is not None:
                started[name] = (began, name)
            ti = instances.get(task_id)
            nodes[name] = NodeReport(
                type=task.kind.value,
                glue_state=state,
                airflow_state=str(ti.state) if ti is not None and ti.state is not None else "none",
                order=None,
                arguments=arguments,
                run_properties=xcoms.get((task_id, SEEN_KEY)) if state is not None else None,
            )
        order = {name: i + 1 for i, name in enumerate(sorted(started, key=lambda n: started[n]))}
        nodes = {name: _with_order(report, order.get(name)) for name, report in nodes.items()}
        start = PropertyLedger.start(definition.workflow.default_run_properties, conf).visible()
        snapshot = _last_snapshot(plan, instances, xcoms, AFTER_KEY)
        puts = [recorded_put(task_id, value) for (task_id, key), value in xcoms.items()
                if key == PUT_KEY and task_id in instances
                and may_have_put(instances[task_id].state, instances[task_id].operator)]
        final = final_properties(start if snapshot is None else snapshot, [put for put in puts if put])
        return RunReport(plan.dag_id, str(dag_run.state), nodes, final)



def _last_snapshot(
    plan: DagPlan, instances: Mapping[str, Any], xcoms: Mapping[tuple[str, str], Any], key: str
) -> dict[str, str] | None:
    """The run properties recorded after the last node to end (None when no node ended)."""
    ended = [
        (instances[task_id].end_date, task_id)
        for task_id in plan.node_task_ids().values()
        if (task_id, key) in xcoms and task_id in instances and instances[task_id].end_date is not None
    ]
    if not ended:
        return None
    return dict(xcoms[(max(ended)[1], key)])


def _with_order(report: NodeReport, order: int | None) -> NodeReport:
    from dataclasses import replace

    return replace(report, order=order)


def _with_poll_interval(plan: DagPlan, seconds: int) -> DagPlan:
    from dataclasses import replace

    return replace(plan, poll_interval=seconds)


def _build(plan: DagPlan, definition: Definition, home: Path | None) -> Any:
    from glue_workflow_provider.compile.dag_builder import build_dag

    dag = build_dag(plan)
    if home is not None:
        dag.fileloc = str(home / "dags" / "glue_workflows.py")
    return dag


def _xcoms(dag_run: Any, keys: tuple[str, ...]) -> dict[tuple[str, str], Any]:
    """The run's XComs for ``keys``, by (task id, key)."""
    from sqlalchemy import select

    from glue_workflow_provider.runtime.airflow_internals import (
        metadata_session,
        orm_models,
    )

    XComModel = orm_models()[1]  # noqa: N806 - the ORM class, by its Airflow name
    with metadata_session() as session:
        rows = session.scalars(
            select(XComModel).where(
                XComModel.dag_id == dag_run.dag_id,
                XComModel.run_id == dag_run.run_id,
                XComModel.key.in_(keys),
            )
        ).all()
        return {(row.task_id, row.key): XComModel.deserialize_value(row) for row in rows}
