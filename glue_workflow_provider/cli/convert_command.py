"""``glue-airflow convert``: CloudFormation/CDK templates, Terraform and get-workflow documents -> definitions.

Each SOURCE's kind is told from its content (``sources/detect.py``); every workflow found is written as one
definition file by the shared finish step, which validates it. A source that cannot be read is an error
naming the file, and the other sources still convert.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from glue_workflow_provider.cli.arguments import pairs
from glue_workflow_provider.cli.migrate import add_output_options, finish
from glue_workflow_provider.exceptions import DefinitionError, SourceError
from glue_workflow_provider.sources.cloudformation import (
    PSEUDO_PARAMETERS,
    declared_parameters,
    read_cloudformation,
)
from glue_workflow_provider.sources.conversion import Conversion, FoundWorkflow
from glue_workflow_provider.sources.definition_file import authored_form, load_data
from glue_workflow_provider.sources.detect import Source, SourceKind, UnreadableSource, detect
from glue_workflow_provider.sources.writer import with_event_queue

NAME = "convert"
_COMMAND_LINE = "(command line)"
_EPILOG = """\
The kind of each SOURCE is told from its content: a CloudFormation template (YAML with the short tags
!Ref, !Sub, !GetAtt ... or JSON; CDK synth output included), a Terraform .tf file or a folder of them, a
'terraform show -json' document, or an 'aws glue get-workflow --name NAME --include-graph' document.

examples:
  glue-airflow convert stack.yaml -o dags/workflows --param Env=prod --param AWS::Region=eu-west-1
  glue-airflow convert cdk.out/EtlStack.template.json infra/glue/ -o out --var env=prod --var-file prod.tfvars
  glue-airflow convert orders.json -o out --event-queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/q

exit status: 0 every workflow converted and valid; 1 a source could not be converted or a written
definition is invalid (the good ones are still written); 2 usage error.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the sub-command."""
    command = commands.add_parser(
        NAME,
        help="CloudFormation/CDK, Terraform and get-workflow documents -> definition files",
        description="Convert Glue workflows defined elsewhere into definition files, one per workflow.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="template, Terraform file or folder, or get-workflow document"
    )
    add_output_options(command)
    command.add_argument(
        "--var", action="append", metavar="K=V", help="Terraform variable value (repeatable; like terraform -var)"
    )
    command.add_argument(
        "--var-file", action="append", metavar="FILE", help="Terraform .tfvars file (repeatable; like -var-file)"
    )
    command.add_argument(
        "--param",
        action="append",
        metavar="K=V",
        help="CloudFormation parameter value, overriding its Default (repeatable); also pseudo parameters, "
        "for example --param AWS::Region=eu-west-1",
    )
    command.add_argument(
        "--event-queue-url",
        metavar="URL",
        help="SQS queue URL that receives the EventBridge events of workflows started by an EVENT trigger "
        "(sets Airflow.event_queue_url)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return the exit code."""
    parameters = pairs(args.param, "--param")
    variables = pairs(args.var, "--var")
    var_files = [Path(name) for name in args.var_file or []]
    for var_file in var_files:
        if not var_file.is_file():
            raise argparse.ArgumentTypeError(f"--var-file {var_file}: no such file")
    conversion = Conversion()
    sources = [_detect(Path(name), conversion) for name in args.sources]
    found = [source for source in sources if source is not None]
    for source in found:
        conversion.extend(_read(source, parameters))
    terraform = [source.path for source in found if source.kind is SourceKind.TERRAFORM]
    if terraform:
        conversion.extend(_read_terraform(terraform, variables, var_files))
    _warn_unused_options(conversion, found, parameters, bool(variables or var_files))
    code = finish(conversion, args, args.event_queue_url)
    if not args.event_queue_url:
        _hint_event_queue(conversion.workflows)
    return code


