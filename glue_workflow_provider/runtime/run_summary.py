"""What the Glue console shows at a glance, as text: a node's end state line and a workflow run's statistics.

A node's note is its exact end state and Glue's error message (``TIMEOUT: Job run timed out``); the run's note
counts the actions in Glue's terms (GetWorkflowRun's ``Statistics``: total, succeeded, failed, timed out,
stopped, errored, never ran) and gives the outcome of rule 6 (docs/semantics.md#unhandled-failures) with its
reason. Pure functions: the operators compute them, a listener writes them as Airflow notes (runtime/notes.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from glue_workflow_provider.model.states import NO_GLUE_STATE, STATISTICS, SUCCEEDED
from glue_workflow_provider.semantics.progress import listened_states, run_outcome, unhandled_failures
from glue_workflow_provider.semantics.trigger_table import TriggerTable

#: Longest error message kept in a note (Glue's can be a whole stack trace of the job's script).
MAX_ERROR = 300


def node_note(state: str, error: str | None = None, link: str | None = None) -> str:
    """``STATE`` or ``STATE: Glue's error message``, then the console link when there is one."""
    text = f"{state}: {_short(error)}" if error else state
    return f"{text}\n\n{link}" if link else text


def note_error(note: object) -> str | None:
    """Glue's error message in a note written by ``node_note`` (None if it has none)."""
    first = note.split("\n", 1)[0] if isinstance(note, str) else ""
    return first.split(": ", 1)[1] if ": " in first else None


def ended_as(node: str, state: str) -> str:
    """``node ended STATE``, or ``node failed without a Glue state`` for NO_GLUE_STATE (which is no Glue state)."""
    return f"{node} failed without a Glue state" if state == NO_GLUE_STATE else f"{node} ended {state}"


def failure_line(kind: str, name: str, state: str, error: str | None, link: str | None) -> str:
    """The one line a node that did not succeed fails its task with: node, Glue state, error, link."""
    message = f": {_short(error)}" if error else ""
    where = f" ({link})" if link else ""
    return f"Glue {kind} '{name}' ended {state}{message}{where}"


def statistics(table: TriggerTable, ended: Mapping[str, str]) -> dict[str, int]:
    """The run's action counts by Glue statistic, plus ``total`` and ``never ran``."""
    counts = {"total": len(table.nodes)}
    for label, states in STATISTICS:
        counts[label] = sum(1 for node in table.nodes if ended.get(node) in states)
    counts["never ran"] = sum(1 for node in table.nodes if node not in ended)
    return counts


def failure_errors(ended: Mapping[str, str], note_of: Callable[[str], object]) -> dict[str, str]:
    """Glue's error message of each node that ended other than SUCCEEDED, read from its note (``note_of(node)``):
    what ``run_summary`` lists, for its reader (the node that sees the run complete, or the notes listener)."""
    errors = {}
    for node, state in ended.items():
        error = note_error(note_of(node)) if state != SUCCEEDED else None
        if error:
            errors[node] = error
    return errors


def run_summary(table: TriggerTable, ended: Mapping[str, str], errors: Mapping[str, str] | None = None) -> str:
    """The DAG run's note: outcome, action counts, why (rule 6), and each node that did not succeed."""
    outcome = run_outcome(table, ended)
    counts = statistics(table, ended)
    parts = ", ".join(f"{counts[label]} {label}" for label, _ in STATISTICS)
    lines = [
        f"Glue workflow run: {outcome}",
        "",
        f"Actions: {counts['total']} total, {parts}, {counts['never ran']} never ran.",
        "",
        f"Why: {_why(table, ended)}",
    ]
    others = [node for node in table.nodes if node in ended and ended[node] != SUCCEEDED]
    if others:
        lines.append("")
        for node in others:
            error = (errors or {}).get(node)
            lines.append(f"- {node}: {node_note(ended[node], error)}")
    return "\n".join(lines)


def _why(table: TriggerTable, ended: Mapping[str, str]) -> str:
    unhandled = unhandled_failures(table, ended)
    if unhandled:
        named = ", ".join(ended_as(node, state) for node, state in sorted(unhandled.items()))
        return f"{named}, and no trigger watches that state, so the run failed (rule 6)."
    listened = listened_states(table)
    handled = sorted(node for node, state in ended.items() if state != SUCCEEDED and state in listened.get(node, ()))
    if handled:
        named = ", ".join(f"{node} ended {ended[node]}" for node in handled)
        return f"{named}, which a trigger watches (a handled failure), so the run succeeded (rule 6)."
    return "every action that ran SUCCEEDED."


def _short(error: str) -> str:
    first = " ".join(error.split())
    return first if len(first) <= MAX_ERROR else first[: MAX_ERROR - 1] + "…"
