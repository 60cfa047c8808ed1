"""``glue-airflow export`` through the real CLI against the real local Glue endpoint (moto server on loopback).

Every hand-written workflow (fixtures/export) is created in the endpoint, exported with ``--workflow`` and
``--all``, and must validate, render the same graph and simulate the same runs as the hand-written file. The
endpoint returns no graph from GetWorkflow, so the ListTriggers fallback is what runs here
(test_export_reader.py covers the graph path).
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from glue_workflow_provider.cli.main import main
from glue_workflow_provider.local.endpoint import LOCAL_CREDENTIALS, REGION, LocalGlueEndpoint
from glue_workflow_provider.sources.aws_account import PLACEHOLDER
from tests.migration.export_support import (
    ALL_WORKFLOWS,
    HAND_WRITTEN,
    QUEUE_URL,
    SECRETS,
    assert_same_meaning,
    assert_specs_carried,
    cli,
    endpoint,
    export,
    load,
    local_credentials,
    throttle,
)

pytestmark = pytest.mark.endpoint
__all__ = ["endpoint", "local_credentials"]  # module fixtures: one endpoint for this module


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_each_workflow_round_trips(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                                   tmp_path: Path, name: str) -> None:
    code, out, err = export(capsys, endpoint, tmp_path / "out", "--workflow", name,
                            "--event-queue-url", QUEUE_URL)
    assert code == 0, out + err
    written = tmp_path / "out" / f"{name}.yaml"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [written.name]
    assert cli(capsys, "validate", str(written))[0] == 0
    exported, hand = load(written), load(HAND_WRITTEN[name])
    assert exported["Workflow"] == hand["Workflow"]
    assert [t["Name"] for t in exported["Triggers"]] == [t["Name"] for t in hand["Triggers"]]
    assert all("WorkflowName" not in t and "Id" not in t for t in exported["Triggers"])
    assert_specs_carried(exported, hand)
    assert_same_meaning(capsys, written, hand, tmp_path)


def test_trigger_states_and_event_batching_are_kept(capsys: pytest.CaptureFixture[str],
                                                    endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    code, out, err = export(capsys, endpoint, tmp_path, "--workflow", "exp-crawlers", "exp-event",
                            "--event-queue-url", QUEUE_URL, "--format", "json")
    assert code == 0, out + err
    crawlers = json.loads((tmp_path / "exp-crawlers.json").read_text())
    states = {t["Name"]: t.get("State") for t in crawlers["Triggers"]}
    assert states["exp-cr-transform-failed"] == "DEACTIVATED"
    assert states["exp-cr-curated-and-transformed"] == "CREATED"  # never activated
    assert states["exp-cr-raw-crawled"] == "ACTIVATED"
    assert "GWF026" in out and "GWF027" in out  # validate's own warnings, as for the hand-written file
    event = json.loads((tmp_path / "exp-event.json").read_text())
    assert event["Triggers"][0]["EventBatchingCondition"] == {"BatchSize": 10, "BatchWindow": 300}
    assert event["Airflow"] == {"event_queue_url": QUEUE_URL}
    assert "crawler 'exp-cr-curated', Schedule: warning: the crawler has its own schedule cron(0 12 * * ? *)" in out


def test_event_start_without_queue_url_is_written_with_gwf042(capsys: pytest.CaptureFixture[str],
                                                              endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    code, out, _ = export(capsys, endpoint, tmp_path, "--workflow", "exp-event")
    assert code == 1
    assert "GWF042" in out and "Airflow.event_queue_url" in out
    assert (f"{endpoint.url}: workflow 'exp-event': warning: the start trigger is EVENT: run the export again with "
            "--event-queue-url URL") in out
    written = tmp_path / "exp-event.yaml"
    assert "Airflow" not in load(written)
    code, out, _ = cli(capsys, "validate", str(written))
    assert code == 1 and "GWF042" in out


def test_secret_looking_arguments_are_redacted_with_a_warning(capsys: pytest.CaptureFixture[str],
                                                              endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    code, out, err = export(capsys, endpoint, tmp_path, "--workflow", "exp-failure-branches")
    assert code == 0, out + err
    text = (tmp_path / "exp-failure-branches.yaml").read_text()
    assert not [secret for secret in SECRETS if secret in text]
    exported = load(tmp_path / "exp-failure-branches.yaml")
    jobs = {job["Name"]: job for job in exported["Jobs"]}
    assert jobs["exp-fb-extract"]["DefaultArguments"] == {"--TempDir": "s3://glue-airflow-local/tmp/",
                                                          "--db_password": PLACEHOLDER}
    assert jobs["exp-fb-load"]["NonOverridableArguments"] == {"--warehouse_secret": PLACEHOLDER,
                                                              "--region_name": "us-east-1"}
    action = exported["Triggers"][1]["Actions"][0]
    assert action["Arguments"] == {"--target": "warehouse", "--api_token": PLACEHOLDER}
    warnings = [line for line in out.splitlines() if "looks secret" in line]
    assert len(warnings) == 3, warnings
    for place in ("workflow 'exp-failure-branches', job 'exp-fb-extract', DefaultArguments['--db_password']",
                  "workflow 'exp-failure-branches', job 'exp-fb-load', NonOverridableArguments['--warehouse_secret']",
                  "workflow 'exp-failure-branches', trigger 'exp-fb-extract-succeeded', "
                  "Actions[0].Arguments['--api_token']"):
        assert any(place in line and ": warning: " in line for line in warnings), place


def test_all_exports_every_workflow_but_no_standalone_trigger(capsys: pytest.CaptureFixture[str],
                                                               endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    endpoint.request_counts(reset=True)
    code, out, err = export(capsys, endpoint, tmp_path / "all", "--all", "--format", "json",
                            "--event-queue-url", QUEUE_URL)
    assert code == 0, out + err
    files = sorted((tmp_path / "all").iterdir())
    assert [p.stem for p in files] == ALL_WORKFLOWS
    assert all("exp-standalone-nightly" not in p.read_text() for p in files)
    assert ("trigger 'exp-standalone-nightly': warning: trigger 'exp-standalone-nightly' belongs to no workflow, "
            "so it is not exported with workflow 'exp-failure-branches'") in out
    code, out, _ = cli(capsys, "validate", str(tmp_path / "all"))
    assert code == 0, out
    counts = endpoint.request_counts()["actions"]
    assert counts["ListWorkflows"] == 2  # 26 workflows: two pages of at most 20
    assert counts["GetWorkflow"] == len(ALL_WORKFLOWS)
    assert counts.get("GetConnection", 0) == counts.get("GetConnections", 0) == 0
    assert counts["ListTriggers"] == 1 and counts["BatchGetTriggers"] == 1  # listed once for every workflow
    # The same documents as exporting them one by one.
    export(capsys, endpoint, tmp_path / "one", "--workflow", *HAND_WRITTEN, "--event-queue-url", QUEUE_URL)
    for name in HAND_WRITTEN:
        assert json.loads((tmp_path / "all" / f"{name}.json").read_text()) == load(tmp_path / "one" / f"{name}.yaml")


def test_a_missing_workflow_is_an_error_and_the_others_are_written(capsys: pytest.CaptureFixture[str],
                                                                    endpoint: LocalGlueEndpoint,
                                                                    tmp_path: Path) -> None:
    code, out, _ = export(capsys, endpoint, tmp_path, "--workflow", "exp-does-not-exist", "--workflow",
                          "exp-crawlers")
    assert code == 1
    errors = [line for line in out.splitlines() if "exp-does-not-exist" in line]
    assert errors == [f"{endpoint.url}: workflow 'exp-does-not-exist': no workflow named 'exp-does-not-exist' in "
                      f"{endpoint.url}; check the name (it is case-sensitive) and --region/--profile"]
    assert [p.name for p in tmp_path.iterdir()] == ["exp-crawlers.yaml"]
    assert cli(capsys, "validate", str(tmp_path / "exp-crawlers.yaml"))[0] == 0


def test_a_job_that_does_not_exist_is_a_warning(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                                                tmp_path: Path) -> None:
    code, out, err = export(capsys, endpoint, tmp_path, "--workflow", "exp-ghost")
    assert code == 0, out + err
    assert (f"{endpoint.url}: workflow 'exp-ghost', job 'exp-ghost-job': warning: BatchGetJobs did not find job "
            "'exp-ghost-job'") in out
    assert "Jobs" not in load(tmp_path / "exp-ghost.yaml")


def test_throttling_is_retried(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                               tmp_path: Path) -> None:
    throttle(endpoint, 2)
    endpoint.request_counts(reset=True)
    code, out, err = export(capsys, endpoint, tmp_path, "--workflow", "exp-throttled")
    assert code == 0, out + err
    assert endpoint.request_counts()["by_name"]["GetWorkflow exp-throttled"] == 3
    assert (tmp_path / "exp-throttled.yaml").is_file()


def test_throttling_past_the_retries_says_so(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    throttle(endpoint, 2)
    code, out, _ = export(capsys, endpoint, tmp_path, "--workflow", "exp-throttled", "exp-ghost")
    assert code == 1
    assert (f"{endpoint.url}: workflow 'exp-throttled': not exported: Glue kept throttling GetWorkflow "
            "(ThrottlingException) through 2 attempt(s); wait and run the export again") in out
    assert [p.name for p in tmp_path.iterdir()] == ["exp-ghost.yaml"]


@pytest.mark.parametrize("argv", [[], ["--all", "--workflow", "exp-event"]])
def test_usage_errors_exit_2(endpoint: LocalGlueEndpoint, tmp_path: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", *argv, "-o", str(tmp_path), "--endpoint-url", endpoint.url, "--region", REGION])
    assert exited.value.code == 2
    assert not list(tmp_path.iterdir())


def test_no_region_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "export", "--all", "-o", str(tmp_path))
    assert code == 2 and "no AWS region" in err


def test_no_credentials_is_a_usage_error(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in LOCAL_CREDENTIALS:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup off loopback
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    code, _, err = export(capsys, endpoint, tmp_path / "out", "--workflow", "exp-event")
    assert code == 2
    assert f"cannot read Glue at {endpoint.url}: Unable to locate credentials" in err
    assert not (tmp_path / "out").exists()


def test_an_unknown_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    code, _, err = cli(capsys, "export", "--all", "-o", str(tmp_path), "--profile", "exp-nope")
    assert code == 2 and "--profile exp-nope" in err


def test_an_unreachable_endpoint_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, out, _ = cli(capsys, "export", "--all", "-o", str(tmp_path), "--endpoint-url", "http://127.0.0.1:9",
                       "--region", REGION)
    assert code == 1
    assert out.startswith("http://127.0.0.1:9: ListWorkflows: ListWorkflows failed: Could not connect")


def test_progress_bar_for_all_on_a_terminal(endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    """The real executable, its standard error a terminal: a bar is drawn there; standard output keeps notices."""
    primary, secondary = pty.openpty()
    env = {**os.environ, **LOCAL_CREDENTIALS, "COLUMNS": "120", "TERM": "xterm-256color"}
    executable = Path(sys.executable).parent / "glue-airflow"
    process = subprocess.Popen(
        [str(executable), "export", "--all", "-o", str(tmp_path), "--endpoint-url", endpoint.url,
         "--region", REGION, "--event-queue-url", QUEUE_URL],
        stdout=subprocess.PIPE, stderr=secondary, env=env,
    )
    os.close(secondary)
    drawn = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(primary)
    assert process.returncode == 0, stdout
    assert b"Exporting Glue workflows" in drawn
    assert b"Exporting Glue workflows" not in stdout
    assert len(list(tmp_path.iterdir())) == len(ALL_WORKFLOWS)


def test_no_progress_bar_when_not_a_terminal(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint,
                                             tmp_path: Path) -> None:
    _, out, err = export(capsys, endpoint, tmp_path, "--all", "--event-queue-url", QUEUE_URL)
    assert "Exporting Glue workflows" not in out + err
