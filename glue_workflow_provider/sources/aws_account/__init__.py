"""An AWS account (or any Glue endpoint) as a source: read-only export of workflows into definition documents.

``read_account(glue_client, names_or_None, source=...)`` returns a :class:`Conversion`; the CLI builds the
boto3 client (credentials, region, retries) and writes the files.
"""

from __future__ import annotations

from glue_workflow_provider.sources.aws_account.reader import AccountReader, read_account
from glue_workflow_provider.sources.secret_names import PLACEHOLDER

__all__ = ["PLACEHOLDER", "AccountReader", "read_account"]
