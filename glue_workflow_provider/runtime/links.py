"""Console links of a node task's header: the Glue job run, its CloudWatch logs; the crawler and its log stream.

Glue writes a job run's logs to the groups ``/aws-glue/jobs/output`` and ``/aws-glue/jobs/error`` (and, with
continuous logging, ``/aws-glue/jobs/logs-v2``), each in a stream named after the job run id; a crawler logs
to ``/aws-glue/crawlers`` in a stream named after the crawler.

Airflow shows a task's links from the XComs ``_link_<class>`` that the task process pushes as it ends (or
defers), calling each link's ``get_link`` there. The amazon provider's links read their fields from another
XCom at that moment (one read per link, after one write); ours take them from the operator, which knows its
run in that process (``link_fields``), so a node's links cost one XCom write each and nothing more.
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


class _FromTheOperator(BaseAwsLink):
    """A link built from the fields its operator holds in this process (``link_fields``, set when the node knows
    its run): "" when it holds none (a process that ended before knowing its run), never an XCom read."""

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        fields = getattr(operator, "link_fields", None)
        return self.format_link(**fields) if fields else ""


class GlueRunDetailsLink(_FromTheOperator, GlueJobRunDetailsLink):
    """The Glue console page of the job run (the amazon provider's link, under its XCom key)."""

    @property
    def xcom_key(self) -> str:
        return f"_link_{GlueJobRunDetailsLink.__name__}"  # the key the amazon operator's link has always used


class _JobLogLink(_FromTheOperator):
    """One CloudWatch log stream of the job run."""

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


class GlueCrawlerDetailsLink(_FromTheOperator):
    """The crawler's Glue console page."""

    name = "AWS Glue Crawler"

    def format_link(self, **kwargs: Any) -> str:
        if not kwargs.get("aws_domain"):
            return ""
        return crawler_url(kwargs["aws_domain"], kwargs["region_name"], kwargs["crawler_name"])


class GlueCrawlerLogsLink(_FromTheOperator):
    """The crawler's CloudWatch log stream (``/aws-glue/crawlers``, stream = the crawler's name)."""

    name = "CloudWatch crawler logs"

    def format_link(self, **kwargs: Any) -> str:
        if not kwargs.get("aws_domain"):
            return ""
        return cloudwatch_url(kwargs["aws_domain"], kwargs["region_name"], CRAWLER_LOG_GROUP, kwargs["crawler_name"])


JOB_LINKS = (GlueRunDetailsLink(), GlueJobOutputLogsLink(), GlueJobErrorLogsLink(), GlueJobContinuousLogsLink())
CRAWLER_LINKS = (GlueCrawlerDetailsLink(), GlueCrawlerLogsLink())


def aws_domain(operator: Any) -> str | None:
    """The console domain of the operator's partition (aws.amazon.com, amazonaws.cn, ...)."""
    return BaseAwsLink.get_aws_domain(operator.hook.conn_partition)


def link_fields(operator: Any, **fields: str) -> dict[str, Any]:
    """The fields a node's links are built from: its connection's region and console domain, and ``fields``."""
    return {"region_name": operator.hook.conn_region_name, "aws_domain": aws_domain(operator), **fields}
