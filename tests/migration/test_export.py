"""``glue-airflow export`` round trips through the real local Glue endpoint (moto server on loopback).

Each workflow is written by hand as a definition (fixtures/export/*.yaml), created in the endpoint with the
ordinary Glue calls (CreateWorkflow, CreateJob, CreateCrawler, CreateTrigger with WorkflowName), exported
through the real CLI, and compared with the hand-written file through the stable CLI contract: the written
file validates, ``render --format json`` gives the same graph and ``simulate --json`` the same run over
combinations of outcomes. The endpoint returns no graph from GetWorkflow, so the ListTriggers fallback is what
runs here; the reader's graph path is covered with a recorded GetWorkflow(IncludeGraph) shape.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import pty
import random
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.cli.main import main
from glue_workflow_provider.local.endpoint import LOCAL_CREDENTIALS, REGION, LocalGlueEndpoint
from glue_workflow_provider.local.glue_server import FAULTS_TAG
from glue_workflow_provider.sources.aws_account import PLACEHOLDER, AccountReader, read_account
from glue_workflow_provider.sources.aws_account import reader as reader_module
from glue_workflow_provider.sources.aws_account.reader import create_shapes
from glue_workflow_provider.sources.aws_account.specs import crawler_spec, job_spec
from glue_workflow_provider.sources.secret_names import looks_secret, redact

pytestmark = pytest.mark.endpoint

FIXTURES = Path(__file__).parent / "fixtures" / "export"
HAND_WRITTEN = {path.stem: path for path in sorted(FIXTURES.glob("*.yaml"))}
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/exp-events"
BULK = [f"exp-bulk-{number:02d}" for number in range(22)]
ROLE = "arn:aws:iam::123456789012:role/glue-airflow-local"
JOB_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED")
CRAWLER_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
#: The secrets written into the hand-made workflows: none may reach an exported file.
SECRETS = ("hunter2-secret-value", "s3cr3t-secret-value", "tok-123-secret-value")


# --------------------------------------------------------------------------------------------- set-up


def create_in_glue(glue: Any, document: dict[str, Any]) -> None:
    """Create a hand-written definition in Glue with the ordinary calls (its Airflow section is ours, not Glue's)."""
    header = document["Workflow"]
    glue.create_workflow(**{k: header[k] for k in ("Name", "Description", "DefaultRunProperties",
                                                   "MaxConcurrentRuns") if k in header})
    for job in document.get("Jobs", []):
        glue.create_job(**job)
    for crawler in document.get("Crawlers", []):
        glue.create_crawler(**crawler)
    for trigger in document["Triggers"]:
        request = {k: v for k, v in trigger.items() if k != "State"}
        deactivated = trigger.get("State") == "DEACTIVATED"
        if deactivated:
            request["StartOnCreation"] = True
        glue.create_trigger(WorkflowName=header["Name"], **request)
        if deactivated:
            glue.stop_trigger(Name=trigger["Name"])


def create_job(glue: Any, name: str) -> None:
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": f"s3://b/{name}.py"})


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalGlueEndpoint]:
    """One local Glue endpoint for the module, holding every workflow the tests export."""
    with LocalGlueEndpoint() as local:
        glue = local.client()
        for path in HAND_WRITTEN.values():
            create_in_glue(glue, yaml.safe_load(path.read_text()))
        # A trigger outside any workflow that starts a job of one: it must never be exported.
        glue.create_trigger(Name="exp-standalone-nightly", Type="SCHEDULED", Schedule="cron(0 3 * * ? *)",
                            StartOnCreation=True, Actions=[{"JobName": "exp-fb-extract"}])
        create_job(glue, "exp-bulk-job")
        for name in BULK:  # more workflows than one ListWorkflows page (20 by default)
            glue.create_workflow(Name=name)
            glue.create_trigger(Name=f"{name}-start", WorkflowName=name, Type="ON_DEMAND",
                                Actions=[{"JobName": "exp-bulk-job"}])
        # Named like its workflow so the endpoint's fault tags can throttle GetWorkflow(Name=exp-throttled).
        create_job(glue, "exp-throttled")
        glue.create_workflow(Name="exp-throttled")
        glue.create_trigger(Name="exp-throttled-start", WorkflowName="exp-throttled", Type="ON_DEMAND",
                            Actions=[{"JobName": "exp-throttled"}])
        # A trigger naming a job that does not exist: BatchGetJobs reports it NotFound.
        glue.create_workflow(Name="exp-ghost")
        glue.create_trigger(Name="exp-ghost-start", WorkflowName="exp-ghost", Type="ON_DEMAND",
                            Actions=[{"JobName": "exp-ghost-job"}])
        yield local


