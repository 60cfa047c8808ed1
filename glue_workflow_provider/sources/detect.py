"""What kind of source a ``convert`` SOURCE is, told from its content (the suffix alone is not trusted).

A folder holding ``*.tf`` files, a ``.tf`` file and a file of HCL blocks are Terraform. A JSON or YAML document is a
CloudFormation template when it has ``Resources`` (CDK synth output when its resources carry
``Metadata.aws:cdk:path``), a get-workflow response when its ``Workflow`` has a ``Graph``, and a
``terraform show -json`` document when it has ``format_version`` and values. Anything else is refused
with a message that says what the file looks like and what convert reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.sources.cloudformation.loader import TemplateError, parse_template
from glue_workflow_provider.sources.limits import MAX_BYTES

_HCL_BLOCK = re.compile(
    r'^[ \t]*(resource|data|module|variable|locals|output|provider|terraform)([ \t]+"[^"\n]*")*[ \t]*\{', re.MULTILINE
)
_SHOW_KEYS = ("values", "planned_values", "prior_state", "resource_changes", "terraform_version")


class UnreadableSource(SourceError):
    """A SOURCE that cannot be read or is no kind convert reads; ``place`` says where (a line, or ``(file)``)."""

    def __init__(self, message: str, place: str = "(file)") -> None:
        super().__init__(message)
        self.place = place


class SourceKind(StrEnum):
    """The kinds of source convert reads (the value is how messages name them)."""

    CLOUDFORMATION = "CloudFormation template"
    CDK = "CDK synth output"
    GET_WORKFLOW = "get-workflow --include-graph document"
    TERRAFORM = "Terraform configuration"
    TERRAFORM_SHOW = "terraform show -json document"


@dataclass(frozen=True)
class Source:
    """One SOURCE, its kind, and its parsed document (None for Terraform HCL, which its reader parses)."""

    path: Path
    kind: SourceKind
    document: Any = None


def detect(path: Path) -> Source:
    """The kind of ``path`` and its parsed document.

    :raises UnreadableSource: the path cannot be read, or is no kind of source convert reads.
    """
    if path.is_dir():
        if any(child.suffix == ".tf" and child.is_file() for child in path.iterdir()):
            return Source(path, SourceKind.TERRAFORM)
        raise UnreadableSource("the folder holds no Terraform files (*.tf); give templates and documents as files")
    text = _read(path)
    if not text.strip():
        raise UnreadableSource("the file is empty")
    if (path.suffix == ".tf" or _HCL_BLOCK.search(text)) and not text.lstrip().startswith("{"):
        return Source(path, SourceKind.TERRAFORM)
    try:
        document = parse_template(text)
    except TemplateError as exc:
        raise UnreadableSource(f"cannot be read as JSON or YAML: {exc.message}", exc.where) from exc
    return Source(path, _kind_of(document), document)


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            limit = MAX_BYTES // 1048576
            raise UnreadableSource(f"the file is {size / 1048576:.1f} MiB; a source is at most {limit} MiB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UnreadableSource("no such file or folder") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(f"cannot read the file: {exc}") from exc


def _kind_of(document: object) -> SourceKind:
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise UnreadableSource(f"the document is a {kind}, not a mapping; {_WHAT_CONVERT_READS}", "(document)")
    if isinstance(document.get("Resources"), dict) or "AWSTemplateFormatVersion" in document:
        resources = document.get("Resources")
        cdk = isinstance(resources, dict) and any(
            isinstance(r, dict) and isinstance(r.get("Metadata"), dict) and "aws:cdk:path" in r["Metadata"]
            for r in resources.values()
        )
        return SourceKind.CDK if cdk else SourceKind.CLOUDFORMATION
    workflow = document.get("Workflow")
    if isinstance(workflow, dict) and isinstance(workflow.get("Graph"), dict) and "Triggers" not in document:
        return SourceKind.GET_WORKFLOW
    if "format_version" in document and any(key in document for key in _SHOW_KEYS):
        return SourceKind.TERRAFORM_SHOW
    message, place = _unknown(document)
    raise UnreadableSource(message, place)


_WHAT_CONVERT_READS = (
    "convert reads CloudFormation templates (with Resources), CDK synth output, get-workflow --include-graph "
    "documents (Workflow.Graph), Terraform .tf files or folders, and terraform show -json documents"
)


def _unknown(document: dict[str, Any]) -> tuple[str, str]:
    """What a document of no known kind looks like, and where to look."""
    workflow = document.get("Workflow")
    if isinstance(workflow, dict) and "Triggers" in document:
        return "this is already a definition file: check it with 'glue-airflow validate' and use it as is", "Triggers"
    if isinstance(workflow, dict):
        return (
            "a get-workflow document without its graph: run 'aws glue get-workflow --name NAME --include-graph' "
            "(the graph holds the triggers)",
            "Workflow",
        )
    if isinstance(document.get("resource"), dict):
        message = "Terraform's JSON syntax (*.tf.json) is not read; convert the .tf files or terraform show -json"
        return message, "resource"
    keys = ", ".join(sorted(str(key) for key in document)[:8]) or "none"
    return f"not a source convert knows (top-level keys: {keys}); {_WHAT_CONVERT_READS}", "(document)"
