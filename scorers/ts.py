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


# ---- Appended for the drizzle-only, pg-driver, schema-conventions, no-any and file-naming rules ----------


def string_value(node: Node | None) -> str | None:
    """The value of a string literal or of a template string without substitutions; None for anything else."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(child.type == "template_substitution" for child in node.named_children):
        return None
    return text(node)[1:-1]


_WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "non_null_expression", "as_expression", "satisfies_expression"}
)


def unwrap(node: Node | None) -> Node | None:
    """``node`` without the wrappers that do not change which value it is: ``(x)``, ``await x``, ``x!``,
    ``x as T``, ``x satisfies T``."""
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def callee(call: Node) -> tuple[Node | None, str] | None:
    """Like :func:`member_call`, but also for ``await obj.name<T>(...)``, which tree-sitter parses with the
    ``await`` inside the callee; None for calls that are not ``obj.name(...)``."""
    if call.type != "call_expression":
        return None
    function = unwrap(call.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return None
    return function.child_by_field_name("object"), text(function.child_by_field_name("property"))


def module_specifiers(root: Node) -> list[tuple[Node, str]]:
    """Every module a tree loads, with the node that loads it: ``import ... from "m"``, ``import "m"``,
    ``export ... from "m"``, ``import x = require("m")``, ``require("m")`` and ``import("m")`` (the last two
    only with a literal specifier)."""
    found: list[tuple[Node, str]] = []
    for node in walk(root):
        if node.type in ("import_statement", "export_statement"):
            value = string_value(node.child_by_field_name("source"))
            if value is None and node.type == "import_statement":
                clause = next((c for c in node.named_children if c.type == "import_require_clause"), None)
                source = clause.child_by_field_name("source") if clause is not None else None
                value = string_value(source)
            if value is not None:
                found.append((node, value))
        elif node.type == "call_expression":
            function = node.child_by_field_name("function")
            args = call_arguments(node)
            if function is None or not args:
                continue
            if function.type == "import" or (function.type == "identifier" and text(function) == "require"):
                value = string_value(args[0])
                if value is not None:
                    found.append((node, value))
    return found
