"""Build one Airflow DAG per definition file in a folder, isolating failures (the ``dags/`` loader's engine).

Never calls AWS. A broken definition is logged, problem by problem, and registered as a placeholder DAG
(no schedule, tagged ``invalid-definition``, its problems in the description, the docs and a task that fails
with them) so it is visible in the UI while every other DAG keeps loading. Set ``GLUE_AIRFLOW_STRICT=1`` to
raise instead, so the loader file shows as an import error.

Finding files is ``compile/discovery.py``, checking them (with the plan cache) ``compile/checking.py``, and
who owns which dag_id ``compile/dag_ids.py``; this module registers the DAGs, each inside a guard. In an
Airflow worker, whose parsing context names one dag_id, only that DAG's definition is read and built.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glue_workflow_provider.compile.checking import checked_entry, claimed_dag_id, syntax, too_big
from glue_workflow_provider.compile.dag_ids import Assignment, Claim, assign_dag_ids, fallback_id
from glue_workflow_provider.compile.discovery import DefinitionSource, scan_folder
from glue_workflow_provider.compile.folder_index import FolderIndex, IndexedFile
from glue_workflow_provider.compile.plan_cache import (
    CheckedEntry,
    PlanCache,
    content_key,
)
from glue_workflow_provider.exceptions import CompileError, DefinitionError
from glue_workflow_provider.model.diagnostics import Diagnostic, error

log = logging.getLogger(__name__)
STRICT_ENV = "GLUE_AIRFLOW_STRICT"


@dataclass
class LoadReport:
    """What a folder gave: DAG ids built, and the problems of the definitions that could not be."""

    dags: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    #: The files validated in full by this load (the others came from the plan cache or, in a worker, only
    #: their dag_id was read): what a parse cost, countable where timings are not.
    validated: list[str] = field(default_factory=list)


def load_dags(
    namespace: MutableMapping[str, Any],
    folder: str | Path,
    *,
    strict: bool | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> LoadReport:
    """Build a DAG for each definition under ``folder`` and put it in ``namespace`` (a DAG file's globals).

    In an Airflow worker (the parsing context names a dag_id) only the definition of that DAG is validated
    and built, found through the plan cache's folder index or, for files it does not know, their dag_id
    alone; any doubt (a changed file, a placeholder, strict mode with an invalid file) falls back to building
    every DAG, so the result is always the same.

    :param strict: Raise DefinitionError on any invalid definition (default: ``$GLUE_AIRFLOW_STRICT``).
    :param cache_dir: Root of the plan cache (default: ``plan_cache.cache_root()``, from the environment).
    :param use_cache: Set False to check every file in full and keep nothing on disk.
    """
    from glue_workflow_provider.version_compat import unsupported_reason  # imports airflow: only when loading

    if (unsupported := unsupported_reason()) is not None:
        raise ImportError(unsupported)  # the loader file's import error, shown in the UI; never zero DAGs quietly
    strict = _strict() if strict is None else strict
    cache = PlanCache.for_folder(folder, cache_dir) if use_cache else None
    wanted = _parsing_context_dag_id()
    validated: list[str] = []
    report = _load_one(folder, wanted, cache, strict, validated) if wanted and cache is not None else None
    if report is None:
        report = _load_all(folder, cache, strict, validated)
    report.validated = validated
    _raise_if_nothing_registered(report)
    namespace.update({f"glue_workflow__{dag_id}": dag for dag_id, dag in report.dags.items()})
    return report


def _raise_if_nothing_registered(report: LoadReport) -> None:
    """No DAG and no placeholder for any invalid definition: the provider cannot build on this Airflow at all
    (each failure is already logged). Raised, so the UI shows an import error rather than an empty folder."""
    if report.invalid and not report.dags:
        problems = "; ".join(str(problem) for errors in report.invalid.values() for problem in errors[:1])
        raise CompileError(
            f"glue-airflow could not register any DAG, not even the placeholders of invalid definitions "
            f"(see the log for each failure): {problems}"
        )


def _load_all(folder: str | Path, cache: PlanCache | None, strict: bool, validated: list[str]) -> LoadReport:
    """Check (or take from the cache) every definition and build every DAG; refresh the folder index."""
    scanned_ns = time.time_ns()
    checked: list[tuple[DefinitionSource, CheckedEntry]] = []
    indexed: dict[str, IndexedFile] = {}
    for source in scan_folder(folder):
        entry, key, fresh = checked_entry(source.path, cache)
        checked.append((source, entry))
        if fresh:
            validated.append(source.shown)
        if key is not None:
            indexed[source.shown] = _indexed(source, key, entry)
    if cache is not None:
        _refresh_index(cache, FolderIndex(scanned_ns, indexed), cache.read_index())
    assignment = assign_dag_ids(claim_of(source.shown, entry) for source, entry in checked)
    report = LoadReport()
    for source, entry in checked:
        _register(report, entry, source.shown, assignment, strict)
    if strict and report.invalid:
        raise DefinitionError([p for problems in report.invalid.values() for p in problems])
    return report


def claim_of(shown: str, entry: CheckedEntry) -> Claim:
    """What a checked file asks for, for ``assign_dag_ids``."""
    return Claim(shown, entry.plan.dag_id if entry.plan is not None else None, entry.intended_dag_id)


def diagnostics_of(entry: CheckedEntry, shown: str, assignment: Assignment) -> tuple[Diagnostic, ...]:
    """The entry's problems in file ``shown``, and the dag_id clash when another file took its id first."""
    diagnostics = tuple(d.in_file(shown) for d in entry.diagnostics)
    other = assignment.taken_by.get(shown)
    if other is None or entry.plan is None:
        return diagnostics
    clash = error(
        "GWF018",
        "Airflow.dag_id",
        f"dag_id '{entry.plan.dag_id}' is already used by {other}; set a different Airflow.dag_id or rename "
        "the workflow",
    ).in_file(shown)
    return diagnostics + (clash,)


def _register(report: LoadReport, entry: CheckedEntry, shown: str, assignment: Assignment, strict: bool) -> None:
    """Build the DAG of one checked definition into ``report`` (its placeholder when it is invalid)."""
    from glue_workflow_provider.compile.dag_builder import build_dag, build_invalid_dag

    diagnostics = diagnostics_of(entry, shown, assignment)
    for warning in (d for d in diagnostics if not d.is_error):
        log.warning("Glue workflow definition: %s", warning)
    plan = entry.plan
    if plan is not None and shown not in assignment.placeholders:
        dag, failure = _guarded(lambda: build_dag(plan), shown)
        if dag is not None:
            report.dags[plan.dag_id] = dag
            return
        assert failure is not None
        diagnostics += (failure,)  # its placeholder takes the id
    errors = tuple(d for d in diagnostics if d.is_error)
    report.invalid[shown] = errors
    for problem in errors:
        log.error("Invalid Glue workflow definition: %s", problem)
    if not strict:
        for dag_id in dict.fromkeys([assignment.dag_ids[shown], fallback_id(shown)]):
            placeholder, failure = _guarded(functools.partial(build_invalid_dag, dag_id, shown, errors), shown)
            if placeholder is not None:
                report.dags[placeholder.dag_id] = placeholder
                return
            log.error("Could not register a placeholder DAG '%s' for %s: %s", dag_id, shown, failure)


def _guarded(build: Callable[[], Any], shown: str) -> tuple[Any, Diagnostic | None]:
    """``build()``, or None and a diagnostic saying why it failed: nothing one file holds stops the others."""
    try:
        return build(), None
    except Exception as exc:
        log.exception("Building the DAG of %s failed", shown)
        return None, error(
            "GWF045",
            "(document)",
            f"Airflow refused the DAG built from this definition ({type(exc).__name__}: {exc}); "
            "fix the field it names, or report it if the definition validates",
        ).in_file(shown)


def _load_one(folder: str | Path, wanted: str, cache: PlanCache, strict: bool, validated: list[str]) -> LoadReport | None:
    """Only the DAG ``wanted`` (an Airflow worker's parse), or None when anything calls for the full load.

    Each file's dag_id comes from the folder index when its stat signature is unchanged; else the file is
    read and hashed and the dag_id read from the first line of its cache entry, or, on a miss, from the file
    itself without validating it (``claimed_dag_id``; in strict mode, or when only validation can tell, the
    file is checked in full). ``assign_dag_ids`` then says which file defines ``wanted``: that one file is
    validated (or taken from the cache) and must still have the hash it was identified by. A missing or
    outdated index is rewritten.
    """
    scanned_ns = time.time_ns()
    previous = cache.read_index()
    index = previous or FolderIndex(0, {})  # no index: every file is identified by its content
    claims: list[tuple[DefinitionSource, IndexedFile]] = []
    for source in scan_folder(folder):
        known = index.trusted(source.shown, source.signature)
        if known is None or (strict and known.valid is None):
            known = _identified(source, cache, strict, validated)
        if known is None:
            return None
        claims.append((source, known))
    _refresh_index(cache, FolderIndex(scanned_ns, {s.shown: known for s, known in claims}), previous, prune=False)
    assignment = assign_dag_ids(
        Claim(s.shown, known.dag_id if known.valid is not False else None, known.intended_dag_id) for s, known in claims
    )  # a file whose validity is unknown claims as a valid one: the ids come out the same (dag_ids.py)
    if strict and assignment.placeholders:
        return None  # the full load raises DefinitionError with every problem
    owner = assignment.owner(wanted)
    target = next(((s, known) for s, known in claims if s.shown == owner), None)
    if target is None or owner in assignment.placeholders:
        return None
    source, known = target
    entry, key, fresh = checked_entry(source.path, cache)
    if fresh:
        validated.append(source.shown)
    if key != known.key or entry.plan is None or entry.plan.dag_id != wanted:
        return None  # changed since, or invalid: the full load registers what the DAG processor does
    return _built_one(entry, source.shown)


def _identified(source: DefinitionSource, cache: PlanCache, strict: bool, validated: list[str]) -> IndexedFile | None:
    """What a file the index cannot vouch for claims: read and hash it, then read the first line of its cache
    entry; on a miss, read only its dag_id (strict mode, which must know every file's validity, or an id only
    validation decides: check it in full and cache it). None when the file cannot be read."""
    if too_big(source.path):
        return None  # the full load reports it
    try:
        content = source.path.read_bytes()
    except OSError:
        return None
    key = content_key(content, syntax(source.path))
    summary = cache.summary(key)
    if summary is not None:
        valid, dag_id, intended = summary
        return IndexedFile(source.signature, key, valid, dag_id, intended)
    claimed = None if strict else claimed_dag_id(content, source.path)
    if claimed is not None:
        return IndexedFile(source.signature, key, None, claimed, claimed)
    entry, checked_key, fresh = checked_entry(source.path, cache)
    if fresh:
        validated.append(source.shown)
    return _indexed(source, checked_key, entry) if checked_key is not None else None


def _built_one(entry: CheckedEntry, shown: str) -> LoadReport | None:
    from glue_workflow_provider.compile.dag_builder import build_dag

    plan = entry.plan
    assert plan is not None
    for warning in (d for d in entry.diagnostics if not d.is_error):
        log.warning("Glue workflow definition: %s", warning.in_file(shown))
    dag, _ = _guarded(lambda: build_dag(plan), shown)
    if dag is None:
        return None  # the full load registers its placeholder
    report = LoadReport()
    report.dags[plan.dag_id] = dag
    return report


def _indexed(source: DefinitionSource, key: str, entry: CheckedEntry) -> IndexedFile:
    dag_id = entry.plan.dag_id if entry.plan is not None else None
    return IndexedFile(source.signature, key, entry.valid, dag_id, entry.intended_dag_id)


def _refresh_index(cache: PlanCache, index: FolderIndex, previous: FolderIndex | None, *, prune: bool = True) -> None:
    """Write the index when it says something new than ``previous`` (a changed file, or a signature no longer
    too recent to trust); the DAG processor's writes also prune the cache, workers' do not."""
    if previous is not None and previous.files == index.files and all(
        previous.trusted(shown, item.signature) for shown, item in index.files.items()
    ):
        return
    cache.write_index(index, prune=prune)


def _parsing_context_dag_id() -> str | None:
    """The dag_id an Airflow worker (or ``airflow dags test``) parses the loader file for, if any."""
    from airflow.sdk import get_parsing_context

    return get_parsing_context().dag_id


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")
