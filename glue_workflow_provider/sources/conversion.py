"""What a reader of a foreign source (a template, Terraform, an AWS account, a blueprint) found.

Every migration reader (``convert``, ``export``, ``blueprint``) produces a :class:`Conversion`: the Glue
workflows it found, each as a document in the authored form (Glue API field names: ``Workflow``,
``Triggers``, ``Jobs``, ``Crawlers``), plus the notices that name the source file and the place in it.
The writer (``sources/writer.py``) validates and writes them; readers never write files themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a reader could not take over as it stands: printed ``FILE: PLACE: message``."""

    file: str
    place: str
    message: str
    is_error: bool = False

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.file}: {self.place}: {prefix}{self.message}"


@dataclass(frozen=True)
class FoundWorkflow:
    """One Glue workflow found in a source, in the authored form, and where it came from."""

    name: str
    document: dict[str, Any]
    file: str
    place: str


@dataclass
class Conversion:
    """Everything one or more sources gave: workflows, warnings and errors (a workflow that could not be read)."""

    workflows: list[FoundWorkflow] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def warn(self, file: str, place: str, message: str) -> None:
        """Record that something was not taken over, or was taken over with a choice the user should know."""
        self.notices.append(Notice(file, place, message))

    def fail(self, file: str, place: str, message: str) -> None:
        """Record that something could not be converted at all (the command exits 1)."""
        self.notices.append(Notice(file, place, message, is_error=True))

    def extend(self, other: Conversion) -> None:
        """Add what another source gave."""
        self.workflows.extend(other.workflows)
        self.notices.extend(other.notices)

    @property
    def failed(self) -> bool:
        """Whether any part of a source could not be converted."""
        return any(notice.is_error for notice in self.notices)
