"""Provider metadata that Airflow discovers through the ``apache_airflow_provider`` entry point."""

from __future__ import annotations

from typing import Any


def get_provider_info() -> dict[str, Any]:
    """Describe this provider to Airflow's providers manager (``airflow providers list``)."""
    from glue_workflow_provider import __version__

    return {
        "package-name": "airflow-provider-glue-workflow",
        "name": "AWS Glue workflows",
        "description": "Run AWS Glue workflows (jobs, crawlers, triggers, run properties) as Airflow DAGs.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "AWS Glue workflows",
                "external-doc-url": "https://docs.aws.amazon.com/glue/latest/dg/workflows_overview.html",
                "tags": ["aws"],
            }
        ],
        "operators": [
            {
                "integration-name": "AWS Glue workflows",
                "python-modules": [
                    "glue_workflow_provider.runtime.operators.job",
                    "glue_workflow_provider.runtime.operators.crawler",
                    "glue_workflow_provider.runtime.operators.gate",
                ],
            }
        ],
        "hooks": [
            {
                "integration-name": "AWS Glue workflows",
                "python-modules": ["glue_workflow_provider.runtime.hooks"],
            }
        ],
        "triggers": [
            {
                "integration-name": "AWS Glue workflows",
                "python-modules": [
                    "glue_workflow_provider.runtime.triggers.glue_run",
                    "glue_workflow_provider.runtime.triggers.events.sqs",
                ],
            }
        ],
        "extra-links": [
            "airflow.providers.amazon.aws.links.glue.GlueJobRunDetailsLink",
        ],
    }
