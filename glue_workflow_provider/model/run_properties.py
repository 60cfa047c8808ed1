"""What Glue accepts as a run property (PutWorkflowRunProperties, DefaultRunProperties): the one home of the rule.

Validation (GWF037), the runtime's checks on conf and puts, and the semantics all ask ``key_problem``; the
job-side file (``jobside/glue_airflow_run_properties.py``) must stand alone inside Glue jobs, so it keeps a
copy that a test holds equal to this rule.
"""

from __future__ import annotations

MAX_KEY_LENGTH = 255


def key_problem(key: object) -> str | None:
    """Why ``key`` cannot be a run property key (None when it can): a string of 1 to 255 characters."""
    if not isinstance(key, str):
        return f"keys are strings, got {type(key).__name__}"
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return f"key is {len(key)} characters long; Glue keys are 1 to {MAX_KEY_LENGTH} characters"
    return None


def value_problem(value: object) -> str | None:
    """Why ``value`` cannot be a run property value (None when it can): values are strings."""
    return None if isinstance(value, str) else f"values are strings, got {type(value).__name__}"
