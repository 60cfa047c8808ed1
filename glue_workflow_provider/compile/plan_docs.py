"""The docs a compiled DAG carries: each node's and gate's text, and the DAG's page (triggers, definition).

Written for people reading the Airflow UI: Glue's names and predicates, as the Glue console would show them.
"""

from __future__ import annotations

import re

from glue_workflow_provider.model.workflow import Definition
from glue_workflow_provider.semantics.predicates import is_conjunction
from glue_workflow_provider.semantics.trigger_table import TriggerRow, TriggerTable
from glue_workflow_provider.sources.syntax import syntax_of


def predicate_text(row: TriggerRow) -> str:
    if row.is_start:
        return f"{row.type} start trigger"
    joiner = " AND " if is_conjunction(row) else " ANY "
    return joiner.join(f"{node} {state}" for node, state in row.watched)


def node_doc(node: str, node_type: str, starters: tuple[TriggerRow, ...]) -> str:
    lines = [f"Glue {node_type.lower()} '{node}' (runs the existing {node_type.lower()} by name)."]
    for row in starters:
        state = " (DEACTIVATED: never fires)" if row.deactivated else ""
        lines.append(f"- started by trigger '{row.name}': {predicate_text(row)}{state}")
    return "\n".join(lines)


def dag_doc(
    definition: Definition, table: TriggerTable, start: TriggerRow | None, source: tuple[str, str] | None = None
) -> str:
    """The DAG's page; ``source`` is the definition's (file, text) as read, shown as authored when given."""
    lines = [f"# Glue workflow `{definition.name}`", ""]
    if definition.workflow.description:
        lines += [definition.workflow.description, ""]
    lines.append(f"Start trigger: `{start.name}` ({start.type})" if start else "No start trigger.")
    lines += ["", "| Trigger | Type | Predicate | Starts |", "| --- | --- | --- | --- |"]
    for row in table.triggers:
        starts = ", ".join(row.starts)
        lines.append(f"| {row.name} | {row.type} | {predicate_text(row)} | {starts} |")
    lines += ["", "Compiled by glue-airflow: node tasks run the existing Glue jobs and crawlers by name.", ""]
    lines += ["## Definition", "", *_definition_block(definition, source)]
    return "\n".join(lines)


def _definition_block(definition: Definition, source: tuple[str, str] | None) -> list[str]:
    """The definition as its file holds it (already read, so free; dumping the model again cost a third of
    the planning), else as the model read it, in a fence that no run of backticks in it can close."""
    if source is not None:
        file, text = source
        language = syntax_of(file)
    else:
        from glue_workflow_provider.sources.writer import dump

        text = dump(definition.model_dump(by_alias=True, exclude_defaults=True, mode="json"), "yaml")
        language = "yaml"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text.rstrip("\n"), fence]
