"""The docs stay true: the validation-code table is generated from CODES, marked snippets equal the files
they show, relative links resolve, emitted severities match the table, and the IAM policy shown is the one
the runtime's calls need."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from glue_workflow_provider.model.diagnostics import CODES, WARNINGS, codes_table
from glue_workflow_provider.runtime.permissions import policy_document

PROJECT = Path(__file__).resolve().parents[2]
PAGES = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
SNIPPET = re.compile(r"<!-- snippet: (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)```\n", re.S)
LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")


def test_the_validation_code_table_is_generated_from_codes() -> None:
    page = (PROJECT / "docs" / "definitions.md").read_text(encoding="utf-8")
    assert codes_table() in page, "regenerate the table: print(codes_table()) and paste it between the markers"
    assert all(f"| {code} |" in page for code in CODES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_marked_snippets_equal_their_files(page: Path) -> None:
    for match in SNIPPET.finditer(page.read_text(encoding="utf-8")):
        shown = (PROJECT / match["path"]).read_text(encoding="utf-8")
        assert match["body"] == shown, f"{page.name}: the snippet of {match['path']} differs from the file"


def test_the_readme_shows_a_tested_snippet() -> None:
    assert SNIPPET.search((PROJECT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match["target"]
        if re.match(r"[a-z]+:", target):
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def _emitted() -> dict[str, set[str]]:
    """Every code passed to ``warning(...)`` or ``error(...)`` in the package's source."""
    found: dict[str, set[str]] = {"warning": set(), "error": set()}
    for path in (PROJECT / "glue_workflow_provider").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in found:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value in CODES:
                    found[node.func.id].add(first.value)
    return found


def test_the_tables_severities_are_the_emitted_ones() -> None:
    emitted = _emitted()
    assert emitted["warning"] and emitted["error"]
    assert emitted["warning"] <= WARNINGS
    assert not emitted["error"] & WARNINGS


def test_the_iam_policy_shown_is_the_runtimes() -> None:
    assert policy_document() in (PROJECT / "docs" / "airflow.md").read_text(encoding="utf-8")
