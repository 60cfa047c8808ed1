"""``./scripts/demo``'s command line: start the demo, trigger the seed example, print its run in Glue's terms
(or, with ``--json``, in the ``run --json`` shape), then keep re-deploying the definitions until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

from glue_workflow_provider.local.demo import (
    SEED_DAG_ID,
    Demo,
    check_demo_outcomes,
    running,
    valid_definitions,
)
from glue_workflow_provider.local.demo_api import PASSWORD, USER
from glue_workflow_provider.local.rest_report import rest_report
from glue_workflow_provider.local.runner import OutcomeError
from glue_workflow_provider.semantics.report import RunReport

REDEPLOY_SECONDS = 5
EPILOG = """examples:
  ./scripts/demo
  ./scripts/demo --outcome "Fix phone numbers=TIMEOUT" --outcome "Update schema=CANCELLED"
  ./scripts/demo --executor celery --once --json

exit codes (with --once): 0 the seed run succeeded, 1 it failed, 2 usage."""


def parser() -> argparse.ArgumentParser:
    """The demo's arguments."""
    made = argparse.ArgumentParser(
        prog="demo", description="glue-airflow demo: Airflow + the local Glue endpoint, on loopback",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    made.add_argument("--dags-folder", type=Path, default=Path("dags"), help="the DAG bundle (loader + workflows/)")
    made.add_argument("--home", type=Path, default=Path(".demo") / "airflow-home", help="emptied and reused")
    made.add_argument("--port", type=int, default=8080, help="the API server's port; the endpoint takes the next")
    made.add_argument("--running-seconds", type=float, default=5.0, help="how long each job run stays RUNNING")
    made.add_argument("--outcome", action="append", default=[], metavar="NAME=STATE",
                      help="make job or crawler NAME end in STATE in every run (repeatable)")
    made.add_argument("--executor", choices=("local", "celery"), default="local",
                      help="local: SQLite + LocalExecutor; celery: PostgreSQL + Redis + two Celery workers")
    made.add_argument("--once", action="store_true", help="stop after the seed example's run")
    made.add_argument("--json", action="store_true", help="print the seed run in the `run --json` shape")
    return made


def main(argv: list[str] | None = None) -> int:
    """Start everything, trigger the seed example, print what happened, and keep running until Ctrl-C."""
    args = parser().parse_args(argv)
    outcomes = {}
    for value in args.outcome:
        name, sep, state = value.rpartition("=")
        if not sep or not name or not state:
            print(f"demo: --outcome {value!r}: expected NAME=STATE", file=sys.stderr)
            return 2
        outcomes[name] = state.upper()
    try:
        check_demo_outcomes(valid_definitions(args.dags_folder), outcomes)
    except OutcomeError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    demo = Demo(args.dags_folder.resolve(), args.home.resolve(), args.port, args.running_seconds,
                outcomes=outcomes, executor=args.executor)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with running(demo):
            return _show(demo, once=args.once, as_json=args.json)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 0


def _show(demo: Demo, *, once: bool, as_json: bool) -> int:
    out = sys.stderr if as_json else sys.stdout
    assert demo.endpoint is not None
    print(f"Local Glue endpoint: {demo.endpoint.url}", file=out)
    kind = "CeleryExecutor, PostgreSQL, Redis, 2 workers" if demo.executor == "celery" else "LocalExecutor, SQLite"
    print(f"Starting Airflow (API server, scheduler, DAG processor, triggerer; {kind}) ...", file=out, flush=True)
    demo.login()
    print(f"\nAirflow UI: {demo.base_url}   login: {USER} / {PASSWORD}\n", file=out, flush=True)
    run_id = demo.trigger(SEED_DAG_ID)
    print(f"Triggered {SEED_DAG_ID} ({run_id}); waiting for it to finish ...", file=out, flush=True)
    run = demo.wait_for_run(SEED_DAG_ID, run_id)
    report = seed_report(demo, run_id)
    if as_json:
        print(json.dumps(report.to_json(), indent=2, default=str), flush=True)
    else:
        _print_summary(demo, report, run_id)
    if once:
        return 0 if run["state"] == "success" else 1
    print(f"\nDrop definitions into {demo.dags_folder / 'workflows'}: they appear as DAGs within a minute.", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)
    while True:
        time.sleep(REDEPLOY_SECONDS)
        demo.check_alive()
        demo.deploy_definitions()  # new files' jobs and crawlers; the outcomes given stay in force


def seed_report(demo: Demo, run_id: str) -> RunReport:
    """The seed run's dynamic view (REST API and endpoint)."""
    assert demo.endpoint is not None
    definition, plan = demo.deployed[SEED_DAG_ID]
    return rest_report(demo, demo.endpoint, plan, definition, run_id)


def _print_summary(demo: Demo, report: RunReport, run_id: str) -> None:
    """Each task's Airflow state and, for jobs and crawlers, the Glue state it ended in."""
    print(f"{SEED_DAG_ID}: {report.state}")
    glue = {name: node.glue_state or "(never ran)" for name, node in report.nodes.items()}
    for name, state in demo.task_states(SEED_DAG_ID, run_id):
        print(f"  {name:<24} {state:<16} {'Glue: ' + glue[name] if name in glue else ''}".rstrip())
    counts: dict[str, int] = {}
    for state in glue.values():
        counts[state] = counts.get(state, 0) + 1
    print("Glue states: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    if report.run_properties:
        print("Run properties: " + ", ".join(f"{k}={v}" for k, v in sorted(report.run_properties.items())))
