"""Glue resource instances (from HCL or ``terraform show -json``) → one definition per ``aws_glue_workflow``.

Triggers join the workflow their ``workflow_name`` names; the jobs and crawlers their actions and
conditions name are carried as ``Jobs``/``Crawlers`` specs. ``enabled = false`` becomes
``State: DEACTIVATED`` (the trigger never fires); an enabled SCHEDULED, CONDITIONAL or EVENT trigger is
``StartOnCreation: true``, as the provider creates it active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from glue_workflow_provider.sources.conversion import Conversion, FoundWorkflow
from glue_workflow_provider.sources.terraform.blocks import ResourceInstance
from glue_workflow_provider.sources.terraform.fields import Field, Reporter, convert_fields, convert_value, is_empty
from glue_workflow_provider.sources.terraform.specs import CRAWLER, JOB, TARGETS, TRIGGER, WORKFLOW
from glue_workflow_provider.sources.terraform.values import Unknown, to_string


@dataclass
class _Named:
    """A Glue resource instance and the names it answers to (its name, or its address and written text)."""

    instance: ResourceInstance
    names: tuple[str, ...]
    document: dict[str, Any] = field(default_factory=dict)
    triggers: list[dict[str, Any]] = field(default_factory=list)


def _names(instance: ResourceInstance) -> tuple[str, ...]:
    value = instance.values.get("name")
    if isinstance(value, Unknown):
        return tuple(dict.fromkeys(name for name in (instance.address, value.stand_in) if name))
    return (to_string(value),) if not is_empty(value) else (instance.address,)


def _own_name(instance: ResourceInstance) -> dict[str, Any]:
    """The values with an unknown ``name`` standing in as the resource's own address."""
    value = instance.values.get("name")
    if isinstance(value, Unknown) or is_empty(value):
        reason = value.reason if isinstance(value, Unknown) else "the resource has no name"
        return {**instance.values, "name": Unknown(reason, instance.address)}
    return instance.values


def convert_instances(instances: list[ResourceInstance], conversion: Conversion) -> None:
    """Add one :class:`FoundWorkflow` per workflow instance to ``conversion``, with every warning."""
    by_type: dict[str, list[ResourceInstance]] = {}
    for instance in instances:
        by_type.setdefault(instance.type, []).append(instance)
    workflows = [_workflow(instance, conversion) for instance in by_type.get("aws_glue_workflow", [])]
    for instance in by_type.get("aws_glue_trigger", []):
        _place_trigger(instance, workflows, conversion)
    jobs = [_Named(instance, _names(instance)) for instance in by_type.get("aws_glue_job", [])]
    crawlers = [_Named(instance, _names(instance)) for instance in by_type.get("aws_glue_crawler", [])]
    for workflow in workflows:
        document = {"Workflow": workflow.document, "Triggers": workflow.triggers}
        used = _used_nodes(workflow.triggers)
        specs = {
            "Jobs": [_job(named, name, conversion) for name in used["JobName"] for named in _find(jobs, name)],
            "Crawlers": [_crawler(n, name, conversion) for name in used["CrawlerName"] for n in _find(crawlers, name)],
        }
        document.update({key: value for key, value in specs.items() if value})
        name = workflow.document["Name"]
        conversion.workflows.append(FoundWorkflow(name, document, workflow.instance.file, workflow.instance.address))


def _reporter(instance: ResourceInstance, conversion: Conversion) -> Reporter:
    return Reporter(conversion, instance.file, instance.address)


def _workflow(instance: ResourceInstance, conversion: Conversion) -> _Named:
    document = convert_fields(_own_name(instance), WORKFLOW, _reporter(instance, conversion))
    return _Named(instance, _names(instance), document)


def _place_trigger(instance: ResourceInstance, workflows: list[_Named], conversion: Conversion) -> None:
    out = _reporter(instance, conversion)
    reference = instance.values.get("workflow_name")
    unknown = reference if isinstance(reference, Unknown) else None
    if unknown is not None:
        reference = unknown.stand_in
    if is_empty(reference):
        out.warn("", "the trigger belongs to no workflow (no workflow_name): not converted")
        return
    owner = next((workflow for workflow in workflows if to_string(reference) in workflow.names), None)
    if owner is None:
        owner = _declared_elsewhere(to_string(reference), unknown, instance, out)
        workflows.append(owner)
    trigger = _trigger(instance, out)
    if trigger is not None:
        owner.triggers.append(trigger)


