"""Static discovery of Express routes and responses in a TypeScript syntax tree (tree-sitter).

A *route* is a registration ``X.<method>(path, ...handlers)`` where ``X`` is an identifier (``app``,
``router``, …) or a ``X.route(path)`` chain, ``method`` is one of :data:`METHODS` and ``path`` is a string
literal (or a template literal without substitutions). ``app.get("env")`` with no handler is Express's
settings getter, not a route. Mount prefixes (``app.use("/api", router)``) are reported separately by
:func:`mounts`; joining them to routes across files is left to the caller.

A *response* is a call ``res[.status(s)][.set(...)…].<json|send|sendStatus|…>(...)`` on the response
object of a handler (the second parameter of an enclosing function, or a variable named ``res``,
``response`` or ``resp``), see :func:`responses`. A *handler* is a function that handles requests: a route's
handler argument, or a function typed ``Request``/``RequestHandler``, see :func:`handlers`.

Typical use: ``for route in routes(root): final_handler(route, root)`` gives the function that answers, and
``expanded_handlers(route, root)`` the middleware in front of it (``...adminOnly`` expanded).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from scorers import ts

METHODS = ("get", "post", "put", "patch", "delete", "all")

RESPONSE_NAMES = frozenset({"res", "response", "resp"})
"""Names taken to be an Express response even where no enclosing handler declares them."""

REQUEST_NAMES = frozenset({"req", "request"})
"""Names taken to be an Express request even where no enclosing handler declares them."""

REQUEST_TYPES = frozenset({"Request"})
HANDLER_TYPES = frozenset({"RequestHandler"})

SENDERS = frozenset({"json", "send", "sendStatus", "end", "redirect", "sendFile", "render", "jsonp", "download"})
"""Response methods that finish a response."""

CHAINABLE = frozenset({"status", "set", "header", "type", "cookie", "clearCookie", "location", "vary", "append"})
"""Response methods that return the response, so that a sender can follow them."""


@dataclass(frozen=True)
class Route:
    """One route registration."""

    method: str
    """Lower case, as written: ``get``, ``post``, ``put``, ``patch``, ``delete`` or ``all``."""
    path: str
    """The path literal's text, e.g. ``/api/admin/bookings/:id``."""
    receiver: str
    """The identifier the route is registered on (``app``, ``router``)."""
    call: Node
    """The registration call (``app.get(...)``)."""
    handlers: tuple[Node, ...]
    """The arguments after the path, in order: identifiers (``isAuthenticated``), spreads (``...adminOnly``),
    calls (``validateBody(schema)``) and inline functions."""

    @property
    def lines(self) -> range:
        """1-based lines of the whole registration, handlers included."""
        return ts.lines(self.call)

    @property
    def start_line(self) -> int:
        return self.call.start_point[0] + 1

    @property
    def end_line(self) -> int:
        return self.call.end_point[0] + 1

    @property
    def key(self) -> str:
        """``"GET /api/x"`` (the form task files use for routes)."""
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class Mount:
    """``X.use(prefix, ...handlers)`` with a literal prefix."""

    receiver: str
    prefix: str
    call: Node
    handlers: tuple[Node, ...]


@dataclass(frozen=True)
class Response:
    """A call that finishes a response, e.g. ``res.status(201).json(body)``."""

    call: Node
    method: str
    """The sender: ``json``, ``send``, ``sendStatus``, ``end``, ``redirect``, …"""
    status: Node | None
    """The argument of ``.status(...)`` in the chain (for ``sendStatus`` its argument); None: 200 implied."""
    body: Node | None
    """The first argument of the sender (``json``/``send``/…); None when called without one."""
    receiver: str
    """The response variable's name."""

    def status_code(self) -> int | None:
        """The status as a number when it is a numeric literal; None when implied or computed."""
        node = ts.unwrap(self.status)
        if node is None or node.type != "number":
            return None
        try:
            return int(ts.text(node))
        except ValueError:
            return None


@dataclass(frozen=True)
class Handler:
    """A function that handles requests: a route's handler, or a function typed as one."""

    function: Node
    route: Route | None
    """The route (in the same file) it is registered on; None for a function found by its type."""
    final: bool
    """Whether it is the route's final handler (the one that answers)."""


def routes(root: Node) -> list[Route]:
    """Every route registration in the tree, in source order."""
    found = []
    for node in ts.walk(root):
        route = _route(node)
        if route is not None:
            found.append(route)
    return found


