"""Run properties through a run: defaults, start overrides, then each node's puts in the order nodes end
(docs/semantics.md#run-properties)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: A put the runtime recorded: (when it was made, the task that made it, the values).
Put = tuple[str, str, dict[str, str]]


@dataclass
class PropertyLedger:
    """The run's properties as they stand; a node sees what stood when it started."""

    current: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, defaults: Mapping[str, str] | None, overrides: Mapping[str, str] | None) -> PropertyLedger:
        """Defaults, then the values given when the run starts (StartWorkflowRun ``RunProperties``)."""
        return cls({**(defaults or {}), **(overrides or {})})

    def put(self, node: str, values: Mapping[str, str]) -> None:
        """Merge a node's puts (PutWorkflowRunProperties overrides existing keys and adds new ones)."""
        self.current.update(values)

    def visible(self) -> dict[str, str]:
        """A copy of the properties as they stand now."""
        return dict(self.current)


def recorded_put(task_id: str, value: Any) -> Put | None:
    """The put in a task's ``run_properties_put`` XCom (``{"ended_at", "values"}``), None when it holds none."""
    value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, Mapping) and isinstance(value.get("values"), Mapping):
        return str(value.get("ended_at", "")), task_id, {str(k): str(v) for k, v in value["values"].items()}
    return None


def apply_puts(base: Mapping[str, str], puts: Iterable[Put]) -> dict[str, str]:
    """``base`` with the puts applied in the order they were made (later wins; ties by task id)."""
    properties = dict(base)
    for _, _, values in sorted(puts):
        properties.update(values)
    return properties


def final_properties(snapshot: Mapping[str, str], puts: Iterable[Put]) -> dict[str, str]:
    """The run's final properties, from a properties snapshot a task recorded in its current try and every
    put recorded in the current tries.

    A snapshot (``run_properties_after``, ``run_properties``) is the start properties with the puts its task
    could read, and a task that ends last may have read before a sibling that ended beside it recorded its
    put. Applying every put again, in order, gives each put key its last put's value; every other key keeps
    its start value, which every such snapshot holds. So the answer does not depend on which one is taken (a
    snapshot of an earlier try could hold a put that try's clear has since dropped).
    """
    return apply_puts(snapshot, puts)
