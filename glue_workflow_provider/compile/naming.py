"""Glue names -> Airflow ids: readable, ASCII, deterministic; Glue names stay visible as display names."""

from __future__ import annotations

import re

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]+")
MAX_ID_LENGTH = 250

OUTCOME_TASK_ID = "workflow_outcome"


def airflow_id(name: str) -> str:
    """A valid Airflow id from a Glue name: runs of other characters become ``_`` (``Fix/De-dupe`` -> ``Fix_De-dupe``)."""
    cleaned = _NOT_ALLOWED.sub("_", name).strip("_")
    return (cleaned or "unnamed")[:MAX_ID_LENGTH]


def trigger_gate_id(trigger_name: str) -> str:
    """Task id of the gate that stands for an AND trigger."""
    return airflow_id(f"trigger__{airflow_id(trigger_name)}")


def condition_gate_id(node_name: str, state: str) -> str:
    """Task id of the gate that stands for "node ended in state" (a non-SUCCEEDED condition)."""
    return airflow_id(f"{airflow_id(node_name)}__{state}")


def node_group_id(node_name: str) -> str:
    """Id of the TaskGroup that draws a Glue node and its gates as one box (its tasks keep their own ids)."""
    return airflow_id(f"{airflow_id(node_name)}__node")
