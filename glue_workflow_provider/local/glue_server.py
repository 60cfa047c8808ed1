"""The embedded Glue endpoint's server process: moto in server mode, with job runs and crawls that end as asked.

Run as ``python -m glue_workflow_provider.local.glue_server`` (the endpoint controller does this). It prints
``PORT <n>`` once it listens on 127.0.0.1. Each job run and crawl reads its end state and how long it stays
RUNNING from its job's or crawler's tags (``glue-airflow:outcome``, ``glue-airflow:running-seconds``),
set through the ordinary Glue TagResource API, so clients use exactly the calls they would use against AWS.
It also sends Glue's EventBridge events ("Glue Job State Change", "Glue Crawler State Change") as runs and
crawls change state, to whatever rule matches them (local/state_events.py; ``glue-airflow:state-events``
loses or delays them). Only this process is changed; the operators talk to it over HTTP like to any Glue
endpoint.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from typing import Any

from glue_workflow_provider.local import moto_hooks, state_events
from glue_workflow_provider.local.steering import (
    DEFAULT_RUNNING_SECONDS,
    FAULTS_TAG,
    GET_FAILURES_TAG,
    LAST_CRAWL_HELD_TAG,
    OUTCOME_TAG,
    PUTS_TAG,
    RELEASE_TAG,
    RUNNING_SECONDS_TAG,
    STATE_EVENTS_TAG,
    install,
)

__all__ = [
    "DEFAULT_RUNNING_SECONDS",
    "FAULTS_TAG",
    "GET_FAILURES_TAG",
    "LAST_CRAWL_HELD_TAG",
    "OUTCOME_TAG",
    "PUTS_TAG",
    "RELEASE_TAG",
    "RUNNING_SECONDS_TAG",
    "STATE_EVENTS_TAG",
    "install",
    "main",
    "serve",
]
ACCOUNT, REGION = "123456789012", "us-east-1"
_LOG = logging.getLogger("glue_workflow_provider.local.glue_server")  # run as __main__
_FAULT_STATUS = {"500": (500, "InternalServiceException"), "503": (503, "ServiceUnavailableException")}


def _iam_action(target: str, environ: dict[str, Any]) -> str:
    """The IAM action a request needs: ``glue:GetJobRun`` from its X-Amz-Target, or the S3 action of a REST call."""
    if target:
        service, _, action = target.partition(".")
        prefix = {"AWSGlue": "glue", "AmazonSQS": "sqs", "Logs_20140328": "logs"}.get(service, service.lower())
        return f"{prefix}:{action}"
    method = environ.get("REQUEST_METHOD", "GET")
    has_key = "/" in environ.get("PATH_INFO", "").strip("/")
    if not has_key:
        return "s3:ListBucket" if method in ("GET", "HEAD") else f"s3:{method} bucket"
    return {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject", "DELETE": "s3:DeleteObject"}.get(
        method, f"s3:{method} object"
    )


def _next_fault(action: str, name: str) -> str | None:
    """Take the next fault steered for ``action`` on the job or crawler ``name`` (None: answer normally)."""
    from moto.glue.models import glue_backends

    kind = "crawler" if "Crawler" in action else "job"
    backend = glue_backends[ACCOUNT][REGION]
    arn = f"arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{name}"
    try:
        faults = json.loads(backend.get_tags(arn).get(FAULTS_TAG) or "{}")
    except Exception:  # noqa: BLE001 - unknown resource: no fault
        return None
    queue = faults.get(action) or []
    if not queue:
        return None
    faults[action] = queue[1:]
    backend.tag_resource(arn, {FAULTS_TAG: json.dumps(faults)})
    return str(queue[0])


def _error_response(start_response: Any, code: str, message: str = "") -> list[bytes]:
    status, kind = _FAULT_STATUS.get(code, (400, code))
    body = json.dumps({"__type": kind, "message": message or f"{kind} steered by the local Glue endpoint"}).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body)))]
    start_response(f"{status} {'Error' if message else 'Steered'}", headers)
    return [body]


def _with_fault(fault: str | None, app: Any, environ: dict[str, Any], start_response: Any) -> Any:
    """Answer as ``fault`` says, around the real ``app``."""
    if fault is None:
        return app(environ, start_response)
    if fault == "500-after" or fault.startswith("delay:"):
        captured: dict[str, Any] = {}
        body = b"".join(app(environ, lambda status, headers, *_: captured.update(status=status, headers=headers)))
        if fault == "500-after":
            return _error_response(start_response, "500")
        time.sleep(float(fault.split(":", 1)[1]))
        start_response(captured["status"], captured["headers"])
        return [body]
    return _error_response(start_response, fault)


def _log_errors_only() -> None:
    """Log errors, each with its traceback, to stderr (the endpoint's log): the request that failed (logged
    before its 500 is answered), and whatever werkzeug logs. Werkzeug's line per request (INFO) would bury
    them, so it is off."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr,
        format=f"%(asctime)s local Glue endpoint (moto {moto_hooks.moto_version()}) %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def serve(port: int) -> None:
    """Serve on 127.0.0.1 until killed, counting the requests it answers; a daemon thread beside the request
    threads sends the runs' EventBridge state-change events (local/state_events.py).

    ``GET /_glue_airflow/requests`` returns the counts as JSON: ``{"actions": {"GetJobRun": 12, ...},
    "by_name": {"GetJobRun job-a": 4, ...}, "airflow": {"glue:GetJobRun": 12, "s3:PutObject": 2, ...}}`` (the
    Glue API action, from ``X-Amz-Target``, alone and with the job or crawler it names; and, for the requests
    Airflow made (its User-Agent says ``Airflow/``), the IAM action each needs, and ``airflow_by_name`` as
    ``by_name`` for those alone); ``DELETE`` on the same path
    resets them. Used by ``benchmarks/runtime.py`` and the least-privilege test.
    """
    import io
    import json as json_module
    import threading
    from collections import Counter

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    _log_errors_only()
    install()
    state_events.start()
    counts: dict[str, Counter[str]] = {
        "actions": Counter(), "by_name": Counter(), "airflow": Counter(), "airflow_by_name": Counter()
    }
    lock = threading.Lock()
    moto_app = DomainDispatcherApplication(create_backend_app)

    def counting_app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/_glue_airflow/requests":
            with lock:
                body = json_module.dumps({kind: dict(counter) for kind, counter in counts.items()}).encode()
                if environ.get("REQUEST_METHOD") == "DELETE":
                    for counter in counts.values():
                        counter.clear()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        action = target.rsplit(".", 1)[-1] if target else f"{environ.get('REQUEST_METHOD')} (no X-Amz-Target)"
        name = ""
        if target:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)
            try:
                request = json_module.loads(raw or b"{}")
                name = str(request.get("JobName") or request.get("Name") or "") if isinstance(request, dict) else ""
            except ValueError:
                name = ""
        with lock:
            counts["actions"][action] += 1
            if name:
                counts["by_name"][f"{action} {name}"] += 1
            if "Airflow/" in environ.get("HTTP_USER_AGENT", ""):
                counts["airflow"][_iam_action(target, environ)] += 1
                if name:
                    counts["airflow_by_name"][f"{action} {name}"] += 1
            fault = _next_fault(action, name) if name else None
        try:
            return _with_fault(fault, moto_app, environ, start_response)
        except Exception:  # noqa: BLE001 - any failure is answered as Glue would, and logged first
            _LOG.exception("%s %s failed; answered HTTP 500", action, name)
            return _error_response(start_response, "500", f"the local Glue endpoint failed: see its log ({action})")

    server = make_server("127.0.0.1", port, counting_app, True, request_handler=moto_hooks.request_handler())
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``--port 0`` picks a free port and prints it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    serve(args.port)


if __name__ == "__main__":
    main()
