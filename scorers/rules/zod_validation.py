"""``zod-validation``: request input the agent reads in handlers goes through a Zod parse (or ``parseId``)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from scorers import express, ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

INPUTS = frozenset({"body", "query", "params"})
PARSERS = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync", "spa"})
"""Zod schema methods that validate their argument."""
ID_PARSER = "parseId"
"""The fixture's route-parameter helper (server/middleware.ts, PROJECT_STANDARDS §2.4)."""

_PASS_THROUGH = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
    | {"object", "array", "spread_element"}
)


_NAMES = frozenset({"identifier", "shorthand_property_identifier"})


@dataclass(frozen=True)
class Read:
    """One read of request input: ``req.body`` (or a name destructured from it) and which part it is."""

    node: Node
    part: str


def is_zod_parse(call: Node) -> bool:
    """``<schema>.parse(x)`` / ``.safeParse`` / ``.parseAsync`` / ``.safeParseAsync`` (not ``JSON.parse``)."""
    member = ts.member_call(call)
    if member is None or member[1] not in PARSERS or member[0] is None:
        return False
    return not (member[0].type == "identifier" and ts.text(member[0]) == "JSON")


def _is_write(node: Node) -> bool:
    """``req.body = parsed.data`` (or a property of it) is a write, not a read."""
    while node.parent is not None and node.parent.type in ("member_expression", "subscript_expression"):
        if not _is(node.parent, "object", node):
            return False
        node = node.parent
    parent = node.parent
    return parent is not None and parent.type == "assignment_expression" and _is(parent, "left", node)


def _is(parent: Node, field: str, node: Node) -> bool:
    child = parent.child_by_field_name(field)
    return child is not None and child.id == node.id


def validated(read: Read) -> bool:
    """Whether the read is (part of) the argument of a Zod parse, or a route parameter given to ``parseId``.
    Between the read and the call only property access (``req.body.items``), wrappers (``as``, ``!``,
    parentheses), a default (``req.body ?? {}``) and object/array literals (``{ ...req.body, id: req.params.id }``)
    may stand."""
    node = read.node
    while node.parent is not None:
        parent = node.parent
        if parent.type in ("member_expression", "subscript_expression"):
            if not _is(parent, "object", node):
                return False
        elif parent.type == "pair":
            if not _is(parent, "value", node):
                return False
        elif parent.type == "binary_expression":
            if not _is(parent, "left", node) or ts.text(parent.child_by_field_name("operator")) not in ("??", "||"):
                return False
        elif parent.type == "arguments":
            call = parent.parent
            if call is None:
                return False
            if is_zod_parse(call):
                return True
            callee = call.child_by_field_name("function")
            return read.part == "params" and callee is not None and ts.text(callee) == ID_PARSER
        elif parent.type not in _PASS_THROUGH:
            return False
        node = parent
    return False


def _part(node: Node, request: str) -> str | None:
    """``body``/``query``/``params`` when ``node`` is ``<request>.<part>`` or ``<request>["<part>"]``."""
    if node.type == "member_expression":
        obj, prop = node.child_by_field_name("object"), ts.text(node.child_by_field_name("property"))
    elif node.type == "subscript_expression":
        obj, prop = node.child_by_field_name("object"), ts.string_value(node.child_by_field_name("index")) or ""
    else:
        return None
    if obj is None or obj.type != "identifier" or ts.text(obj) != request or prop not in INPUTS:
        return None
    return prop


def _destructured(pattern: Node) -> dict[str, str]:
    """Local name → part for ``{ body, query: q }`` destructured from a request."""
    names: dict[str, str] = {}
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and ts.text(child) in INPUTS:
            names[ts.text(child)] = ts.text(child)
        elif child.type == "pair_pattern":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if ts.text(key) in INPUTS and value is not None and value.type == "identifier":
                names[ts.text(value)] = ts.text(key)
            elif ts.text(key) in INPUTS and value is not None:
                names[f"<{ts.text(key)}>"] = ts.text(key)  # nested pattern: a read that is never validated
    return names


