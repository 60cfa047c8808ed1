"""Parse-time benchmark: the loader against the same DAGs written by hand (and dag-factory, when available).

Usage (from the repository root)::

    .venv/bin/python benchmarks/parse.py            # 100 x 20 and 1000 x 20, 5 repeats (about 25 minutes)
    .venv/bin/python benchmarks/parse.py --quick    # 100 x 20 only
    .venv/bin/python benchmarks/parse.py --dag-factory-path DIR   # DIR: `uv pip install --target DIR --no-deps dag-factory`

Every measurement runs in a fresh interpreter (benchmarks/probe.py), runs are interleaved so that a busy
machine slows every contender alike, and the median of the repeats is reported (the minimum beside it).
Times are CPU seconds of the measuring process (``time.process_time``: what the parse costs, hardly
disturbed by other load on the machine), with the wall time beside them.
Byte code is compiled once into a private cache (PYTHONPYCACHEPREFIX) before anything is timed, as on a
deployed DAG processor. Timings are printed against the targets with PASS or MISS; nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402

PARSE_RATIO_TARGET = 1.05
WORKER_TARGET_SECONDS = 0.050
LINEAR_TOLERANCE = 1.25  # time per node at 40 nodes at most this times the time per node at 10


@dataclass
class Bench:
    """The working folder, the environment of every probe, and the results collected so far."""

    root: Path
    repeats: int
    dag_factory_path: str | None
    env: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def probe(self, *args: str, plan_cache: str | None = None, extra_path: str | None = None) -> dict[str, Any]:
        env = dict(self.env)
        env["GLUE_AIRFLOW_PLAN_CACHE"] = plan_cache or str(self.root / "plan-cache")
        if extra_path:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, env.get("PYTHONPATH")]))
        done = subprocess.run(
            [sys.executable, str(HERE / "probe.py"), *args], env=env, capture_output=True, text=True, timeout=1800
        )
        for line in done.stdout.splitlines():
            if line.startswith("PROBE "):
                return json.loads(line[6:])
        raise RuntimeError(f"probe {args} failed:\n{done.stderr[-3000:]}")

    def row(self, measurement: str, value: str, target: str = "", verdict: str = "") -> None:
        self.rows.append((measurement, value, target, verdict))
        print(f"  {measurement}: {value}" + (f"   [target {target}: {verdict}]" if target else ""), flush=True)


def environment(root: Path) -> dict[str, str]:
    """An isolated Airflow (its own home, no examples) and a private byte-code cache for every probe."""
    from glue_workflow_provider.local.airflow_home import airflow_environment

    home = root / "airflow-home"
    (home / "dags").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.update(airflow_environment(home))
    env.update({
        "PYTHONPYCACHEPREFIX": str(Path(os.environ.get("GLUE_AIRFLOW_BENCH_PYCACHE", root / "pycache"))),
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
        "DO_NOT_TRACK": "1",
        "SCARF_NO_ANALYTICS": "true",
        "PYTHONHASHSEED": "0",
    })
    env.pop("GLUE_AIRFLOW_STRICT", None)
    return env


def median_min(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), min(values)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def prepare(bench: Bench, count: int, nodes: int) -> Path:
    folder = bench.root / f"w{count}x{nodes}"
    if not folder.exists():
        workload.write_definitions(folder / "loader", count, nodes)
        workload.write_handwritten(folder / "hand", count, nodes)
        if bench.dag_factory_path is not None:
            workload.write_dagfactory(folder / "dagfactory", count, nodes)
    return folder


def _timed(bench: Bench, *args: str, plan_cache: str | None = None) -> tuple[float, float]:
    result = bench.probe("parse", *args, plan_cache=plan_cache)
    if result["import_errors"]:
        raise RuntimeError(f"import errors while parsing {args}: {result['import_errors']}")
    return result["cpu_seconds"], result["seconds"]


def _cold(bench: Bench, folder: str, tag: str, *flags: str) -> tuple[float, float]:
    """A parse with an empty plan cache: every definition is validated and planned (and cached)."""
    fresh = bench.root / f"cold-cache-{tag}"
    try:
        return _timed(bench, folder, *flags, plan_cache=str(fresh))
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _series(values: list[tuple[float, float]]) -> str:
    cpu, wall = [v[0] for v in values], [v[1] for v in values]
    return f"{fmt(statistics.median(cpu))} CPU (min {fmt(min(cpu))}; wall {fmt(statistics.median(wall))})"


def _cpu(values: list[tuple[float, float]]) -> float:
    return statistics.median(v[0] for v in values)


def parse_comparison(bench: Bench, count: int, nodes: int, *, extras: bool) -> None:
    """DagBag parse of the loader folder (cache warm and cold) and of the hand-written folder, interleaved.

    With ``extras``: also JSON definitions (cold) and every contender without ``gc.freeze()``.
    """
    folder = prepare(bench, count, nodes)
    label = f"{count} x {nodes}"
    print(f"\n== DagBag parse, {label} (median of {bench.repeats}, CPU seconds) ==", flush=True)
    loader, hand = str(folder / "loader"), str(folder / "hand")
    if extras and not (folder / "loader-json").exists():
        workload.write_definitions(folder / "loader-json", count, nodes, fmt="json")
    bench.probe("parse", loader)  # prime the plan cache (the steady state of a DAG processor)
    runs: dict[str, list[tuple[float, float]]] = {}
    for attempt in range(bench.repeats):
        runs.setdefault("warm", []).append(_timed(bench, loader))
        runs.setdefault("hand", []).append(_timed(bench, hand))
        runs.setdefault("cold", []).append(_cold(bench, loader, f"{label}-{attempt}"))
        if extras:
            runs.setdefault("cold json", []).append(_cold(bench, str(folder / "loader-json"), f"json-{attempt}"))
            runs.setdefault("warm no-freeze", []).append(_timed(bench, loader, "--no-freeze"))
            runs.setdefault("hand no-freeze", []).append(_timed(bench, hand, "--no-freeze"))
    bench.data[label] = runs
    hand_cpu = _cpu(runs["hand"])
    bench.row(f"parse {label}: hand-written folder", _series(runs["hand"]))
    bench.row(f"parse {label}: loader, unchanged files (cache warm)", _series(runs["warm"]))
    bench.row(f"parse {label}: loader, every file changed (full validation of all)", _series(runs["cold"]))
    ratio = _cpu(runs["warm"]) / hand_cpu
    bench.row(f"parse ratio {label}, loader warm / hand-written", f"{ratio:.3f}", f"<= {PARSE_RATIO_TARGET}",
              verdict(ratio <= PARSE_RATIO_TARGET))
    ratio = _cpu(runs["cold"]) / hand_cpu
    bench.row(f"parse ratio {label}, loader cold / hand-written", f"{ratio:.3f}", f"<= {PARSE_RATIO_TARGET}",
              verdict(ratio <= PARSE_RATIO_TARGET))
    if extras:
        bench.row(f"parse ratio {label}, loader cold with JSON definitions / hand-written",
                  f"{_cpu(runs['cold json']) / hand_cpu:.3f}")
        bench.row(f"parse ratio {label}, loader warm / hand-written, both without gc.freeze()",
                  f"{_cpu(runs['warm no-freeze']) / _cpu(runs['hand no-freeze']):.3f}")
    if bench.dag_factory_path is not None:
        result = bench.probe("parse", str(folder / "dagfactory"), extra_path=bench.dag_factory_path or None)
        errors = f", {len(result['import_errors'])} import error(s)" if result["import_errors"] else ""
        bench.row(f"parse {label}: dag-factory ({result['dags']} DAGs{errors}), 1 run",
                  f"{fmt(result['cpu_seconds'])} CPU (ratio to hand-written {result['cpu_seconds'] / hand_cpu:.2f})")


def memory(bench: Bench, count: int, nodes: int) -> None:
    folder = prepare(bench, count, nodes)
    label = f"{count} x {nodes}"
    for name, sub in (("loader (cache warm)", "loader"), ("hand-written", "hand")):
        traced = bench.probe("parse", str(folder / sub), "--trace")
        plain = bench.probe("parse", str(folder / sub))
        bench.row(f"memory {label}, {name}",
                  f"tracemalloc peak {traced['peak_mb']:.0f} MiB; max RSS {plain['max_rss_mb']:.0f} MiB "
                  f"({plain['max_rss_mb'] - plain['rss_before_mb']:.0f} MiB for the parse)")


def memory_per_dag(bench: Bench, nodes: int, sizes: tuple[int, int] = (100, 400)) -> None:
    """What one more loaded DAG costs, loader beside hand-written: the slope of the tracemalloc peak between
    two folder sizes, so the modules each side imports once cancel out."""
    slopes: dict[str, float] = {}
    for sub in ("loader", "hand"):
        peaks = [bench.probe("parse", str(prepare(bench, count, nodes) / sub), "--trace")["peak_mb"] for count in sizes]
        slopes[sub] = (peaks[1] - peaks[0]) * 1024 / (sizes[1] - sizes[0])
    bench.row(f"memory per loaded DAG ({nodes} nodes), loader / hand-written (tracemalloc peak slope {sizes[0]}->{sizes[1]})",
              f"{slopes['loader']:.1f} / {slopes['hand']:.1f} KiB ({slopes['loader'] - slopes['hand']:+.1f} KiB; "
              "anchor before the plan stood alone: +22 KiB)")


def worker_build(bench: Bench, count: int, nodes: int) -> None:
    """A worker's parse of the loader file under the parsing context, against one hand-written file."""
    folder = prepare(bench, count, nodes)
    dag_id = workload.workflow_name(count // 2)
    loader_file = str(folder / "loader" / "glue_workflows.py")
    hand_file = str(folder / "hand" / f"wf_{count // 2:04d}.py")
    print(f"\n== Worker parse of one DAG among {count} definitions ({dag_id}; CPU, wall) ==", flush=True)
    bench.probe("parse", str(folder / "loader"))  # the DAG processor has parsed the folder: index written
    runs: dict[str, list[tuple[float, float]]] = {}
    dags_built = 0
    for _ in range(max(bench.repeats, 5)):
        result = bench.probe("worker", loader_file, dag_id, "--preimport")
        runs.setdefault("build", []).append((result["cpu_seconds"], result["seconds"]))
        dags_built = result["dags_built"] if result["found"] else -1
        for name, args in (("total", (loader_file, dag_id)), ("hand", (hand_file, dag_id, "--preimport"))):
            other = bench.probe("worker", *args)
            runs.setdefault(name, []).append((other["cpu_seconds"], other["seconds"]))
    bench.data[f"worker {count}"] = runs
    build = _cpu(runs["build"])
    bench.row(f"worker, 1 of {count}: DAGs built", str(dags_built))
    bench.row(f"worker, 1 of {count}: build under parsing context (modules imported)", _series(runs["build"]),
              f"< {fmt(WORKER_TARGET_SECONDS)}", verdict(build < WORKER_TARGET_SECONDS))
    bench.row(f"worker, 1 of {count}: same, one hand-written file", _series(runs["hand"]))
    bench.row(f"worker, 1 of {count}: whole parse incl. importing the provider's modules", _series(runs["total"]))
    edited = folder / "loader" / "workflows" / "wf_0000.yaml"
    original = edited.read_text()
    edited.write_text(original.replace("Generated benchmark", "Edited benchmark"))
    try:
        changed = bench.probe("worker", loader_file, dag_id, "--preimport")
    finally:
        edited.write_text(original)
    bench.row(f"worker, 1 of {count}: another file just edited (validated on the worker)",
              f"{fmt(changed['cpu_seconds'])} CPU")
    copy = folder / "loader-new-checkout"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder / "loader", copy)
    fresh = bench.probe("worker", str(copy / "glue_workflows.py"), dag_id, "--preimport")
    shutil.rmtree(copy, ignore_errors=True)
    bench.row(f"worker, 1 of {count}: first parse of a new checkout (no index for its path, entries shared)",
              f"{fmt(fresh['cpu_seconds'])} CPU ({fresh['dags_built']} DAG built)")
    cold = bench.probe("worker", loader_file, dag_id, "--preimport", plan_cache=str(bench.root / "empty-cache"))
    shutil.rmtree(bench.root / "empty-cache", ignore_errors=True)
    bench.row(f"worker, 1 of {count}: empty plan cache on this machine (each dag_id read, one file validated)",
              f"{fmt(cold['cpu_seconds'])} CPU ({cold['dags_built']} DAG built)")


