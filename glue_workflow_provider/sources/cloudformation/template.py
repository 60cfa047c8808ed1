"""One CloudFormation template as convert sees it: its parameters' values, resources, and how places are named.

Parameter values come from ``--param`` first, then the parameter's ``Default``; a parameter with neither,
an SSM-backed parameter and every pseudo parameter but ``AWS::NoValue`` are unresolved unless given
(``--param AWS::Region=eu-west-1``): their values exist only when a stack is deployed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from glue_workflow_provider.sources.cloudformation.values import NO_VALUE, Unresolved, as_text
from glue_workflow_provider.sources.conversion import Conversion

#: Pseudo parameters (AWS::NoValue removes the property; the others are known only at deploy time).
PSEUDO_PARAMETERS = (
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
)
_LIST_PSEUDO = ("AWS::NotificationARNs",)


def declared_parameters(document: object) -> set[str]:
    """The names of the template's parameters (what ``--param`` may set, besides the pseudo parameters)."""
    parameters = document.get("Parameters") if isinstance(document, dict) else None
    return set(parameters) if isinstance(parameters, dict) else set()


@dataclass
class Template:
    """A parsed template, the values of its parameters, and where its notices go."""

    file: str
    resources: dict[str, dict[str, Any]]
    parameters: dict[str, Any]
    mappings: dict[str, Any]
    conditions: dict[str, Any]
    conversion: Conversion
    _cdk_paths: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, file: str, document: dict[str, Any], given: dict[str, str], conversion: Conversion) -> Template:
        """The template in ``document`` with ``given`` (``--param``) overriding parameter defaults."""
        resources = {
            str(key): value for key, value in _mapping(document.get("Resources")).items() if isinstance(value, dict)
        }
        template = cls(
            file, resources, {}, _mapping(document.get("Mappings")), _mapping(document.get("Conditions")), conversion
        )
        for logical_id, resource in resources.items():
            path = _mapping(resource.get("Metadata")).get("aws:cdk:path")
            if isinstance(path, str):
                template._cdk_paths[logical_id] = path
        template.parameters = template._parameter_values(_mapping(document.get("Parameters")), given)
        return template

    @property
    def is_cdk(self) -> bool:
        """Whether the template is CDK synth output (its resources carry ``Metadata.aws:cdk:path``)."""
        return bool(self._cdk_paths)

    def warn(self, place: str, message: str) -> None:
        """A warning about ``place`` in this template."""
        self.conversion.warn(self.file, place, message)

    def place(self, logical_id: str, path: str = "") -> str:
        """How a resource (and a property path in it) is named in messages: its CDK path when it has one."""
        cdk_path = self._cdk_paths.get(logical_id)
        head = f"{cdk_path} (Resources.{logical_id})" if cdk_path else f"Resources.{logical_id}"
        return f"{head}.{path}" if path else head

    def resource_type(self, logical_id: str) -> str | None:
        """The ``Type`` of resource ``logical_id``; None when the template has no such resource."""
        resource = self.resources.get(logical_id)
        kind = resource.get("Type") if resource else None
        return kind if isinstance(kind, str) else None

    def properties(self, logical_id: str) -> dict[str, Any]:
        """The resource's ``Properties`` (empty when it has none)."""
        return _mapping(self.resources[logical_id].get("Properties"))

    def _parameter_values(self, declared: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
        values = {str(name): self._parameter(str(name), _mapping(spec), given) for name, spec in declared.items()}
        for name in PSEUDO_PARAMETERS:
            values[name] = _pseudo(name, given)
        return values

    def _parameter(self, name: str, spec: dict[str, Any], given: dict[str, str]) -> Any:
        kind = str(spec.get("Type", "String"))
        if name in given:
            raw: Any = given[name]
        elif kind.startswith("AWS::SSM::Parameter::Value"):
            return Unresolved(
                (f"parameter '{name}' is read from SSM parameter {spec.get('Default')!r} when the stack is "
                 f"deployed; give --param {name}=VALUE",),
                name,
            )
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            return Unresolved((f"parameter '{name}' has no Default; give --param {name}=VALUE",), name)
        value = _typed(raw, kind)
        self._check_allowed(name, spec, value)
        return value

    def _check_allowed(self, name: str, spec: dict[str, Any], value: Any) -> None:
        allowed = spec.get("AllowedValues")
        if not isinstance(allowed, list):
            return
        texts = [as_text(item) for item in allowed]
        for item in value if isinstance(value, list) else [value]:
            if item not in texts:
                self.conversion.fail(
                    self.file,
                    f"Parameters.{name}",
                    f"value {item!r} is not one of the AllowedValues {texts}; CloudFormation would refuse it: give "
                    f"--param {name}=VALUE with one of them",
                )


def _pseudo(name: str, given: dict[str, str]) -> Any:
    if name == "AWS::NoValue":
        return NO_VALUE
    if name in given:
        return _typed(given[name], "CommaDelimitedList" if name in _LIST_PSEUDO else "String")
    return Unresolved((f"{name} is known only when the stack is deployed; give --param {name}=VALUE",), name)


def _typed(raw: Any, kind: str) -> Any:
    """A parameter value as ``Ref`` returns it: a string, or a list of strings for list types."""
    if kind == "CommaDelimitedList" or kind.startswith("List<"):
        items = raw if isinstance(raw, list) else str(as_text(raw) or "").split(",")
        return [str(as_text(item) or "").strip() for item in items]
    text = as_text(raw)
    return text if text is not None else raw


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
