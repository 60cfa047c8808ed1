"""Definition files and whole-workflow validation: one test per diagnostic code, with path, severity and line.

Expected line numbers are found by searching the test's own text, never by asking the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glue_workflow_provider.compile.checking import entry_of
from glue_workflow_provider.exceptions import DefinitionError
from glue_workflow_provider.model.diagnostics import CODES, Diagnostic, Severity
from glue_workflow_provider.model.trigger import Logical
from glue_workflow_provider.model.validation import validate
from glue_workflow_provider.sources.definition_file import (
    load_data,
    load_definition,
    load_text,
)

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "dags" / "workflows").glob("*.yaml"))
ERROR, WARNING = Severity.ERROR, Severity.WARNING

HEAD = "Workflow:\n  Name: w\nTriggers:\n"
START = "  - Name: s\n    Type: ON_DEMAND\n    Actions:\n      - JobName: a\n"


def cond(name: str, conditions: str, actions: str = "      - JobName: b\n", extra: str = "") -> str:
    """A CONDITIONAL trigger block; ``conditions`` and ``actions`` are already-indented YAML list items."""
    return (
        f"  - Name: {name}\n    Type: CONDITIONAL\n{extra}    Predicate:\n      Conditions:\n{conditions}"
        f"    Actions:\n{actions}"
    )


def job_cond(job: str, state: str) -> str:
    return f"        - JobName: {job}\n          State: {state}\n"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def find(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


# (code, document, path, severity, what the message must tell the user, (needle, occurrence) of the line)
CASES = [
    ("GWF010", HEAD + "  - Name: s\n    Type: SCHEDULED\n    Actions:\n      - JobName: a\n",
     "Triggers[0].Schedule", ERROR, "add one, e.g. Schedule: cron(", ("- Name: s", 1)),
    ("GWF011", HEAD + START + "  - Name: t\n    Type: CONDITIONAL\n    Actions:\n      - JobName: b\n",
     "Triggers[1].Predicate", ERROR, "add Predicate.Conditions", ("- Name: t", 1)),
    ("GWF012", HEAD + START + cond("t", job_cond("a", "SUCCEEDED"), "      - JobName: b\n        CrawlerName: c\n"),
     "Triggers[1].Actions[0]", ERROR, "give exactly one of them", ("- JobName: b", 1)),
    ("GWF013", HEAD + START + cond("t", "        - JobName: a\n          CrawlState: SUCCEEDED\n"),
     "Triggers[1].Predicate.Conditions[0].CrawlState", ERROR, "move the value to State", ("CrawlState:", 1)),
    ("GWF014", HEAD + START + cond("t", job_cond("a", "RUNNING")),
     "Triggers[1].Predicate.Conditions[0].State", ERROR, "it can watch SUCCEEDED, STOPPED, FAILED, TIMEOUT",
     ("State: RUNNING", 1)),
    ("GWF015", HEAD + START + "  - Name: s2\n    Type: SCHEDULED\n    Schedule: cron(0 1 * * ? *)\n"
     "    Actions:\n      - JobName: b\n",
     "Triggers[1].Type", ERROR, "Make it CONDITIONAL", ("Type: SCHEDULED", 1)),
    ("GWF016", HEAD + START + cond("t", job_cond("a", "SUCCEEDED")) + cond("u", job_cond("b", "SUCCEEDED"), "      - JobName: c\n")
     + cond("v", job_cond("c", "SUCCEEDED"), "      - JobName: b\n"),
     "Triggers[2].Predicate", ERROR, "closed by trigger(s) u, v", ("Predicate:", 2)),
    ("GWF017", HEAD + START + cond("s", job_cond("a", "SUCCEEDED")),
     "Triggers[1].Name", ERROR, "trigger names are unique", ("- Name: s", 2)),
    ("GWF019", HEAD + "  - Name: s\n    Type: SCHEDULED\n    Schedule: cron(0 12 * * * *)\n    Actions:\n      - JobName: a\n",
     "Triggers[0].Schedule", ERROR, "Glue needs '?' in one of them", ("Schedule:", 1)),
    ("GWF020", HEAD + "  - Name: s\n    Type: ON_DEMAND\n    Actions:\n      - CrawlerName: c1\n"
     "      - CrawlerName: c2\n      - CrawlerName: c3\n",
     "Triggers[0].Actions", ERROR, "split them across triggers", ("Actions:", 1)),
    ("GWF021", HEAD + START + cond("t", job_cond("ghost", "SUCCEEDED")),
     "Triggers[1].Predicate.Conditions[0].JobName", ERROR, "add an action that starts it or fix the name",
     ("JobName: ghost", 1)),
    ("GWF022", HEAD + START + cond("t", job_cond("a", "SUCCEEDED"), "      - JobName: s\n"),
     "Triggers[1].Actions[0].JobName", ERROR, "name the job or crawler to start", ("- JobName: s", 1)),
    ("GWF023", HEAD + START.replace("Type: ON_DEMAND\n", "Type: ON_DEMAND\n    Schedule: cron(0 1 * * ? *)\n"),
     "Triggers[0].Schedule", WARNING, "only SCHEDULED triggers use it", ("Schedule:", 1)),
    ("GWF024", HEAD + START.replace("Type: ON_DEMAND\n", "Type: ON_DEMAND\n    Predicate: {Conditions: []}\n"),
     "Triggers[0].Predicate", WARNING, "only CONDITIONAL triggers have conditions", ("Predicate:", 1)),
    ("GWF025", HEAD + START + cond("t", job_cond("a", "SUCCEEDED"), extra="    EventBatchingCondition: {BatchSize: 1}\n"),
     "Triggers[1].EventBatchingCondition", WARNING, "only EVENT triggers batch events", ("EventBatching", 1)),
    ("GWF026", HEAD + START + cond("t", job_cond("a", "SUCCEEDED"), extra="    State: DEACTIVATED\n"),
     "Triggers[1].State", WARNING, "never fires", ("State: DEACTIVATED", 1)),
    ("GWF027", HEAD + START + cond("t", job_cond("a", "SUCCEEDED"), extra="    StartOnCreation: false\n"),
     "Triggers[1].StartOnCreation", WARNING, "Set StartOnCreation: true", ("StartOnCreation", 1)),
    ("GWF028", HEAD + START.replace("Type: ON_DEMAND\n", "Type: ON_DEMAND\n    WorkflowName: other\n"),
     "Triggers[0].WorkflowName", ERROR, "fix WorkflowName or remove it", ("WorkflowName:", 1)),
    ("GWF029", HEAD + START + "      - JobName: b\n" + cond("t", job_cond("a", "SUCCEEDED")),
     "Triggers[0].Actions", WARNING, "a node runs at most once per run", ("Actions:", 1)),
    ("GWF031", HEAD + START + cond("t", job_cond("a", "SUCCEEDED")) + "Jobs:\n  - Name: a\n",
     "Triggers[1].Actions[0]", WARNING, "must already exist in the AWS account", ("- JobName: b", 1)),
    ("GWF032", HEAD + START + "Jobs:\n  - Name: a\n  - Name: zzz\n",
     "Jobs[1].Name", WARNING, "no trigger starts it", ("Name: zzz", 1)),
    ("GWF033", HEAD.replace("Triggers:\n", "Triggers: []\n"),
     "Triggers", WARNING, "a run starts nothing", ("Triggers:", 1)),
    ("GWF034", HEAD + START + cond("t", job_cond("a", "SUCCEEDED") + job_cond("a", "FAILED"), "      - JobName: c\n"),
     "Triggers[1].Actions", WARNING, "'c' can never run", ("Actions:", 2)),
    ("GWF035", HEAD + START + "Jobs:\n  - Name: a\n  - Name: a\n",
     "Jobs[1].Name", ERROR, "listed more than once", ("- Name: a", 2)),
    ("GWF036", HEAD + START + "      - CrawlerName: a\n",
     "Triggers[0].Actions[0]", ERROR, "give the job and the crawler different names", ("- JobName: a", 1)),
    ("GWF037", HEAD.replace("  Name: w\n", '  Name: w\n  DefaultRunProperties:\n    "": empty\n') + START,
     "Workflow.DefaultRunProperties['']", ERROR, "Glue keys are 1 to 255 characters", ('"": empty', 1)),
    ("GWF040", HEAD + START.replace("Type: ON_DEMAND\n", "Type: ON_DEMAND\n    StartOnCreation: true\n"),
     "Triggers[0].StartOnCreation", WARNING, "remove it", ("StartOnCreation: true", 1)),
    ("GWF041", HEAD + cond("t", job_cond("a", "SUCCEEDED")),
     "Triggers", ERROR, "add one whose actions are the first jobs or crawlers", ("Triggers:", 1)),
    ("GWF042", HEAD + "  - Name: s\n    Type: EVENT\n    Actions:\n      - JobName: a\n",
     "Triggers[0].Type", ERROR, "set Airflow.event_queue_url", ("Type: EVENT", 1)),
    ("GWF043", HEAD + START + "Airflow:\n  event_queue_url: https://sqs.us-east-1.amazonaws.com/1/q\n",
     "Airflow.event_queue_url", WARNING, "only an EVENT start trigger reads events", ("event_queue_url", 1)),
    ("GWF044", HEAD + START + "      - JobName: a\n        Arguments: {--day: '1'}\n",
     "Triggers[0].Actions[1]", WARNING, "merge its Arguments into the first one", ("- JobName: a", 2)),
    ("GWF046", HEAD + START + "Airflow:\n  deferrable: false\n  state_change_queue_url: https://sqs.us-east-1.amazonaws.com/1/sc\n",
     "Airflow.state_change_queue_url", WARNING, "set deferrable: true or remove it", ("state_change_queue_url", 1)),
    ("GWF047", HEAD + START + "Airflow:\n  event_queue_url: https://sqs.us-east-1.amazonaws.com/1/q\n"
     "  state_change_queue_url: https://sqs.us-east-1.amazonaws.com/1/q\n",
     "Airflow.state_change_queue_url", ERROR, "a queue of their own", ("state_change_queue_url", 1)),
]


@pytest.mark.parametrize(("code", "text", "path", "severity", "advice", "where"), CASES, ids=[c[0] for c in CASES])
def test_diagnostic_code_path_severity_advice_and_line(
    code: str, text: str, path: str, severity: Severity, advice: str, where: tuple[str, int]
) -> None:
    result = load_text(text, "x.yaml")
    diagnostics = entry_of(result).diagnostics  # validation's, then the planner's (GWF034), as the loader checks
    matching = [d for d in find(diagnostics, code) if d.path == path]
    assert matching, [str(d) for d in diagnostics]
    found = matching[0]
    assert found.severity is severity
    assert found.file == "x.yaml"
    assert advice in found.message
    assert found.message.endswith(f"(line {line_of(text, *where)})")
    assert result.ok is (severity is WARNING and not any(d.is_error for d in result.diagnostics))


def test_cases_cover_every_code_validation_and_sources_emit() -> None:
    covered = {case[0] for case in CASES} | {"GWF001", "GWF002", "GWF003", "GWF038", "GWF039"}
    planner_only = {"GWF018"}
    loader_only = {"GWF045"}  # Airflow refused a built DAG (tests/integration/test_dagbag.py)
    retired = {"GWF030"}  # no longer emitted: EVENT start triggers compile to an event schedule
    assert covered | planner_only | loader_only | retired == set(CODES)


def test_gwf001_yaml_syntax_error_gives_line_and_column() -> None:
    text = HEAD + "  - Name: s\n    Type: ON_DEMAND: x\n    Actions: []\n"  # a second ': ' on line 5
    result = load_text(text, "x.yaml")
    (problem,) = result.diagnostics
    assert (problem.code, problem.severity, problem.file) == ("GWF001", ERROR, "x.yaml")
    assert problem.path == f"(line {line_of(text, 'ON_DEMAND: x')}, column 20)"
    assert "YAML syntax error" in problem.message
    assert result.definition is None and not result.ok


def test_gwf001_json_syntax_error_gives_line_and_column() -> None:
    result = load_text('{"Workflow": {"Name": "w"},\n "Triggers": [],\n}\n', "x.json")
    (problem,) = result.diagnostics
    assert (problem.code, problem.path) == ("GWF001", "(line 3, column 1)")
    assert problem.message.startswith("JSON syntax error")


def test_gwf002_unknown_field_suggests_the_close_key() -> None:
    text = HEAD + START.replace("      - JobName: a\n", "      - JobName: a\n        Argumnts: {x: y}\n")
    (problem,) = load_text(text, "x.yaml").diagnostics
    assert (problem.code, problem.severity, problem.path) == ("GWF002", ERROR, "Triggers[0].Actions[0].Argumnts")
    assert "did you mean 'Arguments'?" in problem.message
    assert problem.message.endswith(f"(line {line_of(text, 'Argumnts')})")


def test_gwf002_bad_enum_lists_the_allowed_values_at_the_exact_path() -> None:
    text = HEAD + START + cond("t", job_cond("a", "SUCCEEDED")) + cond("u", job_cond("a", "SUCCEEDD"), "      - JobName: c\n")
    (problem,) = load_text(text, "x.yaml").diagnostics
    assert problem.path == "Triggers[2].Predicate.Conditions[0].State"
    assert "'SUCCEEDD' is not a valid value" in problem.message and "'SUCCEEDED'" in problem.message
    assert problem.message.endswith(f"(line {line_of(text, 'SUCCEEDD')})")


@pytest.mark.parametrize(
    ("replacement", "path", "advice"),
    [
        ('        Timeout: "10"\n', "Triggers[0].Actions[0].Timeout", "must be a whole number"),
        ("        Arguments: {--n: 5}\n", "Triggers[0].Actions[0].Arguments.--n", "put it in quotes"),
        ("        Bogus: 1\n", "Triggers[0].Actions[0].Bogus", "remove it or check its spelling"),
    ],
)
def test_gwf002_wrong_type_or_unknown_key(replacement: str, path: str, advice: str) -> None:
    text = HEAD + START + replacement
    (problem,) = load_text(text, "x.yaml").diagnostics
    assert (problem.code, problem.path) == ("GWF002", path)
    assert advice in problem.message


def test_gwf002_stream_logs_is_a_boolean() -> None:
    (problem,) = load_text(HEAD + START + "Airflow:\n  stream_logs: 'yes'\n", "x.yaml").diagnostics
    assert (problem.code, problem.path) == ("GWF002", "Airflow.stream_logs")


def test_gwf002_missing_type_unknown_section_and_non_list_triggers() -> None:
    missing = load_text(HEAD + "  - Name: s\n    Actions:\n      - JobName: a\n", "x.yaml").diagnostics
    assert [(d.code, d.path, d.message.split(" (line")[0]) for d in missing] == [
        ("GWF002", "Triggers[0].Type", "required field 'Type' is missing; add it")
    ]
    section = find(load_text("Workflow:\n  Name: w\nTriggerz: []\n", "x.yaml").diagnostics, "GWF002")
    assert [d.path for d in section] == ["Triggerz"]
    assert "a definition has Workflow, Triggers" in section[0].message
    not_list = find(load_data({"Workflow": {"Name": "w"}, "Triggers": {}}).diagnostics, "GWF002")
    assert [(d.path, d.message) for d in not_list] == [("Triggers", "Triggers must be a list")]


@pytest.mark.parametrize("document", [["a", "b"], {"Foo": 1}, {"Workflow": "w"}, None])
def test_gwf003_document_of_the_wrong_shape(document: object) -> None:
    result = load_data(document, "x.json")
    (problem,) = result.diagnostics
    assert (problem.code, problem.severity, problem.path, problem.file) == ("GWF003", ERROR, "(document)", "x.json")
    assert "aws glue get-workflow --name NAME --include-graph" in problem.message


def test_gwf038_too_many_actions_in_one_trigger() -> None:
    actions = [{"JobName": f"j{i}"} for i in range(51)]
    result = load_data({"Workflow": {"Name": "w"}, "Triggers": [{"Name": "s", "Type": "ON_DEMAND", "Actions": actions}]})
    (problem,) = result.diagnostics
    assert (problem.code, problem.severity, problem.path) == ("GWF038", WARNING, "Triggers[0].Actions")
    assert "51" in problem.message and result.ok


def test_gwf039_more_than_100_entities() -> None:
    triggers = [{"Name": "s", "Type": "ON_DEMAND", "Actions": [{"JobName": f"j{i}"} for i in range(40)]}]
    for k in range(3):
        triggers.append({
            "Name": f"t{k}", "Type": "CONDITIONAL",
            "Predicate": {"Conditions": [{"JobName": f"j{k}", "State": "SUCCEEDED"}]},
            "Actions": [{"JobName": f"k{k}_{i}"} for i in range(20)],
        })
    (problem,) = load_data({"Workflow": {"Name": "w"}, "Triggers": triggers}).diagnostics
    assert (problem.code, problem.severity, problem.path) == ("GWF039", WARNING, "Triggers")
    assert problem.message.startswith("104 jobs, crawlers and triggers")


def test_every_independent_problem_is_reported_at_once() -> None:
    text = (
        HEAD
        + "  - Name: s\n    Type: SCHEDULED\n    Schedule: cron(0/3 * * * ? *)\n    Actions:\n      - JobName: a\n"
        + cond("t", job_cond("a", "RUNNING"), "      - JobName: b\n        CrawlerName: c\n")
        + cond("t", job_cond("ghost", "SUCCEEDED"))
    )
    result = load_text(text, "x.yaml")
    assert {d.code for d in result.diagnostics} >= {"GWF019", "GWF014", "GWF012", "GWF017", "GWF021"}
    with pytest.raises(DefinitionError) as caught:
        result.require()
    assert {d.code for d in caught.value.diagnostics} >= {"GWF019", "GWF014", "GWF012", "GWF017", "GWF021"}
    assert "x.yaml: Triggers[0].Schedule: " in str(caught.value)


def test_a_malformed_trigger_does_not_hide_problems_in_other_triggers() -> None:
    text = (
        HEAD + START
        + "  - Name: broken\n    Type: CONDITINAL\n    Actions:\n      - JobName: b\n"
        + cond("t", job_cond("a", "RUNNING"), "      - JobName: c\n")
    )
    result = load_text(text, "x.yaml")
    assert sorted((d.code, d.path) for d in result.diagnostics) == [
        ("GWF002", "Triggers[1].Type"),
        ("GWF014", "Triggers[2].Predicate.Conditions[0].State"),
    ]
    state = find(result.diagnostics, "GWF014")[0]
    assert state.message.endswith(f"(line {line_of(text, 'State: RUNNING')})")


def _get_workflow_response(bad_state: str = "SUCCEEDED") -> dict:
    trigger_s = {"Name": "s", "WorkflowName": "w", "Type": "ON_DEMAND", "State": "CREATED", "Actions": [{"JobName": "a"}]}
    trigger_t = {
        "Name": "t", "WorkflowName": "w", "Type": "CONDITIONAL", "State": "ACTIVATED",
        "Predicate": {"Logical": "ANY", "Conditions": [{"LogicalOperator": "EQUALS", "JobName": "a", "State": bad_state}]},
        "Actions": [{"JobName": "b", "Arguments": {"--x": "1"}}],
    }
    nodes = [
        {"Type": "TRIGGER", "Name": "s", "UniqueId": "wnode_1", "TriggerDetails": {"Trigger": trigger_s}},
        {"Type": "JOB", "Name": "a", "UniqueId": "wnode_2", "JobDetails": {}},
        {"Type": "JOB", "Name": "b", "UniqueId": "wnode_3"},
        {"Type": "TRIGGER", "Name": "t", "UniqueId": "wnode_4", "TriggerDetails": {"Trigger": trigger_t}},
    ]
    return {
        "Workflow": {
            "Name": "w", "CreatedOn": "2024-01-01T00:00:00Z", "LastModifiedOn": "2024-01-02T00:00:00Z",
            "DefaultRunProperties": {"k": "v"}, "MaxConcurrentRuns": 1,
            "Graph": {"Nodes": nodes, "Edges": [{"SourceId": "wnode_1", "DestinationId": "wnode_2"}]},
        },
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }


def test_get_workflow_response_is_accepted() -> None:
    result = load_data(_get_workflow_response(), "gw.json")
    assert result.ok and result.diagnostics == ()
    definition = result.require()
    assert [t.name for t in definition.triggers] == ["s", "t"]
    assert definition.workflow.default_run_properties == {"k": "v"}
    assert definition.node_types() == {"a": "JOB", "b": "JOB"}


def test_get_workflow_diagnostics_point_into_the_graph_with_lines() -> None:
    text = json.dumps(_get_workflow_response("RUNNING"), indent=2)
    (problem,) = load_text(text, "gw.json").diagnostics
    assert problem.code == "GWF014"
    assert problem.path == "Workflow.Graph.Nodes[3].TriggerDetails.Trigger.Predicate.Conditions[0].State"
    expected = line_of(text, '"RUNNING"')
    assert problem.message.endswith(f"(line {expected})")


def test_get_workflow_malformed_trigger_is_reported_in_the_graph() -> None:
    response = _get_workflow_response()
    response["Workflow"]["Graph"]["Nodes"][3]["TriggerDetails"]["Trigger"]["Type"] = "BOGUS"
    (problem,) = load_data(response, "gw.json").diagnostics
    assert (problem.code, problem.path) == ("GWF002", "Workflow.Graph.Nodes[3].TriggerDetails.Trigger.Type")


def test_blueprint_library_to_json_output_loads_cleanly() -> None:
    role = "arn:aws:iam::123456789012:role/glue"
    document = {
        "Workflow": {"Name": "wf", "Description": None, "DefaultRunProperties": None, "Tags": None},
        "Crawlers": [{"Name": "c1_abc", "Role": role, "Targets": {"S3Targets": [{"Path": "s3://b/in"}]}, "DatabaseName": "db"}],
        "Jobs": [
            {"Name": "j1_abc", "Role": role, "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/j1.py"},
             "GlueVersion": "4.0", "WorkerType": "G.1X", "NumberOfWorkers": 2, "description": "kept lower-case"},
            {"Name": "j2_abc", "Role": role, "Command": {"Name": "pythonshell", "ScriptLocation": "s3://b/j2.py"}},
        ],
        "Triggers": [
            {"WorkflowName": "wf", "Type": "CONDITIONAL", "Name": "wf_j1_abc_trigger", "StartOnCreation": True,
             "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": "c1_abc", "CrawlState": "SUCCEEDED"}]},
             "Actions": [{"JobName": "j1_abc"}]},
            {"WorkflowName": "wf", "Type": "CONDITIONAL", "Name": "wf_j2_abc_trigger", "StartOnCreation": True,
             "Predicate": {"Logical": "ANY", "Conditions": [
                 {"LogicalOperator": "EQUALS", "CrawlerName": "c1_abc", "CrawlState": "FAILED"},
                 {"LogicalOperator": "EQUALS", "JobName": "j1_abc", "State": "SUCCEEDED"}]},
             "Actions": [{"JobName": "j2_abc"}]},
            {"WorkflowName": "wf", "Name": "wf_starting_trigger", "Type": "SCHEDULED", "Schedule": "cron(0 2 * * ? *)",
             "StartOnCreation": True, "Actions": [{"CrawlerName": "c1_abc"}]},
        ],
    }
    result = load_data(document, "blueprint.json")
    assert result.diagnostics == () and result.ok
    assert result.require().node_types() == {"j1_abc": "JOB", "j2_abc": "JOB", "c1_abc": "CRAWLER"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_shipped_examples_load_without_diagnostics(path: Path) -> None:
    result = load_definition(path)
    assert result.diagnostics == () and result.ok
    assert validate(result.require()) == []


def test_shipped_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"data_vault_load.yaml", "month_close.yaml"}


def test_missing_logical_with_several_conditions_means_and() -> None:
    text = HEAD + START + cond("t", job_cond("a", "SUCCEEDED") + job_cond("a", "FAILED"), "      - JobName: c\n")
    result = load_text(text, "x.yaml")
    predicate = result.require().triggers[1].predicate
    assert predicate is not None and predicate.logical is None and predicate.effective_logical is Logical.AND
    # Read as AND, "a SUCCEEDED and a FAILED" can never hold, so c can never run (under ANY it could).
    assert result.diagnostics == () and [d.code for d in entry_of(result).diagnostics] == ["GWF034"]
    as_any = load_text(text.replace("    Predicate:\n", "    Predicate:\n      Logical: ANY\n"), "x.yaml")
    assert as_any.require().triggers[1].predicate.logical is Logical.ANY  # type: ignore[union-attr]
    assert entry_of(as_any).diagnostics == ()


def test_diagnostic_prints_as_file_path_message_code() -> None:
    text = HEAD + START.replace("Type: ON_DEMAND\n", "Type: ON_DEMAND\n    Schedule: cron(0 1 * * ? *)\n")
    (problem,) = load_text(text, "wf.yaml").diagnostics
    assert str(problem) == (
        "wf.yaml: Triggers[0].Schedule: warning: Schedule is ignored on an ON_DEMAND trigger; "
        "only SCHEDULED triggers use it: remove it (line 6) [GWF023]"
    )


def test_ignored_predicate_on_a_start_trigger_raises_no_error() -> None:
    text = HEAD + START.replace(
        "Type: ON_DEMAND\n", "Type: ON_DEMAND\n    Predicate:\n      Conditions:\n" + job_cond("b", "SUCCEEDED")
    ) + cond("t", job_cond("a", "SUCCEEDED"))
    result = load_text(text, "x.yaml")
    assert [d.code for d in result.diagnostics] == ["GWF024"]
    assert result.ok


def test_condition_on_a_job_that_is_only_a_crawler_is_reported() -> None:
    text = HEAD + "  - Name: s\n    Type: ON_DEMAND\n    Actions:\n      - CrawlerName: a\n" + cond(
        "t", job_cond("a", "SUCCEEDED")
    )
    result = load_text(text, "x.yaml")
    (problem,) = result.diagnostics
    assert (problem.code, problem.path, problem.is_error) == ("GWF021", "Triggers[1].Predicate.Conditions[0].JobName", True)
    assert problem.message == "'a' is started as a crawler, not a job; watch it with CrawlerName/CrawlState (line 12)"
    assert not result.ok and result.definition is None


def test_gwf001_unreadable_file(tmp_path: Path) -> None:
    result = load_definition(tmp_path / "missing.yaml")
    (problem,) = result.diagnostics
    assert (problem.code, problem.path, problem.file) == ("GWF001", "(file)", str(tmp_path / "missing.yaml"))
    assert problem.message.startswith("cannot read the file")


def test_duplicate_key_is_reported_not_silently_dropped() -> None:
    text = HEAD + START + "    Actions:\n      - JobName: b\n"  # a second Actions key in the same trigger
    result = load_text(text, "x.yaml")
    (problem,) = result.diagnostics
    assert (problem.code, problem.path, problem.file) == ("GWF001", "(line 8)", "x.yaml")
    assert problem.message == "key 'Actions' is given twice in one mapping; keep one (the others would be silently lost)"
    assert not result.ok
