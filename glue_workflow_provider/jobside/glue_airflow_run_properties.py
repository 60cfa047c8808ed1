"""glue_airflow_run_properties: Glue workflow run properties for Glue jobs that glue-airflow runs.

A single file that depends on boto3 only (Glue jobs have it). Ship it to your jobs with
``--extra-py-files s3://your-bucket/path/glue_airflow_run_properties.py``. It mirrors the Glue client's
``get_workflow_run_properties`` and ``put_workflow_run_properties``, so migrating a job changes two lines::

    import glue_airflow_run_properties                      # was: import boto3
    glue_client = glue_airflow_run_properties.client()      # was: glue_client = boto3.client("glue")

    args = getResolvedOptions(sys.argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
    props = glue_client.get_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"])["RunProperties"]
    glue_client.put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties={"k": "v"})

Under glue-airflow, the job run gets ``--GLUE_AIRFLOW_RUN_PROPERTIES s3://bucket/prefix/.../node/``: the
properties the node may see are in ``in.json`` there, and puts are merged into ``out.json``, which
glue-airflow reads when the run ends (puts count even if the job then fails, as in Glue). Without that
argument (the job runs in a real Glue workflow) every call goes to the Glue API unchanged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

LOCATION_ARG = "--GLUE_AIRFLOW_RUN_PROPERTIES"
IN_OBJECT = "in.json"
OUT_OBJECT = "out.json"
MAX_KEY_LENGTH = 255

__all__ = ["client", "get_run_properties", "put_run_properties", "LOCATION_ARG"]


def location(argv: Sequence[str] | None = None) -> str | None:
    """The S3 prefix glue-airflow gave this job run (``--GLUE_AIRFLOW_RUN_PROPERTIES``), or None."""
    args = list(sys.argv if argv is None else argv)
    for index, arg in enumerate(args):
        if arg == LOCATION_ARG and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(LOCATION_ARG + "="):
            return arg.split("=", 1)[1]
    return None


def get_run_properties(argv: Sequence[str] | None = None, **boto3_kwargs: Any) -> dict[str, str]:
    """The workflow run properties this job run sees (including its own puts so far)."""
    where = location(argv)
    if where is None:
        raise RuntimeError(
            f"{LOCATION_ARG} is not among the job arguments: this run was not started by glue-airflow "
            "(use client() to fall back to the Glue API)"
        )
    store = _S3Store(where, boto3_kwargs)
    return {**store.read(IN_OBJECT), **store.read(OUT_OBJECT)}


def put_run_properties(
    properties: Mapping[str, str], argv: Sequence[str] | None = None, **boto3_kwargs: Any
) -> None:
    """Add or override run properties for the nodes that start after this job ends."""
    _check(properties)
    where = location(argv)
    if where is None:
        raise RuntimeError(f"{LOCATION_ARG} is not among the job arguments: this run was not started by glue-airflow")
    store = _S3Store(where, boto3_kwargs)
    store.write(OUT_OBJECT, {**store.read(OUT_OBJECT), **properties})


def client(argv: Sequence[str] | None = None, **boto3_kwargs: Any) -> Any:
    """A stand-in for ``boto3.client("glue")`` for the two run-property calls (the Glue API itself when the
    job was not started by glue-airflow)."""
    if location(argv) is None:
        import boto3

        return boto3.client("glue", **boto3_kwargs)
    return _RunPropertiesClient(argv, boto3_kwargs)


class _RunPropertiesClient:
    """The two Glue client methods, with the same keyword arguments and response shapes."""

    def __init__(self, argv: Sequence[str] | None, boto3_kwargs: dict[str, Any]) -> None:
        self._argv = argv
        self._boto3_kwargs = boto3_kwargs

    def get_workflow_run_properties(self, *, Name: str, RunId: str) -> dict[str, Any]:  # noqa: N803 - Glue's names
        return {"RunProperties": get_run_properties(self._argv, **self._boto3_kwargs)}

    def put_workflow_run_properties(self, *, Name: str, RunId: str, RunProperties: Mapping[str, str]) -> dict[str, Any]:  # noqa: N803
        put_run_properties(RunProperties, self._argv, **self._boto3_kwargs)
        return {}


class _S3Store:
    """JSON objects under one S3 prefix."""

    def __init__(self, prefix: str, boto3_kwargs: dict[str, Any]) -> None:
        if not prefix.startswith("s3://"):
            raise ValueError(f"{LOCATION_ARG} must be an s3:// prefix, got {prefix!r}")
        bucket, _, key = prefix[len("s3://"):].partition("/")
        self.bucket = bucket
        self.prefix = key if key.endswith("/") or not key else key + "/"
        import boto3

        self._s3 = boto3.client("s3", **boto3_kwargs)

    def read(self, name: str) -> dict[str, str]:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read()
        except self._s3.exceptions.NoSuchKey:
            return {}
        data = json.loads(body or b"{}")
        return {str(k): str(v) for k, v in data.items()}

    def write(self, name: str, values: Mapping[str, str]) -> None:
        body = json.dumps(dict(values), sort_keys=True).encode()
        self._s3.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=body, ContentType="application/json")


def _check(properties: Mapping[str, str]) -> None:
    """The same limits Glue's PutWorkflowRunProperties has: string keys of 1-255 characters, string values."""
    for key, value in properties.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise ValueError(f"run property key {key!r}: keys are strings of 1 to {MAX_KEY_LENGTH} characters")
        if not isinstance(value, str):
            raise ValueError(f"run property {key!r}: values are strings, got {type(value).__name__} (convert it)")
