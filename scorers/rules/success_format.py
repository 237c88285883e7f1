"""``success-format``: success responses the agent writes are ``{ success: true, data: ... }``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tree_sitter import Node

from scorers import express, ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

DATA_SOURCES = frozenset({"storage", "db", "authStorage"})
"""Objects whose calls answer data (rows, lists), never a response envelope (PROJECT_STANDARDS §5)."""

_ARRAY_METHODS = frozenset({"map", "filter", "flatMap", "flat", "slice", "concat", "sort", "toSorted", "toReversed"})
_NO_CONTENT = frozenset({204, 304})
_LITERALS = frozenset({"string", "template_string", "number", "true", "false", "null", "undefined"})
_MAX_DEPTH = 6

Outcome = Literal["ok", "bad", "unknown"]


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    problem: str = ""


_OK = Judgement("ok")
_UNKNOWN = Judgement("unknown")


def _data_call(node: Node) -> bool:
    """``storage.x(...)``, ``await db.select().from(t)`` and the like: data straight from the data layer."""
    node = ts.unwrap(node) or node
    if node.type == "await_expression" and node.named_children:
        node = ts.unwrap(node.named_children[0]) or node
    while node.type in ("call_expression", "member_expression"):
        inner = node.child_by_field_name("function" if node.type == "call_expression" else "object")
        if inner is None:
            return False
        node = ts.unwrap(inner) or inner
    return node.type == "identifier" and ts.text(node) in DATA_SOURCES


def _array_call(node: Node, text_ok: bool) -> bool:
    """``xs.map(...)``, ``.filter``, ``.slice``, …, ``Object.keys(o)``, ``Array.from(x)``: always an array (or,
    for ``slice``/``concat`` on a string, a bare string: not the envelope either, unless text is allowed)."""
    call = ts.member_call(node)
    if call is None or call[0] is None:
        return False
    if call[0].type == "identifier" and ts.text(call[0]) in ("Object", "Array"):
        return call[1] in ("keys", "values", "entries", "from", "of")
    return call[1] in _ARRAY_METHODS and not (text_ok and call[1] in ("slice", "concat"))


def _resolve(identifier: Node, depth: int, text_ok: bool) -> Judgement:
    """Judges what a local name holds: the initial value of its ``const``/``let`` declarator."""
    declarator = ts.binding_of(identifier)
    if declarator is None:
        return _UNKNOWN
    name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
    if name is None or value is None:
        return _UNKNOWN
    if name.type != "identifier":  # destructured: `const { items } = await storage.x()` is data
        return Judgement("bad", "data from storage without the envelope") if _data_call(value) else _UNKNOWN
    return judge_body(value, depth + 1, text_ok)


def _object_keys(node: Node, depth: int) -> dict[str, Node]:
    """Key → value node (the key node itself for shorthand) of an object literal, with spreads of local
    object literals merged in; other spreads are assumed not to carry the envelope."""
    keys: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == "pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None:
                keys[ts.text(key).strip("\"'`")] = value
        elif child.type == "shorthand_property_identifier":
            keys[ts.text(child)] = child
        elif child.type == "spread_element" and child.named_children and depth < _MAX_DEPTH:
            inner = ts.unwrap(child.named_children[0])
            if inner is not None and inner.type == "identifier":
                declarator = ts.binding_of(inner)
                value = ts.unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
                if value is not None and value.type == "object":
                    keys.update(_object_keys(value, depth + 1))
            elif inner is not None and inner.type == "object":
                keys.update(_object_keys(inner, depth + 1))
    return keys


def _is_true(value: Node, depth: int) -> bool:
    value = ts.unwrap(value) or value
    if value.type == "true":
        return True
    if value.type in ("identifier", "shorthand_property_identifier") and depth < _MAX_DEPTH:
        declarator = ts.binding_of(value)
        init = declarator.child_by_field_name("value") if declarator is not None else None
        return init is not None and _is_true(init, depth + 1)
    return False


def _judge_object(node: Node, depth: int) -> Judgement:
    keys = _object_keys(node, depth)
    problems = []
    success = keys.get("success")
    if success is None:
        problems.append("no success: true")
    elif (ts.unwrap(success) or success).type == "false":
        problems.append("success: false on a success status")
    elif not _is_true(success, depth):
        problems.append(f"success is {ts.snippet(success, 40)}, not the literal true")
    if "data" not in keys:
        problems.append("no data")
    return Judgement("bad", "; ".join(problems)) if problems else _OK


def judge_body(body: Node, depth: int = 0, text_ok: bool = False) -> Judgement:
    """Whether a success body is the envelope. ``ok``; ``bad`` with the problem; ``unknown`` when it cannot be
    known statically (a call's result, a parameter, …). ``text_ok``: strings are plain text (``res.send``)."""
    node = ts.unwrap(body) or body
    if depth > _MAX_DEPTH:
        return _UNKNOWN
    if node.type == "object":
        return _judge_object(node, depth)
    if node.type == "array":
        return Judgement("bad", "a bare array")
    if node.type in _LITERALS:
        if text_ok and node.type in ("string", "template_string", "number"):
            return _UNKNOWN
        return Judgement("bad", f"a bare {node.type.replace('_', ' ')}")
    if node.type == "ternary_expression":
        branches = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        judged = [judge_body(b, depth + 1, text_ok) for b in branches if b is not None]
        bad = [j for j in judged if j.outcome == "bad"]
        if bad:
            return bad[0]
        return _OK if judged and all(j.outcome == "ok" for j in judged) else _UNKNOWN
    if node.type == "identifier":
        return _resolve(node, depth, text_ok)
    if _data_call(node):
        return Judgement("bad", "data from storage without the envelope")
    if _array_call(node, text_ok):
        return Judgement("bad", f"a bare array: {ts.snippet(node, 40)}")
    return _UNKNOWN


def _counted(response: express.Response) -> bool:
    """Whether a response is a success this rule judges (see :func:`success_format`)."""
    code = response.status_code()
    if response.method == "sendStatus":
        return code is not None and 200 <= code < 300 and code not in _NO_CONTENT
    if response.method not in ("json", "jsonp", "send") or response.body is None:
        return False
    if code is not None:
        return code < 400 and code not in _NO_CONTENT
    if response.status is None:
        return True
    # A computed status: judged when the body claims to be a success (has `success`).
    body = ts.unwrap(response.body)
    keys = ts.object_keys(body) if body is not None else None
    return keys is not None and "success" in keys


def problem_of(response: express.Response) -> Judgement:
    """The judgement of one counted success response."""
    if response.method == "sendStatus":
        return Judgement("bad", f"sendStatus({response.status_code()}) answers plain text, not the envelope")
    if response.body is None:
        return _UNKNOWN
    return judge_body(response.body, text_ok=response.method == "send")


@rule("success-format", "success responses are { success: true, data }")
def success_format(ctx: RuleContext) -> RuleResult:
    """Judges success responses on lines the agent added or changed; untouched pre-existing bare responses
    (BUG-011) are not the agent's, even when the agent changes how the data they answer is fetched (the
    client still reads those bare bodies: fixing them is a separate, coordinated change).

    Counted: ``res.json(b)`` / ``res.send(b)`` with no ``.status()``, a literal status < 400, or a computed
    status when ``b`` is an object literal with a ``success`` key; ``res.sendStatus(2xx)``. Not counted:
    statuses ≥ 400 (error-format's), 204/304 (no content), ``end``/``redirect``/``sendFile``/``render``,
    ``res.send`` of text (a string, template or number), and ``json()``/``send()`` without an argument
    (that is nearly always ``await res.json()`` on a ``fetch`` response, not an answer).

    The body must be an object literal with ``success: true`` (the literal, or a local ``const`` holding
    it) and a ``data`` key (shorthand ok; extra keys such as ``pagination`` ok). Violations: ``success``
    missing, ``false`` or computed; ``data`` missing; a bare array, literal or ``null``; ``sendStatus(2xx)``
    (plain text); a value taken straight from ``storage``/``db`` (data, never an envelope); the result of an
    array method (``rows.map(...)``, ``Object.values(o)``). A local name is
    resolved to its declarator's initial value (so ``const items = [...]``, or an envelope built in a
    const, are judged); spreads of local object literals are merged, other spreads (``...project``) are
    assumed not to carry ``success``/``data``. Anything else (a parameter, a helper's result,
    ``await service()``, ``parsed.data``) cannot be judged statically and is not a violation: the live probe
    covers it.
    """
    files = ctx.changed_files((".ts",))
    if not files:
        return not_applicable("success-format", "no TypeScript file changed")
    violations, compliant, unknown = [], 0, 0
    for change in files:
        changed = ctx.changed_lines(change.path)
        root = ts.parse(ctx.after(change) or "", change.path).root_node
        for response in express.responses(root):
            if not _counted(response) or not changed.intersection(ts.lines(response.call)):
                continue
            judgement = problem_of(response)
            if judgement.outcome == "bad":
                line = response.call.start_point[0] + 1
                violations.append(f"{change.path}:{line}: {ts.snippet(response.call)} ({judgement.problem})")
            elif judgement.outcome == "ok":
                compliant += 1
            else:
                unknown += 1
    if violations:
        return failed("success-format", violations)
    note = f"; {unknown} with a body not resolvable statically (left to the live probe)" if unknown else ""
    return passed("success-format", f"{compliant} success response(s) in changed code are the envelope{note}")
