"""``error-format``: error responses the agent writes are ``{ error: "..." }`` (+ optional ``details``)."""

from __future__ import annotations

from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext


def _status_of(receiver: Node | None) -> Node | None:
    """The argument of ``.status(x)`` when the response is built as ``res.status(x).json(...)``."""
    if receiver is None:
        return None
    call = ts.member_call(receiver)
    if call is None or call[1] != "status":
        return None
    args = ts.call_arguments(receiver)
    return args[0] if args else None


def _is_error_status(status: Node | None, body_keys: set[str] | None) -> bool:
    if status is None:
        return False
    if status.type == "number":
        try:
            return int(ts.text(status)) >= 400
        except ValueError:
            return False
    # A computed status (e.g. an error handler's `status`): an error when the body reads like one.
    return body_keys is not None and "success" not in body_keys and bool({"message", "error", "errors"} & body_keys)


def error_responses(root: Node) -> list[tuple[Node, str | None]]:
    """Every error response in a tree with the problem found, or None when it is ``{ error }``-shaped.

    Counted: ``res.status(<4xx|5xx>).json(body)`` / ``.send(body)``, the same with a computed status when
    the body has ``message``/``error``/``errors`` and no ``success``, and ``res.sendStatus(<4xx|5xx>)``.
    A body that is not an object literal (a variable, a call) cannot be judged statically and is skipped;
    a string body, or an object without an ``error`` key (``{ message }``, ``{ errors }``), is a violation.
    """
    found: list[tuple[Node, str | None]] = []
    for node in ts.walk(root):
        call = ts.member_call(node)
        if call is None:
            continue
        receiver, name = call
        args = ts.call_arguments(node)
        if name == "sendStatus" and args and args[0].type == "number" and int(ts.text(args[0]) or 0) >= 400:
            found.append((node, "sendStatus() answers an error without an { error } body"))
            continue
        if name not in ("json", "send") or not args:
            continue
        body = args[0]
        keys = ts.object_keys(body)
        if not _is_error_status(_status_of(receiver), keys):
            continue
        if keys is None:
            if body.type in ("string", "template_string"):
                found.append((node, "error answered with a plain string"))
            continue
        if "error" not in keys:
            found.append((node, f"error body has keys {{{', '.join(sorted(keys))}}} but no 'error'"))
        else:
            found.append((node, None))
    return found


@rule("error-format", "error responses are { error } (+ details), never { message }")
def error_format(ctx: RuleContext) -> RuleResult:
    """Checks error responses on lines the agent added or changed; untouched pre-existing ones are not the
    agent's (BUG-010 lines left alone pass), but a touched or copied ``{ message }`` response fails."""
    files = ctx.changed_files()
    if not files:
        return not_applicable("error-format", "no TypeScript file changed")
    violations, compliant = [], 0
    for change in files:
        source = ctx.after(change) or ""
        changed = ctx.changed_lines(change.path)
        for node, problem in error_responses(ts.parse(source, change.path).root_node):
            if not changed.intersection(ts.lines(node)):
                continue
            if problem is None:
                compliant += 1
            else:
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node)} ({problem})")
    if violations:
        return failed("error-format", violations)
    return passed("error-format", f"{compliant} error response(s) in changed code, all {{ error }}-shaped")