ALL_WORKFLOWS = sorted([*HAND_WRITTEN, *BULK, "exp-throttled", "exp-ghost"])


@pytest.fixture(autouse=True)
def local_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed test credentials of the local endpoint; no real AWS configuration is visible."""
    for key, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``glue-airflow ARGV`` in this process; return (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export(capsys: pytest.CaptureFixture[str], endpoint: LocalGlueEndpoint, out_dir: Path,
           *argv: str) -> tuple[int, str, str]:
    return cli(capsys, "export", *argv, "-o", str(out_dir), "--endpoint-url", endpoint.url, "--region", REGION)


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = cli(capsys, *argv)
    assert code == 0, out + err
    return json.loads(out)


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


# ---------------------------------------------------------------------------------- what things mean


def nodes_of(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every job and crawler the triggers start, with the end states it can have."""
    nodes: dict[str, tuple[str, ...]] = {}
    for trigger in document["Triggers"]:
        for action in trigger["Actions"]:
            if "JobName" in action:
                nodes.setdefault(action["JobName"], JOB_STATES)
            else:
                nodes.setdefault(action["CrawlerName"], CRAWLER_STATES)
    return nodes


def outcome_combinations(document: dict[str, Any], limit: int = 40) -> list[list[str]]:
    """``--outcome`` arguments for end-state combinations: all of them, or a fixed sample when there are many."""
    nodes = nodes_of(document)
    combinations = list(itertools.product(*nodes.values()))
    if len(combinations) > limit:
        combinations = [combinations[0], *random.Random(10).sample(combinations[1:], limit - 1)]
    return [[f"{node}={state}" for node, state in zip(nodes, states, strict=True)] for states in combinations]


def as_exported(document: dict[str, Any]) -> dict[str, Any]:
    """The hand-written document as an export must write it: secret-looking values replaced by the placeholder."""
    expected = copy.deepcopy(document)
    for job in expected.get("Jobs", []):
        for key in ("DefaultArguments", "NonOverridableArguments"):
            if key in job:
                job[key] = redact(job[key])[0]
    for trigger in expected["Triggers"]:
        for action in trigger["Actions"]:
            if "Arguments" in action:
                action["Arguments"] = redact(action["Arguments"])[0]
    return expected


def assert_same_meaning(capsys: pytest.CaptureFixture[str], exported: Path, hand: dict[str, Any],
                        tmp_path: Path) -> None:
    """The exported file and the hand-written one render the same graph and simulate the same runs."""
    reference = tmp_path / f"hand-{exported.stem}.yaml"
    reference.write_text(yaml.safe_dump(as_exported(hand), sort_keys=False))
    assert cli_json(capsys, "render", str(exported), "--format", "json") == cli_json(
        capsys, "render", str(reference), "--format", "json")
    combinations = outcome_combinations(hand)
    assert len(combinations) > 1
    for outcomes in combinations:
        flags = [item for outcome in outcomes for item in ("--outcome", outcome)]
        got = cli_json(capsys, "simulate", str(exported), "--json", *flags)
        want = cli_json(capsys, "simulate", str(reference), "--json", *flags)
        assert got == want, outcomes


def assert_specs_carried(exported: dict[str, Any], hand: dict[str, Any]) -> None:
    """Every field of every hand-written job and crawler spec is in the export (CreateJob/CreateCrawler names)."""
    expected = as_exported(hand)
    for section in ("Jobs", "Crawlers"):
        got = {spec["Name"]: spec for spec in exported.get(section, [])}
        assert sorted(got) == sorted(spec["Name"] for spec in expected.get(section, [])), section
        for spec in expected.get(section, []):
            for key, value in spec.items():
                assert got[spec["Name"]][key] == value, (section, spec["Name"], key)
            assert not {"CreatedOn", "LastModifiedOn", "CreationTime", "LastUpdated", "Version", "State",
                        "LastCrawl", "CrawlElapsedTime"} & set(got[spec["Name"]])


