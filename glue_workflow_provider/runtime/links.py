"""Console links of a node task's header: the Glue job run, its CloudWatch logs; the crawler and its log stream.

Glue writes a job run's logs to the groups ``/aws-glue/jobs/output`` and ``/aws-glue/jobs/error`` (and, with
continuous logging, ``/aws-glue/jobs/logs-v2``), each in a stream named after the job run id; a crawler logs
to ``/aws-glue/crawlers`` in a stream named after the crawler. The job links read what the amazon provider's
``GlueJobRunDetailsLink`` already keeps in XCom (region, domain, job, run id), so they cost no extra write.
"""

from __future__ import annotations

import urllib.parse
from typing import Any, ClassVar

from airflow.providers.amazon.aws.links.base_aws import BASE_AWS_CONSOLE_LINK, BaseAwsLink
from airflow.providers.amazon.aws.links.glue import GlueJobRunDetailsLink

JOB_LOG_GROUPS = {"output": "/aws-glue/jobs/output", "error": "/aws-glue/jobs/error", "continuous": "/aws-glue/jobs/logs-v2"}
CRAWLER_LOG_GROUP = "/aws-glue/crawlers"


def _console_escape(text: str) -> str:
    """CloudWatch's console escapes path parts twice, writing ``%`` as ``$25`` (``/`` becomes ``$252F``)."""
    return urllib.parse.quote(urllib.parse.quote(text, safe=""), safe="").replace("%", "$")


def cloudwatch_url(aws_domain: str, region: str, group: str, stream: str) -> str:
    """The CloudWatch console page of log stream ``stream`` in group ``group``."""
    return (
        f"https://console.{aws_domain}/cloudwatch/home?region={region}#logsV2:log-groups/log-group/"
        f"{_console_escape(group)}/log-events/{_console_escape(stream)}"
    )


def job_run_url(aws_domain: str, region: str, job_name: str, run_id: str) -> str:
    """The Glue console page of a job run (as the amazon provider's GlueJobRunDetailsLink builds it)."""
    return GlueJobRunDetailsLink.format_str.format(
        aws_domain=aws_domain, region_name=region, job_name=urllib.parse.quote(job_name, safe=""), job_run_id=run_id
    )


def crawler_url(aws_domain: str, region: str, crawler_name: str) -> str:
    """The Glue console page of a crawler (its crawls and their logs)."""
    name = urllib.parse.quote(crawler_name, safe="")
    console = BASE_AWS_CONSOLE_LINK.format(aws_domain=aws_domain)
    return f"{console}/glue/home?region={region}#/v2/data-catalog/crawlers/view/{name}"


class _JobLogLink(BaseAwsLink):
    """One CloudWatch log stream of the job run (from the job run details XCom)."""

    key = GlueJobRunDetailsLink.key
    group: ClassVar[str]

    def format_link(self, **kwargs: Any) -> str:
        if not kwargs.get("aws_domain") or not kwargs.get("job_run_id"):
            return ""
        return cloudwatch_url(kwargs["aws_domain"], kwargs["region_name"], self.group, kwargs["job_run_id"])


class GlueJobOutputLogsLink(_JobLogLink):
    """The run's ``/aws-glue/jobs/output`` stream (what the script printed)."""

    name = "CloudWatch output logs"
    group = JOB_LOG_GROUPS["output"]


class GlueJobErrorLogsLink(_JobLogLink):
    """The run's ``/aws-glue/jobs/error`` stream (errors and Spark's stderr)."""

    name = "CloudWatch error logs"
    group = JOB_LOG_GROUPS["error"]


class GlueJobContinuousLogsLink(_JobLogLink):
    """The run's continuous-logging stream (``/aws-glue/jobs/logs-v2``; empty unless the job enables it)."""

    name = "CloudWatch continuous logs"
    group = JOB_LOG_GROUPS["continuous"]


class GlueCrawlerDetailsLink(BaseAwsLink):
    """The crawler's Glue console page."""

    name = "AWS Glue Crawler"
    key = "glue_crawler_details"

    def format_link(self, **kwargs: Any) -> str:
        if not kwargs.get("aws_domain"):
            return ""
        return crawler_url(kwargs["aws_domain"], kwargs["region_name"], kwargs["crawler_name"])


class GlueCrawlerLogsLink(BaseAwsLink):
    """The crawler's CloudWatch log stream (``/aws-glue/crawlers``, stream = the crawler's name)."""

    name = "CloudWatch crawler logs"
    key = GlueCrawlerDetailsLink.key

    def format_link(self, **kwargs: Any) -> str:
        if not kwargs.get("aws_domain"):
            return ""
        return cloudwatch_url(kwargs["aws_domain"], kwargs["region_name"], CRAWLER_LOG_GROUP, kwargs["crawler_name"])


JOB_LINKS = (GlueJobRunDetailsLink(), GlueJobOutputLogsLink(), GlueJobErrorLogsLink(), GlueJobContinuousLogsLink())
CRAWLER_LINKS = (GlueCrawlerDetailsLink(), GlueCrawlerLogsLink())
