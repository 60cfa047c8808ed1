"""``for`` expressions: ``[for k, v in coll : value if cond]`` and ``{for k, v in coll : key => value...}``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from lark import Token, Tree

from glue_workflow_provider.sources.terraform.hcl import subtrees, tokens
from glue_workflow_provider.sources.terraform.traversal import iterate
from glue_workflow_provider.sources.terraform.values import EvaluationError, Unknown, to_bool, to_string, type_name

if TYPE_CHECKING:
    from glue_workflow_provider.sources.terraform.expressions import Scope

Node = Tree[Token]
Evaluate = Callable[[Node, "Scope"], Any]


def _for_parts(node: Node) -> tuple[list[str], Node, list[Node], Node | None, bool]:
    parts = subtrees(node)
    intro = parts[0]
    names = [str(tokens(part)[0]) for part in subtrees(intro) if part.data == "identifier"]
    collection = [part for part in subtrees(intro) if part.data != "identifier"][0]
    condition = next((subtrees(part)[0] for part in parts[1:] if part.data == "for_cond"), None)
    bodies = [part for part in parts[1:] if part.data != "for_cond"]
    grouped = any(str(token) == "..." for token in tokens(node))
    return names, collection, bodies, condition, grouped


def _for_scopes(node: Node, scope: Scope, evaluate: Evaluate) -> Iterator[Scope] | Unknown:
    names, collection_node, _bodies, condition, _grouped = _for_parts(node)
    collection = evaluate(collection_node, scope)
    if isinstance(collection, Unknown):
        return collection

    def scopes() -> Iterator[Scope]:
        for key, value in iterate(collection):
            bound = {names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value}
            inner = scope.child(bound)
            if condition is not None:
                keep = evaluate(condition, inner)
                if isinstance(keep, Unknown) or not to_bool(keep):
                    continue
            yield inner

    return scopes()


def for_tuple(node: Node, scope: Scope, evaluate: Evaluate) -> Any:
    """``[for ... : value if cond]``: a list."""
    scopes = _for_scopes(node, scope, evaluate)
    if isinstance(scopes, Unknown):
        return scopes
    body = _for_parts(node)[2][0]
    return [evaluate(body, inner) for inner in scopes]


def for_object(node: Node, scope: Scope, evaluate: Evaluate) -> Any:
    """``{for ... : key => value}``: a map (``...`` groups the values of equal keys into lists)."""
    scopes = _for_scopes(node, scope, evaluate)
    if isinstance(scopes, Unknown):
        return scopes
    key_node, value_node = _for_parts(node)[2][:2]
    grouped = _for_parts(node)[4]
    result: dict[str, Any] = {}
    for inner in scopes:
        key = evaluate(key_node, inner)
        if isinstance(key, Unknown):
            return key
        value = evaluate(value_node, inner)
        if grouped:
            result.setdefault(key_string(key), []).append(value)
        elif key_string(key) in result:
            raise EvaluationError(f"duplicate key '{key}' in a for expression (use '...' to group)")
        else:
            result[key_string(key)] = value
    return result


def key_string(value: Any) -> str:
    """An object key: strings as they are, numbers and bools converted."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return to_string(value)
    raise EvaluationError(f"a {type_name(value)} cannot be an object key")