# --------------------------------------------------------------------------------------------- tests


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


def test_listings_follow_every_page(endpoint: LocalGlueEndpoint) -> None:
    endpoint.request_counts(reset=True)
    conversion = read_account(endpoint.client(), None, source=endpoint.url, page_size=3)
    assert sorted(w.name for w in conversion.workflows) == ALL_WORKFLOWS
    triggers = sum(len(w.document["Triggers"]) for w in conversion.workflows)
    counts = endpoint.request_counts()["actions"]
    assert counts["ListWorkflows"] == -(-len(ALL_WORKFLOWS) // 3)
    assert counts["ListTriggers"] == -(-(triggers + 1) // 3)  # + the standalone trigger, listed, not kept
    assert not conversion.failed


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


def throttle(endpoint: LocalGlueEndpoint, times: int) -> None:
    """Make the next ``times`` GetWorkflow calls for exp-throttled answer ThrottlingException."""
    arn = f"arn:aws:glue:{REGION}:123456789012:job/exp-throttled"
    faults = json.dumps({"GetWorkflow": ["ThrottlingException"] * times})
    endpoint.client().tag_resource(ResourceArn=arn, TagsToAdd={FAULTS_TAG: faults})


@pytest.mark.parametrize("argv", [[], ["--all", "--workflow", "exp-event"]])
def test_usage_errors_exit_2(endpoint: LocalGlueEndpoint, tmp_path: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", *argv, "-o", str(tmp_path), "--endpoint-url", endpoint.url, "--region", REGION])
    assert exited.value.code == 2
    assert not list(tmp_path.iterdir())


def test_no_region_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "export", "--all", "-o", str(tmp_path))
    assert code == 2 and "no AWS region" in err


def test_progress_bar_for_all_on_a_terminal(endpoint: LocalGlueEndpoint, tmp_path: Path) -> None:
    """The real executable, its standard error a terminal: a bar is drawn there; standard output keeps notices."""
    primary, secondary = pty.openpty()
    env = {**os.environ, **LOCAL_CREDENTIALS, "COLUMNS": "120"}
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


def test_batch_reads_are_chunked(endpoint: LocalGlueEndpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "BATCH_LIMIT", 3)
    endpoint.request_counts(reset=True)
    conversion = read_account(endpoint.client(), ["exp-failure-branches", "exp-crawlers"], source=endpoint.url)
    assert [len(w.document["Jobs"]) for w in conversion.workflows] == [4, 4]
    counts = endpoint.request_counts()["actions"]
    assert counts["BatchGetJobs"] == 4  # 4 + 4 jobs, 3 names per call
    assert counts["BatchGetCrawlers"] == 1
    triggers = [n for page in endpoint.client().get_paginator("list_triggers").paginate() for n in page["TriggerNames"]]
    assert counts["BatchGetTriggers"] == -(-len(triggers) // 3)  # every trigger, 3 names per call


# ------------------------------------------------------------- the graph path (real AWS) and the rule


def test_the_graph_of_get_workflow_is_used_when_the_endpoint_returns_one(endpoint: LocalGlueEndpoint) -> None:
    """Real Glue answers GetWorkflow(IncludeGraph=True) with the triggers in its graph: then nothing is listed."""
    glue = endpoint.client()
    trigger = glue.get_trigger(Name="exp-ev-arrivals")["Trigger"]

    class GraphGlue:
        meta = glue.meta

        def get_workflow(self, **kwargs: Any) -> Any:
            workflow = glue.get_workflow(**kwargs)
            nodes = [{"Type": "TRIGGER", "Name": trigger["Name"], "UniqueId": "wnode_1",
                      "TriggerDetails": {"Trigger": trigger}},
                     {"Type": "JOB", "Name": "exp-ev-ingest", "UniqueId": "wnode_2", "JobDetails": {}}]
            workflow["Workflow"]["Graph"] = {"Nodes": nodes, "Edges": [{"SourceId": "wnode_1",
                                                                        "DestinationId": "wnode_2"}]}
            return workflow

        def __getattr__(self, name: str) -> Any:
            if name in ("list_triggers", "batch_get_triggers", "get_triggers"):
                raise AssertionError(f"{name} called although GetWorkflow gave a graph")
            return getattr(glue, name)

    conversion = AccountReader(GraphGlue(), endpoint.url).export(["exp-event"])
    [found] = conversion.workflows
    assert [t["Name"] for t in found.document["Triggers"]] == ["exp-ev-arrivals"]
    assert [j["Name"] for j in found.document["Jobs"]] == ["exp-ev-ingest"]


@pytest.mark.parametrize(
    ("name", "secret"),
    [("--db_password", True), ("--apiKey", True), ("--client-secret", True), ("AuthToken", True),
     ("--aws_secret_access_key", True), ("--credentials_file", True), ("--key", True), ("--dbPwd", True),
     ("--TempDir", False), ("--partition_column", False), ("--kms_key_arn", False), ("--enable-metrics", False),
     ("--job-bookmark-option", False), ("--JOB_NAME", False), ("--additional-python-modules", False)],
)
def test_secret_name_rule(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


def test_a_url_with_a_password_is_redacted_whatever_its_name() -> None:
    kept, redacted = redact({"--jdbc": "postgresql://etl:pa55@db.internal:5432/dw", "--url": "https://x.org/a"})
    assert kept == {"--jdbc": PLACEHOLDER, "--url": "https://x.org/a"} and redacted == ["--jdbc"]


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


def test_the_reader_never_imports_airflow() -> None:
    """Readers in sources/ stay usable without Airflow (STYLE.md §5, convention 1)."""
    code = ("import sys, glue_workflow_provider.sources.aws_account, glue_workflow_provider.sources.secret_names; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'airflow'))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert completed.stdout.strip() == "[]"


def test_specs_keep_create_fields_only_and_never_a_secret(endpoint: LocalGlueEndpoint) -> None:
    """What real Glue returns beyond moto: fields CreateJob does not take, sensitive ones, a token in a structure."""
    job_shape, crawler_shape = create_shapes(endpoint.client())
    warnings: list[tuple[str, str]] = []
    job = {
        "Name": "j", "Role": ROLE, "CreatedOn": "2026-01-01", "LastModifiedOn": "2026-01-02", "ProfileName": "p",
        "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/j.py"}, "AllocatedCapacity": 10,
        "MaxCapacity": 10.0, "WorkerType": "G.1X", "NumberOfWorkers": 10, "ExecutionProperty": {},
        "CodeGenConfigurationNodes": {"n1": {"JDBCConnectorSource": {"Name": "s"}}},
        "SourceControlDetails": {"Provider": "GITHUB", "Repository": "etl", "AuthToken": "ghp_secret"},
    }
    spec = job_spec(job, job_shape, "w", lambda place, message: warnings.append((place, message)))
    assert spec == {"Name": "j", "Role": ROLE, "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/j.py"},
                    "WorkerType": "G.1X", "NumberOfWorkers": 10,
                    "SourceControlDetails": {"Provider": "GITHUB", "Repository": "etl", "AuthToken": PLACEHOLDER}}
    assert [place for place, _ in warnings] == [
        "workflow 'w', job 'j', ProfileName", "workflow 'w', job 'j', CodeGenConfigurationNodes",
        "workflow 'w', job 'j', SourceControlDetails.AuthToken"]
    assert "not a CreateJob field" in warnings[0][1] and "marked sensitive" in warnings[1][1]
    warnings.clear()
    crawler = {"Name": "c", "Role": ROLE, "State": "READY", "Version": 3, "CrawlElapsedTime": 0,
               "LastCrawl": {"Status": "SUCCEEDED"}, "Targets": {"S3Targets": [{"Path": "s3://b/"}]},
               "Schedule": {"ScheduleExpression": "cron(0 1 * * ? *)", "State": "NOT_SCHEDULED"}}
    spec = crawler_spec(crawler, crawler_shape, "w", lambda place, message: warnings.append((place, message)))
    assert spec == {"Name": "c", "Role": ROLE, "Targets": {"S3Targets": [{"Path": "s3://b/"}]}}
    assert warnings == [("workflow 'w', crawler 'c', Schedule", "the crawler's own schedule cron(0 1 * * ? *) is "
                         "paused (NOT_SCHEDULED); it is not carried")]
