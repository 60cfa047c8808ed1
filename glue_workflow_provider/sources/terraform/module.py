"""One Terraform module: its variables, locals, resources, outputs and module calls, evaluated on demand.

Names are resolved lazily and memoised, so resources may refer to each other in any file order; a local
module (``source = "./etl"``) is read as a child with its inputs and an address prefix (``module.etl.``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glue_workflow_provider.sources.conversion import Conversion
from glue_workflow_provider.sources.terraform.blocks import ResourceInstance, evaluate_attribute, evaluate_body
from glue_workflow_provider.sources.terraform.expressions import Scope
from glue_workflow_provider.sources.terraform.hcl import Attribute, Block, parse_file
from glue_workflow_provider.sources.terraform.references import (
    DataSource,
    MissingResource,
    Namespace,
    ResourceObject,
    instance_key,
)
from glue_workflow_provider.sources.terraform.traversal import iterate
from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown
from glue_workflow_provider.sources.terraform.variables import CONSTANT_SCOPE, convert, no_value

#: The resource types the converter maps (everything else is evaluated only when referred to).
GLUE_TYPES = ("aws_glue_workflow", "aws_glue_trigger", "aws_glue_job", "aws_glue_crawler")


@dataclass
class Declarations:
    """What a module's files declare, by name."""

    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Attribute] = field(default_factory=dict)


def declarations(files: list[Path], conversion: Conversion) -> Declarations:
    """Read ``files`` and index their top-level blocks (a duplicate is reported and the first kept)."""
    found = Declarations()
    for path in files:
        for block in parse_file(path).blocks:
            _declare(found, block, conversion)
    return found


def _declare(found: Declarations, block: Block, conversion: Conversion) -> None:
    kind, labels = block.type, block.labels
    if kind == "variable" and labels:
        found.variables.setdefault(labels[0], block)
    elif kind == "locals":
        found.locals.update({name: attr for name, attr in block.body.attributes.items() if name not in found.locals})
    elif kind == "resource" and len(labels) == 2:
        key = (labels[0], labels[1])
        if key in found.resources:
            conversion.warn(str(block.file), ".".join(key), "declared twice; the first declaration is used")
        found.resources.setdefault(key, block)
    elif kind == "module" and labels:
        found.modules.setdefault(labels[0], block)
    elif kind == "output" and labels and "value" in block.body.attributes:
        found.outputs.setdefault(labels[0], block.body.attributes["value"])


