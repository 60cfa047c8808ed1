"""CloudFormation's defaults are Glue's semantics (issue 22): ``AWS::Glue::Trigger``
``StartOnCreation`` defaults to false, so a SCHEDULED or CONDITIONAL trigger that leaves it
out is created not activated. The converter carries that as ``StartOnCreation: false``,
with a warning naming the trigger, instead of letting the definition's own default
("neither State nor StartOnCreation means active") turn it on.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.migration.cli import CFN, convert, glue_airflow, graph

OMITTED = CFN / "start_on_creation_omitted.yaml"


def triggers(path: Path) -> dict[str, dict[str, object]]:
    return {t["Name"]: t for t in yaml.safe_load(path.read_text())["Triggers"]}


def test_an_omitted_start_on_creation_is_written_false_and_warned(tmp_path: Path) -> None:
    result, written = convert(tmp_path, OMITTED)
    assert result.code == 0, result.stdout + result.stderr
    definition = written["nightly-orders.yaml"]
    by_name = triggers(definition)
    assert by_name["nightly-start"]["StartOnCreation"] is False
    assert by_name["after-extract"]["StartOnCreation"] is False
    assert by_name["after-load"]["StartOnCreation"] is True
    assert (
        f"{OMITTED}: Resources.Start.Properties.StartOnCreation: warning: not set, and CloudFormation's default is "
        "false: Glue creates SCHEDULED trigger 'nightly-start' not activated, so it does not fire until someone "
        "activates it (StartTrigger); written as StartOnCreation: false (the DAG is paused on creation). Set "
        "StartOnCreation: true in the template if it should fire from creation"
    ) in result.lines
    assert any(
        line.startswith(f"{OMITTED}: Resources.AfterExtract.Properties.StartOnCreation: warning: not set")
        and "CONDITIONAL trigger 'after-extract' not activated" in line
        for line in result.lines
    )
    assert not any("Resources.AfterLoad" in line for line in result.lines)


def test_the_definition_treats_the_triggers_as_not_activated(tmp_path: Path) -> None:
    _, written = convert(tmp_path, OMITTED)
    definition = written["nightly-orders.yaml"]
    assert graph(definition)["is_paused_upon_creation"] is True
    validated = glue_airflow("validate", definition)
    assert validated.code == 0
    assert any(
        "Triggers[1].StartOnCreation: warning: conditional trigger 'after-extract' was never activated" in line
        and "[GWF027]" in line
        for line in validated.lines
    )


def test_the_corpus_stack_sets_start_on_creation_on_every_trigger_and_stays_active(
    corpus: Path, tmp_path: Path
) -> None:
    source = corpus / "cfn-codepipeline-glue-workflow-stack.yml"
    result, written = convert(tmp_path, source, "--param", "AWS::AccountId=123456789012")
    assert result.code == 0, result.stdout + result.stderr
    assert not any("StartOnCreation" in line for line in result.lines)
    (definition,) = written.values()
    assert {t["StartOnCreation"] for t in triggers(definition).values()} == {True}
    assert graph(definition)["is_paused_upon_creation"] is False
