"""The error hierarchy of glue_workflow_provider: every public error derives from GlueWorkflowError."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glue_workflow_provider.model.diagnostics import Diagnostic


class GlueWorkflowError(Exception):
    """Base class of every error this package raises on purpose."""


class DefinitionError(GlueWorkflowError, ValueError):
    """A workflow definition is invalid; carries every problem found, not just the first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class SourceError(GlueWorkflowError):
    """Input that cannot be read at all (missing file, unreadable account, bad credentials)."""


class CompileError(GlueWorkflowError):
    """A valid, supported definition could not be compiled into a DAG."""
