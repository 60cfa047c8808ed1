"""The trigger remembers the replies of exactly the reads its waiters make (waiter_checks.WAITER_READS)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.airflow  # the triggers' modules import the amazon provider


def test_the_remembered_reads_are_the_waiters_operations() -> None:
    from botocore import xform_name

    from glue_workflow_provider.runtime.hooks import WAITERS_PATH
    from glue_workflow_provider.runtime.triggers.waiter_checks import WAITER_READS

    waiters = json.loads(WAITERS_PATH.read_text())["waiters"].values()
    assert {xform_name(waiter["operation"]) for waiter in waiters} == WAITER_READS


def test_only_those_reads_are_remembered_and_each_reply_is_taken_once() -> None:
    import asyncio

    from glue_workflow_provider.runtime.triggers.waiter_checks import RememberingClient, last_reply

    class Client:
        async def get_job_run(self, **_: object) -> dict[str, object]:
            return {"JobRun": {"JobRunState": "SUCCEEDED"}}

        def get_waiter(self, name: str) -> str:  # a plain method: passed through untouched
            return name

    client = RememberingClient(Client())
    assert client.get_waiter("w") == "w"
    reply = asyncio.run(client.get_job_run(JobName="j", RunId="r"))
    assert last_reply(client, "get_crawler") is None
    assert last_reply(client, "get_job_run") == reply
    assert last_reply(client, "get_job_run") is None  # taken once
