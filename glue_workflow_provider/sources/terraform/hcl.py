"""HCL2 files as blocks and attributes, parsed by python-hcl2 into its Lark tree (expressions stay trees).

python-hcl2's dictionary form turns every expression into a string such as ``"${var.x}"``, which would have
to be parsed again; its Lark parse tree keeps the expression structure, so the evaluator walks that instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from glue_workflow_provider.exceptions import SourceError


class HclSourceError(SourceError):
    """A file that cannot be read or parsed: ``file``, the ``place`` in it and what is wrong."""

    def __init__(self, file: Path | str, place: str, detail: str) -> None:
        super().__init__(f"{file}: {place}: {detail}")
        self.file, self.place, self.detail = str(file), place, detail


@dataclass(frozen=True)
class Attribute:
    """``name = expression`` in a body; ``text`` is the expression as written (for messages and stand-ins)."""

    name: str
    expression: Tree[Token]
    text: str
    line: int


@dataclass
class Body:
    """The attributes and nested blocks of a file or block, in source order."""

    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, kind: str) -> list[Block]:
        """The nested blocks of one type."""
        return [block for block in self.blocks if block.type == kind]


@dataclass
class Block:
    """``type "label" ... { body }``, and the file it is in."""

    type: str
    labels: list[str]
    body: Body
    file: Path
    line: int


def parse_text(text: str, path: Path) -> Body:
    """Parse HCL2 ``text`` (from ``path``) into a body; a syntax error names the file and line."""
    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError as exc:
        line = getattr(exc, "line", None)
        where = f"line {line}" if isinstance(line, int) else "(file)"
        raise HclSourceError(path, where, f"not valid HCL2 (Terraform) syntax: {_first_line(exc)}") from exc
    body = next(child for child in tree.children if isinstance(child, Tree) and child.data == "body")
    return _body(body, text, path)


def parse_file(path: Path) -> Body:
    """Parse one ``.tf`` or ``.tfvars`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HclSourceError(path, "(file)", f"cannot be read: {exc}") from exc
    return parse_text(text, path)


def parse_expression(text: str, path: Path) -> Tree[Token]:
    """One expression given outside a file (a ``--var`` value of a list or map type)."""
    body = parse_text(f"value = {text}", path)
    if "value" not in body.attributes:
        raise HclSourceError(path, "(value)", f"'{text}' is not a Terraform expression")
    return body.attributes["value"].expression


def load_json(path: Path) -> dict[str, Any]:
    """A ``.tfvars.json`` file: a JSON object of variable values."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HclSourceError(path, "(file)", f"not a readable JSON variables file: {exc}") from exc
    if not isinstance(data, dict):
        raise HclSourceError(path, "(file)", "a JSON variables file holds one object of variable values")
    return data


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _body(tree: Tree[Token], text: str, path: Path) -> Body:
    body = Body()
    for child in tree.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            attribute = _attribute(child, text)
            body.attributes[attribute.name] = attribute
        elif child.data == "block":
            body.blocks.append(_block(child, text, path))
    return body


def _attribute(tree: Tree[Token], text: str) -> Attribute:
    name_node, expression = tree.children[0], tree.children[-1]
    assert isinstance(name_node, Tree) and isinstance(expression, Tree)
    meta = expression.meta
    source = text[meta.start_pos : meta.end_pos] if not meta.empty else ""
    return Attribute(token_text(name_node), expression, source.strip(), tree.meta.line if not tree.meta.empty else 0)


def _block(tree: Tree[Token], text: str, path: Path) -> Block:
    parts = [child for child in tree.children if isinstance(child, Tree)]
    body = next(part for part in parts if part.data == "body")
    heads = [part for part in parts if part.data in ("identifier", "keyword", "literal_value", "string")]
    kind, labels = token_text(heads[0]), [token_text(head) for head in heads[1:]]
    return Block(kind, labels, _body(body, text, path), path, tree.meta.line if not tree.meta.empty else 0)


def subtrees(node: Tree[Token]) -> list[Tree[Token]]:
    """The child trees of ``node``, without comments and new lines."""
    return [child for child in node.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]


def tokens(node: Tree[Token]) -> list[Token]:
    """The child tokens of ``node``."""
    return [child for child in node.children if isinstance(child, Token)]


def token_text(tree: Tree[Token]) -> str:
    """The text of a name or of a plain quoted label (``identifier``, ``keyword`` or ``string``)."""
    if tree.data == "string":
        return "".join(
            str(token) for part in tree.children if isinstance(part, Tree) for token in part.children
            if isinstance(token, Token)
        )
    return "".join(str(token) for token in tree.scan_values(lambda value: isinstance(value, Token)))
