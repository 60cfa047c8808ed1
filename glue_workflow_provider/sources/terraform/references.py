"""What a reference reaches: a resource instance, a resource not in the files read, a data source, ``var.``.

Each is a small object the evaluator traverses with ``.name`` and ``[key]``. For the Glue resources the
converter knows, ``.id`` equals ``.name``; an attribute set only by AWS (``.arn``) is unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown

#: Glue resources whose ``id`` is their name (terraform-provider-aws sets the id to the name).
NAMED_BY_ID = frozenset({"aws_glue_job", "aws_glue_workflow", "aws_glue_trigger", "aws_glue_crawler"})


@dataclass
class Namespace:
    """``var``, ``local``, ``module`` or a resource type: ``.name`` looks the name up."""

    label: str
    lookup: Callable[[str], Any]

    def attribute(self, name: str) -> Any:
        """The named member."""
        return self.lookup(name)

    def index(self, key: Any) -> Any:
        """Not indexable."""
        raise EvaluationError(f"'{self.label}' cannot be indexed")


@dataclass
class ResourceObject:
    """One resource instance as other expressions see it."""

    type: str
    address: str
    values: dict[str, Any]

    def attribute(self, name: str) -> Any:
        """A configured attribute, ``id`` for a Glue name, or an unknown for what AWS computes."""
        naming = self.type in NAMED_BY_ID and name in ("name", "id")
        if name == "id" and self.type in NAMED_BY_ID:
            name = "name"
        if name in self.values:
            value = self.values[name]
            if naming and isinstance(value, Unknown):
                return Unknown(value.reason, self.address)
            return value
        return Unknown(
            f"{self.address}.{name} is known only after 'terraform apply'",
            self.address if naming else f"${{{self.address}.{name}}}",
        )

    def index(self, key: Any) -> Any:
        """A single instance cannot be indexed."""
        raise EvaluationError(f"{self.address} has no count or for_each: it cannot be indexed with [{key!r}]")


@dataclass
class MissingResource:
    """A resource named in an expression but declared in none of the files read."""

    address: str
    type: str

    def attribute(self, name: str) -> Any:
        """Unknown: the converter cannot see the resource."""
        naming = self.type in NAMED_BY_ID and name in ("name", "id")
        return Unknown(
            f"{self.address} is not declared in the files read (pass its file or folder too)",
            self.address if naming else f"${{{self.address}.{name}}}",
        )

    def index(self, key: Any) -> Any:
        """One instance of the missing resource."""
        if isinstance(key, Unknown):
            return key
        shown = f'"{key}"' if isinstance(key, str) else str(key)
        return MissingResource(f"{self.address}[{shown}]", self.type)


@dataclass
class DataSource:
    """``data.TYPE.NAME``: read from AWS at plan time, so never known here."""

    address: str

    def attribute(self, name: str) -> Any:
        """Unknown, with the reason."""
        return Unknown(
            f"{self.address}.{name} is read from AWS by 'terraform plan' (a data source)",
            f"${{{self.address}.{name}}}",
        )

    def index(self, key: Any) -> Any:
        """One instance, still unknown."""
        return DataSource(f"{self.address}[{key!r}]")


def instance_key(key: Any) -> str:
    """The address suffix of an instance: ``[0]`` for count, ``["k"]`` for for_each, empty otherwise."""
    if key is None:
        return ""
    return f'["{key}"]' if isinstance(key, str) else f"[{key}]"