def _declared_elsewhere(name: str, unknown: Unknown | None, instance: ResourceInstance, out: Reporter) -> _Named:
    """The workflow a trigger joins when no ``aws_glue_workflow`` read here declares it.

    Its triggers are often kept apart from it (the workflow in a platform root, the triggers in each team's
    root, joined by a name built from locals and variables): they still make its definition, named as far as
    the name resolves, with the header fields only the declaring root knows left out.
    """
    why = f" (its name is not fully known: {unknown.reason})" if unknown is not None else ""
    out.warn(
        "workflow_name",
        f"workflow '{name}' is declared in no file read here{why}: its triggers make a definition named "
        f"'{name}' without the workflow's own Description, DefaultRunProperties and MaxConcurrentRuns; convert "
        "the root that declares it together with this one, or add them to the written file",
    )
    return _Named(instance, (name,), {"Name": name})


def _trigger(instance: ResourceInstance, out: Reporter) -> dict[str, Any] | None:
    values = {
        key: value for key, value in _own_name(instance).items()
        if key not in ("enabled", "start_on_creation", "workflow_name")
    }
    kind = values.get("type")
    if not isinstance(kind, str) or not kind:
        why = kind.reason if isinstance(kind, Unknown) else "it has no type"
        out.fail("type", f"{why}: the trigger cannot be converted without its type; set it to a literal")
        return None
    trigger = convert_fields(values, TRIGGER, out)
    trigger.update(_activation(instance.values, kind, out))
    return trigger


def _activation(values: dict[str, Any], kind: str, out: Reporter) -> dict[str, Any]:
    """``enabled`` (default true) and ``start_on_creation`` as Glue's State / StartOnCreation."""
    enabled = values.get("enabled", True)
    if enabled is None:
        enabled = True
    if isinstance(enabled, Unknown):
        out.warn("enabled", f"{enabled.reason}; taken as true (the provider's default)")
        enabled = True
    start = convert_value(values.get("start_on_creation"), Field("StartOnCreation", "bool"), out, "start_on_creation")
    if kind == "ON_DEMAND":
        if enabled is False:
            out.warn("enabled", "an ON_DEMAND trigger cannot be deactivated in Glue (enabled = false only keeps "
                     "the provider from firing it once on creation): not taken over")
        if start:
            out.warn("start_on_creation", "Glue rejects StartOnCreation on an ON_DEMAND trigger: left out")
        return {}
    if enabled is False:
        if start:
            out.warn("start_on_creation", "start_on_creation = true with enabled = false: taken as deactivated")
        return {"State": "DEACTIVATED"}
    return {"StartOnCreation": True}


def _used_nodes(triggers: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Job and crawler names the triggers start or watch, in first-seen order."""
    used: dict[str, dict[str, None]] = {"JobName": {}, "CrawlerName": {}}
    for trigger in triggers:
        entries = [*trigger.get("Actions", []), *(trigger.get("Predicate") or {}).get("Conditions", [])]
        for entry in entries:
            for key in used:
                if key in entry:
                    used[key][entry[key]] = None
    return {key: list(names) for key, names in used.items()}


def _find(candidates: list[_Named], name: str) -> list[_Named]:
    return [named for named in candidates if name in named.names][:1]


def _spec_values(named: _Named, name: str, out: Reporter) -> dict[str, Any]:
    value = named.instance.values.get("name")
    if isinstance(value, Unknown):
        out.warn("name", f"{value.reason}; '{name}' is used as the name: check it")
    return {**named.instance.values, "name": name}


def _job(named: _Named, name: str, conversion: Conversion) -> dict[str, Any]:
    out = _reporter(named.instance, conversion)
    return convert_fields(_spec_values(named, name, out), JOB, out)


def _crawler(named: _Named, name: str, conversion: Conversion) -> dict[str, Any]:
    out = _reporter(named.instance, conversion)
    values = _spec_values(named, name, out)
    schedule = values.pop("schedule", None)
    if not is_empty(schedule):
        out.warn("schedule", "a crawler's own schedule runs it outside the workflow; it is not a trigger and is "
                 "not taken over (add a SCHEDULED trigger to the workflow if the workflow should run on it)")
    targets = {key: values.pop(key) for key in list(values) if key in TARGETS}
    spec = convert_fields(values, CRAWLER, out)
    converted = convert_fields(targets, TARGETS, out)
    if converted:
        spec["Targets"] = converted
    return spec
