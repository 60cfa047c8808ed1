"""``terraform show -json`` documents → resource instances: state (``values``) or plan (``planned_values``).

The values there are already computed by Terraform, in the same shape the HCL reader produces (nested
blocks as lists of objects). In a plan, what is known only after apply (``resource_changes[].change.
after_unknown``) becomes an unknown value, so the mapping warns about it as it does for HCL.
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.terraform.blocks import ResourceInstance
from glue_workflow_provider.sources.terraform.module import GLUE_TYPES
from glue_workflow_provider.sources.terraform.values import Unknown


def show_instances(file: str, document: dict[str, Any], conversion: Conversion) -> list[ResourceInstance]:
    """Every managed Glue resource of the document's root module and child modules."""
    section = document.get("planned_values") or document.get("values")
    if not isinstance(section, dict) or not isinstance(section.get("root_module"), dict):
        conversion.fail(
            file, "(document)",
            "a 'terraform show -json' document has 'values.root_module' (state) or 'planned_values.root_module' "
            "(plan); this one has neither: run 'terraform show -json' after 'terraform apply' or on a plan file",
        )
        return []
    unknown = _after_unknown(document)
    instances: list[ResourceInstance] = []
    for resource in _resources(section["root_module"]):
        kind, address = resource.get("type"), resource.get("address")
        if resource.get("mode", "managed") != "managed" or kind not in GLUE_TYPES or not isinstance(address, str):
            continue
        values = resource.get("values")
        if not isinstance(values, dict):
            conversion.warn(file, address, "the resource has no values: not converted")
            continue
        marked = _mark_unknown(dict(values), unknown.get(address), address)
        instances.append(ResourceInstance(str(kind), address, file, marked))
    return instances


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources of a module and, depth first, of its child modules."""
    found = [item for item in module.get("resources") or [] if isinstance(item, dict)]
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            found.extend(_resources(child))
    return found


def _after_unknown(document: dict[str, Any]) -> dict[str, Any]:
    """``address → after_unknown`` of a plan's resource changes (empty for a state document)."""
    changes = document.get("resource_changes") or []
    return {
        change["address"]: change.get("change", {}).get("after_unknown")
        for change in changes
        if isinstance(change, dict)
        and isinstance(change.get("address"), str)
        and isinstance(change.get("change"), dict)
    }


def _mark_unknown(values: Any, unknown: Any, path: str) -> Any:
    """``values`` with every attribute the plan marks unknown replaced by an :class:`Unknown`."""
    if unknown is True:
        return Unknown(f"the plan knows {path} only after 'terraform apply'")
    if isinstance(unknown, dict) and isinstance(values, dict):
        for key, mark in unknown.items():
            step = f".{key}" if str(key).isidentifier() else f'["{key}"]'
            values[key] = _mark_unknown(values.get(key), mark, path + step)
        return values
    if isinstance(unknown, list) and isinstance(values, list):
        return [
            _mark_unknown(item, unknown[number] if number < len(unknown) else None, f"{path}[{number}]")
            for number, item in enumerate(values)
        ]
    return values
