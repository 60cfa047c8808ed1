"""The dynamic view of one workflow run, shared by ``simulate`` and ``run`` (the ``--json`` contract).

``{"dag_id", "state", "nodes": {GLUE_NAME: {"type", "glue_state", "airflow_state", "order", "arguments",
"run_properties"}}, "run_properties"}``; ``order`` is the position in which the node started, null if it
never ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NodeReport:
    """What happened to one job or crawler in a run."""

    type: str
    glue_state: str | None
    airflow_state: str
    order: int | None
    arguments: Mapping[str, str] | None = None
    run_properties: Mapping[str, str] | None = None
    started_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's per-node object."""
        return {
            "type": self.type,
            "glue_state": self.glue_state,
            "airflow_state": self.airflow_state,
            "order": self.order,
            "arguments": dict(self.arguments) if self.arguments is not None else None,
            "run_properties": dict(self.run_properties) if self.run_properties is not None else None,
        }


@dataclass(frozen=True)
class RunReport:
    """What happened in a run: its Airflow outcome and each node."""

    dag_id: str
    state: str
    nodes: Mapping[str, NodeReport]
    run_properties: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object."""
        return {
            "dag_id": self.dag_id,
            "state": self.state,
            "nodes": {name: node.to_json() for name, node in self.nodes.items()},
            "run_properties": dict(self.run_properties),
        }

    def ran(self) -> list[str]:
        """Names of the nodes that ran, in the order they started."""
        started = [(n.order, name) for name, n in self.nodes.items() if n.order is not None]
        return [name for _, name in sorted(started)]

    def to_text(self) -> str:
        """A short human-readable table of the run."""
        lines = [f"DAG {self.dag_id}: {self.state}"]
        width = max((len(name) for name in self.nodes), default=4)
        for name in self.ran() + sorted(n for n, r in self.nodes.items() if r.order is None):
            node = self.nodes[name]
            order = f"{node.order:>3}" if node.order is not None else "  -"
            glue = node.glue_state or "(never ran)"
            lines.append(f"  {order}  {name:<{width}}  {node.type:<7}  {glue:<11}  airflow: {node.airflow_state}")
        lines.append("Run properties:" + ("" if self.run_properties else " (none)"))
        lines += [f"  {key} = {value}" for key, value in sorted(self.run_properties.items())]
        return "\n".join(lines)
