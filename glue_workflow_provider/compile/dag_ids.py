"""Which file owns which dag_id: one pure rule, used by the DAG processor's full parse and a worker's fast path.

Files are taken in scan order. A valid file owns its dag_id unless an earlier file took it (then it is
reported, GWF018, and registered as a placeholder). A file that cannot be compiled gets a placeholder that
takes the dag_id it meant when that is free (so a broken edit replaces the DAG and stops its schedule), else
an id made from its file name. Because both paths call ``assign_dag_ids`` they can never disagree.

Which dag_id each file ends with does not depend on whether it is valid, only on the id it claims: a file
that claims a free id takes it (as a DAG or as a placeholder), one that claims a taken id gets its file
name's id, valid or not. So a worker can place every file by its claimed id alone (``certain_dag_id``, read
without validating) and validate only the file that owns the DAG it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from glue_workflow_provider.compile.naming import airflow_id


@dataclass(frozen=True, slots=True)
class Claim:
    """What one file asks for: its dag_id when valid, and the dag_id it meant (also when invalid)."""

    shown: str
    dag_id: str | None
    intended_dag_id: str | None


@dataclass
class Assignment:
    """The outcome: each file's dag_id, which files are placeholders, and who took a clashing id first."""

    dag_ids: dict[str, str] = field(default_factory=dict)
    placeholders: set[str] = field(default_factory=set)
    taken_by: dict[str, str] = field(default_factory=dict)

    def owner(self, dag_id: str) -> str | None:
        """The file whose DAG (or placeholder) has ``dag_id``."""
        return next((shown for shown, given in self.dag_ids.items() if given == dag_id), None)


def assign_dag_ids(claims: Iterable[Claim]) -> Assignment:
    """Apply the ownership rule to ``claims`` in order."""
    result = Assignment()
    owners: dict[str, str] = {}
    for claim in claims:
        if claim.dag_id is not None and claim.dag_id not in owners:
            owners[claim.dag_id] = claim.shown
            result.dag_ids[claim.shown] = claim.dag_id
            continue
        if claim.dag_id is not None:
            result.taken_by[claim.shown] = owners[claim.dag_id]
        dag_id = placeholder_id(claim.intended_dag_id, claim.shown, owners)
        owners[dag_id] = claim.shown
        result.dag_ids[claim.shown] = dag_id
        result.placeholders.add(claim.shown)
    return result


def placeholder_id(intended: str | None, shown: str, owners: dict[str, str]) -> str:
    """The dag_id the definition meant, when it can be read and is free; else one made from the file name."""
    if intended and intended not in owners:
        return intended
    return fallback_id(shown)


def fallback_id(shown: str) -> str:
    """A placeholder id made from the file name alone."""
    return airflow_id(f"invalid__{shown}")


def intended_dag_id(document: Any) -> str | None:
    """The dag_id a parsed document asks for (``Airflow.dag_id``, else its workflow name), even if invalid."""
    if not isinstance(document, dict):
        return None
    settings = document.get("Airflow")
    if isinstance(settings, dict) and isinstance(settings.get("dag_id"), str) and settings["dag_id"]:
        return airflow_id(settings["dag_id"])
    header = document.get("Workflow")
    name = header.get("Name") if isinstance(header, dict) else None
    return airflow_id(name) if isinstance(name, str) and name else None


def certain_dag_id(document: Any) -> str | None:
    """The dag_id a parsed document claims whether it turns out valid or not, read without validating it.

    A valid definition's DAG is ``Airflow.dag_id`` as written, else its workflow name made an id (the
    planner); an invalid one's placeholder takes ``intended_dag_id``. Where the two can differ (a dag_id
    that ``airflow_id`` would change, such as ``a.b``; a ``Workflow.name`` spelt in snake case), or no id can
    be read, only validation can tell: None, and the caller checks the file in full.
    """
    intended = intended_dag_id(document)
    header = document.get("Workflow") if isinstance(document, dict) else None
    if intended is None or not isinstance(header, dict) or "name" in header:
        return None
    settings = document.get("Airflow")
    written = settings.get("dag_id") if isinstance(settings, dict) else None
    if isinstance(written, str) and written and written != intended:
        return None
    return intended
