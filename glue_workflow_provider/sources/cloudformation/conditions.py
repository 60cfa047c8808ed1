"""The template's ``Conditions`` (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition), evaluated once each.

A condition decides whether a resource is created (its ``Condition`` attribute) and which branch of an
``Fn::If`` applies. One that depends on a value not known statically (a pseudo parameter, a parameter with
no default) is :class:`Unresolved`: the caller says so rather than picking a branch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glue_workflow_provider.sources.cloudformation.template import Template
from glue_workflow_provider.sources.cloudformation.values import Unresolved, as_text, unresolved_among

Truth = bool | Unresolved


class Conditions:
    """Evaluates a template's named conditions (memoised; a condition that refers to itself is unresolved)."""

    def __init__(self, template: Template, resolve: Callable[[Any], Any]) -> None:
        self.template = template
        self._resolve = resolve
        self._known: dict[str, Truth] = {}
        self._evaluating: set[str] = set()

    def holds(self, name: Any) -> Truth:
        """Whether the named condition is true."""
        if not isinstance(name, str):
            return Unresolved((f"a condition is named by a string, not {name!r}",))
        if name in self._known:
            return self._known[name]
        if name not in self.template.conditions:
            return Unresolved((f"condition '{name}' is not in the template's Conditions",))
        if name in self._evaluating:
            return Unresolved((f"condition '{name}' refers to itself",))
        self._evaluating.add(name)
        result = self._evaluate(self.template.conditions[name])
        self._evaluating.discard(name)
        if isinstance(result, Unresolved):
            result = Unresolved((f"condition '{name}' cannot be evaluated: {result.why}",))
        self._known[name] = result
        return result

    def _evaluate(self, expression: Any) -> Truth:
        if not isinstance(expression, dict) or len(expression) != 1:
            return Unresolved((f"{expression!r} is not a condition function",))
        (function, argument), = expression.items()
        if function == "Condition":
            return self.holds(argument)
        if function == "Fn::Equals":
            return self._equals(argument)
        if not isinstance(argument, list):
            return Unresolved((f"{function} needs a list of conditions",))
        parts = [self._evaluate(part) for part in argument]
        if function == "Fn::Not" and len(parts) == 1:
            return parts[0] if isinstance(parts[0], Unresolved) else not parts[0]
        if function == "Fn::And":
            return False if False in parts else (unresolved_among(parts) or True)
        if function == "Fn::Or":
            return True if True in parts else (unresolved_among(parts) or False)
        return Unresolved((f"{function} is not a condition function",))

    def _equals(self, argument: Any) -> Truth:
        values = self._resolve(argument)
        if not isinstance(values, list) or len(values) != 2:
            return unresolved_among([values]) or Unresolved((f"Fn::Equals needs two values, not {values!r}",))
        missing = unresolved_among(values)
        if missing:
            return missing
        left, right = (as_text(value) if as_text(value) is not None else value for value in values)
        return bool(left == right)
