"""The scale benchmark's DAG bundle: both sides' DAGs, and the jobs the endpoint creates and steers for them.

Split from ``scale.py`` (which runs the deployment and measures) so that what is compared, the loader's
definitions against the same DAGs hand-written with the amazon provider's ``GlueJobOperator``, reads on its
own and the runner stays short. Every job and crawler name gets a per-workflow prefix (``o0003-job-00``,
``a0003-job-00``): the endpoint steers and counts by name, and moto runs a job once at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import workload
import yaml

OURS, AMAZON = "ours", "amazon"

AMAZON_DAG = '''"""Workflow {index} hand-written with the amazon provider's GlueJobOperator at its defaults (airflow DAG)."""

import pendulum
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator
from airflow.sdk import DAG

with DAG(dag_id={dag_id!r}, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
         max_active_runs=1, tags=["benchmark"]) as dag:
    tasks = {{name: GlueJobOperator(task_id=name, job_name=name, trigger_rule=rule) for name, rule in {nodes!r}}}
    for upstream, downstream in {edges!r}:
        tasks[upstream] >> tasks[downstream]
'''


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its dag_ids and, in the same order, the prefix of each DAG's node names."""

    name: str
    dag_ids: tuple[str, ...]
    prefixes: tuple[str, ...]

    def pick(self, number: int, runs: int) -> Side:
        """The ``runs`` DAGs round ``number`` (from 0) triggers: the next ones after the previous round's, from
        the first again when the side has no more (a DAG is then re-triggered after its previous run ended)."""
        count = len(self.dag_ids)
        chosen = [(number * runs + k) % count for k in range(min(runs, count))]
        return Side(self.name, tuple(self.dag_ids[i] for i in chosen), tuple(self.prefixes[i] for i in chosen))


def sides(count: int) -> dict[str, Side]:
    """Both sides of a bundle of ``count`` definitions (the loader's DAGs are ``bench-wf-NNNN``)."""
    return {
        OURS: Side(OURS, tuple(workload.workflow_name(i) for i in range(count)), tuple(prefix(OURS, i) for i in range(count))),
        AMAZON: Side(AMAZON, tuple(amazon_dag_id(i) for i in range(count)), tuple(prefix(AMAZON, i) for i in range(count))),
    }


def prefix(side: str, index: int) -> str:
    """The prefix of workflow ``index``'s job names on ``side``: names are unique across the deployment, so the
    endpoint's counts and job runs say which DAG and side made them."""
    return f"{'o' if side == OURS else 'a'}{index:04d}-"


def renamed(document: Any, pre: str, *, jobs_only: bool) -> Any:
    """``document`` with every job and crawler name prefixed (crawlers made jobs when ``jobs_only``), and
    scheduled start triggers made ON_DEMAND."""
    if isinstance(document, list):
        return [renamed(item, pre, jobs_only=jobs_only) for item in document]
    if not isinstance(document, dict):
        return document
    made: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("JobName", "CrawlerName"):
            made["JobName" if jobs_only else key] = pre + value
        elif key == "CrawlState" and jobs_only:
            made["State"] = value
        else:
            made[key] = renamed(value, pre, jobs_only=jobs_only)
    if made.get("Type") == "SCHEDULED":
        made["Type"] = "ON_DEMAND"
        made.pop("Schedule", None)
        made.pop("StartOnCreation", None)
    return made


def ours_definition(index: int, nodes: int) -> dict[str, Any]:
    """Workflow ``index`` as the loader reads it (the workload's definition, renamed, on demand)."""
    made: dict[str, Any] = renamed(workload.definition(index, nodes), prefix(OURS, index), jobs_only=False)
    return made


def amazon_definition(index: int, nodes: int) -> dict[str, Any]:
    """The amazon DAG's jobs as a definition: only to create and steer them on the endpoint."""
    document: dict[str, Any] = renamed(workload.definition(index, nodes), prefix(AMAZON, index), jobs_only=True)
    document["Workflow"]["Name"] = amazon_dag_id(index)
    return document


def amazon_dag_id(index: int) -> str:
    """The hand-written DAG's id (the loader's DAGs are ``bench-wf-NNNN``)."""
    return f"amazon-wf-{index:04d}"


def amazon_source(index: int, nodes: int) -> str:
    """The hand-written DAG file of workflow ``index``: the workload's edges and trigger rules, and
    ``max_active_runs=1`` as the definition's ``MaxConcurrentRuns`` gives ours."""
    pre = prefix(AMAZON, index)
    made = workload.nodes_of(nodes)
    pairs = [(pre + n.name, n.trigger_rule) for n in made]
    edges = [(pre + w, pre + n.name) for n in made for w in n.watched]
    return AMAZON_DAG.format(index=index, dag_id=amazon_dag_id(index), nodes=pairs, edges=edges)


def write_bundle(dags: Path, count: int, nodes: int) -> None:
    """The one DAG bundle both sides are served from: the shipped loader file, the definitions, the amazon files."""
    from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE

    (dags / "workflows").mkdir(parents=True, exist_ok=True)
    (dags / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for index in range(count):
        text = yaml.safe_dump(ours_definition(index, nodes), sort_keys=False, width=120)
        (dags / "workflows" / f"wf_{index:04d}.yaml").write_text(text)
        (dags / f"amazon_wf_{index:04d}.py").write_text(amazon_source(index, nodes))
