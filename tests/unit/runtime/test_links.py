"""Console links of node tasks: Glue job run, CloudWatch streams of the run, the crawler and its log stream."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.airflow  # the link classes are Airflow operator links


def test_cloudwatch_links_escape_the_group_and_stream_as_the_console_does() -> None:
    from glue_workflow_provider.runtime.links import cloudwatch_url

    url = cloudwatch_url("aws.amazon.com", "eu-west-1", "/aws-glue/jobs/output", "jr_0123")
    assert url == (
        "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/"
        "$252Faws-glue$252Fjobs$252Foutput/log-events/jr_0123"
    )


def test_each_job_link_points_at_the_runs_stream_in_its_group() -> None:
    from glue_workflow_provider.runtime.links import JOB_LINKS

    stored = {"region_name": "us-east-1", "aws_domain": "aws.amazon.com", "job_name": "load%20hubs", "job_run_id": "jr_9"}
    urls = {link.name: link.format_link(**stored) for link in JOB_LINKS}
    assert urls["AWS Glue Job Run Details"].endswith("#/job/load%20hubs/run/jr_9")
    assert urls["CloudWatch output logs"].endswith("$252Faws-glue$252Fjobs$252Foutput/log-events/jr_9")
    assert urls["CloudWatch error logs"].endswith("$252Faws-glue$252Fjobs$252Ferror/log-events/jr_9")
    assert urls["CloudWatch continuous logs"].endswith("$252Faws-glue$252Fjobs$252Flogs-v2/log-events/jr_9")
    assert [link.xcom_key for link in JOB_LINKS] == [  # the run details link keeps the amazon operator's key
        "_link_GlueJobRunDetailsLink", "_link_GlueJobOutputLogsLink", "_link_GlueJobErrorLogsLink",
        "_link_GlueJobContinuousLogsLink",
    ]


def test_links_are_built_from_what_the_operator_holds_and_empty_before_it_knows_its_run() -> None:
    from types import SimpleNamespace

    from glue_workflow_provider.runtime.links import JOB_LINKS

    operator = SimpleNamespace(link_fields=None)
    assert [link.get_link(operator, ti_key=None) for link in JOB_LINKS] == ["", "", "", ""]  # and no XCom read
    operator.link_fields = {"region_name": "eu-west-1", "aws_domain": "aws.amazon.com", "job_name": "j", "job_run_id": "jr_1"}
    assert JOB_LINKS[0].get_link(operator, ti_key=None).endswith("region=eu-west-1#/job/j/run/jr_1")


def test_crawler_links_name_the_crawler() -> None:
    from glue_workflow_provider.runtime.links import CRAWLER_LINKS

    stored = {"region_name": "us-east-1", "aws_domain": "aws.amazon.com", "crawler_name": "raw orders"}
    page, logs = (link.format_link(**stored) for link in CRAWLER_LINKS)
    assert page == "https://console.aws.amazon.com/glue/home?region=us-east-1#/v2/data-catalog/crawlers/view/raw%20orders"
    assert logs.endswith("log-group/$252Faws-glue$252Fcrawlers/log-events/raw$2520orders")
    assert CRAWLER_LINKS[0].format_link() == ""  # nothing stored yet: no link
