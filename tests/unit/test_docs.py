"""The docs stay true: the validation-code table is generated from CODES, marked snippets equal the files
they show, relative links resolve and so do their anchors, every ``docs/X.md#anchor`` the code and tests cite
exists, nothing cites a reference outside the repository, emitted severities match the table, and the IAM
policy shown is the one the runtime's calls need."""

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
#: A Markdown link with an anchor: ``[text](page.md#anchor)``, or ``[text](#anchor)`` within the page.
ANCHORED_LINK = re.compile(r"\]\((?P<target>[^)#\s]*)#(?P<anchor>[^)\s]+)\)")
#: A citation in code, a docstring or a page's text: ``docs/semantics.md#exact-end-states``, ``README.md#x``.
CITATION = re.compile(r"(?<![\w/.-])(?P<page>(?:docs/)?[\w-]+\.md)#(?P<anchor>[\w-]+)")
#: Where citations are looked for: the package, the tests, the benchmarks and the DAG examples.
SOURCES = [path for folder in ("glue_workflow_provider", "tests", "benchmarks", "dags", "scripts")
           for path in sorted((PROJECT / folder).rglob("*")) if path.suffix in (".py", ".md", ".json", ".yaml", "")
           and path.is_file() and "__pycache__" not in path.parts and path != Path(__file__).resolve()]
#: The old ways of citing: numbered sections (a section sign and a number) of a Glue reference kept outside the
#: repository, and README sections by their quoted title, which moved to docs/ and left no trace. (STYLE.md's
#: sections are the code style guide's, for maintainers, and stay.)
OUTSIDE_REFERENCE = re.compile("glue-" + "semantics|(?<!STYLE )(?<!STYLE\\.md )\u00a7\\d")
README_BY_TITLE = re.compile(r"README[, ]+(?:\(|\"|“)")


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


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page: its headings' (outside code fences) and its ``<a id="...">`` tags."""
    found: set[str] = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            slug = _slug(line.lstrip("#"))
            count = sum(1 for a in found if a == slug or re.fullmatch(re.escape(slug) + r"-\d+", a))
            found.add(f"{slug}-{count}" if count else slug)
    return found | set(re.findall(r'<a id="([\w-]+)"></a>', page.read_text(encoding="utf-8")))


def test_anchors_are_found_as_github_makes_them() -> None:
    semantics = anchors(PROJECT / "docs" / "semantics.md")
    assert {"the-rules", "how-triggers-compile", "glues-own-rules-for-reference", "exact-end-states"} <= semantics
    assert "the-seed-example-from-the-aws-glue-developer-guide-workflows-overview-a-schedule-trigger-starts" not in (
        anchors(PROJECT / "README.md"))  # a comment in a code fence is no heading


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_linked_anchors_exist(page: Path) -> None:
    for match in ANCHORED_LINK.finditer(page.read_text(encoding="utf-8")):
        target = page.parent / match["target"] if match["target"] else page
        if re.match(r"[a-z]+:", match["target"]) or target.suffix != ".md":
            continue
        assert match["anchor"] in anchors(target), f"{page.name}: no anchor #{match['anchor']} in {target.name}"


def test_cited_anchors_exist() -> None:
    cited = [(path, m) for path in [*SOURCES, *PAGES] for m in CITATION.finditer(path.read_text(encoding="utf-8"))]
    assert any(m["page"] == "docs/semantics.md" for _, m in cited)
    missing = []
    for path, match in cited:
        page = PROJECT / (match["page"] if "/" in match["page"] or match["page"] == "README.md" else "docs/" + match["page"])
        if not page.exists() or match["anchor"] not in anchors(page):
            missing.append(f"{path.relative_to(PROJECT)}: {match[0]}")
    assert not missing, "cited anchors that do not exist:\n" + "\n".join(missing)


def test_nothing_cites_a_reference_outside_the_repository_or_a_readme_section_by_title() -> None:
    old = [f"{path.relative_to(PROJECT)}: {match[0]!r}" for path in [*SOURCES, *PAGES]
           for pattern in (OUTSIDE_REFERENCE, README_BY_TITLE) for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert not old, "cite docs/PAGE.md#anchor instead of:\n" + "\n".join(old)


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