def _detect(path: Path, conversion: Conversion) -> Source | None:
    try:
        return detect(path)
    except UnreadableSource as exc:
        conversion.fail(str(path), exc.place, str(exc))
        return None


def _read(source: Source, parameters: dict[str, str]) -> Conversion:
    """What one non-HCL source gives (HCL Terraform is read all at once, by ``_read_terraform``)."""
    file = str(source.path)
    if source.kind in (SourceKind.CLOUDFORMATION, SourceKind.CDK):
        return read_cloudformation(file, source.document, parameters)
    if source.kind is SourceKind.GET_WORKFLOW:
        return _read_get_workflow(file, source.document)
    if source.kind is SourceKind.TERRAFORM_SHOW:
        from glue_workflow_provider.sources.terraform import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
            read_terraform_show,
        )

        try:
            shown: Conversion = read_terraform_show(file, source.document)
        except SourceError as exc:
            shown = Conversion()
            shown.fail(file, "(document)", str(exc))
        return shown
    return Conversion()


def _read_terraform(paths: list[Path], variables: dict[str, str], var_files: list[Path]) -> Conversion:
    """Every Terraform file and folder given, read together (references may cross them), with the variables."""
    from glue_workflow_provider.sources.terraform import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        read_terraform,
    )

    try:
        read: Conversion = read_terraform(paths, variables, var_files)
    except SourceError as exc:  # the reader reports per file; this is a reader that could not start at all
        failed = Conversion()
        failed.fail(", ".join(str(path) for path in paths), "(file)", str(exc))
        return failed
    return read


def _read_get_workflow(file: str, document: dict[str, Any]) -> Conversion:
    """A get-workflow response: its header and the triggers of its graph (the response has no job specs)."""
    conversion = Conversion()
    try:
        authored = authored_form(document)
    except DefinitionError as exc:
        for diagnostic in exc.diagnostics:
            conversion.fail(file, diagnostic.path, diagnostic.message)
        return conversion
    name = authored["Workflow"].get("Name")
    if not isinstance(name, str) or not name:
        conversion.fail(file, "Workflow.Name", "the workflow has no Name; is this a get-workflow response?")
        return conversion
    conversion.warn(
        file,
        "Workflow.Graph",
        "a get-workflow response holds no job or crawler specs (and its run history is not taken over); use "
        "'glue-airflow export' to carry the Jobs and Crawlers specs too",
    )
    conversion.workflows.append(FoundWorkflow(name, authored, file, "Workflow"))
    return conversion


def _warn_unused_options(
    conversion: Conversion, sources: list[Source], parameters: dict[str, str], has_variables: bool
) -> None:
    """An option no source uses is a warning: it is probably misspelt or meant for another source."""
    templates = [s for s in sources if s.kind in (SourceKind.CLOUDFORMATION, SourceKind.CDK)]
    declared = set(PSEUDO_PARAMETERS).union(*(declared_parameters(s.document) for s in templates))
    for key in parameters:
        if key not in declared:
            conversion.warn(
                _COMMAND_LINE,
                f"--param {key}",
                "no CloudFormation template given declares this parameter; it is not used",
            )
    if has_variables and not any(s.kind is SourceKind.TERRAFORM for s in sources):
        conversion.warn(_COMMAND_LINE, "--var/--var-file", "no Terraform configuration was given; not used")


def _hint_event_queue(workflows: list[FoundWorkflow]) -> None:
    """Say what to add when a written definition has an EVENT start trigger and no queue (GWF042)."""
    for workflow in workflows:
        result = load_data(with_event_queue(workflow.document, None), workflow.file)
        if any(diagnostic.code == "GWF042" for diagnostic in result.diagnostics):
            print(
                f"{workflow.file}: {workflow.place}: workflow '{workflow.name}' starts on an EVENT trigger: add "
                "--event-queue-url URL (the SQS queue your EventBridge rule sends its events to) and convert again"
            )
    sys.stdout.flush()
