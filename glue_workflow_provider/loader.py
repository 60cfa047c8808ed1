"""Build one Airflow DAG per definition file in a folder, isolating failures (the ``dags/`` loader's engine).

Never calls AWS. A broken definition is logged, problem by problem, and registered as a placeholder DAG
(no schedule, tagged ``invalid-definition``, its problems in the description, the docs and a task that fails
with them) so it is visible in the UI while every other DAG keeps loading. Set ``GLUE_AIRFLOW_STRICT=1`` to
raise instead, so the loader file shows as an import error.

Checked definitions are kept in the plan cache (``compile/plan_cache.py``) by a hash of their content, so a
file is validated and planned again only when it changes; in an Airflow worker, whose parsing context names
one dag_id, only that DAG's definition is read and built (README, Performance).
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

from glue_workflow_provider.compile.naming import airflow_id
from glue_workflow_provider.compile.plan import DagPlan
from glue_workflow_provider.compile.plan_cache import (
    CheckedEntry,
    FolderIndex,
    IndexedFile,
    PlanCache,
    content_key,
    stat_signature,
)
from glue_workflow_provider.compile.planner import plan_workflow
from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.model.diagnostics import Diagnostic, error
from glue_workflow_provider.sources.definition_file import (
    SUFFIXES,
    LoadResult,
    load_definition,
    load_text,
)
from glue_workflow_provider.sources.limits import MAX_BYTES

log = logging.getLogger(__name__)
STRICT_ENV = "GLUE_AIRFLOW_STRICT"
LOADER_FILE_NAME = "glue_workflows.py"
#: The loader DAG file, as shipped in ``dags/glue_workflows.py`` (a test keeps the two identical).
LOADER_FILE_SOURCE = '''"""Airflow DAG loader: one DAG per AWS Glue workflow definition (*.json, *.yaml, *.yml) under ./workflows.