class Module:
    """A module instance: ``inputs`` are its variables' values, ``prefix`` starts its resource addresses."""

    def __init__(
        self,
        files: list[Path],
        folder: Path,
        inputs: dict[str, Any],
        prefix: str,
        conversion: Conversion,
        key: Any = None,
        workspace: Workspace | None = None,
    ) -> None:
        self.folder, self.inputs, self.prefix, self.conversion = folder, inputs, prefix, conversion
        self.key = key
        self.workspace = workspace or Workspace.of(folder)
        self.declared = declarations(files, conversion)
        self.scope = Scope(self._root)
        self._locals: dict[str, Any] = {}
        self._resources: dict[tuple[str, str], list[tuple[Any, ResourceInstance]]] = {}
        self._modules: dict[str, Any] = {}
        self._busy: set[str] = set()

    def instances(self) -> list[ResourceInstance]:
        """Every Glue resource instance of this module and of the local modules it calls."""
        found = [
            instance
            for key in self.declared.resources
            if key[0] in GLUE_TYPES
            for _key, instance in self._expand(key)
        ]
        for name in self.declared.modules:
            for child in self._children(name):
                found.extend(child.instances())
        return found

    # Names -----------------------------------------------------------------------------------------------
    def _root(self, name: str) -> Any:
        if name == "var":
            return Namespace("var", self._variable)
        if name == "local":
            return Namespace("local", self._local)
        if name == "module":
            return Namespace("module", self._module_value)
        if name == "data":
            return Namespace("data", lambda kind: Namespace(kind, lambda item: DataSource(f"data.{kind}.{item}")))
        if name == "path":
            return {"module": str(self.folder), "root": str(self.folder), "cwd": str(Path.cwd())}
        if name == "terraform":
            return Namespace("terraform", self._terraform)
        if name in ("count", "each", "self"):
            raise EvaluationError(f"'{name}' is only valid inside a resource with count or for_each")
        return Namespace(name, lambda item: self._resource_value(name, item))

    def _terraform(self, name: str) -> Any:
        """``terraform.workspace`` is the root's workspace (as Terraform picks it); the rest is unknown."""
        if name == "workspace":
            return self.workspace.value(self.conversion)
        return Unknown(f"terraform.{name} is set when Terraform runs", f"${{terraform.{name}}}")

    def _variable(self, name: str) -> Any:
        declaration = self.declared.variables.get(name)
        if name in self.inputs:
            return convert(self.inputs[name], declaration)
        if declaration is not None and "default" in declaration.body.attributes:
            return evaluate_attribute(declaration.body.attributes["default"], CONSTANT_SCOPE)
        where = "a module input" if self.prefix else "a tfvars entry, --var-file or --var"
        return Unknown(no_value(self.folder, name, where), f"${{var.{name}}}")

    def _local(self, name: str) -> Any:
        if name not in self._locals:
            attribute = self.declared.locals.get(name)
            if attribute is None:
                raise EvaluationError(f"local.{name} is not declared")
            with self._guard(f"local.{name}"):
                self._locals[name] = evaluate_attribute(attribute, self.scope)
        return self._locals[name]

    # Resources -------------------------------------------------------------------------------------------
    def _resource_value(self, kind: str, name: str) -> Any:
        block = self.declared.resources.get((kind, name))
        address = f"{self.prefix}{kind}.{name}"
        if block is None:
            return MissingResource(address, kind)
        expanded = self._expand((kind, name))
        objects = [(key, ResourceObject(kind, inst.address, inst.values)) for key, inst in expanded]
        if "count" in block.body.attributes:
            return [item for _key, item in objects]
        if "for_each" in block.body.attributes:
            return {str(key): item for key, item in objects}
        return objects[0][1] if objects else Unknown(f"{address} has no instance")

    def _expand(self, key: tuple[str, str]) -> list[tuple[Any, ResourceInstance]]:
        if key not in self._resources:
            block = self.declared.resources[key]
            address = f"{self.prefix}{key[0]}.{key[1]}"
            with self._guard(address):
                self._resources[key] = [
                    (item, ResourceInstance(key[0], address + instance_key(item), str(block.file),
                                            evaluate_body(block.body, scope)))
                    for item, scope in self._repetitions(block, address)
                ]
        return self._resources[key]

    def _repetitions(self, block: Block, address: str) -> list[tuple[Any, Scope]]:
        """One (key, scope) per instance of a block with ``count``, ``for_each`` or neither."""
        attributes = block.body.attributes
        if "count" in attributes:
            count = evaluate_attribute(attributes["count"], self.scope)
            if isinstance(count, Unknown) or not isinstance(count, int) or isinstance(count, bool):
                why = count.reason if isinstance(count, Unknown) else f"count is not a whole number ({count!r})"
                self.conversion.warn(str(block.file), address, f"count: {why}; its instances are left out")
                return []
            return [(index, self.scope.child({"count": {"index": index}})) for index in range(count)]
        if "for_each" in attributes:
            collection = evaluate_attribute(attributes["for_each"], self.scope)
            if isinstance(collection, Unknown) or not isinstance(collection, dict | list):
                why = collection.reason if isinstance(collection, Unknown) else "it is not a map or a set"
                self.conversion.warn(str(block.file), address, f"for_each: {why}; its instances are left out")
                return []
            pairs = iterate(collection) if isinstance(collection, dict) else ((v, v) for v in collection)
            return [(str(k), self.scope.child({"each": {"key": str(k), "value": v}})) for k, v in pairs]
        return [(None, self.scope)]

    # Modules ---------------------------------------------------------------------------------------------
    def _module_value(self, name: str) -> Any:
        if name not in self.declared.modules:
            raise EvaluationError(f"module.{name} is not declared")
        block = self.declared.modules[name]
        children = self._children(name)
        objects = [Namespace(f"module.{name}", child.output) for child in children]
        if not children and self._modules.get(name) is None:
            return Unknown(f"module.{name} is not read (its source is not a local path)")
        if "count" in block.body.attributes:
            return objects
        if "for_each" in block.body.attributes:
            return {str(child.key): obj for child, obj in zip(children, objects, strict=True)}
        return objects[0] if objects else Unknown(f"module.{name} has no instance")

    def _children(self, name: str) -> list[Module]:
        if name not in self._modules:
            self._modules[name] = self._read_children(name)
        return self._modules[name] or []

    def _read_children(self, name: str) -> list[Module] | None:
        block = self.declared.modules[name]
        address = f"{self.prefix}module.{name}"
        source_attribute = block.body.attributes.get("source")
        source = evaluate_attribute(source_attribute, CONSTANT_SCOPE) if source_attribute else None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            self.conversion.warn(
                str(block.file), address,
                f"module source {source!r} is not a local path: not followed, its resources are not converted "
                "(run 'terraform init' and convert the downloaded module folder, or 'terraform show -json')",
            )
            return None
        folder = self.folder / source
        files = sorted(folder.glob("*.tf"))
        if not files:
            self.conversion.warn(str(block.file), address, f"module folder {folder} has no .tf files")
            return None
        children = []
        for key, scope in self._repetitions(block, address):
            inputs = {
                arg: evaluate_attribute(attribute, scope)
                for arg, attribute in block.body.attributes.items()
                if arg not in ("source", "version", "providers", "count", "for_each", "depends_on")
            }
            prefix = f"{address}{instance_key(key)}."
            children.append(Module(files, folder, inputs, prefix, self.conversion, key, self.workspace))
        return children

    def output(self, name: str) -> Any:
        """``module.NAME.OUTPUT`` as the calling module sees it."""
        attribute = self.declared.outputs.get(name)
        if attribute is None:
            raise EvaluationError(f"the module has no output '{name}'")
        with self._guard(f"output.{name}"):
            return evaluate_attribute(attribute, self.scope)

    def _guard(self, what: str) -> _Guard:
        return _Guard(self._busy, what)


