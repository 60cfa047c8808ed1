"""The library's ``Workflow.to_json()`` document as an authored definition, and the
warnings it needs.

The document already has Glue API field names (``Workflow``, ``Triggers``, ``Jobs``,
``Crawlers``); this keeps the triggers exactly as the library made them and says, as
warnings, what the definition does not carry.
"""

from __future__ import annotations

import json
from typing import Any

from glue_workflow_provider.sources.blueprint.execution import LayoutRun
from glue_workflow_provider.sources.conversion import Conversion, FoundWorkflow


def take_over(
    run: LayoutRun,
    layout_file: str,
    place: str,
    name_suffix: str,
    conversion: Conversion,
) -> None:
    """Add the workflow ``run`` made to ``conversion``, with a warning for each thing it
    does not carry."""
    document: dict[str, Any] = run.document or {}
    workflow = {
        key: value
        for key, value in (document.get("Workflow") or {}).items()
        if value is not None
    }
    _as_strings(workflow, "DefaultRunProperties", "Workflow", layout_file, conversion)
    for index, trigger in enumerate(document.get("Triggers") or ()):
        for number, action in enumerate(trigger.get("Actions") or ()):
            where = f"Triggers[{trigger.get('Name', index)}].Actions[{number}]"
            _as_strings(action, "Arguments", where, layout_file, conversion)
    authored: dict[str, Any] = {
        "Workflow": workflow,
        "Triggers": document.get("Triggers") or [],
    }
    for section in ("Jobs", "Crawlers"):
        entities = [
            _spec(entity, section, layout_file, conversion)
            for entity in document.get(section) or ()
        ]
        if entities:
            authored[section] = entities
    for item in run.dropped:
        section = (
            "Jobs"
            if item["kind"] == "Job"
            else "Crawlers"
            if item["kind"] == "Crawler"
            else "Workflow"
        )
        where = (
            f"{section}[{item['name']}].{item['field']}"
            if section != "Workflow"
            else f"Workflow.{item['field']}"
        )
        conversion.warn(
            layout_file,
            where,
            f"{item['field']} {item['reason']} (a blueprint run in Glue loses it too)",
        )
    if not name_suffix and (authored.get("Jobs") or authored.get("Crawlers")):
        conversion.warn(
            layout_file,
            place,
            "job and crawler names end in '_': the library names each one "
            "'{Name}_{name_suffix}' and the Glue service picks a random suffix per "
            "blueprint run; give "
            "--name-suffix SUFFIX to match the names of an existing blueprint run",
        )
    conversion.workflows.append(
        FoundWorkflow(str(workflow.get("Name")), authored, layout_file, place)
    )


def _spec(
    entity: dict[str, Any], section: str, layout_file: str, conversion: Conversion
) -> dict[str, Any]:
    """A CreateJob/CreateCrawler spec: the entity without what only the library reads. A
    CreateJob/CreateCrawler spec: the entity without what only the library reads."""
    spec = dict(entity)
    where = f"{section}[{spec.get('Name')}]"
    for field in ("DefaultArguments", "NonOverridableArguments"):
        _as_strings(spec, field, where, layout_file, conversion)
    if "WaitForDependencies" in spec:
        spec.pop("WaitForDependencies")
        conversion.warn(
            layout_file,
            f"{where}.WaitForDependencies",
            "ignored: it has no DependsOn (the library "
            "leaves it in the entity; it is not a CreateJob/CreateCrawler field)",
        )
    if section == "Crawlers" and spec.get("Schedule"):
        conversion.warn(
            layout_file,
            f"{where}.Schedule",
            f"the crawler has its own schedule {spec['Schedule']!r} in "
            "Glue, outside the workflow; the DAG runs it only when its trigger fires",
        )
    return spec


def _as_strings(
    holder: dict[str, Any],
    field: str,
    where: str,
    layout_file: str,
    conversion: Conversion,
) -> None:
    """Make every value of ``holder[field]`` a string, with a warning for each one that
    was not.

    Glue stores run properties and job arguments as strings, and the blueprint service
    stores what a layout gives as text (the AWS compaction sample passes a Boolean
    and a Double parameter as arguments; its script parses the text). A definition
    keeps them as JSON text (``false``, ``128.0``), as a job reads them.
    """
    values = holder.get(field)
    if not isinstance(values, dict):
        return
    for key, value in list(values.items()):
        if not isinstance(value, str):
            text = json.dumps(value)
            values[key] = text
            conversion.warn(
                layout_file,
                f"{where}.{field}.{key}",
                f"the layout gave {type(value).__name__} {value!r}; Glue keeps only "
                f"strings, so it is written as {text!r}",
            )