def _route(node: Node) -> Route | None:
    call = ts.member_call(node)
    if call is None or call[1] not in METHODS or call[0] is None:
        return None
    receiver, args = call[0], ts.call_arguments(node)
    if receiver.type == "identifier":
        if len(args) < 2:
            return None
        path = ts.string_value(args[0])
        return Route(call[1], path, ts.text(receiver), node, tuple(args[1:])) if path is not None else None
    chain = _route_chain(receiver)
    if chain is None or not args:
        return None
    return Route(call[1], chain[1], chain[0], node, tuple(args))


def _route_chain(node: Node) -> tuple[str, str] | None:
    """(receiver, path) when ``node`` is ``X.route(path)`` or a method call chained on one."""
    call = ts.member_call(node)
    if call is None or call[0] is None:
        return None
    if call[1] == "route" and call[0].type == "identifier":
        args = ts.call_arguments(node)
        path = ts.string_value(args[0]) if args else None
        return (ts.text(call[0]), path) if path is not None else None
    return _route_chain(call[0]) if call[1] in METHODS else None


def mounts(root: Node, unprefixed: bool = False) -> list[Mount]:
    """Every ``X.use("/prefix", ...)`` in the tree; with ``unprefixed``, also ``X.use(handler, ...)`` (prefix
    ``""``)."""
    found = []
    for node in ts.walk(root):
        call = ts.member_call(node)
        if call is None or call[1] != "use" or call[0] is None or call[0].type != "identifier":
            continue
        args = ts.call_arguments(node)
        prefix = ts.string_value(args[0]) if args else None
        if prefix is not None and len(args) > 1:
            found.append(Mount(ts.text(call[0]), prefix, node, tuple(args[1:])))
        elif prefix is None and args and unprefixed:
            found.append(Mount(ts.text(call[0]), "", node, tuple(args)))
    return found


def handler_name(node: Node) -> str | None:
    """How a handler argument is named: ``isAuthenticated``; ``...adminOnly`` for a spread; the callee for a
    call (``validateBody`` for ``validateBody(schema)``); None for an inline function."""
    node = ts.unwrap(node) or node
    if node.type in ("identifier", "member_expression"):
        return ts.text(node)
    if node.type == "spread_element":
        inner = node.named_children[0] if node.named_children else None
        return f"...{ts.text(inner)}" if inner is not None else None
    if node.type == "call_expression":
        return ts.text(node.child_by_field_name("function"))
    return None


def expanded_handlers(route: Route, root: Node) -> list[Node]:
    """The route's handler arguments with each spread of an array declared in the file replaced by the
    array's elements (``...adminOnly`` → ``isAuthenticated``, ``requireAdmin``). Other spreads stay."""
    expanded: list[Node] = []
    for handler in route.handlers:
        if handler.type == "spread_element" and handler.named_children:
            inner = handler.named_children[0]
            declarator = ts.binding_of(inner) if inner.type == "identifier" else None
            value = ts.unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
            if value is not None and value.type == "array":
                expanded.extend(e for e in value.named_children if e.type != "comment")
                continue
        expanded.append(handler)
    return expanded


def resolve_function(node: Node | None, root: Node) -> Node | None:
    """The function a handler argument stands for: an inline arrow/function; an identifier naming a function
    or ``const`` arrow declared in the same file (in scope, or at the top of the file); or the last function
    argument of a wrapper call such as ``asyncHandler(async (req, res) => ...)``. None otherwise (imports,
    factories like ``validateBody(schema)``, methods of objects)."""
    node = ts.unwrap(node)
    if node is None:
        return None
    if node.type in ts.FUNCTION_TYPES:
        return node
    if node.type == "identifier":
        declarator = ts.binding_of(node)
        if declarator is not None and declarator.child_by_field_name("name") is not None:
            value = ts.unwrap(declarator.child_by_field_name("value"))
            if value is not None and value.type in ts.FUNCTION_TYPES:
                return value
        return ts.top_level_function(root, ts.text(node))
    if node.type == "call_expression":
        functions = [a for a in ts.call_arguments(node) if (ts.unwrap(a) or a).type in ts.FUNCTION_TYPES]
        return ts.unwrap(functions[-1]) if functions else None
    return None


def final_handler(route: Route, root: Node) -> Node | None:
    """The function that answers the request: the last handler argument, resolved by :func:`resolve_function`."""
    handlers = expanded_handlers(route, root)
    return resolve_function(handlers[-1], root) if handlers else None


def handler_body(route: Route, root: Node) -> Node | None:
    """The body of the final handler (a ``statement_block``, or the expression of ``(req, res) => expr``)."""
    function = final_handler(route, root)
    return function.child_by_field_name("body") if function is not None else None


def param_name(function: Node, index: int) -> str | None:
    """The identifier of the function's ``index``-th parameter (0: request, 1: response, 2: next); None when
    it is missing or destructured."""
    params = ts.parameters(function)
    if index >= len(params):
        return None
    pattern = ts.parameter_pattern(params[index])
    return ts.text(pattern) if pattern.type == "identifier" else None


