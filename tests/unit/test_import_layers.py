"""The layers of ARCHITECTURE.md hold with no exception: each module imports only its own layer and the ones
to its left (model, sources, semantics, compile, runtime, cli), lazy imports inside functions included.

Read from the source (ast), so a layer break fails here even when the import sits in a function that no other
test calls. Imports only needed for type checking (``if TYPE_CHECKING:``) do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "glue_workflow_provider"

#: Layer ranks. The base (version, errors, provider metadata) is below everything; the job-side file runs
#: inside Glue jobs and imports nothing of the package; ``local`` (the embedded endpoint and local runs) and
#: the public ``api`` sit with the command line above the runtime.
RANKS: dict[str, int] = {
    "__init__": 0,
    "exceptions": 0,
    "version_compat": 0,
    "get_provider_info": 0,
    "jobside": 0,
    "model": 1,
    "sources": 2,
    "semantics": 3,
    "compile": 4,
    "loader": 4,
    "loader_file": 4,
    "runtime": 5,
    "local": 6,
    "api": 7,
    "cli": 7,
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every package import, skipping ``if TYPE_CHECKING:`` blocks."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(line, name) for line, name in found if name.split(".")[0] == "glue_workflow_provider"]


def _violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("glue_workflow_provider", *path.relative_to(PACKAGE).with_suffix("").parts))
        layer = _layer(module.removesuffix(".__init__"))
        assert layer in RANKS, f"{path}: module outside every layer ({layer}); add it to RANKS"
        for line, imported in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = _layer(imported)
            if layer == "jobside" and target != "jobside":
                problems.append(f"{path}:{line}: the job-side file imports {imported} (it must stand alone)")
            elif RANKS[target] > RANKS[layer]:
                problems.append(f"{path}:{line}: {layer} imports {imported} ({target} is to its right)")
    return problems


def test_every_import_goes_to_the_same_layer_or_one_to_its_left() -> None:
    assert _violations() == []


def test_the_check_sees_lazy_imports() -> None:
    tree = ast.parse("def f():\n    from glue_workflow_provider.cli import main\n")
    assert _imports(tree) == [(2, "glue_workflow_provider.cli")]
    guarded = ast.parse("if TYPE_CHECKING:\n    from glue_workflow_provider.cli import main\n")
    assert _imports(guarded) == []


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}, "split these modules (STYLE: small modules whose names say what they hold)"
