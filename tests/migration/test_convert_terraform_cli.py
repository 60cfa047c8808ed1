"""``glue-airflow convert`` on Terraform, end to end through the command line: a root module folder with its
tfvars, --var and --var-file, local modules with an EVENT start and --event-queue-url, and a
``terraform show -json`` document; each written file behaves as the hand-written definition."""

from __future__ import annotations

from pathlib import Path

from tests.migration.cli import assert_equivalent, convert, graph

TERRAFORM = Path(__file__).parent / "fixtures" / "terraform"
EXPECTED = TERRAFORM / "expected"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/glue-events"


def test_a_root_module_folder_converts_with_its_tfvars(tmp_path: Path) -> None:
    result, written = convert(tmp_path / "out", TERRAFORM / "pipeline")
    assert result.code == 0, result.stdout + result.stderr
    assert sorted(written) == ["sales-qa.yaml"]
    assert any("aws_glue_trigger.nightly_report: warning: the trigger belongs to no workflow" in line for line in result.lines)
    assert any("aws_glue_crawler.catalog[\"raw\"].schedule: warning:" in line for line in result.lines)
    outcomes = [{}, {"sales-qa-extract": "FAILED"}, {"sales-qa-extract": "TIMEOUT"}]
    assert_equivalent(written["sales-qa.yaml"], EXPECTED / "sales-qa.yaml", outcomes)


def test_var_and_var_file_reach_the_reader(tmp_path: Path) -> None:
    plain, _ = convert(tmp_path / "plain", TERRAFORM / "pipeline")
    given, written = convert(
        tmp_path / "given", TERRAFORM / "pipeline", "--var-file", TERRAFORM / "override.tfvars", "--var", "env=perf"
    )
    assert given.code == 0, given.stdout + given.stderr
    assert sorted(written) == ["sales-perf.yaml"] and plain.code == 0


def test_modules_and_an_event_start_with_its_queue(tmp_path: Path) -> None:
    without, _ = convert(tmp_path / "without", TERRAFORM / "modules")
    assert without.code == 1 and any("GWF042" in line for line in without.lines)
    assert "--event-queue-url" in without.stdout + without.stderr
    result, written = convert(tmp_path / "with", TERRAFORM / "modules", "--event-queue-url", QUEUE)
    assert result.code == 0, result.stdout + result.stderr
    assert sorted(written) == ["aws_glue_workflow.unnamed.yaml", "ops-daily.yaml", "ops-on-upload.yaml", "ops-weekly.yaml"]
    assert graph(written["ops-on-upload.yaml"])["schedule"]["kind"] == "event"
    assert_equivalent(written["ops-daily.yaml"], EXPECTED / "ops-daily.yaml", [{}, {"ops-daily-ingest": "FAILED"}])


def test_a_terraform_show_document_is_detected_and_converted(tmp_path: Path) -> None:
    result, written = convert(tmp_path / "out", TERRAFORM / "show-state.json", "--event-queue-url", QUEUE)
    assert result.code == 0, result.stdout + result.stderr
    assert written and all(path.suffix == ".yaml" for path in written.values())
    for path in written.values():
        assert graph(path)["tasks"]