Copy this file into any Airflow dags folder, next to a ``workflows/`` folder of definitions. It never calls
AWS while the dag processor parses it. A broken definition becomes a paused placeholder DAG, tagged
``invalid-definition``, that lists its problems; every other definition keeps loading.
"""

from pathlib import Path

from glue_workflow_provider.loader import load_dags

load_dags(globals(), Path(__file__).parent / "workflows")
'''


@dataclass
class LoadReport:
    """What a folder gave: DAG ids built, and the problems of the definitions that could not be."""

    dags: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DefinitionSource:
    """One definition file found under a folder: its path, its name as users know it, its stat signature."""

    file: str
    shown: str
    signature: tuple[int, ...]

    @property
    def path(self) -> Path:
        """The file as a Path."""
        return Path(self.file)


def definition_files(folder: str | Path) -> list[Path]:
    """Every ``*.json``, ``*.yaml`` and ``*.yml`` file under ``folder``, in a stable order."""
    return [source.path for source in scan_folder(folder)]


def scan_folder(folder: str | Path) -> list[DefinitionSource]:
    """The definition files under ``folder`` (subfolders included, symlinked folders not followed), sorted as
    paths sort, each with its stat signature; one ``scandir`` per folder, so cheap for thousands of files."""
    root = Path(folder)
    found: list[tuple[tuple[str, ...], str, os.stat_result]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while pending:
        directory, parts = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir() and not entry.is_symlink():
                            pending.append((entry.path, parts + (entry.name,)))
                        elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                            found.append((parts + (entry.name,), entry.path, entry.stat()))
                    except OSError:
                        continue
        except OSError:
            continue
    found.sort(key=lambda item: item[0])
    named = bool(root.name) and root.name != ".."
    return [
        DefinitionSource(
            file,
            os.path.join(root.name, *parts) if named else _shown_path(Path(file), root),
            stat_signature(stat),
        )
        for parts, file, stat in found
    ]


def load_dags(
    namespace: MutableMapping[str, Any],
    folder: str | Path,
    *,
    strict: bool | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> LoadReport:
    """Build a DAG for each definition under ``folder`` and put it in ``namespace`` (a DAG file's globals).

    In an Airflow worker (the parsing context names a dag_id) only the definition of that DAG is read and
    built, found through the plan cache's folder index; any doubt (no index, a changed file, a placeholder,
    strict mode with an invalid file) falls back to building every DAG, so the result is always the same.

    :param strict: Raise DefinitionError on any invalid definition (default: ``$GLUE_AIRFLOW_STRICT``).
    :param cache_dir: Root of the plan cache (default: ``plan_cache.cache_root()``, from the environment).
    :param use_cache: Set False to check every file in full and keep nothing on disk.
    """
    strict = _strict() if strict is None else strict
    cache = PlanCache.for_folder(folder, cache_dir) if use_cache else None
    wanted = _parsing_context_dag_id()
    report = _load_one(folder, wanted, cache, strict) if wanted and cache is not None else None
    if report is None:
        report = _load_all(folder, cache, strict)
    namespace.update({f"glue_workflow__{dag_id}": dag for dag_id, dag in report.dags.items()})
    return report


def _load_all(folder: str | Path, cache: PlanCache | None, strict: bool) -> LoadReport:
    """Check (or take from the cache) every definition and build every DAG; refresh the folder index."""
    scanned_ns = time.time_ns()
    report = LoadReport()
    owners: dict[str, str] = {}
    indexed: dict[str, IndexedFile] = {}
    for source in scan_folder(folder):
        entry, key = checked_entry(source.path, cache)
        if key is not None:
            indexed[source.shown] = _indexed(source, key, entry)
        _register(report, entry, source.shown, owners, strict)
    if cache is not None:
        _refresh_index(cache, FolderIndex(scanned_ns, indexed), cache.read_index())
    if strict and report.invalid:
        raise DefinitionError([p for problems in report.invalid.values() for p in problems])
    return report


def _register(report: LoadReport, entry: CheckedEntry, shown: str, owners: dict[str, str], strict: bool) -> None:
    """Build the DAG of one checked definition into ``report`` (its placeholder when it is invalid)."""
    from glue_workflow_provider.compile.dag_builder import build_dag, build_invalid_dag

    diagnostics, plan = _claim(entry, shown, owners)
    for warning in (d for d in diagnostics if not d.is_error):
        log.warning("Glue workflow definition: %s", warning)
    if plan is not None:
        dag, failure = _guarded(lambda: build_dag(plan, entry.definition if entry.definition is not None else entry.model), shown)
        if dag is not None:
            report.dags[plan.dag_id] = dag
            return
        assert failure is not None
        diagnostics += (failure,)
        owners.pop(plan.dag_id, None)  # the placeholder takes the id
    errors = tuple(d for d in diagnostics if d.is_error)
    report.invalid[shown] = errors
    for problem in errors:
        log.error("Invalid Glue workflow definition: %s", problem)
    if not strict:
        for dag_id in dict.fromkeys([_placeholder_id(entry.intended_dag_id, shown, owners), _fallback_id(shown)]):
            placeholder, failure = _guarded(functools.partial(build_invalid_dag, dag_id, shown, errors), shown)
            if placeholder is not None:
                owners[placeholder.dag_id] = shown
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


def _load_one(folder: str | Path, wanted: str, cache: PlanCache, strict: bool) -> LoadReport | None:
    """Only the DAG ``wanted`` (an Airflow worker's parse), or None when anything calls for the full load.

    Each file's dag_id comes from the folder index when its stat signature is unchanged; else the file is
    read and hashed and the dag_id read from the first line of its cache entry (or, on a miss, the file is
    checked in full and cached). The loader's ownership rules then say which file defines ``wanted``; that
    file is read again and must still have the same content hash. A missing or outdated index is rewritten.
    """
    scanned_ns = time.time_ns()
    previous = cache.read_index()
    index = previous or FolderIndex(0, {})  # no index: every file is identified by its content
    claims: list[tuple[DefinitionSource, IndexedFile]] = []
    for source in scan_folder(folder):
        known = index.trusted(source.shown, source.signature) or _identified(source, cache)
        if known is None:
            return None
        claims.append((source, known))
    _refresh_index(cache, FolderIndex(scanned_ns, {s.shown: known for s, known in claims}), previous, prune=False)
    target = _owner_of(wanted, claims, strict)
    if target is None:
        return None
    source, known = target
    entry, key = checked_entry(source.path, cache)
    if key != known.key or not entry.valid or entry.plan is None or entry.plan.dag_id != wanted:
        return None
    return _built_one(entry, source.shown)


def _identified(source: DefinitionSource, cache: PlanCache) -> IndexedFile | None:
    """What the cache says about a file the index cannot vouch for: read and hash it, then read the first
    line of its entry (a miss checks the file in full and caches it). None when the file cannot be read."""
    if _too_big(source.path):
        return None  # the full load reports it
    try:
        key = content_key(source.path.read_bytes(), _syntax(source.path))
    except OSError:
        return None
    summary = cache.summary(key)
    if summary is not None:
        valid, dag_id, intended = summary
        return IndexedFile(source.signature, key, valid, dag_id, intended)
    entry, checked_key = checked_entry(source.path, cache)
    return _indexed(source, checked_key, entry) if checked_key is not None else None


def _owner_of(
    wanted: str, claims: list[tuple[DefinitionSource, IndexedFile]], strict: bool
) -> tuple[DefinitionSource, IndexedFile] | None:
    """The valid file that owns dag_id ``wanted`` under the loader's rules (first file wins, placeholders
    take the id they meant when it is free); None if it is a placeholder's, nobody's, or strict mode fails."""
    owners: dict[str, str] = {}
    target = None
    for source, known in claims:
        if known.valid and known.dag_id is not None and known.dag_id not in owners:
            owners[known.dag_id] = source.shown
            if known.dag_id == wanted:
                target = (source, known)
            continue
        if strict:
            return None  # the full load raises DefinitionError with every problem
        owners[_placeholder_id(known.intended_dag_id, source.shown, owners)] = source.shown
    return target


def _built_one(entry: CheckedEntry, shown: str) -> LoadReport | None:
    from glue_workflow_provider.compile.dag_builder import build_dag

    assert entry.plan is not None
    for warning in (d for d in entry.diagnostics if not d.is_error):
        log.warning("Glue workflow definition: %s", warning.in_file(shown))
    report = LoadReport()
    plan, model = entry.plan, entry.definition if entry.definition is not None else entry.model
    dag, _ = _guarded(lambda: build_dag(plan, model), shown)
    if dag is None:
        return None  # the full load registers its placeholder
    report.dags[plan.dag_id] = dag
    return report


def checked_entry(path: Path, cache: PlanCache | None) -> tuple[CheckedEntry, str | None]:
    """The checked definition in ``path`` and its content key (None when the file cannot be read as text).

    The file is read once; its bytes are both hashed and checked, so an entry always matches its key.
    Without a cache the file is checked exactly as ``check_file`` checks it, and no key is computed.
    """
    if cache is None or _too_big(path):
        return _entry_of(load_definition(path)), None  # load_definition refuses a file past MAX_BYTES unread
    try:
        content = path.read_bytes()
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads
    except (OSError, UnicodeDecodeError):
        return _entry_of(load_definition(path)), None  # reports the problem exactly as before; not cached
    key = content_key(content, _syntax(path))
    cached = cache.get(key)
    if cached is not None:
        return cached, key
    entry = _entry_of(load_text(text, str(path)))
    cache.put(key, entry)
    return entry, key


def _entry_of(result: LoadResult) -> CheckedEntry:
    intended = _intended_dag_id(result.document)
    if not result.ok or result.definition is None:
        return CheckedEntry(result.diagnostics, intended)
    planned = plan_workflow(result.definition)
    if planned.plan is None:
        return CheckedEntry(result.diagnostics + planned.diagnostics, intended)
    return CheckedEntry(result.diagnostics, intended, planned.plan, result.definition)


def _claim(entry: CheckedEntry, shown: str, owners: dict[str, str]) -> tuple[tuple[Diagnostic, ...], DagPlan | None]:
    """The entry's diagnostics in file ``shown``, and its plan unless another file already owns its dag_id."""
    diagnostics = tuple(d.in_file(shown) for d in entry.diagnostics)
    if not entry.valid or entry.plan is None:
        return diagnostics, None
    dag_id = entry.plan.dag_id
    if dag_id in owners:
        clash = error(
            "GWF018",
            "Airflow.dag_id",
            f"dag_id '{dag_id}' is already used by {owners[dag_id]}; set a different Airflow.dag_id or rename "
            "the workflow",
        ).in_file(shown)
        return diagnostics + (clash,), None
    owners[dag_id] = shown
    return diagnostics, entry.plan


