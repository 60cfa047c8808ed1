"""A CloudFormation template (or CDK synth output) -> one authored definition per ``AWS::Glue::Workflow``.

Triggers join the workflow their ``WorkflowName`` names; each definition carries the specs of the jobs and
crawlers its triggers start or watch. What cannot be taken over is a warning naming the resource (its CDK
path when it has one): a trigger in no workflow, a crawler's own schedule, a resource whose ``Condition``
is false, an unused job or crawler, a value known only when the stack is deployed.
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.cloudformation.intrinsics import Resolver
from glue_workflow_provider.sources.cloudformation.resources import ResourceMapper
from glue_workflow_provider.sources.cloudformation.template import Template
from glue_workflow_provider.sources.cloudformation.values import Unresolved
from glue_workflow_provider.sources.conversion import Conversion, FoundWorkflow

_KINDS = {
    "AWS::Glue::Workflow": "workflows",
    "AWS::Glue::Trigger": "triggers",
    "AWS::Glue::Job": "jobs",
    "AWS::Glue::Crawler": "crawlers",
}


def read_cloudformation(file: str, document: object, parameters: dict[str, str]) -> Conversion:
    """The workflows in template ``document`` (read from ``file``), ``parameters`` overriding defaults."""
    conversion = Conversion()
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        conversion.fail(file, "Resources", "a CloudFormation template needs a Resources mapping of resources")
        return conversion
    template = Template.read(file, document, parameters, conversion)
    _warn_transforms(template, document)
    _Assembly(Resolver(template)).run()
    return conversion


def _warn_transforms(template: Template, document: dict[str, Any]) -> None:
    if document.get("Transform"):
        template.warn(
            "Transform",
            f"transform {document['Transform']!r} is not applied: resources a macro would add or change are not "
            "seen; convert the processed template (aws cloudformation get-template --template-stage Processed)",
        )
    for key in (document.get("Resources") or {}):
        if str(key).startswith("Fn::ForEach::"):
            template.warn(f"Resources.{key}", "Fn::ForEach is not expanded; the resources it makes are not converted")


class _Assembly:
    """Groups the template's Glue resources into workflows and builds each workflow's document."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.template = resolver.template
        self.mapper = ResourceMapper(resolver)
        self.found: dict[str, list[str]] = {kind: [] for kind in _KINDS.values()}
        for logical_id, resource in self.template.resources.items():
            kind = _KINDS.get(str(resource.get("Type")))
            if kind and self._is_created(logical_id, resource):
                self.found[kind].append(logical_id)

    def run(self) -> None:
        """Add one FoundWorkflow per workflow resource, and every warning, to the template's conversion."""
        names = self.resolver.names
        workflows = {names.physical_name(logical_id): logical_id for logical_id in self.found["workflows"]}
        if not workflows:
            self.template.warn("Resources", "the template defines no AWS::Glue::Workflow; it gives no definition")
        members = self._group_triggers(set(workflows))
        jobs = {names.physical_name(logical_id): logical_id for logical_id in self.found["jobs"]}
        crawlers = {names.physical_name(logical_id): logical_id for logical_id in self.found["crawlers"]}
        used: set[str] = set()
        for name, logical_id in workflows.items():
            triggers = [self.mapper.trigger(trigger_id) for trigger_id in members.get(name, [])]
            nodes = set().union(*(self.mapper.node_names(trigger) for trigger in triggers))
            document: dict[str, Any] = {"Workflow": self.mapper.workflow(logical_id), "Triggers": triggers}
            carried_jobs = [self.mapper.job(jobs[node]) for node in jobs if node in nodes]
            carried_crawlers = [self.mapper.crawler(crawlers[node]) for node in crawlers if node in nodes]
            if carried_jobs:
                document["Jobs"] = carried_jobs
            if carried_crawlers:
                document["Crawlers"] = carried_crawlers
            used |= nodes
            self.template.conversion.workflows.append(
                FoundWorkflow(name, document, self.template.file, self.template.place(logical_id))
            )
        self._warn_unused(jobs, used, "job")
        self._warn_unused(crawlers, used, "crawler")
        self._warn_crawler_schedules()

    def _is_created(self, logical_id: str, resource: dict[str, Any]) -> bool:
        """Whether CloudFormation would create the resource under the given parameters (its ``Condition``)."""
        condition = resource.get("Condition")
        if condition is None:
            return True
        holds = self.resolver.conditions.holds(condition)
        place = self.template.place(logical_id, "Condition")
        if isinstance(holds, Unresolved):
            self.template.warn(
                place,
                f"{holds.why}; the resource is converted as if it were created: give the parameters the condition "
                "needs (--param NAME=VALUE) to decide",
            )
            return True
        if not holds:
            self.template.warn(place, f"condition '{condition}' is false with these parameters, so CloudFormation "
                               "would not create this resource; it is not converted")
        return holds

    def _group_triggers(self, workflows: set[str]) -> dict[str, list[str]]:
        members: dict[str, list[str]] = {}
        for logical_id in self.found["triggers"]:
            workflow = self.mapper.workflow_of(logical_id)
            place = self.template.place(logical_id, "Properties.WorkflowName")
            if workflow is None:
                self.template.warn(
                    self.template.place(logical_id),
                    "the trigger belongs to no workflow (it has no WorkflowName); it is not converted: a standalone "
                    "trigger is not part of any workflow's graph",
                )
            elif workflow not in workflows:
                self.template.warn(
                    place,
                    f"the trigger belongs to workflow '{workflow}', which this template does not define; it is not "
                    "converted (convert the template that defines the workflow and its triggers together)",
                )
            else:
                members.setdefault(workflow, []).append(logical_id)
        return members

    def _warn_unused(self, specs: dict[str, str], used: set[str], kind: str) -> None:
        for name, logical_id in specs.items():
            if name not in used:
                self.template.warn(
                    self.template.place(logical_id),
                    f"{kind} '{name}' is not started or watched by any trigger of a workflow in this template; it "
                    "is not converted",
                )

    def _warn_crawler_schedules(self) -> None:
        for logical_id in self.found["crawlers"]:
            schedule = self.template.properties(logical_id).get("Schedule")
            if schedule is None:
                continue
            if isinstance(schedule, dict):
                schedule = schedule.get("ScheduleExpression")
            expression = self.resolver.resolve(schedule)
            shown = expression if isinstance(expression, str) else "(not resolved)"
            self.template.warn(
                self.template.place(logical_id, "Properties.Schedule"),
                f"the crawler's own schedule {shown!r} is not a trigger: no workflow runs it, so it is not converted "
                "into one (a carried Crawlers spec keeps it as the crawler's own); add a SCHEDULED trigger to the "
                "workflow if it should",
            )
