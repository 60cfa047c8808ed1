"""The arguments a job run is started with, as Glue passes them from a trigger action (docs/semantics.md#actions,
docs/semantics.md#arguments)."""

from __future__ import annotations

from glue_workflow_provider.model.trigger import Action, Trigger
from glue_workflow_provider.model.workflow import Definition

WORKFLOW_NAME_ARG = "--WORKFLOW_NAME"
WORKFLOW_RUN_ID_ARG = "--WORKFLOW_RUN_ID"


def action_for(trigger: Trigger, node: str) -> Action | None:
    """The action of ``trigger`` that starts ``node``."""
    return next((a for a in trigger.actions if a.node_name == node), None)


def job_run_arguments(definition: Definition, trigger: Trigger, node: str, run_id: str) -> dict[str, str]:
    """StartJobRun ``Arguments``: the action's arguments, then the workflow identity Glue adds.

    Keys the job marks non-overridable are dropped, as Glue ignores them (DG about-triggers).
    """
    action = action_for(trigger, node)
    arguments = dict(action.arguments or {}) if action is not None else {}
    spec = definition.job_spec(node)
    for key in (spec.non_overridable_arguments or {}) if spec is not None else {}:
        arguments.pop(key, None)
    arguments[WORKFLOW_NAME_ARG] = definition.name
    arguments[WORKFLOW_RUN_ID_ARG] = run_id
    return arguments