def _indexed(source: DefinitionSource, key: str, entry: CheckedEntry) -> IndexedFile:
    dag_id = entry.plan.dag_id if entry.valid and entry.plan is not None else None
    return IndexedFile(source.signature, key, entry.valid, dag_id, entry.intended_dag_id)


def _refresh_index(cache: PlanCache, index: FolderIndex, previous: FolderIndex | None, *, prune: bool = True) -> None:
    """Write the index when it says something new than ``previous`` (a changed file, or a signature no longer
    too recent to trust); the DAG processor's writes also prune the cache, workers' do not."""
    if previous is not None and previous.files == index.files and all(
        previous.trusted(shown, item.signature) for shown, item in index.files.items()
    ):
        return
    cache.write_index(index, prune=prune)


def _too_big(path: Path) -> bool:
    try:
        return path.stat().st_size > MAX_BYTES
    except OSError:
        return False


def _syntax(path: Path) -> str:
    """The syntax ``load_text`` reads the file with (it decides by the name, case-sensitively)."""
    return "json" if str(path).endswith(".json") else "yaml"


def _parsing_context_dag_id() -> str | None:
    """The dag_id an Airflow worker (or ``airflow dags test``) parses the loader file for, if any."""
    from airflow.sdk import get_parsing_context

    return get_parsing_context().dag_id