@dataclass
class Workspace:
    """The root module's ``terraform.workspace``: ``TF_WORKSPACE``, else ``.terraform/environment``, else default.

    That is Terraform's own order; taking ``default`` is said once, since the workspace applied may differ.
    """

    name: str
    folder: Path
    assumed: bool
    said: bool = False

    @classmethod
    def of(cls, folder: Path) -> Workspace:
        """The workspace Terraform would select in ``folder`` now."""
        chosen = os.environ.get("TF_WORKSPACE", "").strip()
        environment = folder / ".terraform" / "environment"
        if not chosen and environment.is_file():
            chosen = environment.read_text(encoding="utf-8").strip()
        return cls(chosen or "default", folder, assumed=not chosen)

    def value(self, conversion: Conversion) -> str:
        """The workspace name, warning once when it is Terraform's default rather than a chosen one."""
        if self.assumed and not self.said:
            self.said = True
            conversion.warn(
                str(self.folder), "terraform.workspace",
                "taken as 'default' (no TF_WORKSPACE and no .terraform/environment here): set TF_WORKSPACE=NAME "
                "to convert the configuration as another workspace applies it",
            )
        return self.name


class _Guard:
    """Detects a value that depends on itself (Terraform reports a cycle)."""

    def __init__(self, busy: set[str], what: str) -> None:
        self.busy, self.what = busy, what

    def __enter__(self) -> None:
        if self.what in self.busy:
            raise EvaluationError(f"{self.what} depends on itself (a cycle)")
        self.busy.add(self.what)

    def __exit__(self, *exc: object) -> None:
        self.busy.discard(self.what)