def reads(function: Node) -> list[Read]:
    """Every read of ``body``/``query``/``params`` of the function's request (its first parameter) in its
    body, including uses of names destructured from the request (``({ body }, res) => ...``,
    ``const { query } = req``). Writes (``req.body = parsed.data``) are not reads."""
    params = ts.parameters(function)
    body = function.child_by_field_name("body")
    if not params or body is None:
        return []
    pattern = ts.parameter_pattern(params[0])
    aliases: dict[str, str] = {}
    found: list[Read] = []
    request = ts.text(pattern) if pattern.type == "identifier" else None
    if pattern.type == "object_pattern":
        aliases = _destructured(pattern)
        found += [Read(pattern, part) for name, part in aliases.items() if name.startswith("<")]
    for node in ts.walk(body):
        if request is not None and node.type == "variable_declarator":
            value, name = node.child_by_field_name("value"), node.child_by_field_name("name")
            if name is not None and name.type == "object_pattern" and _is_name(value, request):
                local = _destructured(name)
                aliases.update({k: v for k, v in local.items() if not k.startswith("<")})
                found += [Read(name, part) for key, part in local.items() if key.startswith("<")]
        part = _part(node, request) if request is not None else None
        if part is not None and not _is_write(node):
            found.append(Read(node, part))
        elif node.type in _NAMES and ts.text(node) in aliases and not _in_pattern(node):
            found.append(Read(node, aliases[ts.text(node)]))
    return found


def _is_name(node: Node | None, name: str) -> bool:
    return node is not None and node.type == "identifier" and ts.text(node) == name


def _in_pattern(node: Node) -> bool:
    """Whether an identifier is a binding in a destructuring pattern (not a use)."""
    parent = node.parent
    while parent is not None and parent.type in ("pair_pattern", "assignment_pattern", "object_assignment_pattern"):
        node, parent = parent, parent.parent
    return parent is not None and parent.type in ("object_pattern", "array_pattern")


def middleware_parts(function: Node) -> set[str]:
    """Parts a validation middleware (or middleware factory) parses with Zod: ``schema.safeParse(req.body)``
    anywhere in it (nested functions included) validates ``body``."""
    parts: set[str] = set()
    for node in ts.walk(function):
        if node.type == "call_expression" and is_zod_parse(node):
            for arg in ts.call_arguments(node):
                arg = ts.unwrap(arg) or arg
                if arg.type == "member_expression" and ts.text(arg.child_by_field_name("property")) in INPUTS:
                    parts.add(ts.text(arg.child_by_field_name("property")))
    return parts


def _validated_by_middleware(route: express.Route, root: Node, functions: dict[str, Node]) -> set[str]:
    """Parts validated by the handlers before the final one: calls or names of functions declared in the
    change set (``validateBody(schema)``) whose body parses ``req.<part>`` with Zod."""
    parts: set[str] = set()
    for arg in express.expanded_handlers(route, root)[:-1]:
        arg = ts.unwrap(arg) or arg
        callee = arg.child_by_field_name("function") if arg.type == "call_expression" else arg
        if callee is not None and callee.type == "identifier" and ts.text(callee) in functions:
            parts |= middleware_parts(functions[ts.text(callee)])
        elif arg.type in ts.FUNCTION_TYPES:
            parts |= middleware_parts(arg)
    return parts


def _line(source: str, node: Node) -> str:
    return " ".join(source.splitlines()[node.start_point[0]].split())[:160]


