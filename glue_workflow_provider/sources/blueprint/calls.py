"""Count the AWS API calls a layout makes (``service:Action``), inside the child process
that runs it.

Counting at botocore's one entry point for every API call
(``BaseClient._make_api_call``) sees each call once, whatever session or client the
layout built, and works for the embedded sandbox and ``--endpoint-url`` alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

# : Operation name prefixes of calls that only read (everything else may change
# something).
READ_PREFIXES = (
    "Get",
    "List",
    "Describe",
    "Head",
    "BatchGet",
    "Search",
    "Query",
    "Scan",
    "Lookup",
    "Select",
)


def record_calls(made: list[str] | None = None) -> Counter[str]:
    """Start counting every botocore API call of this process; the returned counter
    fills as calls are made. Each call that changes something and succeeds is added to
    ``made`` as ``service:Action what`` (the bucket, object, database or table it
    names), so the side effects can be listed, not only counted."""
    from botocore.client import BaseClient

    counts: Counter[str] = Counter()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation_name: str, api_params: Any) -> Any:
        model = self.meta.service_model
        call = f"{model.signing_name or model.service_name}:{operation_name}"
        counts[call] += 1
        response = original(self, operation_name, api_params)
        if made is not None and not is_read(call):
            made.append(f"{call} {target(api_params)}".rstrip())
        return response

    BaseClient._make_api_call = counting  # type: ignore[attr-defined]
    return counts


def target(api_params: Mapping[str, Any]) -> str:
    """What a call changes, as far as its parameters name it: ``s3://bucket/key``,
    ``s3://bucket``, ``database.table``, or a ``Name``."""
    if "Bucket" in api_params:
        key = api_params.get("Key")
        return f"s3://{api_params['Bucket']}" + (f"/{key}" if key else "")
    name = next(
        (
            api_params[field].get("Name")
            for field in ("TableInput", "DatabaseInput")
            if isinstance(api_params.get(field), Mapping)
        ),
        api_params.get("Name"),
    )
    database = api_params.get("DatabaseName")
    return ".".join(str(part) for part in (database, name) if part)


def is_read(call: str) -> bool:
    """Whether ``service:Action`` only reads (by the AWS naming convention of its
    action)."""
    return call.partition(":")[2].startswith(READ_PREFIXES)


def describe(counts: Mapping[str, int]) -> str:
    """``s3:PutObject x2, glue:CreateDatabase x1`` (sorted by name)."""
    return ", ".join(f"{call} x{count}" for call, count in sorted(counts.items()))
