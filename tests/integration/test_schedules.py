"""Glue cron schedules in the scheduler's hands: compiled DAGs serialized and deserialized as the DAG processor
and the scheduler do, then asked for their next runs; activation seen through a real DagBag.

Expected times are worked out by hand from a printed calendar: 2031 has the calendar of 2025 (both start on
a Wednesday and are not leap years), so 2031-01-01 is a Wednesday; 2033-01-01 is a Saturday. None is
computed by the code under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from glue_workflow_provider.loader_file import LOADER_FILE_SOURCE
from tests.airflow_compat import next_run_info

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

pytestmark = pytest.mark.airflow


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def definition_text(expression: str) -> str:
    return (
        "Workflow:\n  Name: sched\nTriggers:\n  - Name: s\n    Type: SCHEDULED\n"
        f"    Schedule: {expression}\n    Actions:\n      - JobName: a\n"
    )


def scheduler_dag(expression: str):
    """The DAG as the scheduler holds it: compiled, serialized to JSON, and deserialized."""
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    from glue_workflow_provider.compile.dag_builder import build_dag
    from glue_workflow_provider.compile.planner import plan_workflow
    from glue_workflow_provider.sources.definition_file import load_text

    definition = load_text(definition_text(expression), "sched.yaml").require()
    plan = plan_workflow(definition).plan
    assert plan is not None
    data = json.loads(json.dumps(DagSerialization.to_dict(build_dag(plan))))
    return DagSerialization.from_dict(data)


def restriction(earliest: datetime | None, latest: datetime | None = None, catchup: bool = False):
    from airflow.timetables.base import TimeRestriction
    from pendulum import instance

    return TimeRestriction(
        instance(earliest) if earliest else None, instance(latest) if latest else None, catchup
    )


def interval(moment: datetime):
    from airflow.timetables.base import DataInterval
    from pendulum import instance

    return DataInterval.exact(instance(moment))


# (expression, end of the last automated run or None, earliest, latest, the next run the scheduler gets)
NEXT_RUN_TABLE = [
    # Day-of-week 2 is Monday in Glue (Tuesday in Unix cron): first run from the DAG's earliest date
    ("cron(0 12 ? * 2 *)", None, at(2031, 1, 1), None, at(2031, 1, 6, 12, 0)),
    ("cron(0 12 ? * 2 *)", at(2031, 1, 6, 12, 0), at(2024, 1, 1), None, at(2031, 1, 13, 12, 0)),
    ("cron(0 8 ? * MON-FRI *)", at(2031, 1, 3, 8, 0), at(2024, 1, 1), None, at(2031, 1, 6, 8, 0)),  # Fri -> Mon
    # L, LW, W in Day-of-month
    ("cron(0 0 L * ? *)", at(2031, 1, 31), at(2024, 1, 1), None, at(2031, 2, 28)),
    ("cron(0 0 LW * ? *)", at(2031, 5, 1), at(2024, 1, 1), None, at(2031, 5, 30)),  # May 31: Saturday
    ("cron(0 0 15W * ? *)", at(2031, 3, 1), at(2024, 1, 1), None, at(2031, 3, 14)),  # Mar 15: Saturday
    ("cron(0 0 1W * ? *)", at(2031, 1, 2), at(2024, 1, 1), None, at(2031, 2, 3)),  # Feb 1: Saturday
    # nL and n#k in Day-of-week (6 = Friday)
    ("cron(0 10 ? * 6L *)", at(2031, 2, 1), at(2024, 1, 1), None, at(2031, 2, 28, 10, 0)),
    ("cron(0 10 ? * 6#3 *)", at(2031, 1, 17, 10, 0), at(2024, 1, 1), None, at(2031, 2, 21, 10, 0)),
    # Year field: a single future year, cut by the DAG's latest date, and a past year that never fires
    ("cron(0 12 1 1 ? 2033)", None, at(2031, 1, 1), None, at(2033, 1, 1, 12, 0)),
    ("cron(0 12 1 1 ? 2033)", None, at(2031, 1, 1), at(2032, 12, 31), None),
    ("cron(0 12 * * ? 2020)", None, at(2024, 1, 1), None, None),
    ("cron(0 12 * * ? 2020)", at(2020, 12, 31, 12, 0), at(2020, 1, 1), None, None),
]


@pytest.mark.parametrize(("expression", "last", "earliest", "latest", "expected"), NEXT_RUN_TABLE)
def test_deserialized_timetable_gives_the_hand_computed_next_run(
    expression: str, last: datetime | None, earliest: datetime, latest: datetime | None, expected: datetime | None
) -> None:
    timetable = scheduler_dag(expression).timetable
    assert type(timetable).__name__ == "GlueCronTimetable"
    info = timetable.next_dagrun_info(
        last_automated_data_interval=interval(last) if last else None,
        restriction=restriction(earliest, latest),
    )
    if expected is None:
        assert info is None
    else:
        assert info is not None
        assert (info.run_after, info.logical_date, info.data_interval.start) == (expected, expected, expected)


def test_the_scheduler_path_gives_the_next_fire_time_after_the_last_run() -> None:
    from airflow.timetables.base import DagRunInfo
    from pendulum import instance

    dag = scheduler_dag("cron(0 10 ? * 6#3 *)")
    info = next_run_info(dag, DagRunInfo.exact(instance(at(2031, 3, 21, 10, 0))))
    assert info is not None and info.run_after == at(2031, 4, 18, 10, 0)


def test_enabling_the_dag_never_runs_a_fire_time_that_has_passed() -> None:
    dag = scheduler_dag("cron(15 12 * * ? *)")
    before = datetime.now(UTC)
    info = next_run_info(dag, None)
    assert info is not None
    assert before < info.run_after <= before + timedelta(days=1)
    assert (info.run_after.hour, info.run_after.minute) == (12, 15)


def test_after_an_outage_the_latest_missed_fire_time_runs_once() -> None:
    from airflow.timetables.base import DagRunInfo
    from pendulum import instance

    dag = scheduler_dag("cron(15 12 * * ? *)")
    last = DagRunInfo.exact(instance(at(2025, 1, 1, 12, 15)))
    info = next_run_info(dag, last)
    now = datetime.now(UTC)
    assert info is not None
    assert now - timedelta(days=1) < info.run_after <= now
    assert (info.run_after.hour, info.run_after.minute) == (12, 15)


def test_a_backfill_runs_every_fire_time_in_its_range() -> None:
    dag = scheduler_dag("cron(0 12 ? * 2 *)")
    runs = [info.run_after for info in dag.iter_dagrun_infos_between(at(2025, 1, 1), at(2025, 1, 31))]
    assert runs == [at(2025, 1, 6, 12), at(2025, 1, 13, 12), at(2025, 1, 20, 12), at(2025, 1, 27, 12)]


def test_the_ui_shows_the_expression_and_the_schedule_in_words() -> None:
    timetable = scheduler_dag("cron(0 6 1 * ? *)").timetable
    assert timetable.summary == "cron(0 6 1 * ? *)"
    assert timetable.description == "At 06:00 UTC on day 1 of every month"


_OTHER_TIMEZONE_SCRIPT = """
import json, sys
from datetime import datetime, timezone
sys.path.insert(0, sys.argv[1])
from tests.integration.test_schedules import NEXT_RUN_TABLE, interval, restriction, scheduler_dag
from airflow.settings import TIMEZONE
results = {"default_timezone": TIMEZONE.name, "runs": [], "description": None}
for expression, last, earliest, latest, _ in NEXT_RUN_TABLE:
    timetable = scheduler_dag(expression).timetable
    info = timetable.next_dagrun_info(
        last_automated_data_interval=interval(last) if last else None, restriction=restriction(earliest, latest)
    )
    results["runs"].append(info.run_after.astimezone(timezone.utc).isoformat() if info else None)
