"""Input variable values in Terraform's order: defaults, tfvars files, ``--var-file``, then ``--var``.

The root module's folder gives ``terraform.tfvars``, ``terraform.tfvars.json`` and ``*.auto.tfvars[.json]``
(lexical order); ``--var`` values are strings unless the variable's type is a collection or ``any``, as
``terraform -var`` reads them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from glue_workflow_provider.exceptions import SourceError
from glue_workflow_provider.sources.terraform.expressions import Scope, evaluate
from glue_workflow_provider.sources.terraform.hcl import Block, HclSourceError, load_json, parse_expression, parse_file
from glue_workflow_provider.sources.terraform.values import EvaluationError, to_bool, to_number, to_string


def _no_references(name: str) -> Any:
    raise EvaluationError(f"'{name}' cannot be used here: variable values and defaults are constants")


CONSTANT_SCOPE = Scope(_no_references)


def auto_var_files(folder: Path) -> list[Path]:
    """The variables files Terraform reads by itself from a root module's folder, in its order."""
    named = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    automatic = sorted(
        [*folder.glob("*.auto.tfvars"), *folder.glob("*.auto.tfvars.json")], key=lambda path: path.name
    )
    return [path for path in [*named, *automatic] if path.is_file()]


def no_value(folder: Path, name: str, where: str) -> str:
    """Why ``var.NAME`` of a module has no value, and what gives it one.

    A root folder often keeps its values in a ``*.tfvars`` that Terraform loads only when told
    (``terraform apply -var-file=prod.tfvars``): such a file that sets the variable is named with the
    ``--var-file`` that passes it.
    """
    setting = [path for path in _unloaded_var_files(folder) if name in _names_set(path)]
    if not setting:
        return f"var.{name} has no value: give it a default or {where} ({name}=VALUE)"
    files = ", ".join(path.name for path in setting)
    sets = "sets" if len(setting) == 1 else "set"
    return (
        f"var.{name} has no value: {files} in {folder} {sets} it, but Terraform loads only terraform.tfvars "
        f"and *.auto.tfvars by itself; give --var-file {setting[0]}"
        + (" (or the file of the environment you deploy)" if len(setting) > 1 else "")
    )


def _unloaded_var_files(folder: Path) -> list[Path]:
    """The variables files in ``folder`` that Terraform does not read by itself."""
    loaded = set(auto_var_files(folder))
    found = [*folder.glob("*.tfvars"), *folder.glob("*.tfvars.json")]
    return sorted((path for path in found if path not in loaded and path.is_file()), key=lambda path: path.name)


@functools.lru_cache(maxsize=64)
def _names_set(path: Path) -> frozenset[str]:
    """The variable names a variables file sets (none when it cannot be read)."""
    try:
        return frozenset(read_var_file(path))
    except (HclSourceError, OSError, ValueError):
        return frozenset()


def read_var_file(path: Path) -> dict[str, Any]:
    """The values of one ``.tfvars`` (HCL) or ``.tfvars.json`` file."""
    if path.name.endswith(".json"):
        return load_json(path)
    values: dict[str, Any] = {}
    for name, attribute in parse_file(path).attributes.items():
        try:
            values[name] = evaluate(attribute.expression, CONSTANT_SCOPE)
        except EvaluationError as exc:
            raise HclSourceError(path, name, f"not a constant value: {exc}") from exc
    return values


def type_kind(declaration: Block | None) -> str:
    """``string``, ``number``, ``bool``, ``collection`` (list, map, object, ``any``...) or ``none`` (no type)."""
    if declaration is None or "type" not in declaration.body.attributes:
        return "none"
    text = declaration.body.attributes["type"].text.strip()
    return text if text in ("string", "number", "bool") else "collection"


def parse_cli_value(name: str, text: str, declaration: Block | None) -> Any:
    """A ``--var NAME=TEXT`` value, read as ``terraform -var`` reads it for the variable's type."""
    kind = type_kind(declaration)
    try:
        if kind == "number":
            return to_number(text)
        if kind == "bool":
            return to_bool(text)
        if kind == "collection":
            return evaluate(parse_expression(text, Path(f"--var {name}")), CONSTANT_SCOPE)
    except (EvaluationError, HclSourceError) as exc:
        detail = exc.detail if isinstance(exc, HclSourceError) else str(exc)
        raise SourceError(f"--var {name}={text}: not a valid {kind} value: {detail}") from exc
    return text


def convert(value: Any, declaration: Block | None) -> Any:
    """A value converted to the variable's primitive type, as Terraform converts it."""
    kind = type_kind(declaration)
    try:
        if kind == "string" and isinstance(value, bool | int | float):
            return to_string(value)
        if kind == "number" and isinstance(value, str):
            return to_number(value)
        if kind == "bool" and isinstance(value, str):
            return to_bool(value)
    except EvaluationError:
        return value
    return value


def root_values(
    folder: Path, declarations: dict[str, Block], given: dict[str, str], var_files: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every value set for the root module's variables, later sources winning (``var_files`` already read)."""
    values: dict[str, Any] = {}
    for path in auto_var_files(folder):
        values.update(read_var_file(path))
    for file_values in var_files:
        values.update(file_values)
    for name, text in given.items():
        values[name] = parse_cli_value(name, text, declarations.get(name))
    return values
