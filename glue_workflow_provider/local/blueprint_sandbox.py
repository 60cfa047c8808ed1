"""Where a blueprint layout's AWS calls go: the embedded sandbox (default) or an
endpoint the user names.

Real layouts call boto3 while they build the workflow (upload scripts, create
databases). By default those calls reach an embedded sandbox: the local Glue endpoint (a
moto server on 127.0.0.1, so S3 works there too) holding the buckets the S3Uri/S3Bucket
parameters name. The layout's environment is built here so that it can reach nothing
else: no AWS variable, profile or config file of the user's shell reaches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glue_workflow_provider.local.endpoint import LOCAL_CREDENTIALS, LocalGlueEndpoint
from glue_workflow_provider.sources.blueprint.calls import describe, is_read


@dataclass
class BlueprintSandbox:
    """A started local endpoint with the parameters' buckets, for one layout run."""

    region: str
    endpoint: LocalGlueEndpoint = field(default_factory=LocalGlueEndpoint)

    def __enter__(self) -> BlueprintSandbox:
        self.endpoint.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.endpoint.stop()

    @property
    def url(self) -> str:
        """The sandbox's endpoint URL."""
        return self.endpoint.url

    def create_buckets(self, names: Iterable[str]) -> None:
        """Create each bucket in the sandbox, so a layout can upload to the locations
        its parameters name."""
        s3 = _isolated_session().client(
            "s3",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=LOCAL_CREDENTIALS["AWS_SESSION_TOKEN"],
        )
        for name in names:
            if self.region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(
                    Bucket=name,
                    CreateBucketConfiguration={"LocationConstraint": self.region},
                )

    def environment(self) -> dict[str, str]:
        """The layout's environment: this sandbox, its fixed credentials, nothing of the
        user's AWS set-up."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("AWS_")
        }
        env.update(LOCAL_CREDENTIALS)
        env.update(_endpoint_variables(self.url, self.region))
        env.update(
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
        return env


def _isolated_session() -> Any:
    """A boto3 session that reads no profile, config or credentials file of the user's
    (only what it is given)."""
    import boto3
    import botocore.session

    unset = (None, None, None, None)
    session = botocore.session.Session(
        session_vars={
            "profile": unset,
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
        }
    )
    return boto3.Session(botocore_session=session)


def endpoint_environment(url: str, region: str) -> dict[str, str]:
    """The layout's environment for ``--endpoint-url``: the user's credentials, every
    call sent to ``url``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_ENDPOINT_URL")
    }
    env.pop("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", None)
    env.update(_endpoint_variables(url, region))
    return env


def _endpoint_variables(url: str, region: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": url, "AWS_DEFAULT_REGION": region, "AWS_REGION": region}


def call_warnings(calls: Mapping[str, int], endpoint_url: str | None) -> list[str]:
    """The warnings that say which AWS calls the layout made, and where they went."""
    if not calls:
        return []
    if endpoint_url:
        return [
            f"the layout's AWS calls went to {endpoint_url}, not to AWS: "
            f"{describe(calls)}"
        ]
    changes = {call: count for call, count in calls.items() if not is_read(call)}
    reads = {call: count for call, count in calls.items() if is_read(call)}
    warnings = []
    if changes:
        warnings.append(
            f"side effects NOT made in AWS: {describe(changes)} (the layout's calls "
            "went to the embedded "
            "sandbox); make them in your account before deploying, or rerun with "
            "--endpoint-url"
        )
    if reads:
        warnings.append(
            f"reads answered by the embedded sandbox, not AWS: {describe(reads)} (the "
            "sandbox holds only "
            "the buckets the S3Uri/S3Bucket parameters name)"
        )
    return warnings