def linearity(bench: Bench, count: int) -> None:
    print(f"\n== Cost per node ({count} definitions, median of {bench.repeats}, CPU) ==", flush=True)
    per_node: dict[str, dict[int, float]] = {"loader warm": {}, "loader cold": {}, "hand-written": {}}
    for nodes in (10, 20, 40):
        folder = prepare(bench, count, nodes)
        bench.probe("parse", str(folder / "loader"))
        runs: dict[str, list[tuple[float, float]]] = {}
        for attempt in range(bench.repeats):
            runs.setdefault("loader warm", []).append(_timed(bench, str(folder / "loader")))
            runs.setdefault("loader cold", []).append(_cold(bench, str(folder / "loader"), f"lin-{nodes}-{attempt}"))
            runs.setdefault("hand-written", []).append(_timed(bench, str(folder / "hand")))
        for name, values in runs.items():
            per_node[name][nodes] = _cpu(values) / (count * nodes)
    for name, values in per_node.items():
        spread = values[40] / values[10]
        text = ", ".join(f"M={m}: {v * 1e6:.0f} us/node" for m, v in values.items())
        target = f"per-node(40) <= {LINEAR_TOLERANCE} x per-node(10)" if name.startswith("loader") else ""
        bench.row(f"time per node, {name}", f"{text} (40/10: {spread:.2f})", target,
                  verdict(spread <= LINEAR_TOLERANCE) if target else "")
    bench.data["per_node"] = per_node


