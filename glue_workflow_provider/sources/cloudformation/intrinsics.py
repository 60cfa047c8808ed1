"""Intrinsic functions resolved wherever their values are known statically (Ref, Fn::Sub, Fn::Join ...).

What depends on a deployed stack (``Fn::ImportValue``, ``Fn::GetAZs``, attributes of resources other than a
Glue resource's name, custom resources) comes out :class:`Unresolved` with the reason; nothing is guessed.
Conditions (``Fn::Equals``/``Not``/``And``/``Or``/``Condition``) are evaluated in :mod:`.conditions`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from glue_workflow_provider.sources.cloudformation.conditions import Conditions
from glue_workflow_provider.sources.cloudformation.names import Names
from glue_workflow_provider.sources.cloudformation.template import Template
from glue_workflow_provider.sources.cloudformation.values import NO_VALUE, Unresolved, as_text, unresolved_among

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
#: Functions whose value only a deployed stack knows (or that convert does not evaluate).
_DEPLOY_TIME = {
    "Fn::GetAZs": "the Availability Zones of a region are known only when the stack is deployed",
    "Fn::Cidr": "Fn::Cidr is not evaluated by convert",
    "Fn::Transform": "macros (Fn::Transform) run only when the stack is deployed",
    "Fn::Length": "Fn::Length is not evaluated by convert",
    "Fn::ToJsonString": "Fn::ToJsonString is not evaluated by convert",
}


class Resolver:
    """Resolves the intrinsic functions in a template's values; one per template."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.names = Names(template, self.resolve)
        self.conditions = Conditions(template, self.resolve)
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
            "Fn::ImportValue": self._import_value,
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function replaced by its value, :class:`Unresolved` or NO_VALUE."""
        if isinstance(value, dict):
            if len(value) == 1:
                (key, argument), = value.items()
                if key in self._functions:
                    return self._functions[key](argument)
                if key in _DEPLOY_TIME or key in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
                    return Unresolved((_DEPLOY_TIME.get(key, f"{key} is allowed only in Conditions and Fn::If"),))
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [item for item in (self.resolve(item) for item in value) if item is not NO_VALUE]
        return value

    def _ref(self, argument: Any) -> Any:
        name = self.resolve(argument)
        if not isinstance(name, str):
            return unresolved_among([name]) or Unresolved((f"Ref needs a name, not {name!r}",))
        if name in self.template.parameters:
            return self.template.parameters[name]
        return self.names.reference(name)

    def _get_att(self, argument: Any) -> Any:
        parts = self.resolve(argument)
        if isinstance(parts, str):
            parts = parts.split(".", 1)
        missing = unresolved_among(parts if isinstance(parts, list) else [parts])
        if missing or not isinstance(parts, list) or len(parts) != 2:
            return missing or Unresolved((f"Fn::GetAtt needs [Resource, Attribute], not {parts!r}",))
        return self.names.attribute(str(parts[0]), str(parts[1]))

    def _sub(self, argument: Any) -> Any:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text, variables = argument[0], {str(k): self.resolve(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}
        text = self.resolve(text)
        if not isinstance(text, str):
            return unresolved_among([text]) or Unresolved((f"Fn::Sub needs a string, not {text!r}",))
        pieces: list[Any] = []
        position = 0
        for match in _SUB_VARIABLE.finditer(text):
            pieces.append(text[position:match.start()])
            pieces.append(self._sub_variable(match.group(1), variables))
            position = match.end()
        pieces.append(text[position:])
        return _joined(pieces, "")

    def _sub_variable(self, name: str, variables: dict[str, Any]) -> Any:
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        name = name.strip()
        if name in variables:
            return variables[name]
        head, dot, attribute = name.partition(".")
        if dot and head not in self.template.parameters and self.template.resource_type(head):
            return self.names.attribute(head, attribute)
        return self._ref(name)

    def _join(self, argument: Any) -> Any:
        resolved = self.resolve(argument)
        if not isinstance(resolved, list) or len(resolved) != 2:
            return unresolved_among([resolved]) or Unresolved((f"Fn::Join needs [delimiter, list], not {resolved!r}",))
        delimiter, items = resolved
        if not isinstance(items, list) or not isinstance(delimiter, str):
            return unresolved_among([delimiter, items]) or Unresolved(("Fn::Join needs a string and a list",))
        return _joined(items, delimiter)

    def _select(self, argument: Any) -> Any:
        resolved = self.resolve(argument)
        if not isinstance(resolved, list) or len(resolved) != 2:
            return unresolved_among([resolved]) or Unresolved((f"Fn::Select needs [index, list], not {resolved!r}",))
        index, items = resolved
        missing = unresolved_among([index, items])
        if missing:
            return missing
        text = as_text(index)
        if not isinstance(items, list) or text is None or not text.isdigit() or int(text) >= len(items):
            return Unresolved((f"Fn::Select index {index!r} is not in the list {items!r}",))
        return items[int(text)]

    def _split(self, argument: Any) -> Any:
        resolved = self.resolve(argument)
        if not isinstance(resolved, list) or len(resolved) != 2:
            return unresolved_among([resolved]) or Unresolved(
                (f"Fn::Split needs [delimiter, string], not {resolved!r}",)
            )
        delimiter, source = resolved
        missing = unresolved_among([delimiter, source])
        if missing:
            return missing
        if not isinstance(delimiter, str) or not isinstance(source, str) or not delimiter:
            return Unresolved((f"Fn::Split needs a delimiter and a string, not {resolved!r}",))
        return source.split(delimiter)

    def _if(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return Unresolved((f"Fn::If needs [condition, value if true, value if false], not {argument!r}",))
        holds = self.conditions.holds(argument[0])
        if isinstance(holds, Unresolved):
            return holds
        return self.resolve(argument[1] if holds else argument[2])

    def _find_in_map(self, argument: Any) -> Any:
        resolved = self.resolve(argument)
        if not isinstance(resolved, list) or len(resolved) not in (3, 4):
            return unresolved_among([resolved]) or Unresolved(
                (f"Fn::FindInMap needs [map, top-level key, second-level key], not {resolved!r}",)
            )
        missing = unresolved_among(resolved[:3])
        if missing:
            return missing
        map_name, top, second = (as_text(part) for part in resolved[:3])
        found = self.template.mappings.get(str(map_name), {})
        found = found.get(top, {}) if isinstance(found, dict) else {}
        if isinstance(found, dict) and second in found:
            return self.resolve(found[second])
        if len(resolved) == 4 and isinstance(resolved[3], dict) and "DefaultValue" in resolved[3]:
            return resolved[3]["DefaultValue"]
        return Unresolved((f"Mappings.{map_name} has no entry {top}.{second}",))

    def _base64(self, argument: Any) -> Any:
        text = self.resolve(argument)
        if not isinstance(text, str):
            return unresolved_among([text]) or Unresolved((f"Fn::Base64 needs a string, not {text!r}",))
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    def _import_value(self, argument: Any) -> Any:
        name = self.resolve(argument)
        shown = name if isinstance(name, str) else "(a computed name)"
        return Unresolved(
            (f"Fn::ImportValue {shown!r} is another stack's export, known only when the stacks are deployed",),
            name if isinstance(name, str) else "",
        )


def _joined(items: list[Any], delimiter: str) -> Any:
    """The items joined as strings; unresolved when any item is (its stand-in joins the items' stand-ins)."""
    missing = unresolved_among(items)
    if missing:
        stand_in = delimiter.join(
            item.stand_in if isinstance(item, Unresolved) else str(as_text(item)) for item in items
        )
        return Unresolved(missing.reasons, stand_in)
    texts = [as_text(item) for item in items]
    if any(text is None for text in texts):
        return Unresolved((f"cannot join {items!r} into a string (an item is a list or a map)",))
    return delimiter.join(str(text) for text in texts)
