"""The export reader (``sources/aws_account``) on its own: pagination, chunked batch reads, the GetWorkflow
graph path real Glue takes, the Create-field filter and the secret-name rule.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from glue_workflow_provider.local.endpoint import LocalGlueEndpoint
from glue_workflow_provider.sources.aws_account import PLACEHOLDER, AccountReader, read_account
from glue_workflow_provider.sources.aws_account import reader as reader_module
from glue_workflow_provider.sources.aws_account.reader import create_shapes
from glue_workflow_provider.sources.aws_account.specs import crawler_spec, job_spec
from glue_workflow_provider.sources.secret_names import looks_secret, redact
from tests.migration.export_support import ALL_WORKFLOWS, ROLE, endpoint, local_credentials

__all__ = ["endpoint", "local_credentials"]  # module fixtures: one endpoint for this module


@pytest.mark.endpoint
def test_listings_follow_every_page(endpoint: LocalGlueEndpoint) -> None:
    endpoint.request_counts(reset=True)
    conversion = read_account(endpoint.client(), None, source=endpoint.url, page_size=3)
    assert sorted(w.name for w in conversion.workflows) == ALL_WORKFLOWS
    triggers = sum(len(w.document["Triggers"]) for w in conversion.workflows)
    counts = endpoint.request_counts()["actions"]
    assert counts["ListWorkflows"] == -(-len(ALL_WORKFLOWS) // 3)
    assert counts["ListTriggers"] == -(-(triggers + 1) // 3)  # + the standalone trigger, listed, not kept
    assert not conversion.failed


@pytest.mark.endpoint
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


@pytest.mark.endpoint
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


@pytest.mark.endpoint
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


def test_the_reader_never_imports_airflow() -> None:
    """Readers in sources/ stay usable without Airflow (STYLE.md §5, convention 1)."""
    code = ("import sys, glue_workflow_provider.sources.aws_account, glue_workflow_provider.sources.secret_names; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'airflow'))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert completed.stdout.strip() == "[]"
