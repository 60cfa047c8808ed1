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


def record_calls() -> Counter[str]:
    """Start counting every botocore API call of this process; the returned counter
    fills as calls are made."""
    from botocore.client import BaseClient

    counts: Counter[str] = Counter()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation_name: str, api_params: Any) -> Any:
        model = self.meta.service_model
        counts[f"{model.signing_name or model.service_name}:{operation_name}"] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting  # type: ignore[attr-defined]
    return counts


def is_read(call: str) -> bool:
    """Whether ``service:Action`` only reads (by the AWS naming convention of its
    action)."""
    return call.partition(":")[2].startswith(READ_PREFIXES)


def describe(counts: Mapping[str, int]) -> str:
    """``s3:PutObject x2, glue:CreateDatabase x1`` (sorted by name)."""
    return ", ".join(f"{call} x{count}" for call, count in sorted(counts.items()))
