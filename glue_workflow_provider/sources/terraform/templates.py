"""String templates: literal text, ``${ ... }`` interpolations and ``%{ if }``/``%{ for }`` directives.

python-hcl2's grammar keeps a template's directives flat (``if``, ``else``, ``endif`` as separate parts);
this module nests them, applies the ``~`` strip markers and renders the result as Terraform does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hcl2.utils import process_escape_sequences
from lark import Token, Tree

from glue_workflow_provider.sources.terraform.hcl import parse_expression
from glue_workflow_provider.sources.terraform.traversal import iterate
from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown, to_bool, to_string

if TYPE_CHECKING:
    from glue_workflow_provider.sources.terraform.expressions import Scope

Node = Tree[Token]
Evaluate = Callable[[Node, "Scope"], Any]
_HEREDOC = re.compile(r"^<<-?([A-Za-z][\w.-]*)\r?\n(.*?)^[ \t]*\1\r?\n?$", re.DOTALL | re.MULTILINE)


@dataclass
class _Part:
    """One flat part: literal ``text``, or an interpolation/directive of ``kind`` with its trees."""

    kind: str
    text: str = ""
    trees: list[Node] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    strip_left: bool = False
    strip_right: bool = False


@dataclass
class _Nested:
    """A directive with the parts it governs."""

    part: _Part
    body: list[Any]
    otherwise: list[Any] = field(default_factory=list)


def render_string(parts: list[Node], scope: Scope, evaluate: Evaluate) -> Any:
    """The value of a quoted template; ``"${x}"`` alone keeps ``x``'s own type, as in Terraform."""
    flat = _strip([_flatten(part) for part in parts])
    if len(flat) == 1 and flat[0].kind == "interpolation":
        return evaluate(flat[0].trees[0], scope)
    nested, _end = _nest(flat, 0, ())
    return _render(nested, scope, evaluate)


def render_heredoc(token: str, trim: bool, scope: Scope, evaluate: Evaluate) -> Any:
    """A ``<<EOF`` (or indented ``<<-EOF``) heredoc, its interpolations evaluated."""
    match = _HEREDOC.match(token)
    if match is None:
        raise EvaluationError("a heredoc could not be read")
    body = match.group(2)
    if trim:
        lines = body.split("\n")
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        body = "\n".join(line[cut:] for line in lines)
    escaped = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return evaluate(parse_expression(f'"{escaped}"', Path("<heredoc>")), scope)


def _flatten(part: Node) -> _Part:
    child = part.children[0]
    if isinstance(child, Token):
        if child.type == "ESCAPED_INTERPOLATION" or child.type == "ESCAPED_DIRECTIVE":
            return _Part("text", str(child)[1:])
        return _Part("text", process_escape_sequences(str(child)))
    assert isinstance(child, Tree)
    marks = [token for token in child.children if isinstance(token, Token)]
    trees = [tree for tree in child.children if isinstance(tree, Tree) and tree.data != "identifier"]
    names = [str(tree.children[0]) for tree in child.children if isinstance(tree, Tree) and tree.data == "identifier"]
    kind = str(child.data).removeprefix("template_").removesuffix("_start")
    left = len(marks) > 1 and marks[1].type == "STRIP_MARKER"
    right = len(marks) > 1 and marks[-2].type == "STRIP_MARKER"
    return _Part(kind, trees=trees, names=names, strip_left=left, strip_right=right)


def _strip(parts: list[_Part]) -> list[_Part]:
    for index, part in enumerate(parts):
        if part.strip_left and index > 0 and parts[index - 1].kind == "text":
            parts[index - 1].text = parts[index - 1].text.rstrip()
        if part.strip_right and index + 1 < len(parts) and parts[index + 1].kind == "text":
            parts[index + 1].text = parts[index + 1].text.lstrip()
    return parts


def _nest(parts: list[_Part], start: int, ends: tuple[str, ...]) -> tuple[list[Any], int]:
    """Nest ``parts[start:]`` until one of ``ends``; returns the items and the index of the end part."""
    items: list[Any] = []
    index = start
    while index < len(parts):
        part = parts[index]
        if part.kind in ends:
            return items, index
        if part.kind in ("if", "for"):
            closing = ("else", "endif") if part.kind == "if" else ("endfor",)
            body, index = _nest(parts, index + 1, closing)
            nested = _Nested(part, body)
            if index < len(parts) and parts[index].kind == "else":
                nested.otherwise, index = _nest(parts, index + 1, ("endif",))
            if index >= len(parts):
                raise EvaluationError(f"a %{{ {part.kind} }} directive is not closed")
            items.append(nested)
        elif part.kind in ("else", "endif", "endfor"):
            raise EvaluationError(f"%{{ {part.kind} }} without its opening directive")
        else:
            items.append(part)
        index += 1
    if ends:
        raise EvaluationError(f"a template directive is not closed (expected {' or '.join(ends)})")
    return items, index


def _render(items: list[Any], scope: Scope, evaluate: Evaluate) -> Any:
    """The rendered text; with unknown parts, an :class:`Unknown` whose stand-in keeps the known text.

    ``"${terraform.workspace}-${each.key}"`` with an unknown workspace stands in as ``${terraform.workspace}-a``,
    so instances that differ by their known parts keep different names.
    """
    pieces: list[str] = []
    unknown: Unknown | None = None
    for item in items:
        value = _render_item(item, scope, evaluate)
        if isinstance(value, Unknown):
            unknown = unknown or value
            if value.stand_in is None:
                return Unknown(value.reason)
            value = value.stand_in
        pieces.append(value)
    text = "".join(pieces)
    return text if unknown is None else Unknown(unknown.reason, text)


def _render_item(item: Any, scope: Scope, evaluate: Evaluate) -> Any:
    if isinstance(item, _Part):
        if item.kind == "text":
            return item.text
        value = evaluate(item.trees[0], scope)
        return value if isinstance(value, Unknown) else to_string(value)
    assert isinstance(item, _Nested)
    subject = evaluate(item.part.trees[0], scope)
    if isinstance(subject, Unknown):
        return subject
    if item.part.kind == "if":
        chosen = _render(item.body if to_bool(subject) else item.otherwise, scope, evaluate)
        return Unknown(chosen.reason) if isinstance(chosen, Unknown) else chosen
    pieces = []
    for key, value in iterate(subject):
        names = item.part.names
        bound = {names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value}
        piece = _render(item.body, scope.child(bound), evaluate)
        if isinstance(piece, Unknown):
            return Unknown(piece.reason)
        pieces.append(piece)
    return "".join(pieces)
