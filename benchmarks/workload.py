"""Benchmark workloads: N generated Glue workflow definitions of M nodes, and the same DAGs written by hand.

Every workflow is the shape of a typical ETL chain whose predicates are all ``SUCCEEDED``: a start trigger
(scheduled for even indexes, on demand for odd ones) starts the first two jobs; each further job waits on
one predecessor, on two (``AND``) or on either of two (``ANY``); the last node is a crawler. Such a
workflow compiles to exactly M node tasks plus ``workflow_outcome``.

The hand-written folder holds one Python file per DAG with the same operators, arguments, trigger rules,
labelled edges and outcome task written directly (the best a person writing Python by hand would do);
the dag-factory folder holds the same DAGs as dag-factory YAML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LOADER_FILE = '''"""Airflow DAG loader (benchmark copy of dags/glue_workflows.py)."""

from pathlib import Path

from glue_workflow_provider.loader import load_dags

load_dags(globals(), Path(__file__).parent / "workflows")
'''

DAG_FACTORY_LOADER = '''"""dag-factory loader over ./dagfactory (benchmark): one airflow DAG per YAML file."""

from pathlib import Path

from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), dags_folder=str(Path(__file__).parent / "dagfactory"))
'''

CRON = "cron(0 6 * * ? *)"
OUTCOME_DOC = (
    "Decides the DAG run's state: success when every job and crawler succeeded (or never ran); skipped "
    "when some failed but every failure is handled by a trigger; upstream_failed when a failure is "
    "unhandled, which fails the run."
)


@dataclass(frozen=True)
class Node:
    """One job or crawler of a generated workflow and the trigger that starts it."""

    name: str
    crawler: bool
    trigger: str
    logical: str | None  # None: single condition or start; "AND" / "ANY" over two
    watched: tuple[str, ...]
    arguments: dict[str, str] | None = None

    @property
    def trigger_rule(self) -> str:
        """The rule the planner gives (docs/semantics.md#how-triggers-compile)."""
        return "one_success" if self.logical == "ANY" else "all_success"


def workflow_name(index: int) -> str:
    """The Glue workflow name (and, being a valid id, the dag_id) of workflow ``index``."""
    return f"bench-wf-{index:04d}"


def nodes_of(nodes: int) -> list[Node]:
    """The nodes of every generated workflow with ``nodes`` nodes (the shape does not depend on the index)."""
    made: list[Node] = []
    for k in range(nodes):
        name = f"crawl-{k:02d}" if k == nodes - 1 and k >= 2 else f"job-{k:02d}"
        crawler = name.startswith("crawl")
        arguments = {"--source": f"s3://bench/raw/{k}", "--mode": "incremental"} if not crawler else None
        if k < 2:
            made.append(Node(name, crawler, "start", None, (), arguments))
        elif k % 5 == 0:
            made.append(Node(name, crawler, f"after-{k:02d}", "ANY", (made[k - 1].name, made[k - 2].name), arguments))
        elif k % 3 == 0:
            made.append(Node(name, crawler, f"after-{k:02d}", "AND", (made[k - 1].name, made[k - 2].name), arguments))
        else:
            made.append(Node(name, crawler, f"after-{k:02d}", None, (made[k - 1].name,), arguments))
    return made


def _action(node: Node) -> dict[str, Any]:
    key = "CrawlerName" if node.crawler else "JobName"
    action: dict[str, Any] = {key: node.name}
    if node.arguments:
        action["Arguments"] = dict(node.arguments)
    return action


def _condition(name: str) -> dict[str, str]:
    if name.startswith("crawl"):
        return {"LogicalOperator": "EQUALS", "CrawlerName": name, "CrawlState": "SUCCEEDED"}
    return {"LogicalOperator": "EQUALS", "JobName": name, "State": "SUCCEEDED"}


def definition(index: int, nodes: int) -> dict[str, Any]:
    """The authored definition document of workflow ``index``."""
    made = nodes_of(nodes)
    scheduled = index % 2 == 0
    start: dict[str, Any] = {"Name": "start", "Type": "SCHEDULED" if scheduled else "ON_DEMAND"}
    if scheduled:
        start.update(Schedule=CRON, StartOnCreation=True)
    start["Actions"] = [_action(n) for n in made if n.trigger == "start"]
    triggers = [start]
    for node in made[2:]:
        predicate: dict[str, Any] = {"Conditions": [_condition(w) for w in node.watched]}
        if node.logical:
            predicate = {"Logical": node.logical, **predicate}
        triggers.append(
            {"Name": node.trigger, "Type": "CONDITIONAL", "StartOnCreation": True, "Predicate": predicate,
             "Actions": [_action(node)]}
        )
    return {
        "Workflow": {
            "Name": workflow_name(index),
            "Description": f"Generated benchmark workflow {index} ({nodes} nodes).",
            "DefaultRunProperties": {"load_date": "today"},
            "MaxConcurrentRuns": 1,
        },
        "Triggers": triggers,
        "Airflow": {"tags": ["benchmark"]},
    }


def write_definitions(folder: Path, count: int, nodes: int, *, fmt: str = "yaml") -> None:
    """``folder/workflows/wf_NNNN.<fmt>`` for each workflow, plus the loader file."""
    (folder / "workflows").mkdir(parents=True, exist_ok=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE)
    for index in range(count):
        (folder / "workflows" / f"wf_{index:04d}.{fmt}").write_text(definition_text(index, nodes, fmt))


def definition_text(index: int, nodes: int, fmt: str = "yaml") -> str:
    """Workflow ``index``'s definition file, as written (the loader's DAG docs show it as authored)."""
    document = definition(index, nodes)
    if fmt == "json":
        return json.dumps(document, indent=2)
    return yaml.safe_dump(document, sort_keys=False, width=120)


# -- the same DAGs written by hand --------------------------------------------------------------------------

def _ident(name: str) -> str:
    return name.replace("-", "_")


def _predicate_text(node: Node) -> str:
    joiner = " ANY " if node.logical == "ANY" else " AND "
    return joiner.join(f"{w} SUCCEEDED" for w in node.watched)


def _node_doc(node: Node, index: int) -> str:
    kind = "crawler" if node.crawler else "job"
    fired = f"{'SCHEDULED' if index % 2 == 0 else 'ON_DEMAND'} start trigger" if node.trigger == "start" else _predicate_text(node)
    return f"Glue {kind} '{node.name}' (runs the existing {kind} by name).\n- started by trigger '{node.trigger}': {fired}"


def _dag_doc(index: int, made: list[Node]) -> str:
    start_type = "SCHEDULED" if index % 2 == 0 else "ON_DEMAND"
    lines = [f"# Glue workflow `{workflow_name(index)}`", "", f"Generated benchmark workflow {index} ({len(made)} nodes).", ""]
    lines += [f"Start trigger: `start` ({start_type})", "", "| Trigger | Type | Predicate | Starts |", "| --- | --- | --- | --- |"]
    lines.append(f"| start | {start_type} | {start_type} start trigger | {', '.join(n.name for n in made if n.trigger == 'start')} |")
    lines += [f"| {n.trigger} | CONDITIONAL | {_predicate_text(n)} | {n.name} |" for n in made if n.trigger != "start"]
    lines += ["", "Compiled by glue-airflow: node tasks run the existing Glue jobs and crawlers by name.", ""]
    # the YAML definition file as authored, as the loader's DAG docs show it (the hand-written DAG carries it)
    lines += ["## Definition", "", "```yaml", definition_text(index, len(made)).rstrip("\n"), "```"]
    return "\n".join(lines)


def handwritten_source(index: int, nodes: int) -> str:
    """One DAG file, written as a person would write it with the provider's operators."""
    made = nodes_of(nodes)
    name = workflow_name(index)
    scheduled = index % 2 == 0
    out = [
        f'"""Hand-written airflow DAG for the Glue workflow {name} (benchmark)."""',
        "",
        "from datetime import timedelta",
        "",
        "import pendulum",
        "from airflow.sdk import DAG, Label, Param",
        "",
        "from glue_workflow_provider.compile.plan import StartPlan",
        "from glue_workflow_provider.runtime.operators.crawler import GlueWorkflowCrawlerOperator",
        "from glue_workflow_provider.runtime.operators.gate import GlueWorkflowOutcomeOperator",
        "from glue_workflow_provider.runtime.operators.job import GlueWorkflowJobOperator",
        "from glue_workflow_provider.runtime.timetables import GlueCronTimetable",
        "",
        "NODE_ARGS = {",
        '    "retries": 1,',
        '    "retry_delay": timedelta(seconds=15),',
        f'    "workflow_name": {name!r},',
        '    "deferrable": True,',
        '    "poll_interval": 6,',
        '    "aws_conn_id": "aws_default",',
        '    "region_name": None,',
        "}",
        "",
        "with DAG(",
        f"    dag_id={name!r},",
        f"    dag_display_name={name!r},",
        f'    description="Generated benchmark workflow {index} ({nodes} nodes).",',
        f"    schedule=GlueCronTimetable({CRON!r})," if scheduled else "    schedule=None,",
        '    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),',
        "    catchup=False,",
        "    max_active_runs=1,",
        "    params={\"load_date\": Param(\"today\", type=\"string\", description=\"Glue run property 'load_date'\")},",
        '    tags=["glue-workflow", "benchmark"],',
        "    is_paused_upon_creation=False,",
        f"    doc_md={_dag_doc(index, made)!r},",
        ") as dag:",
    ]
    for node in made:
        operator = "GlueWorkflowCrawlerOperator" if node.crawler else "GlueWorkflowJobOperator"
        arguments = f", arguments={node.arguments!r}" if node.arguments else ""
        out += [
            f"    {_ident(node.name)} = {operator}(",
            f"        task_id={node.name!r},",
            f"        task_display_name={node.name!r},",
            f"        trigger_rule={node.trigger_rule!r},",
            f"        doc_md={_node_doc(node, index)!r},",
            f"        glue_name={node.name!r},",
            f"        starts=(StartPlan(trigger={node.trigger!r}{arguments}),),",
            "        **NODE_ARGS,",
            "    )",
        ]
    out += [
        "    outcome = GlueWorkflowOutcomeOperator(",
        '        task_id="workflow_outcome",',
        '        task_display_name="Workflow run outcome",',
        '        trigger_rule="none_failed",',
        f"        doc_md={OUTCOME_DOC!r},",
        "    )",
    ]
    for node in made:
        for watched in node.watched:
            out.append(f"    {_ident(watched)} >> Label({node.trigger!r}) >> {_ident(node.name)}")
    out.append(f"    [{', '.join(_ident(n.name) for n in made)}] >> outcome")
    return "\n".join(out) + "\n"


def write_handwritten(folder: Path, count: int, nodes: int) -> None:
    """``folder/wf_NNNN.py``: one hand-written DAG file per workflow."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"wf_{index:04d}.py").write_text(handwritten_source(index, nodes))


# -- the same DAGs as dag-factory YAML ---------------------------------------------------------------------

def dagfactory_document(index: int, nodes: int) -> dict[str, Any]:
    """One dag-factory YAML document (dag-factory has no edge labels; everything else is the same)."""
    made = nodes_of(nodes)
    name = workflow_name(index)
    common = {
        "retries": 1,
        "retry_delay": {"__type__": "datetime.timedelta", "seconds": 15},
        "workflow_name": name,
        "deferrable": True,
        "poll_interval": 6,
        "aws_conn_id": "aws_default",
        "region_name": None,
    }
    tasks: list[dict[str, Any]] = []
    for node in made:
        start: dict[str, Any] = {"__type__": "glue_workflow_provider.compile.plan.StartPlan", "trigger": node.trigger}
        if node.arguments:
            start["arguments"] = dict(node.arguments)
        tasks.append({
            "task_id": node.name,
            "operator": "glue_workflow_provider.runtime.operators."
            + ("crawler.GlueWorkflowCrawlerOperator" if node.crawler else "job.GlueWorkflowJobOperator"),
            "task_display_name": node.name,
            "trigger_rule": node.trigger_rule,
            "doc_md": _node_doc(node, index),
            "glue_name": node.name,
            "starts": [start],
            **common,
            **({"dependencies": list(node.watched)} if node.watched else {}),
        })
    tasks.append({
        "task_id": "workflow_outcome",
        "operator": "glue_workflow_provider.runtime.operators.gate.GlueWorkflowOutcomeOperator",
        "task_display_name": "Workflow run outcome",
        "trigger_rule": "none_failed",
        "doc_md": OUTCOME_DOC,
        "dependencies": [n.name for n in made],
    })
    dag: dict[str, Any] = {
        "dag_display_name": name,
        "description": f"Generated benchmark workflow {index} ({nodes} nodes).",
        "start_date": "2024-01-01",
        "catchup": False,
        "max_active_runs": 1,
        "tags": ["glue-workflow", "benchmark"],
        "is_paused_upon_creation": False,
        "doc_md": _dag_doc(index, made),
        "tasks": tasks,
    }
    if index % 2 == 0:
        dag["schedule"] = {"__type__": "glue_workflow_provider.runtime.timetables.GlueCronTimetable", "__args__": [CRON]}
    else:
        dag["schedule"] = None
    return {name: dag}


def write_dagfactory(folder: Path, count: int, nodes: int) -> None:
    """``folder/dagfactory_loader.py`` and ``folder/dagfactory/wf_NNNN.yaml``."""
    (folder / "dagfactory").mkdir(parents=True, exist_ok=True)
    (folder / "dagfactory_loader.py").write_text(DAG_FACTORY_LOADER)
    for index in range(count):
        text = yaml.safe_dump(dagfactory_document(index, nodes), sort_keys=False, width=120)
        (folder / "dagfactory" / f"wf_{index:04d}.yaml").write_text(text)