def is_response(identifier: Node) -> bool:
    """Whether an identifier is an Express response: the second parameter of an enclosing function, or named
    like one (:data:`RESPONSE_NAMES`)."""
    name = ts.text(identifier)
    if name in RESPONSE_NAMES:
        return True
    function = ts.enclosing(identifier, ts.FUNCTION_TYPES)
    while function is not None:
        if param_name(function, 1) == name:
            return True
        function = ts.enclosing(function, ts.FUNCTION_TYPES)
    return False


def is_request(identifier: Node) -> bool:
    """Whether an identifier is an Express request: named like one (:data:`REQUEST_NAMES`), or the first
    parameter of an enclosing function, typed ``Request``, or untyped in a function that takes a response
    too (``(req, res) => ...``; ``registerRoutes(app: Express)`` is not a handler)."""
    name = ts.text(identifier)
    if name in REQUEST_NAMES:
        return True
    function = ts.enclosing(identifier, ts.FUNCTION_TYPES)
    while function is not None:
        params = ts.parameters(function)
        if params and param_name(function, 0) == name:
            written = ts.parameter_type(params[0])
            return ts.type_name(written) in REQUEST_TYPES if written is not None else len(params) >= 2
        function = ts.enclosing(function, ts.FUNCTION_TYPES)
    return False


def responses(root: Node) -> list[Response]:
    """Every call of a sender (:data:`SENDERS`) on a response, in source order. The chain between the
    response variable and the sender may only hold :data:`CHAINABLE` calls (so ``agent.post(...).send(x)``
    in a test is not a response)."""
    found = []
    for node in ts.walk(root):
        call = ts.member_call(node)
        if call is None or call[1] not in SENDERS or call[0] is None:
            continue
        chain = _response_chain(call[0])
        if chain is None:
            continue
        name, status = chain
        args = ts.call_arguments(node)
        body = args[0] if args and call[1] != "sendStatus" else None
        if call[1] == "sendStatus":
            status = args[0] if args else None
        found.append(Response(node, call[1], status, body, name))
    return found


def _response_chain(node: Node) -> tuple[str, Node | None] | None:
    """(response name, status argument) when ``node`` is a response, possibly with chained calls."""
    status: Node | None = None
    current = node
    while current.type == "call_expression":
        call = ts.member_call(current)
        if call is None or call[1] not in CHAINABLE or call[0] is None:
            return None
        if call[1] == "status" and status is None:
            args = ts.call_arguments(current)
            status = args[0] if args else None
        current = call[0]
    if current.type != "identifier" or not is_response(current):
        return None
    return ts.text(current), status


def handlers(root: Node) -> list[Handler]:
    """Every request-handling function in the tree, each once: the handler arguments of :func:`routes` that
    :func:`resolve_function` resolves (inline, named in the file, or wrapped), then any other function whose
    first parameter is typed ``Request`` (``express.Request``, ``Request<P>``) or, untyped, is named ``req`` or
    ``request``, or which is the value of a variable typed ``RequestHandler``."""
    found: dict[tuple[int, int], Handler] = {}
    for route in routes(root):
        args = expanded_handlers(route, root)
        for index, arg in enumerate(args):
            function = resolve_function(arg, root)
            if function is not None:
                key = (function.start_byte, function.end_byte)
                if key not in found or index == len(args) - 1:
                    found[key] = Handler(function, route, index == len(args) - 1)
    for node in ts.walk(root):
        key = (node.start_byte, node.end_byte)
        if node.type not in ts.FUNCTION_TYPES or key in found:
            continue
        params = ts.parameters(node)
        first = params[0] if params else None
        typed = first is not None and ts.type_name(ts.parameter_type(first)) in REQUEST_TYPES
        named = first is not None and ts.parameter_type(first) is None and param_name(node, 0) in REQUEST_NAMES
        if typed or named or _typed_handler(node):
            found[key] = Handler(node, None, False)
    return sorted(found.values(), key=lambda h: h.function.start_byte)


def _typed_handler(function: Node) -> bool:
    """``const x: RequestHandler = (req, res) => ...``."""
    parent = function.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        if parent.type in ("as_expression", "satisfies_expression"):
            types = [c for c in parent.named_children if c.id != function.id]
            if types and ts.type_name(types[-1]) in HANDLER_TYPES:
                return True
        parent = parent.parent
    if parent is None or parent.type != "variable_declarator":
        return False
    annotation = parent.child_by_field_name("type")
    inner = [c for c in annotation.named_children if c.type != "comment"] if annotation is not None else []
    return bool(inner) and ts.type_name(inner[0]) in HANDLER_TYPES