def workflow_dag(path: str | Path) -> Any:
    """The DAG of one definition file, for a Python DAG file that adds tasks of its own.

    Raises DefinitionError with every problem when the definition is invalid. In a Python task of that DAG,
    ``glue_workflow_provider.runtime.run_properties.get_run_properties()`` / ``put_run_properties()`` read
    and put run properties the way the Glue jobs do.
    """
    from glue_workflow_provider.compile.dag_builder import build_dag

    checked = check_file(Path(path), str(path), {})
    if checked.plan is None or checked.result.definition is None:
        raise DefinitionError([d for d in checked.diagnostics if d.is_error])
    return build_dag(checked.plan, checked.result.definition)


@dataclass(frozen=True)
class CheckedFile:
    """One definition file checked as the loader checks it: its diagnostics and, when valid, its plan."""

    shown: str
    result: LoadResult
    diagnostics: tuple[Diagnostic, ...]
    plan: DagPlan | None


def check_file(path: Path, shown: str, owners: dict[str, str]) -> CheckedFile:
    """Validate and plan one file; ``owners`` (dag_id -> file) catches two files claiming one dag_id."""
    result = load_definition(path)
    diagnostics, plan = _claim(_entry_of(result), shown, owners)
    return CheckedFile(shown, result, diagnostics, plan)


def check_paths(paths: list[str | Path]) -> list[CheckedFile]:
    """Check definition files and folders of them (``glue-airflow validate``), each file once."""
    owners: dict[str, str] = {}
    checked: list[CheckedFile] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        for path in definition_files(root) if root.is_dir() else [root]:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                checked.append(check_file(path, str(path), owners))
    return checked


def _placeholder_id(intended: str | None, shown: str, owners: dict[str, str]) -> str:
    """The dag_id the definition meant, when it can be read and is free; else one made from the file name.

    Taking the meant id replaces a once-valid DAG by the placeholder, so a broken edit stops its schedule.
    """
    if intended and intended not in owners:
        return intended
    return _fallback_id(shown)


def _fallback_id(shown: str) -> str:
    """A placeholder id made from the file name alone."""
    return airflow_id(f"invalid__{shown}")


def _intended_dag_id(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    settings = document.get("Airflow")
    if isinstance(settings, dict) and isinstance(settings.get("dag_id"), str) and settings["dag_id"]:
        return airflow_id(settings["dag_id"])
    header = document.get("Workflow")
    name = header.get("Name") if isinstance(header, dict) else None
    return airflow_id(name) if isinstance(name, str) and name else None


def _shown_path(path: Path, folder: str | Path) -> str:
    """The file as users know it: relative to the folder's parent (``workflows/month_close.yaml``)."""
    try:
        return str(path.relative_to(Path(folder).parent))
    except ValueError:
        return str(path)


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")
