"""What the tests reach of Airflow that moved between the supported versions (the package's own differences
are in ``glue_workflow_provider.version_compat``)."""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.version_compat import AIRFLOW_V_3_2_PLUS


def dag_serialization() -> Any:
    """The DAG serializer: ``DagSerialization`` from Airflow 3.2, ``SerializedDAG`` before (same to_dict and
    from_dict)."""
    if AIRFLOW_V_3_2_PLUS:
        from airflow.serialization.serialized_objects import DagSerialization

        return DagSerialization
    from airflow.serialization.serialized_objects import SerializedDAG

    return SerializedDAG
