"""Names of a template's resources: what ``Ref`` and ``Fn::GetAtt ... Name`` give for them.

A Glue workflow, trigger, job or crawler is known by its physical name, its ``Name`` property. Without one,
CloudFormation would generate a name when the stack is deployed; convert uses the logical id instead and
says so once per resource. Names of other resources are known only where the template gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glue_workflow_provider.sources.cloudformation.template import Template
from glue_workflow_provider.sources.cloudformation.values import NO_VALUE, Unresolved, as_text

#: Glue resource types convert takes over, and the word used for each in messages.
GLUE_TYPES = {
    "AWS::Glue::Workflow": "workflow",
    "AWS::Glue::Trigger": "trigger",
    "AWS::Glue::Job": "job",
    "AWS::Glue::Crawler": "crawler",
}
#: Where a few other resources keep the name their ``Ref`` returns.
_NAME_PROPERTY = {
    "AWS::Glue::Database": ("DatabaseInput", "Name"),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::IAM::Role": ("RoleName",),
}


def _is_custom(kind: str) -> bool:
    return kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource"


class Names:
    """Physical names of the template's resources, each worked out (and warned about) once."""

    def __init__(self, template: Template, resolve: Callable[[Any], Any]) -> None:
        self.template = template
        self._resolve = resolve
        self._names: dict[str, str] = {}
        self._resolving: set[str] = set()

    def physical_name(self, logical_id: str) -> str:
        """The name of Glue resource ``logical_id``: its ``Name``, else a stand-in or its logical id (warned)."""
        if logical_id not in self._names:
            self._resolving.add(logical_id)
            self._names[logical_id] = self._work_out(logical_id)
            self._resolving.discard(logical_id)
        return self._names[logical_id]

    def _work_out(self, logical_id: str) -> str:
        kind = GLUE_TYPES.get(self.template.resource_type(logical_id) or "", "resource")
        properties = self.template.properties(logical_id)
        value = self._resolve(properties["Name"]) if "Name" in properties else NO_VALUE
        if value is NO_VALUE:
            self.template.warn(
                self.template.place(logical_id, "Properties"),
                f"the {kind} has no Name (CloudFormation would generate one when the stack is deployed); its "
                f"logical id '{logical_id}' is used as its name: set Name in the template to keep the real one",
            )
            return logical_id
        text = as_text(value)
        if text:
            return text
        stand_in = value.stand_in if isinstance(value, Unresolved) and value.stand_in else logical_id
        why = value.why if isinstance(value, Unresolved) else f"{value!r} is not a name"
        self.template.warn(
            self.template.place(logical_id, "Properties.Name"),
            f"could not resolve the {kind}'s name ({why}); '{stand_in}' is used as its name",
        )
        return stand_in

    def reference(self, logical_id: str) -> Any:
        """What ``Ref: logical_id`` gives for a resource (not a parameter)."""
        kind = self.template.resource_type(logical_id)
        if kind is None:
            return Unresolved(
                (f"Ref to '{logical_id}', which is neither a parameter nor a resource of this template",), logical_id
            )
        if kind in GLUE_TYPES:
            return self._name_of(logical_id)
        if kind in _NAME_PROPERTY:
            value: Any = self.template.properties(logical_id)
            for key in _NAME_PROPERTY[kind]:
                value = value.get(key) if isinstance(value, dict) else None
            if value is not None:
                resolved = self._resolve(value)
                if isinstance(resolved, (str, Unresolved)):
                    return resolved
        return Unresolved((self._deploy_time(logical_id, kind, "Ref"),), logical_id)

    def attribute(self, logical_id: str, attribute: str) -> Any:
        """What ``Fn::GetAtt [logical_id, attribute]`` gives: a Glue resource's name, else unresolved."""
        kind = self.template.resource_type(logical_id)
        if kind is None:
            return Unresolved(
                (f"Fn::GetAtt names '{logical_id}', which is not a resource of this template",), logical_id
            )
        if kind in GLUE_TYPES and attribute == "Name":
            return self._name_of(logical_id)
        return Unresolved((self._deploy_time(logical_id, kind, f"Fn::GetAtt {logical_id}.{attribute}"),), logical_id)

    def _name_of(self, logical_id: str) -> Any:
        """The physical name, or unresolved when it is asked for while it is being worked out (a cycle)."""
        if logical_id in self._resolving:
            return Unresolved((f"the name of '{logical_id}' refers to itself",), logical_id)
        return self.physical_name(logical_id)

    @staticmethod
    def _deploy_time(logical_id: str, kind: str, what: str) -> str:
        if _is_custom(kind):
            return f"{what} of custom resource '{logical_id}' ({kind}) is made by its code when the stack is deployed"
        return f"{what} of '{logical_id}' ({kind}) is known only when the stack is deployed"
