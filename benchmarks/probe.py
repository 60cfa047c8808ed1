"""One measurement in a fresh interpreter (run by benchmarks/parse.py): prints one JSON line with the result.

Each probe first imports what every DAG file needs anyway (``airflow.sdk`` and Airflow's DagBag, as a DAG
processor or a worker has them) and, for parses, calls ``gc.freeze()`` as Airflow's DAG processor manager
does before it forks a parsing process (so garbage collection walks only what the parse creates); then it
times only the step it measures, in CPU time (``time.process_time``) and wall time:

- ``parse FOLDER [--trace] [--no-freeze]``: ``DagBag(FOLDER)`` as the DAG processor parses it (safe mode
  on); with ``--trace`` also the tracemalloc peak (slower, so timed runs never trace); ``--no-freeze``
  skips ``gc.freeze()`` (a DagBag in a plain process);
- ``worker FILE DAG_ID [--preimport]``: the parse an Airflow worker does before running a task of DAG_ID:
  ``BundleDagBag(FILE, safe_mode=False, load_op_links=False)`` inside Airflow's own parsing-context manager
  (it sets ``_AIRFLOW_PARSING_CONTEXT_DAG_ID``); ``--preimport`` imports the provider's modules first, so
  only building the DAG is timed;
- ``imports``: the import time of the loader (what ``dags/glue_workflows.py`` imports) and of the runtime
  operator modules (which hand-written DAG files import too);
- ``compare LOADER_FOLDER HAND_FOLDER DAG_ID...``: whether the loader's and the hand-written DAGs serialise
  identically (file locations aside).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

RUNTIME_MODULES = (
    "glue_workflow_provider.runtime.operators.job",
    "glue_workflow_provider.runtime.operators.crawler",
    "glue_workflow_provider.runtime.operators.gate",
    "glue_workflow_provider.runtime.node_state",
    "glue_workflow_provider.runtime.timetables",
)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import(names: tuple[str, ...]) -> float:
    """CPU seconds to import ``names``."""
    import importlib

    start = time.process_time()
    for name in names:
        importlib.import_module(name)
    return time.process_time() - start


def parse(folder: str, trace: bool, freeze: bool = True) -> dict[str, Any]:
    import airflow.sdk  # noqa: F401  (loaded by every DAG processor before it parses anything)
    from airflow.dag_processing.dagbag import DagBag

    if freeze:
        gc.freeze()
    if trace:
        tracemalloc.start()
    rss_before = _max_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    bag = DagBag(folder, bundle_path=Path(folder), bundle_name="benchmark")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "dags": len(bag.dags),
        "tasks": sum(len(dag.tasks) for dag in bag.dags.values()),
        "import_errors": {k: v[-300:] for k, v in bag.import_errors.items()},
        "rss_before_mb": rss_before,
        "max_rss_mb": _max_rss_mb(),
    }
    if trace:
        result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def worker(file: str, dag_id: str, preimport: bool) -> dict[str, Any]:
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import BundleDagBag
    from airflow.sdk.definitions._internal.dag_parsing_context import _airflow_parsing_context_manager

    imported = _import(RUNTIME_MODULES + ("glue_workflow_provider.loader",)) if preimport else 0.0
    folder = Path(file).parent
    start, cpu = time.perf_counter(), time.process_time()
    with _airflow_parsing_context_manager(dag_id=dag_id, task_id="job-00"):
        bag = BundleDagBag(dag_folder=file, safe_mode=False, load_op_links=False, bundle_path=folder,
                           bundle_name="benchmark")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "preimport_seconds": imported,
        "found": dag_id in bag.dags,
        "dags_built": len(bag.dags),
        "import_errors": {k: v[-300:] for k, v in bag.import_errors.items()},
        "max_rss_mb": _max_rss_mb(),
    }


def imports() -> dict[str, Any]:
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import DagBag  # noqa: F401

    loader = _import(("glue_workflow_provider.loader",))
    builder = _import(("glue_workflow_provider.compile.dag_builder",))
    runtime = _import(RUNTIME_MODULES)
    return {"loader_seconds": loader + builder, "runtime_seconds": runtime}


def compare(loader_folder: str, hand_folder: str, dag_ids: list[str]) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    loaded = DagBag(loader_folder, bundle_path=Path(loader_folder), bundle_name="benchmark").dags
    differences: dict[str, list[str]] = {}
    for dag_id in dag_ids:
        hand = DagBag(str(Path(hand_folder) / f"wf_{int(dag_id.rsplit('-', 1)[1]):04d}.py"),
                      bundle_path=Path(hand_folder), bundle_name="benchmark").dags[dag_id]
        ours, theirs = _serialised(loaded[dag_id], DagSerialization), _serialised(hand, DagSerialization)
        differences[dag_id] = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
    return {"equivalent": not any(differences.values()), "differences": differences}


def _serialised(dag: Any, serialization: Any) -> dict[str, Any]:
    data = serialization.to_dict(dag)["dag"]
    for key in ("fileloc", "relative_fileloc", "_processor_dags_folder"):
        data.pop(key, None)
    data["tasks"] = sorted(json.dumps(t, sort_keys=True) for t in data["tasks"])
    return data


def main(argv: list[str]) -> None:
    kind, args = argv[0], argv[1:]
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    if kind == "parse":
        result = parse(args[0], "--trace" in flags, "--no-freeze" not in flags)
    elif kind == "worker":
        result = worker(args[0], args[1], "--preimport" in flags)
    elif kind == "imports":
        result = imports()
    elif kind == "compare":
        result = compare(args[0], args[1], args[2:])
    else:
        raise SystemExit(f"unknown probe {kind}")
    print("PROBE " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
