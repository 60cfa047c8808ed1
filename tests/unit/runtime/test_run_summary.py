"""The Glue notes as text: a node's end state line and a workflow run's statistics and outcome (rule 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_workflow_provider.model.states import NO_GLUE_STATE
from glue_workflow_provider.runtime.run_summary import failure_line, node_note, note_error, run_summary, statistics
from glue_workflow_provider.semantics.trigger_table import TriggerTable
from glue_workflow_provider.sources.definition_file import read_definition

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def data_vault() -> TriggerTable:
    return TriggerTable.of(read_definition(REPO / "dags" / "workflows" / "data_vault_load.yaml"))


def test_a_node_note_is_its_exact_state_and_glues_message() -> None:
    assert node_note("SUCCEEDED") == "SUCCEEDED"
    assert node_note("TIMEOUT", "Job run timed out\n after 5 minutes") == "TIMEOUT: Job run timed out after 5 minutes"
    assert node_note("FAILED", None, "https://console/x") == "FAILED\n\nhttps://console/x"
    assert len(node_note("ERROR", "x" * 1000)) < 320
    assert note_error(node_note("STOPPED", "Stopped: by a user", "https://x")) == "Stopped: by a user"
    assert note_error("SUCCEEDED") is None and note_error(None) is None


def test_the_failure_line_names_node_state_message_and_link() -> None:
    line = failure_line("job", "load-hubs", "TIMEOUT", "Job run timed out", "https://console/run")
    assert line == "Glue job 'load-hubs' ended TIMEOUT: Job run timed out (https://console/run)"
    assert "\n" not in line


def test_an_unhandled_timeout_fails_the_run_and_says_why(data_vault: TriggerTable) -> None:
    ended = {"extract-landing": "TIMEOUT"}
    text = run_summary(data_vault, ended, {"extract-landing": "Job run timed out"})
    assert text.splitlines()[0] == "Glue workflow run: failed"
    assert "Actions: 6 total, 0 succeeded, 0 failed, 1 timed out, 0 stopped, 0 errored, 5 never ran." in text
    assert "extract-landing ended TIMEOUT, and no trigger watches that state, so the run failed (rule 6)." in text
    assert "- extract-landing: TIMEOUT: Job run timed out" in text


def test_a_handled_failure_succeeds_and_says_which_trigger_state_handled_it(data_vault: TriggerTable) -> None:
    ended = {"extract-landing": "SUCCEEDED", "load-hubs": "TIMEOUT", "clean-up-job": "SUCCEEDED"}
    text = run_summary(data_vault, ended)
    assert text.startswith("Glue workflow run: success")
    assert "load-hubs ended TIMEOUT, which a trigger watches (a handled failure)" in text
    assert statistics(data_vault, ended) == {
        "total": 6, "succeeded": 2, "failed": 0, "timed out": 1, "stopped": 0, "errored": 0, "never ran": 3,
    }


def test_every_node_succeeding_is_said_so(data_vault: TriggerTable) -> None:
    ended = dict.fromkeys(data_vault.nodes, "SUCCEEDED")
    ended.pop("clean-up-job")
    assert "Why: every action that ran SUCCEEDED." in run_summary(data_vault, ended)


def test_a_cancelled_crawl_counts_as_stopped_and_expired_as_errored() -> None:
    from glue_workflow_provider.semantics.trigger_table import TriggerRow

    table = TriggerTable({"c": "CRAWLER", "j": "JOB"}, tuple[TriggerRow, ...]())
    counts = statistics(table, {"c": "CANCELLED", "j": "EXPIRED"})
    assert counts["stopped"] == 1 and counts["errored"] == 1 and counts["never ran"] == 0


def test_a_node_failed_without_a_glue_state_counts_as_errored_and_fails_the_run(data_vault: TriggerTable) -> None:
    ended = {"extract-landing": NO_GLUE_STATE}
    text = run_summary(data_vault, ended)
    assert text.startswith("Glue workflow run: failed")
    assert "1 errored" in text and statistics(data_vault, ended)["errored"] == 1
    assert "extract-landing failed without a Glue state, and no trigger watches that state" in text
    assert "- extract-landing: NO GLUE STATE" in text
