"""What the export tests share: the hand-written workflows created in a local Glue endpoint, and the CLI
comparisons that say whether an exported definition means what the hand-written one does.

Each workflow is written by hand as a definition (fixtures/export/*.yaml) and created in the endpoint with the
ordinary Glue calls (CreateWorkflow, CreateJob, CreateCrawler, CreateTrigger with WorkflowName). An exported
file is compared with the hand-written one only through the stable CLI contract: ``render --format json`` (the
graph) and ``simulate --json`` over combinations of outcomes.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from glue_workflow_provider.cli.main import main
from glue_workflow_provider.local.endpoint import LOCAL_CREDENTIALS, REGION, LocalGlueEndpoint
from glue_workflow_provider.local.glue_server import FAULTS_TAG
from glue_workflow_provider.sources.secret_names import redact

FIXTURES = Path(__file__).parent / "fixtures" / "export"
HAND_WRITTEN = {path.stem: path for path in sorted(FIXTURES.glob("*.yaml"))}
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/exp-events"
BULK = [f"exp-bulk-{number:02d}" for number in range(22)]
ALL_WORKFLOWS = sorted([*HAND_WRITTEN, *BULK, "exp-throttled", "exp-ghost"])
ROLE = "arn:aws:iam::123456789012:role/glue-airflow-local"
JOB_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED")
CRAWLER_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
#: The secrets written into the hand-made workflows: none may reach an exported file.
SECRETS = ("hunter2-secret-value", "s3cr3t-secret-value", "tok-123-secret-value")


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


@pytest.fixture(autouse=True)
def local_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed test credentials of the local endpoint; no real AWS configuration is visible."""
    for key, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)


def throttle(endpoint: LocalGlueEndpoint, times: int) -> None:
    """Make the next ``times`` GetWorkflow calls for exp-throttled answer ThrottlingException."""
    arn = f"arn:aws:glue:{REGION}:123456789012:job/exp-throttled"
    faults = json.dumps({"GetWorkflow": ["ThrottlingException"] * times})
    endpoint.client().tag_resource(ResourceArn=arn, TagsToAdd={FAULTS_TAG: faults})


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