def imports(bench: Bench) -> None:
    print("\n== Import time (after airflow.sdk, median of 5) ==", flush=True)
    runs = [bench.probe("imports") for _ in range(5)]
    bench.row("import: loader (glue_workflow_provider.loader + compile)",
              fmt(statistics.median(r["loader_seconds"] for r in runs)))
    bench.row("import: runtime operators (hand-written DAGs import them too)",
              fmt(statistics.median(r["runtime_seconds"] for r in runs)))


def equivalence(bench: Bench) -> None:
    folder = prepare(bench, 100, 20)
    result = bench.probe("compare", str(folder / "loader"), str(folder / "hand"), "bench-wf-0000", "bench-wf-0001")
    bench.row("hand-written DAGs serialise like the loader's", "yes" if result["equivalent"] else f"NO {result['differences']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only 100 definitions (skips 1000 x 20)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep generated folders here (default: a temporary folder)")
    parser.add_argument("--dag-factory-path", help="a folder holding dag-factory (pip install --target)")
    parser.add_argument("--json", type=Path, help="also write every raw timing here")
    args = parser.parse_args(argv)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="glue-airflow-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    bench = Bench(root.resolve(), args.repeats, _dag_factory(args.dag_factory_path))
    bench.env = environment(bench.root)
    print(f"work folder {bench.root}; dag-factory: {bench.dag_factory_path or 'not installed'}", flush=True)
    prepare(bench, 100, 20)
    bench.probe("parse", str(bench.root / "w100x20" / "hand"))  # compile byte code once
    bench.probe("parse", str(bench.root / "w100x20" / "loader"))
    equivalence(bench)
    imports(bench)
    sizes = [100] if args.quick else [100, 1000]
    for count in sizes:
        parse_comparison(bench, count, 20, extras=count == 100)
    worker_build(bench, sizes[-1], 20)
    linearity(bench, 100)
    for count in sizes:
        memory(bench, count, 20)
    memory_per_dag(bench, 20)
    _summary(bench)
    if args.json:
        args.json.write_text(json.dumps(bench.data, indent=2))
    if args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _dag_factory(path: str | None) -> str | None:
    """'' when dag-factory is importable as installed, the given folder, or None when unavailable."""
    if path:
        return str(Path(path).resolve())
    import importlib.util

    return "" if importlib.util.find_spec("dagfactory") is not None else None


def _summary(bench: Bench) -> None:
    print("\n| Measurement | Value | Target | Result |\n| --- | --- | --- | --- |")
    for measurement, value, target, result in bench.rows:
        print(f"| {measurement} | {value} | {target} | {result} |")


if __name__ == "__main__":
    sys.exit(main())
