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
from glue_workflow_provider.local.rest_report import endpoint_report
from glue_workflow_provider.model.states import END_STATES, NodeType
from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.report import RunReport
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
            _write_dags_if_dag_test_does_not()
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
        from glue_workflow_provider.runtime.airflow_internals import metadata_session
        from glue_workflow_provider.runtime.node_record.orm import records
        from glue_workflow_provider.runtime.node_record.record import REPORT_KEYS

        assert self.endpoint is not None
        with metadata_session() as session:
            recorded = records(session, dag_run.dag_id, dag_run.run_id, REPORT_KEYS)
        return endpoint_report(self.endpoint, plan, definition, str(dag_run.state), recorded, conf)


def _write_dags_if_dag_test_does_not() -> None:
    """On Airflows whose ``dag.test`` writes a DAG once only, write the home's DAGs first (a definition run
    before under the same name may have had other nodes)."""
    from glue_workflow_provider.version_compat import DAG_TEST_WRITES_ONCE

    if DAG_TEST_WRITES_ONCE:
        from glue_workflow_provider.runtime.airflow_internals import write_bundle_dags

        write_bundle_dags()


def _with_poll_interval(plan: DagPlan, seconds: int) -> DagPlan:
    from dataclasses import replace

    return replace(plan, poll_interval=seconds)


def _build(plan: DagPlan, definition: Definition, home: Path | None) -> Any:
    from glue_workflow_provider.compile.dag_builder import build_dag

    dag = build_dag(plan)
    if home is not None:
        dag.fileloc = str(home / "dags" / "glue_workflows.py")
    return dag
