"""Monitoring in the Airflow UI (issue 11), with Airflow driving: runs started through the REST API end as
forced at the local Glue endpoint (a handled TIMEOUT in data_vault_load; a STOPPED job and a CANCELLED crawl),
then the task instance notes, the DAG run notes, the extra links, the rendered fields, the task log and
``glue-airflow status`` are read back through the REST API and compared with ``simulate``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from glue_workflow_provider.version_compat import AIRFLOW_V_3_3_PLUS
from tests.system.monitoring_stack import (
    SECRET,
    STOP_DAG,
    STOP_OUTCOMES,
    VAULT_DAG,
    VAULT_OUTCOMES,
    WAKE_AFTER,
    WAKE_CRAWLER,
    WAKE_DAG,
    WAKE_JOBS,
    WAKE_LAST,
    cli,
    cli_json,
    definitions,
    prepare,
    task_ids,
)
from tests.system.operating import Stack

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(airflow_stack: Stack) -> Stack:
    return prepare(airflow_stack)


@pytest.fixture(scope="module")
def runs(stack: Stack) -> dict[str, str]:
    """One finished run of each DAG (started together), by DAG id."""
    stack.demo.endpoint.request_counts(reset=True)  # mon-wake's counts are read from here
    started = {dag: stack.trigger(dag) for dag in (VAULT_DAG, STOP_DAG, WAKE_DAG)}
    for dag, run_id in started.items():
        stack.wait_run(dag, run_id)
    return started


def _path(dag: str, run_id: str) -> str:
    return stack_run_path(dag, run_id)


def stack_run_path(dag: str, run_id: str) -> str:
    from glue_workflow_provider.cli.airflow_api import run_path

    return run_path(dag, run_id)


def _task(dag: str, node: str) -> str:
    """The task id of Glue node ``node`` (Airflow's ids are derived from the Glue names)."""
    return task_ids(dag)[node]


def _note(stack: Stack, dag: str, run_id: str, node: str) -> str:
    def probe() -> Any:
        return stack.ti(dag, run_id, _task(dag, node)).get("note")

    return str(stack.eventually(f"the note of {node}", probe, timeout=60))


def _run_note(stack: Stack, dag: str, run_id: str) -> str:
    return str(stack.eventually(f"the note of {dag}'s run", lambda: stack.api("GET", _path(dag, run_id)).get("note"), 60))


def _login(stack: Stack) -> list[str]:
    return ["--api-url", stack.demo.base_url, "--username", "admin", "--password", "admin"]


def test_each_node_note_is_its_exact_glue_state_and_error(stack: Stack, runs: dict[str, str]) -> None:
    hubs = _note(stack, VAULT_DAG, runs[VAULT_DAG], "load-hubs")
    assert hubs.startswith("TIMEOUT: TIMEOUT (steered by the local Glue endpoint)")
    assert "gluestudio/home?region=us-east-1#/job/load-hubs/run/jr_" in hubs
    assert _note(stack, VAULT_DAG, runs[VAULT_DAG], "clean-up-job").startswith("SUCCEEDED")
    assert _note(stack, STOP_DAG, runs[STOP_DAG], "mn-job").startswith("STOPPED")
    assert _note(stack, STOP_DAG, runs[STOP_DAG], "mn-crawler").startswith("CANCELLED")
    never_ran = stack.ti(VAULT_DAG, runs[VAULT_DAG], _task(VAULT_DAG, "publish-marts"))
    assert never_ran["state"] == "skipped" and not never_ran.get("note")


def test_the_dag_run_note_summarises_the_run_in_glues_terms(stack: Stack, runs: dict[str, str]) -> None:
    vault = _run_note(stack, VAULT_DAG, runs[VAULT_DAG])
    assert vault.startswith("Glue workflow run: success")
    assert "Actions: 6 total, 2 succeeded, 0 failed, 1 timed out, 0 stopped, 0 errored, 3 never ran." in vault
    assert "load-hubs ended TIMEOUT, which a trigger watches (a handled failure)" in vault
    stop = _run_note(stack, STOP_DAG, runs[STOP_DAG])
    assert stop.startswith("Glue workflow run: failed")
    assert "Actions: 2 total, 0 succeeded, 0 failed, 0 timed out, 2 stopped, 0 errored, 0 never ran." in stop
    assert "so the run failed (rule 6)" in stop


def test_node_tasks_link_to_the_glue_console_and_cloudwatch(stack: Stack, runs: dict[str, str]) -> None:
    run_id = runs[VAULT_DAG]
    links = stack.api("GET", f"{_path(VAULT_DAG, run_id)}/taskInstances/{_task(VAULT_DAG, 'load-hubs')}/links")
    job = links["extra_links"]
    job_run_id = stack.api("GET", f"{_path(VAULT_DAG, run_id)}/taskInstances/{_task(VAULT_DAG, 'load-hubs')}/xcomEntries/glue_run_id")["value"]
    assert job["AWS Glue Job Run Details"].endswith(f"#/job/load-hubs/run/{job_run_id}")
    for name, group in (("output", "output"), ("error", "error"), ("continuous", "logs-v2")):
        assert job[f"CloudWatch {name} logs"].endswith(f"$252Faws-glue$252Fjobs$252F{group}/log-events/{job_run_id}")
    crawler = stack.api("GET", f"{_path(STOP_DAG, runs[STOP_DAG])}/taskInstances/{_task(STOP_DAG, 'mn-crawler')}/links")
    assert crawler["extra_links"]["AWS Glue Crawler"].endswith("#/v2/data-catalog/crawlers/view/mn-crawler")
    assert crawler["extra_links"]["CloudWatch crawler logs"].endswith("$252Faws-glue$252Fcrawlers/log-events/mn-crawler")


def test_rendered_templates_show_what_the_run_ran_with_secrets_masked(stack: Stack, runs: dict[str, str]) -> None:
    ti = stack.ti(STOP_DAG, runs[STOP_DAG], _task(STOP_DAG, "mn-job"))
    glue_run = ti["rendered_fields"]["glue_run"]
    glue_run = json.loads(glue_run) if isinstance(glue_run, str) else glue_run
    assert glue_run["glue_state"] == "STOPPED" and glue_run["job_name"] == "mn-job"
    assert glue_run["arguments"]["--day"] == "2026-12-01"
    assert glue_run["arguments"]["--db_password"] == "***"
    assert glue_run["Timeout"] == 7
    assert glue_run["run_id"].startswith("jr_")
    assert SECRET not in json.dumps(ti)
    vault = stack.ti(VAULT_DAG, runs[VAULT_DAG], _task(VAULT_DAG, "clean-up-job"))["rendered_fields"]["glue_run"]
    vault = json.loads(vault) if isinstance(vault, str) else vault
    assert vault["arguments"]["--failed_stage"] == "hubs" and vault["run_properties"] == {"load_date": "today"}


def test_a_timeout_fails_its_task_with_one_clear_line_and_no_traceback(stack: Stack, runs: dict[str, str]) -> None:
    run_id = runs[VAULT_DAG]
    task = _task(VAULT_DAG, "load-hubs")
    ti = stack.ti(VAULT_DAG, run_id, task)
    log = stack.api("GET", f"{_path(VAULT_DAG, run_id)}/taskInstances/{task}/logs/{ti['try_number']}?full_content=true")
    events = [e for e in log["content"] if isinstance(e, dict)]
    lines = [str(e.get("event")) for e in events]
    clear = [line for line in lines if line.startswith("Glue job 'load-hubs' ended TIMEOUT: TIMEOUT (steered")]
    assert len(clear) == 1 and "/job/load-hubs/run/jr_" in clear[0]
    text = json.dumps(log)
    if AIRFLOW_V_3_3_PLUS:  # below 3.3 the error is an AirflowFailException, logged with its traceback
        assert "Traceback" not in text and not any(e.get("error_detail") for e in events)  # (docs/airflow-versions.md)
    assert "'status': 'success'" not in text  # the trigger's event says the run ended, not that it succeeded


def test_stream_logs_copies_the_job_runs_cloudwatch_lines_into_the_task_log(stack: Stack, runs: dict[str, str]) -> None:
    """With ``Airflow.stream_logs`` (mon-vault), the deferred task's real triggerer copies the run's lines."""
    run_id = runs[VAULT_DAG]
    task = _task(VAULT_DAG, "clean-up-job")
    ti = stack.ti(VAULT_DAG, run_id, task)
    job_run_id = ti["rendered_fields"]["glue_run"]
    job_run_id = (json.loads(job_run_id) if isinstance(job_run_id, str) else job_run_id)["run_id"]
    log = stack.api("GET", f"{_path(VAULT_DAG, run_id)}/taskInstances/{task}/logs/{ti['try_number']}?full_content=true")
    text = json.dumps(log)
    assert f"clean-up-job {job_run_id}: driver started (local Glue endpoint)" in text
    assert f"clean-up-job {job_run_id}: driver ended SUCCEEDED" in text
    assert text.count(f"clean-up-job {job_run_id}: driver ended SUCCEEDED") == 1  # copied once, not per check
    stop = stack.ti(STOP_DAG, runs[STOP_DAG], _task(STOP_DAG, "mn-job"))
    stop_log = stack.api("GET", f"{_path(STOP_DAG, runs[STOP_DAG])}/taskInstances/{_task(STOP_DAG, 'mn-job')}"
                                f"/logs/{stop['try_number']}?full_content=true")
    assert "driver started" not in json.dumps(stop_log)  # mon-stop does not set stream_logs


def test_status_prints_what_simulate_predicts(stack: Stack, runs: dict[str, str], tmp_path: Any) -> None:
    for dag, outcomes, file in ((VAULT_DAG, VAULT_OUTCOMES, "vault.yaml"), (STOP_DAG, STOP_OUTCOMES, "stop.yaml")):
        path = tmp_path / file
        path.write_text(definitions()[file])
        flags = [arg for name, state in outcomes.items() for arg in ("--outcome", f"{name}={state}")]
        _, predicted = cli_json("simulate", str(path), *flags)
        code, status = cli_json("status", dag, "--run-id", runs[dag], *_login(stack))
        assert code == 0
        assert set(status) == set(predicted) == {"dag_id", "state", "nodes", "run_properties"}
        assert status["state"] == predicted["state"] and status["dag_id"] == predicted["dag_id"]
        assert {n: (v["type"], v["glue_state"]) for n, v in status["nodes"].items()} == {
            n: (v["type"], v["glue_state"]) for n, v in predicted["nodes"].items()
        }
        assert all(set(v) == set(predicted["nodes"][n]) for n, v in status["nodes"].items())
        ran = {n for n, v in status["nodes"].items() if v["order"] is not None}
        assert ran == {n for n, v in predicted["nodes"].items() if v["order"] is not None}
    _, vault = cli_json("status", VAULT_DAG, *_login(stack))  # the latest run
    order = {n: v["order"] for n, v in vault["nodes"].items()}
    assert order["extract-landing"] < order["load-hubs"] < order["clean-up-job"]
    assert vault["run_properties"] == {"load_date": "today"}


def test_check_exits_1_exactly_when_the_run_failed(stack: Stack, runs: dict[str, str], tmp_path: Any) -> None:
    assert cli("status", STOP_DAG, "--run-id", runs[STOP_DAG], "--check", *_login(stack))[0] == 1
    assert cli("status", VAULT_DAG, "--run-id", runs[VAULT_DAG], "--check", *_login(stack))[0] == 0
    code, text = cli("status", STOP_DAG, "--run-id", runs[STOP_DAG], *_login(stack))
    assert code == 0 and "mn-job" in text and "STOPPED" in text and "Run properties: (none)" in text


def test_waits_wake_on_glues_state_change_events_in_a_running_triggerer(stack: Stack, runs: dict[str, str]) -> None:
    """mon-wake: three jobs and a crawler wait together in one triggerer on one queue, then a fourth job, then a
    fifth; each run lasts 8 s, checks come every 2 s without a queue and every 300 s with it (the fallback)."""
    run = stack.api("GET", _path(WAKE_DAG, runs[WAKE_DAG]))
    assert run["state"] == "success"
    from glue_workflow_provider.runtime.node_record.record import decoded  # a trigger's XCom is encoded once more

    states = {node: decoded(stack.api("GET", f"{_path(WAKE_DAG, runs[WAKE_DAG])}/taskInstances/"
                                             f"{_task(WAKE_DAG, node)}/xcomEntries/glue_state")["value"])
              for node in (*WAKE_JOBS, WAKE_AFTER, WAKE_LAST, WAKE_CRAWLER)}
    assert set(states.values()) == {"SUCCEEDED"}, states
    # mon-wake handles no failure, so every node's SUCCEEDED end hands on: each trigger ends its task in the
    # triggerer, deciding from the waiter's reply to the end event (after StartJobRun; the trigger's one check;
    # no third read, no worker)
    for job in (*WAKE_JOBS, WAKE_AFTER, WAKE_LAST):
        assert stack.calls("GetJobRun", job) == 2, (job, stack.demo.endpoint.request_counts()["airflow_by_name"])
        log = _task_log(stack, WAKE_DAG, runs[WAKE_DAG], _task(WAKE_DAG, job))
        assert "the task ends here, without resuming on a worker" in log, job
        assert "no state-change event" not in log and "cannot be read" not in log  # no fallback, no failing queue
    assert stack.calls("GetCrawler", WAKE_CRAWLER) < 8  # polling every 2 s over an 8 s crawl would make more


def test_a_run_whose_last_node_ended_in_the_triggerer_gets_its_summary_from_the_listener(
    stack: Stack, runs: dict[str, str]
) -> None:
    """No mon-wake task resumed on a worker (above), so none left a summary: the scheduler's notes listener wrote
    it from the records and the plan it read from the DAG file."""
    note = _run_note(stack, WAKE_DAG, runs[WAKE_DAG])
    assert note.startswith("Glue workflow run: success"), note
    assert "Actions: 6 total, 6 succeeded, 0 failed, 0 timed out, 0 stopped, 0 errored, 0 never ran." in note
    assert "Why: every action that ran SUCCEEDED." in note
    assert _note(stack, WAKE_DAG, runs[WAKE_DAG], WAKE_LAST).startswith("SUCCEEDED")


def _task_log(stack: Stack, dag: str, run_id: str, task: str) -> str:
    ti = stack.ti(dag, run_id, task)
    return json.dumps(stack.api("GET", f"{_path(dag, run_id)}/taskInstances/{task}/logs/{ti['try_number']}?full_content=true"))
