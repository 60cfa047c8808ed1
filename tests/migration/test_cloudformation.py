"""CloudFormation templates and CDK synth output -> definitions that behave as the templates mean.

Each written file must validate, compile to the same graph as a definition written by hand from the
template (``render --format json``), and simulate the same over outcome combinations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.migration.cli import CFN, assert_equivalent, convert, graph, ran, simulated, validates

SALES = CFN / "sales_nightly.yaml"
TWO = CFN / "two_workflows.json"
CDK = CFN / "cdk_clickstream.template.json"
QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/inventory-events"

SALES_OUTCOMES = [
    {},
    {"sales-extract": "FAILED"},
    {"raw-sales": "FAILED"},
    {"transform": "TIMEOUT"},
    {"QualityJob": "FAILED"},
    {"transform": "FAILED", "raw-sales": "FAILED"},
    {"publish": "FAILED", "curated-sales": "FAILED"},
]


def warning(file: Path, place: str, text: str) -> str:
    """The start of a warning line ``FILE: PLACE: warning: TEXT``."""
    return f"{file}: {place}: warning: {text}"


def has_line(lines: list[str], start: str) -> bool:
    return any(line.startswith(start) for line in lines)


def test_short_tags_with_parameter_defaults(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES)
    assert result.code == 0, result.stdout + result.stderr
    assert list(written) == ["sales-nightly-dev.yaml"]
    assert_equivalent(written["sales-nightly-dev.yaml"], CFN / "sales_nightly.expected-dev.yaml", SALES_OUTCOMES)


def test_the_simulation_follows_the_template_branches(tmp_path: Path) -> None:
    _, written = convert(tmp_path, SALES)
    definition = written["sales-nightly-dev.yaml"]
    assert ran(simulated(definition, {})) == {
        "sales-extract": "SUCCEEDED", "raw-sales": "SUCCEEDED", "transform": "SUCCEEDED", "QualityJob": "SUCCEEDED",
        "publish": "SUCCEEDED", "curated-sales": "SUCCEEDED",
    }
    crawler_failed = ran(simulated(definition, {"raw-sales": "FAILED"}))
    assert crawler_failed == {"sales-extract": "SUCCEEDED", "raw-sales": "FAILED", "notify": "SUCCEEDED"}
    timed_out = simulated(definition, {"transform": "TIMEOUT"})
    assert ran(timed_out)["notify"] == "SUCCEEDED" and "publish" not in ran(timed_out)
    assert timed_out["nodes"]["transform"]["arguments"]["--mode"] == "sample"
    assert timed_out["nodes"]["notify"]["arguments"]["--channel"] == "b3BzLWFsZXJ0cw=="


def test_param_overrides_defaults_conditions_and_mappings(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES, "--param", "Env=prod")
    assert result.code == 0, result.stdout + result.stderr
    assert list(written) == ["sales-nightly-prod.yaml"]
    assert_equivalent(written["sales-nightly-prod.yaml"], CFN / "sales_nightly.expected-prod.yaml", SALES_OUTCOMES)
    assert graph(written["sales-nightly-prod.yaml"])["schedule"]["expression"] == "cron(0 2 * * ? *)"
    # The prod-only job is now created, but no trigger uses it: still not converted, and said so.
    assert has_line(result.lines, warning(SALES, "Resources.ProdBackfillJob", "job 'prod-backfill' is not started"))
    assert not any("condition 'IsProd' is false" in line for line in result.lines)
    jobs = yaml.safe_load(written["sales-nightly-prod.yaml"].read_text())["Jobs"]
    assert next(job for job in jobs if job["Name"] == "sales-extract")["NumberOfWorkers"] == 10


def test_what_is_not_taken_over_is_a_warning_naming_file_and_place(tmp_path: Path) -> None:
    result, _ = convert(tmp_path, SALES)
    lines = result.lines
    expected = [
        warning(SALES, "Resources.QualityJob.Properties", "the job has no Name"),
        warning(SALES, "Resources.ManualRerun", "the trigger belongs to no workflow"),
        warning(SALES, "Resources.RawCrawler.Properties.Schedule", "the crawler's own schedule 'cron(0 1 * * ? *)' "
                "is not a trigger"),
        warning(SALES, "Resources.ProdBackfillJob.Condition", "condition 'IsProd' is false"),
        warning(SALES, "Resources.ExtractJob.Properties.Role", "could not resolve the value (Fn::ImportValue "
                "'shared-glue-role-arn' is another stack's export"),
        warning(SALES, "Resources.ExtractJob.Properties.Command.ScriptLocation", "could not resolve the value "
                "(parameter 'ScriptBucket' has no Default; give --param ScriptBucket=VALUE)"),
        warning(SALES, "Resources.ExtractJob.Properties.DefaultArguments.--region", "could not resolve the value "
                "(AWS::Region is known only when the stack is deployed; give --param AWS::Region=VALUE)"),
        warning(SALES, "Resources.ExtractJob.Properties.DefaultArguments.--endpoint", "could not resolve the value "
                "(condition 'InUsEast' cannot be evaluated"),
    ]
    for start in expected:
        assert has_line(lines, start), start
    assert len(lines) == len(expected), lines
    assert "8 warning(s)" in result.stderr


def test_carried_job_and_crawler_specs(tmp_path: Path) -> None:
    _, written = convert(tmp_path, SALES)
    document = yaml.safe_load(written["sales-nightly-dev.yaml"].read_text())
    jobs = {job["Name"]: job for job in document["Jobs"]}
    assert list(jobs) == ["sales-extract", "transform", "QualityJob", "publish", "notify"]
    assert jobs["sales-extract"] == {
        "Name": "sales-extract", "GlueVersion": "4.0", "WorkerType": "G.1X", "NumberOfWorkers": 2,
        "Command": {"Name": "glueetl"}, "DefaultArguments": {"--enable-metrics": "true"},
    }
    crawlers = {crawler["Name"]: crawler for crawler in document["Crawlers"]}
    assert crawlers["raw-sales"]["Schedule"] == "cron(0 1 * * ? *)"
    assert crawlers["raw-sales"]["Targets"] == {"S3Targets": [{"Path": "s3://sales-landing/"}]}
    assert "WorkflowName" not in document["Triggers"][0]
    assert "audit" not in document["Workflow"]["DefaultRunProperties"]  # Fn::If to AWS::NoValue removes it


def test_pseudo_parameters_and_parameters_given_on_the_command_line(tmp_path: Path) -> None:
    result, written = convert(
        tmp_path, SALES, "--param", "AWS::Region=us-east-1", "--param", "ScriptBucket=acme-scripts"
    )
    assert result.code == 0
    extract = yaml.safe_load(written["sales-nightly-dev.yaml"].read_text())["Jobs"][0]
    assert extract["Command"]["ScriptLocation"] == "s3://acme-scripts/extract.py"
    assert extract["DefaultArguments"] == {"--enable-metrics": "true", "--region": "us-east-1", "--endpoint": "east"}
    assert not any("AWS::Region" in line or "ScriptBucket" in line for line in result.lines)


def test_a_parameter_outside_its_allowed_values_is_an_error(tmp_path: Path) -> None:
    result, written = convert(tmp_path, SALES, "--param", "Env=qa")
    assert result.code == 1
    assert f"{SALES}: Parameters.Env: value 'qa' is not one of the AllowedValues ['dev', 'prod']" in result.stdout


def test_json_template_with_two_workflows_and_an_event_start_without_queue(tmp_path: Path) -> None:
    result, written = convert(tmp_path, TWO)
    assert result.code == 1
    assert sorted(written) == ["inventory-test.yaml", "orders-test.yaml"]
    assert_equivalent(
        written["orders-test.yaml"], CFN / "two_workflows.expected-orders.yaml",
        [{}, {"load-orders": "FAILED"}, {"enrich-orders": "FAILED"}, {"index-orders": "STOPPED"}],
    )
    inventory = written["inventory-test.yaml"]
    assert not validates(inventory)
    assert any("[GWF042]" in line and "inventory-files-arrived" in line for line in result.lines)
    assert f"{TWO}: Resources.InventoryWorkflow: workflow 'inventory-test' starts on an EVENT trigger: add " \
           "--event-queue-url URL" in result.stdout
    assert has_line(result.lines, warning(TWO, "Resources.ElsewhereTrigger.Properties.WorkflowName",
                                          "the trigger belongs to workflow 'finance-close'"))


def test_event_start_with_queue_url(tmp_path: Path) -> None:
    result, written = convert(tmp_path, TWO, "--event-queue-url", QUEUE)
    assert result.code == 0, result.stdout
    assert "--event-queue-url" not in result.stdout
    assert_equivalent(
        written["inventory-test.yaml"], CFN / "two_workflows.expected-inventory.yaml",
        [{}, {"inventory-crawler": "FAILED"}, {"inventory-snapshot": "FAILED"}],
    )
    assert graph(written["inventory-test.yaml"])["schedule"]["event"] == {
        "queue_url": QUEUE, "batch_size": 5, "batch_window": 300,
    }
    assert "Airflow" not in yaml.safe_load(written["orders-test.yaml"].read_text())


def test_cdk_synth_output_names_cdk_paths(tmp_path: Path) -> None:
    result, written = convert(tmp_path, CDK)
    assert result.code == 0, result.stdout
    assert list(written) == ["PipelineWorkflowC0A1B2C3.yaml"]
    assert_equivalent(
        written["PipelineWorkflowC0A1B2C3.yaml"], CFN / "cdk_clickstream.expected.yaml",
        [{}, {"clickstream-sessionise": "FAILED"}, {"clickstream-sessions": "FAILED"}],
    )
    job = "ClickstreamStack/Pipeline/SessioniseJob (Resources.PipelineSessioniseJob1A2B3C4D)"
    assert result.lines == [
        warning(CDK, "ClickstreamStack/Pipeline/Workflow (Resources.PipelineWorkflowC0A1B2C3).Properties",
                "the workflow has no Name (CloudFormation would generate one when the stack is deployed); its "
                "logical id 'PipelineWorkflowC0A1B2C3' is used as its name: set Name in the template to keep the "
                "real one"),
        warning(CDK, f"{job}.Properties.Command.ScriptLocation", "could not resolve the value (AWS::AccountId is "
                "known only when the stack is deployed; give --param AWS::AccountId=VALUE; AWS::Region is known "
                "only when the stack is deployed; give --param AWS::Region=VALUE); it is left out"),
        warning(CDK, f"{job}.Properties.Role", "could not resolve the value (Fn::GetAtt GlueRole2B4D5E6F.Arn of "
                "'GlueRole2B4D5E6F' (AWS::IAM::Role) is known only when the stack is deployed); it is left out"),
    ]


def test_intrinsic_corner_cases(tmp_path: Path) -> None:
    template = CFN / "corners.yaml"
    result, written = convert(tmp_path / "out", template)
    assert result.code == 0, result.stdout
    document = yaml.safe_load(written["corners.yaml"].read_text())
    assert document["Triggers"] == [
        {"Name": "Start", "Type": "ON_DEMAND",
         "Actions": [{"JobName": "corner-job", "Arguments": {"--literal": "a-${Literal}"}}]}
    ]
    assert "Description" not in document["Workflow"]
    joined = "\n".join(result.lines)
    for text in (
        "Transform: warning: transform 'AWS::Serverless-2016-10-31' is not applied",
        "Resources.Start.Properties: warning: the trigger has no Name",
        "Resources.Wf.Properties.Description: warning: could not resolve the value (AWS::Partition is known only",
        "Arguments.--az: warning: could not resolve the value (the Availability Zones of a region are known only",
        "Arguments.--out: warning: could not resolve the value (Fn::Select index 5 is not in the list ['a', 'b'])",
        "Arguments.--token: warning: could not resolve the value (Fn::GetAtt Token.Value of custom resource 'Token'",
        "Arguments.--eu: warning: could not resolve the value (condition 'InEu' cannot be evaluated",
        "Resources.EuJob.Condition: warning: condition 'InEu' cannot be evaluated",
    ):
        assert text in joined, text


def test_unresolved_names_use_a_stand_in_with_a_warning(tmp_path: Path) -> None:
    template = tmp_path / "stand_in.yaml"
    template.write_text(
        "Parameters:\n  Name: {Type: String}\n  JobName: {Type: String}\n"
        "Resources:\n"
        "  Wf: {Type: AWS::Glue::Workflow, Properties: {Name: !Ref Name}}\n"
        "  Start: {Type: AWS::Glue::Trigger, Properties: {Name: go, Type: ON_DEMAND, WorkflowName: !Ref Name,"
        " Actions: [{JobName: !Ref JobName}, {JobName: !ImportValue shared-job}]}}\n"
    )
    result, written = convert(tmp_path / "out", template)
    assert result.code == 0, result.stdout
    document = yaml.safe_load(written["Name.yaml"].read_text())
    assert document["Workflow"]["Name"] == "Name"
    assert document["Triggers"][0]["Actions"] == [{"JobName": "JobName"}, {"JobName": "shared-job"}]
    assert has_line(result.lines, warning(template, "Resources.Wf.Properties.Name", "could not resolve the workflow's "
                                          "name (parameter 'Name' has no Default; give --param Name=VALUE); 'Name' is "
                                          "used as its name"))
    assert has_line(result.lines, warning(template, "Resources.Start.Properties.Actions[1].JobName", "could not "
                                          "resolve the name (Fn::ImportValue 'shared-job'"))


def test_corpus_codepipeline_stack(corpus: Path, tmp_path: Path) -> None:
    """aws-samples/provision-codepipeline-glue-workflows: SCHEDULED start, five crawler pairs, AND fan-in."""
    source = corpus / "cfn-codepipeline-glue-workflow-stack.yml"
    if not source.is_file():
        pytest.skip(f"{source} is not in the corpus")
    result, written = convert(tmp_path, source, "--param", "AWS::Region=eu-west-1", "--param", "AWS::AccountId=1")
    assert result.code == 0, result.stdout
    assert result.stdout == ""  # every value resolves once the two pseudo parameters are given
    definition = written["Covid_19.yaml"]
    assert validates(definition)
    view = graph(definition)
    assert view["schedule"]["expression"] == "cron(0 8 * * ? *)"
    crawlers = [
        "c_CountyPopulation", "c_countrycode", "c_rearc-covid-19-nyt-data-in-usa-us-counties",
        "c_rearc-covid-19-nyt-data-in-usa-us-states", "c_rearc-covid-19-testing-data-states-daily",
        "c_rearc-covid-19-testing-data-us-daily", "c_rearc-covid-19-testing-data-us-total-latest",
        "c_rearc-covid-19-world-cases-deaths-testing", "c_rearc-usa-hospital-beds", "c_state-abv",
    ]
    # The edges as read from the template's triggers (t_Start, t_GroupA..E, t_Month, t_Quarter, t_Aggregated, t_End).
    expected = {
        "j_Emit_Started_Event": set(),
        **{crawler: {"j_Emit_Started_Event"} for crawler in crawlers},
        "j_Monthly": set(crawlers),
        "j_Quarterly": set(crawlers),
        "c_aggregated": {"j_Monthly", "j_Quarterly"},
        "j_Emit_Ended_Event": {"c_aggregated"},
    }
    names = {task["task_id"]: task["glue_name"] for task in view["tasks"]}
    nodes = {t["glue_name"]: t for t in view["tasks"] if t["glue_type"] in ("JOB", "CRAWLER")}
    assert {name: {names[u] for u in task["upstream"]} for name, task in nodes.items()} == expected
    assert {task["trigger_rule"] for task in nodes.values()} == {"all_success"}
    assert len(ran(simulated(definition, {}))) == 15
    one_crawl_failed = ran(simulated(definition, {"c_state-abv": "FAILED"}))
    assert set(one_crawl_failed) == {"j_Emit_Started_Event", *crawlers}
    monthly_failed = ran(simulated(definition, {"j_Monthly": "FAILED"}))
    assert monthly_failed["j_Quarterly"] == "SUCCEEDED" and "c_aggregated" not in monthly_failed
    document = yaml.safe_load(definition.read_text())
    assert len(document["Jobs"]) == 4 and len(document["Crawlers"]) == 11
    monthly = next(job for job in document["Jobs"] if job["Name"] == "j_Monthly")
    assert monthly["DefaultArguments"]["--TempDir"] == "s3://aws-glue-temporary-1-eu-west-1/admin"
    assert monthly["DefaultArguments"]["--enable-metrics"] == ""


def test_corpus_codepipeline_stack_without_pseudo_parameters_warns(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "cfn-codepipeline-glue-workflow-stack.yml"
    if not source.is_file():
        pytest.skip(f"{source} is not in the corpus")
    result, written = convert(tmp_path, source)
    assert result.code == 0
    assert validates(written["Covid_19.yaml"])
    assert has_line(result.lines, warning(source, "Resources.Covid19AggregatorMonthly.Properties.Command."
                                          "ScriptLocation", "could not resolve the value (AWS::AccountId"))
    assert all(": warning: could not resolve the value" in line for line in result.lines)


def test_more_corner_cases(tmp_path: Path) -> None:
    template = CFN / "more_corners.yaml"
    result, written = convert(tmp_path, template)
    assert result.code == 0, result.stdout
    document = yaml.safe_load(written["Wf.yaml"].read_text())
    assert document["Workflow"] == {"Name": "Wf"}
    assert document["Triggers"] == [{"Name": "go", "Type": "ON_DEMAND", "Actions": [{"JobName": "tagged"}]}]
    joined = "\n".join(result.lines)
    for text in (
        "Transform: warning: transform 'AWS::LanguageExtensions' is not applied",
        "Resources.Fn::ForEach::Copies: warning: Fn::ForEach is not expanded",
        "Resources.Go.Properties.Priority: warning: 'Priority' is not a property of a Glue trigger; it is not taken",
        "Arguments.--tag: warning: could not resolve the value (parameter 'LatestTag' is read from SSM parameter "
        "'/etl/latest-tag' when the stack is deployed; give --param LatestTag=VALUE)",
        "Arguments.--workers: warning: could not resolve the value (Mappings.Sizes has no entry large.Workers)",
        "Resources.Wf.Properties.Name: warning: could not resolve the workflow's name (the name of 'Wf' refers to "
        "itself); 'Wf' is used as its name",
    ):
        assert text in joined, text


def test_a_template_without_resources_is_an_error(tmp_path: Path) -> None:
    template = tmp_path / "empty-stack.yaml"
    template.write_text("AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing yet\n")
    result, written = convert(tmp_path / "out", template)
    assert result.code == 1
    assert written == {}
    assert result.lines == [f"{template}: Resources: a CloudFormation template needs a Resources mapping of resources"]
