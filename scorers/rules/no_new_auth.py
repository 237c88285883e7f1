"""``no-new-auth``: no new authentication method; the Passport setup of the auth integration is the only one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from scorers import express, ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

INTEGRATION = "server/replit_integrations/"

AUTH_PACKAGES = frozenset(
    {
        "jsonwebtoken",
        "jose",
        "express-jwt",
        "jwks-rsa",
        "bcrypt",
        "bcryptjs",
        "argon2",
        "@node-rs/bcrypt",
        "@node-rs/argon2",
        "express-session",
        "cookie-session",
        "cookie-parser",
        "express-basic-auth",
        "basic-auth",
        "openid-client",
        "next-auth",
        "lucia",
    }
)
"""Token, password-hashing, session and sign-in libraries (the integration already provides these)."""
AUTH_PACKAGE_PREFIXES = ("passport-", "@auth/", "@passport-")

_AUTH_HEADER = re.compile(
    r"^(proxy-)?authorization$|^cookie$|^x-user|auth|token|api[-_]?key|apikey|secret|session|password|credential"
)
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
_SESSION_LIFECYCLE = frozenset({"destroy", "regenerate", "save", "reload", "touch", "id", "cookie", "resetMaxAge"})
_PASSPORT_SETUP = frozenset({"use", "authenticate", "serializeUser", "deserializeUser", "initialize", "session"})
_EQUALITY = frozenset({"===", "!==", "==", "!="})
_STATUS_SETTERS = frozenset({"status", "sendStatus", "writeHead"})


def auth_header(name: str) -> bool:
    """Whether a header name carries credentials (``Authorization``, ``X-API-Key``, ``X-Auth-Token``, …)."""
    return bool(_AUTH_HEADER.search(name.strip().lower()))


def auth_package(source: str) -> bool:
    return source in AUTH_PACKAGES or source.startswith(AUTH_PACKAGE_PREFIXES)


def _imports(root: Node) -> Iterator[tuple[Node, str]]:
    """(node, module) for ``import ... from "m"``, ``require("m")`` and ``import("m")``."""
    for node in ts.walk(root):
        if node.type == "import_statement":
            source = ts.string_value(node.child_by_field_name("source"))
            if source is not None:
                yield node, source
        elif node.type == "call_expression":
            callee = node.child_by_field_name("function")
            args = ts.call_arguments(node)
            if callee is not None and ts.text(callee) in ("require", "import") and args:
                source = ts.string_value(args[0])
                if source is not None:
                    yield node, source


def _header_read(node: Node) -> str | None:
    """The header name when ``node`` reads a credential header of a request."""
    if node.type in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        if obj is None or obj.type != "member_expression" or ts.text(obj.child_by_field_name("property")) != "headers":
            return None
        request = obj.child_by_field_name("object")
        if request is None or request.type != "identifier" or not express.is_request(request):
            return None
        if node.type == "member_expression":
            name: str | None = ts.text(node.child_by_field_name("property"))
        else:
            name = ts.string_value(node.child_by_field_name("index"))
        return name if name is not None and auth_header(name) else None
    call = ts.member_call(node)
    if call is not None and call[1] in ("header", "get") and call[0] is not None and call[0].type == "identifier":
        args = ts.call_arguments(node)
        name = ts.string_value(args[0]) if len(args) == 1 else None
        if name is not None and "/" not in name and express.is_request(call[0]) and auth_header(name):
            return name
    return None


def _destructured_headers(node: Node) -> list[str]:
    """Credential headers destructured from ``req.headers`` (``const { authorization } = req.headers``)."""
    if node.type != "variable_declarator":
        return []
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or value is None or name.type != "object_pattern" or value.type != "member_expression":
        return []
    request = value.child_by_field_name("object")
    if ts.text(value.child_by_field_name("property")) != "headers" or request is None:
        return []
    if request.type != "identifier" or not express.is_request(request):
        return []
    keys = [c for c in name.named_children if c.type in ("shorthand_property_identifier_pattern", "pair_pattern")]
    found = [ts.text(c.child_by_field_name("key") if c.type == "pair_pattern" else c).strip("\"'") for c in keys]
    return [key for key in found if auth_header(key)]


def _request_member(node: Node, member: str) -> str | None:
    """For ``<request>.<member>.<x>`` (or ``[<x>]``) returns ``x``."""
    if node.type not in ("member_expression", "subscript_expression"):
        return None
    obj = node.child_by_field_name("object")
    if obj is None or obj.type != "member_expression" or ts.text(obj.child_by_field_name("property")) != member:
        return None
    request = obj.child_by_field_name("object")
    if request is None or request.type != "identifier" or not express.is_request(request):
        return None
    if node.type == "subscript_expression":
        return ts.string_value(node.child_by_field_name("index")) or "[…]"
    return ts.text(node.child_by_field_name("property"))


def _response_root(node: Node | None) -> bool:
    """Whether a call chain starts at an Express response (``res.status(401)``, ``res.set(...).status(401)``)."""
    while node is not None and node.type == "call_expression":
        call = ts.member_call(node)
        node = call[0] if call is not None else None
    return node is not None and node.type == "identifier" and express.is_response(node)


def _is_401(node: Node | None) -> bool:
    node = ts.unwrap(node)
    return node is not None and node.type == "number" and ts.text(node) == "401"


def _secret_env(node: Node | None) -> bool:
    """``process.env.X`` where X names a key, token, secret or password."""
    node = ts.unwrap(node)
    if node is None or node.type not in ("member_expression", "subscript_expression"):
        return False
    obj = node.child_by_field_name("object")
    if ts.text(obj) != "process.env":
        return False
    if node.type == "member_expression":
        name = ts.text(node.child_by_field_name("property"))
    else:
        name = ts.string_value(node.child_by_field_name("index")) or ""
    return bool(_SECRET_ENV.search(name))


def findings(root: Node) -> list[tuple[Node, str]]:
    """Every construct in a tree that adds an authentication method, with why (see :func:`no_new_auth`)."""
    found = [
        (node, f"imports {source}, an authentication/session library")
        for node, source in _imports(root)
        if auth_package(source)
    ]
    for node in ts.walk(root):
        found += [(node, why) for why in _reasons(node)]
    return found


def _reasons(node: Node) -> list[str]:
    """Why one node adds an authentication method (usually nothing)."""
    reasons = [f"reads credentials from the {h!r} header" for h in _destructured_headers(node)]
    header = _header_read(node)
    if header is not None:
        reasons.append(f"reads credentials from the {header!r} header")
    if node.type == "new_expression" and ts.text(node.child_by_field_name("constructor")).endswith("Strategy"):
        reasons.append("creates a new Passport strategy")
    call = ts.member_call(node)
    if call is not None and call[0] is not None:
        reasons += _call_reasons(node, call[0], call[1])
    elif node.type == "call_expression" and ts.text(node.child_by_field_name("function")) == "timingSafeEqual":
        reasons.append("compares credentials itself")
    if node.type == "assignment_expression" and _assigns_401(node):
        reasons.append(_OWN_401)
    session = _request_member(node, "session")
    if session is not None and session not in _SESSION_LIFECYCLE:
        reasons.append(f"keeps its own session state (session.{session})")
    reasons += [f"reads credentials from req.{m}" for m in ("cookies", "signedCookies") if _request_member(node, m)]
    if _compares_secret(node):
        reasons.append("checks a shared secret from the environment (an API key)")
    return reasons


_OWN_401 = "answers 401 itself: isAuthenticated is the only authentication gate"


def _call_reasons(node: Node, receiver: Node, name: str) -> list[str]:
    if receiver.type == "identifier" and ts.text(receiver) == "passport" and name in _PASSPORT_SETUP:
        return [f"passport.{name}() outside the auth integration"]
    if receiver.type == "identifier" and name in ("login", "logIn") and express.is_request(receiver):
        return ["signs the user in outside the auth integration"]
    if name in _STATUS_SETTERS and _response_root(receiver) and _is_401(_first_arg(node)):
        return [_OWN_401]
    if name == "timingSafeEqual":
        return ["compares credentials itself"]
    return []


def _assigns_401(node: Node) -> bool:
    """``res.statusCode = 401``."""
    left = node.child_by_field_name("left")
    if left is None or left.type != "member_expression" or not _is_401(node.child_by_field_name("right")):
        return False
    return ts.text(left.child_by_field_name("property")) == "statusCode" and _response_root(
        left.child_by_field_name("object")
    )


def _compares_secret(node: Node) -> bool:
    """``x === process.env.ADMIN_API_KEY`` (or ``!==``, ``==``, ``!=``, either side), ``x`` not a literal."""
    if node.type != "binary_expression" or ts.text(node.child_by_field_name("operator")) not in _EQUALITY:
        return False
    left, right = ts.unwrap(node.child_by_field_name("left")), ts.unwrap(node.child_by_field_name("right"))
    if left is None or right is None or _literal(left) or _literal(right):
        return False  # `process.env.X === undefined` / `=== ""` checks configuration, not a caller
    return _secret_env(left) or _secret_env(right)


def _literal(node: Node) -> bool:
    return node.type in ("null", "undefined", "true", "false", "number") or ts.string_value(node) is not None


def _first_arg(call: Node) -> Node | None:
    args = ts.call_arguments(call)
    return args[0] if args else None


@rule("no-new-auth", "no new authentication method (strategies, tokens, API keys, own sessions or 401 gates)")
def no_new_auth(ctx: RuleContext) -> RuleResult:
    """Fails for each construct on a changed line (outside ``server/replit_integrations/``, whose changes
    ``no-integration-edits`` judges and which legitimately holds the one auth method) that:

    (a) imports a token, password-hashing, session or sign-in library (:data:`AUTH_PACKAGES`, ``passport-*``;
        by ``import``, ``require`` or ``import()``; type-only imports too), calls ``passport.use`` /
        ``authenticate`` / ``serializeUser`` / ``deserializeUser`` / ``initialize`` / ``session``, or
        constructs ``new <X>Strategy(...)``;
    (b) reads a credential header of a request (``req.headers.authorization``, ``req.headers["x-api-key"]``,
        ``req.header("X-Auth-Token")``, ``req.get("Authorization")``, destructured from ``req.headers``;
        header names judged by :func:`auth_header`), or ``req.cookies`` / ``req.signedCookies``;
    (c) keeps its own session state (``req.session.<x>``, read or written; the lifecycle methods
        ``destroy``/``regenerate``/``save``/… are allowed) or signs users in (``req.login``/``req.logIn``);
    (d) answers 401 itself (``res.status(401)``, ``res.sendStatus(401)``, ``res.writeHead(401)``,
        ``res.statusCode = 401``): ``isAuthenticated`` is the only 401 gate, so even a defensive
        ``if (!req.user) return res.status(401)...`` after it counts (use ``req.user!`` as the fixture does);
    (e) checks a shared secret: compares a non-literal with ``process.env.<…KEY|TOKEN|SECRET|PASSWORD…>``
        (``=== undefined`` / ``=== ""`` is a configuration check, allowed) or calls ``timingSafeEqual``.

    Allowed: ``isAuthenticated``; ``requireAdmin``-like middleware answering 403 (authorisation, not
    authentication) or 404 (ownership); reading ``req.user`` or calling ``req.isAuthenticated()`` (e.g. to
    tailor a public response); ``req.logout`` and ``req.session.destroy()``; importing ``passport`` without
    calling its setup; sending an ``Authorization`` header on an outgoing ``fetch`` (a client of another
    service, not a way to sign in here).
    """
    files = [c for c in ctx.changed_files((".ts",)) if not c.path.startswith(INTEGRATION)]
    if not files:
        return not_applicable("no-new-auth", "no TypeScript file changed outside the auth integration")
    violations = []
    for change in files:
        changed = ctx.changed_lines(change.path)
        root = ts.parse(ctx.after(change) or "", change.path).root_node
        for node, why in findings(root):
            if changed.intersection(ts.lines(node)):
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node, 100)} ({why})")
    if violations:
        return failed("no-new-auth", violations)
    return passed("no-new-auth", f"{len(files)} changed file(s) add no authentication method")
