"""TypeScript syntax trees (tree-sitter) and small queries over them used by the static rule checks."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree


@functools.cache
def _parser(tsx: bool) -> Parser:
    language = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return Parser(Language(language))


def parse(source: str, path: str = "x.ts") -> Tree:
    return _parser(path.endswith(".tsx")).parse(source.encode())


def walk(node: Node) -> Iterator[Node]:
    """Every node below ``node`` (itself included), in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def text(node: Node | None) -> str:
    return node.text.decode(errors="replace") if node is not None and node.text is not None else ""


def lines(node: Node) -> range:
    """1-based line numbers the node spans."""
    return range(node.start_point[0] + 1, node.end_point[0] + 2)


def snippet(node: Node, limit: int = 160) -> str:
    flat = " ".join(text(node).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def object_keys(node: Node) -> set[str] | None:
    """Keys of an object literal (``{ a: 1, b, ...c }`` → {"a", "b"}); None when ``node`` is not one."""
    if node.type != "object":
        return None
    keys: set[str] = set()
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            keys.add(text(key).strip("\"'`"))
        elif child.type == "shorthand_property_identifier":
            keys.add(text(child))
    return keys


def call_arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def member_call(call: Node) -> tuple[Node | None, str] | None:
    """For ``obj.name(...)`` returns (obj, name); None for other calls."""
    if call.type != "call_expression":
        return None
    function = call.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    return function.child_by_field_name("object"), text(function.child_by_field_name("property"))
