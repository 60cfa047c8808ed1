"""What the local Glue endpoint takes from moto, named in one place.

The endpoint (glue_server.py, steering.py, state_events.py, run_logs.py) patches and calls moto's internals,
which moto changes between releases without notice: moto 5.2.6 dropped ``GlueResponse.parameters``, and the
endpoint's patched GetJobRun answered HTTP 500 until the client's retries ran out. ``check_hooks`` runs when
the endpoint starts, and tests/integration/test_endpoint_moto_versions.py runs it in the suite, so a moto
that moves any of these fails loudly, naming its version and what moved, rather than as a 500 at run time.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

#: The oldest moto the endpoint is verified with (the one MWAA's Airflow 3.0.6 constraints pin); older ones
#: lack FakeCrawl (crawls as models) and ActionResult in Glue's responses. The ``local`` extra says this floor.
MOTO_FLOOR = "5.1.10"
#: The newest moto the endpoint is verified with.
MOTO_VERIFIED = "5.2.6"

#: (module, dotted attribute) of everything the endpoint patches, calls or subclasses in moto.
HOOKS: tuple[tuple[str, str], ...] = (
    ("moto.glue.models", "glue_backends"),
    ("moto.glue.models", "GlueBackend.get_job"),
    ("moto.glue.models", "GlueBackend.get_tags"),
    ("moto.glue.models", "GlueBackend.tag_resource"),
    ("moto.glue.models", "FakeJobRun.as_dict"),
    ("moto.glue.models", "FakeCrawl"),
    ("moto.glue.models", "FakeCrawler.start_crawler"),
    ("moto.glue.models", "FakeCrawler.as_dict"),
    ("moto.glue.responses", "GlueResponse.glue_backend"),
    ("moto.glue.responses", "GlueResponse.get_job_run"),
    ("moto.glue.responses", "GlueResponse.start_job_run"),
    ("moto.glue.responses", "GlueResponse._get_param"),
    ("moto.glue.exceptions", "GlueClientError"),
    ("moto.core.responses", "ActionResult"),
    ("moto.logs.models", "logs_backends"),
    ("moto.logs.models", "LogsBackend.create_log_group"),
    ("moto.logs.models", "LogsBackend.create_log_stream"),
    ("moto.logs.models", "LogsBackend.put_log_events"),
    ("moto.events.models", "events_backends"),
    ("moto.events.models", "EventsBackend.put_events"),
    ("moto.moto_server.werkzeug_app", "DomainDispatcherApplication"),
    ("moto.moto_server.werkzeug_app", "create_backend_app"),
)


def moto_version() -> str:
    """The installed moto's version ("not installed" without it)."""
    try:
        return version("moto")
    except PackageNotFoundError:
        return "not installed"


def _find(module_name: str, dotted: str) -> bool:
    try:
        found: Any = importlib.import_module(module_name)
    except ImportError:
        return False
    for part in dotted.split("."):
        if not hasattr(found, part):
            return False
        found = getattr(found, part)
    return True


def missing_hooks() -> list[str]:
    """The hooks (``module:attribute``) the installed moto does not have."""
    return [f"{module}:{dotted}" for module, dotted in HOOKS if not _find(module, dotted)]


def check_hooks() -> None:
    """Refuse to serve with a moto that lacks what the endpoint patches, saying which moto works."""
    missing = missing_hooks()
    if missing:
        raise RuntimeError(
            f"the local Glue endpoint cannot run on moto {moto_version()}: it does not have {', '.join(missing)}. "
            f"The endpoint works with moto {MOTO_FLOOR} to {MOTO_VERIFIED}: "
            f"pip install 'moto[server]>={MOTO_FLOOR},<={MOTO_VERIFIED}'"
        )


def request_handler() -> Any:
    """moto's own request handler (moto 5.2: keeps S3 metadata headers spelled with underscores), else
    werkzeug's, which moto 5.1's server uses."""
    try:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
    except ImportError:
        from werkzeug.serving import WSGIRequestHandler

        return WSGIRequestHandler
    return MotoRequestHandler