@rule("zod-validation", "request input (body, query, params) is validated with Zod before use")
def zod_validation(ctx: RuleContext) -> RuleResult:
    """Fails for every read of ``req.body`` / ``req.query`` / ``req.params`` on a line the agent added or
    changed, in a request handler (a route's handler in any changed file: inline, named in the file or
    wrapped; or a function typed ``Request``/``RequestHandler`` or whose untyped first parameter is ``req``,
    e.g. a handler in ``server/services/``), that is not the argument of a Zod parse (``.parse`` /
    ``.safeParse`` / ``.parseAsync`` / ``.safeParseAsync`` on anything but ``JSON``).

    Allowed: ``schema.safeParse(req.body)``, ``schema.parse(req.body.items)``, ``schema.safeParse(req.body ?? {})``,
    ``schema.safeParse({ ...req.body, id: req.params.id })``, and ``parseId(req.params.x)`` for route
    parameters only (not for the query: §2.4 sanctions it for ids). Writes (``req.body = parsed.data``)
    are not reads. A read elsewhere is a violation even when the handler parses the same part somewhere
    else (``const parsed = s.safeParse(req.body)`` then ``req.body.title``): use ``parsed.data``. So are
    ``Number(req.params.id)``, ``parseInt``, a raw slug in a query, and destructuring ``{ body }`` from the
    request unless the destructured name only goes into a parse. ``req.user``, ``req.headers`` etc. are not
    request input here. A validation middleware counts: when a handler before the final one is a function
    (or a factory call such as ``validateBody(schema)``) declared in the change set whose body parses
    ``req.<part>`` with Zod, the final handler may read that part (also for a named final handler declared
    in another changed file); middleware imported from elsewhere, or reading ``req[source]``, is not
    recognised. Untouched pre-existing reads (``req.params.slug``, ``Number(req.params.id)`` in the fixture)
    are not the agent's, even in a handler the agent changed elsewhere. Passing the whole ``req`` to a helper
    is not followed: the helper is checked itself when typed ``Request`` or its parameter is named ``req``.
    """
    files = ctx.changed_files((".ts",))
    if not files:
        return not_applicable("zod-validation", "no TypeScript file changed")
    trees = {c.path: (ctx.after(c) or "", ts.parse(ctx.after(c) or "", c.path).root_node) for c in files}
    roots = [root for _source, root in trees.values()]
    functions = _top_level_functions(roots)
    credited = _credited_by_name(roots, functions)
    violations, checked = [], 0
    for path, (source, root) in trees.items():
        changed, seen = ctx.changed_lines(path), set[tuple[int, int]]()
        for handler in express.handlers(root):
            allowed: set[str] = set()
            if handler.route is not None and handler.final:
                allowed = _validated_by_middleware(handler.route, root, functions)
            allowed |= credited.get(_function_name(handler.function), set())
            for read in reads(handler.function):
                where = (read.node.start_byte, read.node.end_byte)
                if where in seen or not changed.intersection(ts.lines(read.node)):
                    continue
                seen.add(where)
                checked += 1
                if read.part in allowed or validated(read):
                    continue
                how = "parseId or a Zod parse" if read.part == "params" else "a Zod parse"
                line = read.node.start_point[0] + 1
                violations.append(f"{path}:{line}: {_line(source, read.node)} (req.{read.part} used without {how})")
    if violations:
        return failed("zod-validation", violations)
    return passed("zod-validation", f"{checked} read(s) of request input in changed handlers, all through Zod/parseId")


def _top_level_functions(roots: list[Node]) -> dict[str, Node]:
    """Functions declared at the top of the changed files, by name (the first declaration wins)."""
    functions: dict[str, Node] = {}
    for root in roots:
        for child in root.named_children:
            node = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            for name in _declared_names(node):
                found = ts.top_level_function(root, name)
                if found is not None:
                    functions.setdefault(name, found)
    return functions


def _credited_by_name(roots: list[Node], functions: dict[str, Node]) -> dict[str, set[str]]:
    """Parts validated by middleware in front of a final handler given by name (``..., validateBody(s), save)``),
    so that ``save`` declared in another changed file may read them."""
    credited: dict[str, set[str]] = {}
    for root in roots:
        for route in express.routes(root):
            last = express.expanded_handlers(route, root)[-1:]
            if last and last[0].type == "identifier":
                parts = _validated_by_middleware(route, root, functions)
                credited.setdefault(ts.text(last[0]), set()).update(parts)
    return credited


def _declared_names(node: Node | None) -> list[str]:
    if node is None:
        return []
    if node.type in ("function_declaration", "generator_function_declaration"):
        return [ts.text(node.child_by_field_name("name"))]
    if node.type in ("lexical_declaration", "variable_declaration"):
        return [ts.text(d.child_by_field_name("name")) for d in node.named_children if d.type == "variable_declarator"]
    return []


def _function_name(function: Node) -> str:
    """The name a function is declared under (``function f`` or ``const f = ...``), or ""."""
    if function.type in ("function_declaration", "generator_function_declaration"):
        return ts.text(function.child_by_field_name("name"))
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        return ts.text(parent.child_by_field_name("name"))
    return ""
