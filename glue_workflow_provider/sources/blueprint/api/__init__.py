"""An ``awsglue.blueprint``-compatible library: the classes a layout builds
(docs/semantics.md#the-blueprint-librarys-classes, docs/semantics.md#how-dependson-becomes-triggers).

Only the child process that runs a layout maps these modules to the names
``awsglue.blueprint.*`` (``runner.install_awsglue``); nothing is installed as a
top-level ``awsglue`` package.
"""

#: The library's module names, and the module of this package that stands for each.
MODULES = {
    f"awsglue.blueprint.{name}": f"glue_workflow_provider.sources.blueprint.api.{name}"
    for name in ("base_resource", "job", "crawler", "workflow")
}
