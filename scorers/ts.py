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
# (uses string_value, defined in the next appended section)


_VALUE_WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "non_null_expression", "as_expression", "satisfies_expression"}
)


def unwrap_value(node: Node | None) -> Node | None:
    """``node`` without the wrappers that do not change which value it is: ``(x)``, ``await x``, ``x!``,
    ``x as T``, ``x satisfies T``."""
    while node is not None and node.type in _VALUE_WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def callee(call: Node) -> tuple[Node | None, str] | None:
    """Like :func:`member_call`, but also for ``await obj.name<T>(...)``, which tree-sitter parses with the
    ``await`` inside the callee; None for calls that are not ``obj.name(...)``."""
    if call.type != "call_expression":
        return None
    function = unwrap_value(call.child_by_field_name("function"))
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


# ---- appended: literals, functions and bindings (used by scorers/express.py and the handler rules) ----------

FUNCTION_TYPES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)

_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"})


def string_value(node: Node | None) -> str | None:
    """The value of a string literal, or of a template literal without substitutions; None otherwise."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(child.type == "template_substitution" for child in node.named_children):
        return None
    return "".join(text(child) for child in node.named_children)


def unwrap(node: Node | None) -> Node | None:
    """The expression inside parentheses, ``x as T``, ``x satisfies T`` and ``x!``."""
    while node is not None and node.type in _WRAPPERS:
        inner = [child for child in node.named_children if child.type != "comment"]
        node = inner[0] if inner else None
    return node


def parameters(function: Node) -> list[Node]:
    """The parameter nodes of a function (``required_parameter``, ``optional_parameter``, or the bare
    identifier of ``req => ...``)."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [single]
    params = function.child_by_field_name("parameters")
    if params is None:
        return []
    return [p for p in params.named_children if p.type in ("required_parameter", "optional_parameter", "identifier")]


def parameter_pattern(param: Node) -> Node:
    """The binding of a parameter: an identifier, or an object/array pattern."""
    if param.type == "identifier":
        return param
    return param.child_by_field_name("pattern") or param


def parameter_type(param: Node) -> Node | None:
    """The type written on a parameter (the node inside its ``: T`` annotation), if any."""
    annotation = param.child_by_field_name("type") if param.type != "identifier" else None
    if annotation is None:
        return None
    inner = [child for child in annotation.named_children if child.type != "comment"]
    return inner[0] if inner else None


def type_name(node: Node | None) -> str | None:
    """The last name of a type reference: ``Request`` for ``Request``, ``express.Request`` or ``Request<P>``."""
    if node is None:
        return None
    if node.type == "generic_type":
        node = node.child_by_field_name("name")
    if node is not None and node.type == "nested_type_identifier":
        node = node.child_by_field_name("name")
    return text(node) if node is not None and node.type == "type_identifier" else None


def enclosing(node: Node, types: frozenset[str] | set[str]) -> Node | None:
    """The nearest proper ancestor of ``node`` whose type is in ``types``."""
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def pattern_names(pattern: Node) -> set[str]:
    """Names a binding pattern introduces (``x``, ``{ a, b: c, ...d }``, ``[e, f = 1]``)."""
    if pattern.type == "identifier":
        return {text(pattern)}
    names: set[str] = set()
    for node in walk(pattern):
        if node.type == "shorthand_property_identifier_pattern":
            names.add(text(node))
        elif node.type == "identifier" and node.parent is not None:
            field = _field_of(node)
            if node.parent.type == "pair_pattern" and field == "key":
                continue
            if node.parent.type in ("assignment_pattern", "object_assignment_pattern") and field == "right":
                continue
            names.add(text(node))
    return names


def _field_of(node: Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for index, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(index)
    return None


_SCOPES = frozenset({"statement_block", "program", "class_body", "switch_body"}) | FUNCTION_TYPES


def binding_of(identifier: Node) -> Node | None:
    """The ``variable_declarator`` that binds ``identifier``'s name where it is used: the last declarator
    before the use whose block encloses the use (a lexical approximation: hoisting and shadowing by
    parameters are not modelled). None for parameters, imports and unknown names."""
    name = text(identifier)
    scope = enclosing(identifier, _SCOPES)
    while scope is not None:
        found: Node | None = None
        for node in walk(scope):
            if node.start_byte >= identifier.start_byte:
                break
            if node.type != "variable_declarator" or enclosing(node, _SCOPES) is None:
                continue
            if not _same_scope(node, scope):
                continue
            target = node.child_by_field_name("name")
            if target is not None and name in pattern_names(target):
                found = node
        if found is not None:
            return found
        if scope.type in FUNCTION_TYPES and any(name in pattern_names(parameter_pattern(p)) for p in parameters(scope)):
            return None
        scope = enclosing(scope, _SCOPES)
    return None


def _same_scope(declarator: Node, scope: Node) -> bool:
    """Whether the nearest block around ``declarator`` is ``scope`` (or the body block of ``scope``)."""
    block = enclosing(declarator, _SCOPES)
    if block is None:
        return False
    if block.id == scope.id:
        return True
    return scope.type in FUNCTION_TYPES and block.parent is not None and block.parent.id == scope.id


def top_level_function(root: Node, name: str) -> Node | None:
    """A function named ``name`` declared at the top of a file: ``function name() {}`` or
    ``const name = (...) => ...`` / ``= function ...`` (exported or not)."""
    for child in root.named_children:
        node = child.child_by_field_name("declaration") if child.type == "export_statement" else child
        if node is None:
            continue
        if node.type in ("function_declaration", "generator_function_declaration"):
            if text(node.child_by_field_name("name")) == name:
                return node
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type != "variable_declarator" or text(declarator.child_by_field_name("name")) != name:
                    continue
                value = unwrap(declarator.child_by_field_name("value"))
                if value is not None and value.type in FUNCTION_TYPES:
                    return value
    return None
