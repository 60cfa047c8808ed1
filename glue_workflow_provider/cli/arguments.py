"""Parsing of the repeatable command-line options (NAME=STATE, KEY=VALUE, NODE:KEY=VALUE)."""

from __future__ import annotations

import argparse


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``["a=1", "b=2"]`` -> ``{"a": "1", "b": "2"}``; a value without ``=`` is a usage error."""
    result: dict[str, str] = {}
    for value in values or []:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"{option} {value!r}: expected KEY=VALUE")
        result[key] = item
    return result


def node_pairs(values: list[str] | None, option: str) -> dict[str, dict[str, str]]:
    """``["job:k=v"]`` -> ``{"job": {"k": "v"}}`` (the node name may contain ':' except its last one)."""
    result: dict[str, dict[str, str]] = {}
    for value in values or []:
        head, sep, item = value.partition("=")
        node, colon, key = head.rpartition(":")
        if not sep or not colon or not node or not key:
            raise argparse.ArgumentTypeError(f"{option} {value!r}: expected NODE:KEY=VALUE")
        result.setdefault(node, {})[key] = item
    return result
