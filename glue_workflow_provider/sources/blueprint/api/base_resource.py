"""``awsglue.blueprint.base_resource``: what Job, Crawler and Workflow share (fields
checked by a validator table).

Each resource has ``_validator``: field -> (type, required). As in the library,
``to_json`` returns the fields set, under their Glue API names; ``validate`` raises at
the first problem. Fields a layout passed that the library does not keep are recorded in
``_dropped`` (never part of ``to_json``) so the command can warn.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BaseResource"]


class BaseResource:
    """A Glue entity built by a layout; attributes are the Glue API fields the library
    keeps."""

    _validator: dict[str, tuple[type, bool]]
    _kind = "Resource"
    #: (field, why) for each field a layout passed that the library did not keep.
    _dropped: list[tuple[str, str]]

    def __init__(self, **kwargs: Any) -> None:
        self.__dict__["_dropped"] = []
        self._take(kwargs)

    def _take(self, kwargs: dict[str, Any]) -> None:
        """Set every validator field from ``kwargs``; record the keys the library would
        not keep."""
        for key in kwargs:
            if key not in self._validator:
                self._dropped.append(
                    (
                        key,
                        "is not a field of the library's " + self._kind + " (dropped)",
                    )
                )
        for key in self._validator:
            setattr(self, key, kwargs.get(key))

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self._validator:
            self.__dict__[key] = value

    def __getattr__(self, name: str) -> Any:
        """Called only for a field that is not set: as in the library, it is absent."""
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def _getMissingFields(self) -> list[str]:  # noqa: N802 - the library's name
        """The required fields that are not set."""
        return [
            field
            for field, (_, required) in self._validator.items()
            if required and field not in self.__dict__
        ]

    def _check_types(self) -> None:
        """Raise TypeError for the first set field whose value is not of the validator's
        type."""
        for field, (expected, _) in self._validator.items():
            if field not in self.__dict__ or self.__dict__[field] is None:
                continue
            value = self.__dict__[field]
            accepted = (int, float) if expected is float else (expected,)
            if not isinstance(value, accepted) or (
                expected is not bool and isinstance(value, bool)
            ):
                raise TypeError(
                    f"{self._kind} {self.__dict__.get('Name')!r}: {field} must be of "
                    f"type {expected.__name__}, "
                    f"got {type(value).__name__}"
                )

    def validate(self) -> bool:
        """Raise at the first missing required field or wrongly typed value; True
        otherwise."""
        missing = self._getMissingFields()
        if missing:
            raise TypeError(f"Required {self._kind} Fields were missing: {missing}")
        self._check_types()
        return True

    def to_json(self) -> dict[str, Any]:
        """The fields set, under their Glue API names (``DependsOn`` still keyed by
        objects)."""
        return {
            key: value for key, value in self.__dict__.items() if key in self._validator
        }


class TruthyResource(BaseResource):
    """Job and Crawler: the library stores a field only when its value is truthy (0,
    False, "" are dropped)."""

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self._validator and value:
            self.__dict__[key] = value
        elif key in self._validator and value is not None and value not in ("", {}, []):
            self._dropped.append(
                (key, f"= {value!r} is dropped: the library keeps only truthy values")
            )


def check_choice(
    kind: str, name: object, field: str, value: object, allowed: tuple[str, ...]
) -> None:
    """Raise ValueError when ``value`` is not one of ``allowed`` (the library's nested
    checks)."""
    if value not in allowed:
        raise ValueError(
            f"{kind} {name!r}: {field} must be one of {list(allowed)}, got {value!r}"
        )
