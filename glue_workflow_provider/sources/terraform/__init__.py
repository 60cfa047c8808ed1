"""Terraform → Glue workflow definitions: HCL2 root modules and ``terraform show -json`` documents.

``read_terraform`` evaluates a configuration statically (variables, locals, references, ``count``,
``for_each``, ``dynamic`` blocks, local modules); ``read_terraform_show`` reads the values Terraform already
computed. Both map the Glue resources onto the authored form (``mapping.py``) and warn about whatever they
could not take over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.terraform.hcl import HclSourceError
from glue_workflow_provider.sources.terraform.mapping import convert_instances
from glue_workflow_provider.sources.terraform.module import Module
from glue_workflow_provider.sources.terraform.show import show_instances
from glue_workflow_provider.sources.terraform.variables import read_var_file, root_values

__all__ = ["read_terraform", "read_terraform_show"]


def read_terraform(paths: list[Path], variables: dict[str, str], var_files: list[Path]) -> Conversion:
    """Each path (a ``.tf`` file, or a folder: one root module) → its Glue workflows.

    :param variables: ``--var NAME=VALUE`` values (strings; collections are parsed as ``terraform -var`` does).
    :param var_files: ``--var-file`` files (HCL ``.tfvars`` or JSON), applied after the folder's own tfvars.
    :raises SourceError: a ``--var`` or ``--var-file`` that cannot be read (a usage error); a source file that
        cannot be read or parsed is an error in the conversion instead, and the other paths are still read.
    """
    conversion = Conversion()
    given_files = [read_var_file(path) for path in var_files]
    for path in paths:
        try:
            _read_root(path, variables, given_files, conversion)
        except HclSourceError as exc:
            conversion.fail(exc.file, exc.place, f"{exc.detail}; nothing of {path} is converted")
    return conversion


def _read_root(path: Path, variables: dict[str, str], var_files: list[dict[str, Any]], conversion: Conversion) -> None:
    """One root module (a folder) or one ``.tf`` file (with its folder's tfvars)."""
    folder, files = (path, sorted(path.glob("*.tf"))) if path.is_dir() else (path.parent, [path])
    if path.is_dir():
        for skipped in sorted(path.glob("*.tf.json")):
            conversion.warn(str(skipped), "(file)", "Terraform JSON syntax (.tf.json) is not read: not converted")
    if not files:
        conversion.fail(str(path), "(folder)", "no .tf files here: give a Terraform root module folder or file")
        return
    module = Module(files, folder, {}, "", conversion)
    module.inputs = root_values(folder, module.declared.variables, variables, var_files)
    convert_instances(module.instances(), conversion)


def read_terraform_show(file: str, document: dict[str, Any]) -> Conversion:
    """A ``terraform show -json`` document (state or plan) → its Glue workflows."""
    conversion = Conversion()
    convert_instances(show_instances(file, document, conversion), conversion)
    return conversion
