"""The Terraform expression evaluator: walks python-hcl2's Lark tree of one expression and returns its value.

Everything Terraform can compute without reading AWS is computed (operators, conditionals, ``for``
expressions, splats, templates with ``%{ if }``/``%{ for }``, the functions of ``functions.py``); whatever
it cannot is an :class:`Unknown` that carries the reason, so the reader warns rather than guesses.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from glue_workflow_provider.sources.terraform.for_expressions import for_object, for_tuple, key_string
from glue_workflow_provider.sources.terraform.functions import call_function
from glue_workflow_provider.sources.terraform.hcl import subtrees, tokens
from glue_workflow_provider.sources.terraform.templates import render_heredoc, render_string
from glue_workflow_provider.sources.terraform.traversal import get_attribute, get_index
from glue_workflow_provider.sources.terraform.values import (
    EvaluationError,
    Unknown,
    to_bool,
    to_number,
    type_name,
)

Node = Tree[Token]


@dataclass
class Scope:
    """Where names come from: the module's roots (``var``, ``local``, resources...) and iteration variables."""

    resolve: Callable[[str], Any]
    bindings: dict[str, Any] = field(default_factory=dict)

    def child(self, bindings: dict[str, Any]) -> Scope:
        """This scope with more names bound (a ``for`` expression, a ``dynamic`` block's iterator)."""
        return Scope(self.resolve, {**self.bindings, **bindings})

    def lookup(self, name: str) -> Any:
        """The value of a bare name."""
        if name in self.bindings:
            return self.bindings[name]
        return self.resolve(name)


def evaluate(node: Node, scope: Scope) -> Any:
    """The value of one expression tree in ``scope``; raises :class:`EvaluationError` where Terraform would."""
    handler = _HANDLERS.get(str(node.data))
    if handler is None:
        raise EvaluationError(f"'{node.data}' expressions are not supported")
    try:
        return handler(node, scope)
    except (TypeError, ValueError, IndexError, KeyError, OverflowError) as exc:
        # A Python error here is a value Terraform would reject (e.g. comparing a string with a list).
        raise EvaluationError(f"'{node.data}' cannot be computed: {exc}") from None


def _single(node: Node, scope: Scope) -> Any:
    return evaluate(subtrees(node)[0], scope)


def _identifier(node: Node, scope: Scope) -> Any:
    return scope.lookup(str(tokens(node)[0]))


def _literal(node: Node, scope: Scope) -> Any:
    return {"true": True, "false": False, "null": None}[str(tokens(node)[0])]


def _int(node: Node, scope: Scope) -> Any:
    return int(str(tokens(node)[0]))


def _float(node: Node, scope: Scope) -> Any:
    return float(str(tokens(node)[0]))


def _string(node: Node, scope: Scope) -> Any:
    return render_string(subtrees(node), scope, evaluate)


def _heredoc(node: Node, scope: Scope) -> Any:
    return render_heredoc(str(tokens(node)[0]), node.data == "heredoc_template_trim", scope, evaluate)


def _tuple(node: Node, scope: Scope) -> Any:
    return [evaluate(item, scope) for item in subtrees(node)]


def _object(node: Node, scope: Scope) -> Any:
    result: dict[str, Any] = {}
    for element in subtrees(node):
        key_node, value_node = subtrees(element)
        key = _object_key(key_node, scope)
        if isinstance(key, Unknown):
            return key
        result[key] = evaluate(value_node, scope)
    return result


def _object_key(node: Node, scope: Scope) -> Any:
    """A bare name is the key itself (``{ a = 1 }``); anything else is evaluated (``{ (var.k) = 1 }``)."""
    inner = subtrees(node)
    if not inner:
        return str(tokens(node)[0])
    term = inner[0]
    if term.data == "keyword":
        return str(tokens(term)[0])
    parts = subtrees(term) if term.data == "expr_term" else []
    if len(parts) == 1 and parts[0].data in ("identifier", "literal_value") and not tokens(term):
        return str(tokens(parts[0])[0])
    value = evaluate(term, scope)
    return value if isinstance(value, Unknown) else key_string(value)


