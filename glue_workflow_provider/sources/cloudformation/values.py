"""What a template value resolves to when it is not plain data: not known statically, or ``AWS::NoValue``.

Resolution never guesses: a value that depends on something known only at deploy time (another stack's
export, an attribute of a deployed resource, a parameter nobody gave) becomes :class:`Unresolved`, which
carries why. :func:`settle` then leaves each such value out of the converted property, with one warning
at its exact place; where a name is required, the caller uses :attr:`Unresolved.stand_in` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unresolved:
    """A value that is not known statically; ``stand_in`` is a readable name for it (a logical id or parameter)."""

    reasons: tuple[str, ...]
    stand_in: str = ""

    @property
    def why(self) -> str:
        """The reasons, as one sentence."""
        return "; ".join(self.reasons)


class _NoValue:
    """``Ref: AWS::NoValue``: the property (or list item) is removed, as CloudFormation does."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()


def unresolved_among(values: Iterable[Any], stand_in: str = "") -> Unresolved | None:
    """One :class:`Unresolved` joining the reasons of every unresolved value among ``values``, if any."""
    found = [value for value in values if isinstance(value, Unresolved)]
    if not found:
        return None
    reasons = tuple(dict.fromkeys(reason for value in found for reason in value.reasons))
    return Unresolved(reasons, stand_in)


def as_text(value: Any) -> str | None:
    """A scalar as CloudFormation turns it into a string (booleans in lower case); None for lists and maps."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


Warn = Callable[[str, str], None]
_DROP = object()


def settle(value: Any, place: str, warn: Warn) -> Any:
    """``value`` with every unresolved part left out (one warning each) and every ``AWS::NoValue`` removed.

    A map or list that only held such parts is left out with them.

    Returns :data:`NO_VALUE` when the whole value is left out.
    """
    result = _settle(value, place, warn)
    return NO_VALUE if result is _DROP else result


def _settle(value: Any, place: str, warn: Warn) -> Any:
    if isinstance(value, Unresolved):
        warn(place, f"could not resolve the value ({value.why}); it is left out")
        return _DROP
    if value is NO_VALUE:
        return _DROP
    if isinstance(value, dict):
        settled = {key: _settle(item, f"{place}.{key}", warn) for key, item in value.items()}
        kept: dict[str, Any] | list[Any] = {key: item for key, item in settled.items() if item is not _DROP}
    elif isinstance(value, list):
        items = [_settle(item, f"{place}[{index}]", warn) for index, item in enumerate(value)]
        kept = [item for item in items if item is not _DROP]
    else:
        return value
    # A map or list emptied by leaving its parts out goes too (each part was warned about).
    return _DROP if value and not kept else kept