results["description"] = scheduler_dag("cron(0 6 1 * ? *)").timetable.description
print(json.dumps(results))
"""


def test_airflow_default_timezone_changes_nothing() -> None:
    env = {**os.environ, "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Kolkata", "TZ": "America/New_York"}
    completed = subprocess.run(
        [sys.executable, "-c", _OTHER_TIMEZONE_SCRIPT, str(REPO)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert results["default_timezone"] == "Asia/Kolkata"  # the setting really applied
    expected = [e.isoformat() if e else None for *_, e in NEXT_RUN_TABLE]
    assert results["runs"] == expected
    assert results["description"] == "At 06:00 UTC on day 1 of every month"


def _bag(tmp_path: Path, *fixtures: str):
    from tests.airflow_compat import dag_bag as DagBag

    folder = tmp_path / "dags"
    (folder / "workflows").mkdir(parents=True)
    (folder / "glue_workflows.py").write_text(LOADER_FILE_SOURCE)
    for name in fixtures:
        (folder / "workflows" / name).write_text((FIXTURES / name).read_text())
    bag = DagBag(str(folder))
    assert bag.import_errors == {}
    return bag


def test_a_start_trigger_that_was_never_activated_pauses_the_dag(tmp_path: Path) -> None:
    bag = _bag(tmp_path, "schedule_not_activated.yaml", "schedule_third_friday.yaml")
    assert bag.dags["schedule-not-activated"].is_paused_upon_creation is True
    assert bag.dags["schedule-third-friday"].is_paused_upon_creation is False


def test_a_glue_only_schedule_parses_and_serializes_from_the_dags_folder(tmp_path: Path) -> None:
    from tests.airflow_compat import dag_serialization

    DagSerialization = dag_serialization()

    dag = _bag(tmp_path, "schedule_third_friday.yaml").dags["schedule-third-friday"]
    restored = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    assert restored.timetable.summary == "cron(0 10 ? * 6#3 *)"
    assert restored.timetable.description == "At 10:00 UTC on the third Friday of every month"
    info = restored.timetable.next_dagrun_info(
        last_automated_data_interval=interval(at(2031, 4, 18, 10, 0)), restriction=restriction(at(2024, 1, 1))
    )
    assert info is not None and info.run_after == at(2031, 5, 16, 10, 0)  # May 2031: Fridays 2, 9, 16