def _conditional(node: Node, scope: Scope) -> Any:
    condition, if_true, if_false = subtrees(node)
    chosen = evaluate(condition, scope)
    if isinstance(chosen, Unknown):
        return chosen
    return evaluate(if_true if to_bool(chosen) else if_false, scope)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}
_COMPARISON: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _binary(node: Node, scope: Scope) -> Any:
    left_node, term = subtrees(node)[:2]
    operator_node, right_node = subtrees(term)
    symbol = str(tokens(operator_node)[0])
    left, right = evaluate(left_node, scope), evaluate(right_node, scope)
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    if symbol in ("==", "!="):
        return (left == right and type_name(left) == type_name(right)) == (symbol == "==")
    if symbol in ("&&", "||"):
        return (to_bool(left) and to_bool(right)) if symbol == "&&" else (to_bool(left) or to_bool(right))
    if symbol in _COMPARISON:
        return _COMPARISON[symbol](to_number(left), to_number(right))
    try:
        result = _ARITHMETIC[symbol](to_number(left), to_number(right))
    except ZeroDivisionError:
        raise EvaluationError("division by zero") from None
    return int(result) if isinstance(result, float) and result.is_integer() and symbol != "/" else result


def _unary(node: Node, scope: Scope) -> Any:
    symbol = str(tokens(node)[0])
    value = evaluate(subtrees(node)[0], scope)
    if isinstance(value, Unknown):
        return value
    return (not to_bool(value)) if symbol == "!" else -to_number(value)


def _function(node: Node, scope: Scope) -> Any:
    names = [str(tokens(part)[0]) for part in subtrees(node) if part.data == "identifier"]
    if len(names) > 1:
        raise EvaluationError(f"provider function {'::'.join(names)}() is not supported")
    arguments = next((part for part in subtrees(node) if part.data == "arguments"), None)
    nodes = subtrees(arguments) if arguments is not None else []
    expand = arguments is not None and any(str(token) == "..." for token in tokens(arguments))
    if names[0] in ("try", "can"):
        return _try(names[0], nodes, scope)
    values = [evaluate(argument, scope) for argument in nodes]
    if expand and values:
        last = values.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            raise EvaluationError(f"'...' expands a list, not a {type_name(last)}")
        values.extend(last)
    return call_function(names[0], values)


def _try(name: str, nodes: list[Node], scope: Scope) -> Any:
    """``try``/``can``: the first argument that evaluates without error (their arguments are not eager)."""
    for argument in nodes:
        try:
            value = evaluate(argument, scope)
        except EvaluationError:
            continue
        if isinstance(value, Unknown):
            return value
        return True if name == "can" else value
    if name == "can":
        return False
    raise EvaluationError("no argument of try() could be evaluated")


def _traverse(value: Any, step: Node, scope: Scope) -> Any:
    if step.data == "get_attr":
        return get_attribute(value, str(tokens(subtrees(step)[0])[0]))
    if step.data == "short_index":
        return get_index(value, int(str(tokens(step)[-1])))
    return get_index(value, evaluate(subtrees(step)[0], scope))


def _get_attr(node: Node, scope: Scope) -> Any:
    target, step = subtrees(node)
    return _traverse(evaluate(target, scope), step, scope)


def _splat(node: Node, scope: Scope) -> Any:
    target, splat = subtrees(node)
    value = evaluate(target, scope)
    if isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list) else ([] if value is None else [value])
    results = []
    for item in items:
        for step in subtrees(splat):
            item = _traverse(item, step, scope)
        results.append(item)
    return results


_HANDLERS: dict[str, Callable[[Node, Scope], Any]] = {
    "expr_term": _single,
    "identifier": _identifier,
    "literal_value": _literal,
    "int_lit": _int,
    "float_lit": _float,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "tuple": _tuple,
    "object": _object,
    "conditional": _conditional,
    "binary_op": _binary,
    "unary_op": _unary,
    "function_call": _function,
    "get_attr_expr_term": _get_attr,
    "index_expr_term": _get_attr,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "for_tuple_expr": lambda node, scope: for_tuple(node, scope, evaluate),
    "for_object_expr": lambda node, scope: for_object(node, scope, evaluate),
}
