"""Run properties through a run: defaults, start overrides, then each node's puts in the order nodes end (§10.10)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
