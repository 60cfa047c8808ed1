"""Starting a Glue run through throttling and passing faults, never twice.

botocore retries a failed call by itself, which is right for reads and wrong for ``StartJobRun`` and
``StartCrawler``: an HTTP 500 can come back after Glue started the run, and a blind resend starts a second
one. The start call is therefore made with botocore's retries off, and between two attempts the operator
first looks for a run the failed attempt may have started (by the job run's ``--GLUE_AIRFLOW_TASK``
argument, or a crawl newer than the one before). Refusals that say the run did not start
(``ThrottlingException``, ``ConcurrentRunsExceededException``, ``CrawlerRunningException``) are waited out
the same way, with exponential backoff, within ``START_BUDGET_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a start may be retried before the task fails (and Airflow's retry, which reattaches, takes over).
START_BUDGET_SECONDS = 300.0
#: First and longest pause between two start attempts.
FIRST_DELAY, MAX_DELAY = 1.0, 30.0
#: Glue said no and started nothing: wait and try again.
REFUSED = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ConcurrentRunsExceededException",
        "CrawlerRunningException",
        "ResourceNumberLimitExceededException",
    }
)
#: Glue may or may not have started the run: look for it before trying again.
AMBIGUOUS = frozenset({"InternalServiceException", "InternalFailure", "InternalServerError", "ServiceUnavailable"})

#: Client settings for the start call: one attempt, so that this module decides what a retry may do.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def error_code(exc: ClientError) -> str:
    """The Glue error code of ``exc`` (``HTTP <status>`` when the body named none)."""
    error = exc.response.get("Error", {}) or {}
    code = error.get("Code")
    if code:
        return str(code)
    return f"HTTP {exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')}"


def _is_ambiguous(exc: Exception) -> bool:
    if isinstance(exc, BotoCoreError):
        return True  # connection reset, read timeout: the request may have reached Glue
    assert isinstance(exc, ClientError)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return error_code(exc) in AMBIGUOUS or status >= 500 and error_code(exc) not in REFUSED


def start_once(
    start: Callable[[], T],
    find_started: Callable[[], T | None],
    what: str,
    *,
    budget: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``start`` until it succeeds; after an ambiguous failure, ``find_started`` first.

    :raises ClientError: a failure that is neither a refusal nor ambiguous (it is the caller's to explain),
        or the last failure once ``budget`` seconds have passed.
    """
    deadline = time.monotonic() + (START_BUDGET_SECONDS if budget is None else budget)
    delay, ambiguous = FIRST_DELAY, False
    while True:
        if ambiguous:
            found = find_started()
            if found is not None:
                log.info("%s: the failed start call had started the run; attaching to it", what)
                return found
        try:
            return start()
        except (ClientError, BotoCoreError) as exc:
            retryable = _is_ambiguous(exc) or isinstance(exc, ClientError) and error_code(exc) in REFUSED
            if not retryable or time.monotonic() + delay > deadline:
                raise
            ambiguous = ambiguous or _is_ambiguous(exc)
            code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
            log.warning("%s: start refused (%s); trying again in %.0f s", what, code, delay)
            sleep(delay)
            delay = min(delay * 2, MAX_DELAY)
