"""Path rules: which files the Backend Worker may change at all (judged on the final change set)."""

from __future__ import annotations

from pathlib import PurePosixPath

from scorers.changes import FileChange
from scorers.rules import RuleResult, failed, passed, rule
from scorers.rules.context import RuleContext


def _line(change: FileChange) -> str:
    return f"{change.path} ({change.status})"


def owned_by_backend(path: str) -> bool:
    """``server/*.ts``, anything under ``server/models/`` or ``server/services/``, and ``shared/schema.ts``."""
    parts = PurePosixPath(path).parts
    if path == "shared/schema.ts":
        return True
    if len(parts) == 2 and parts[0] == "server" and parts[1].endswith(".ts"):
        return True
    return len(parts) > 2 and parts[0] == "server" and parts[1] in ("models", "services")


def _under(prefix: str, rule_id: str, ctx: RuleContext) -> RuleResult:
    offending = [_line(c) for c in ctx.changes.changes if c.path.startswith(prefix)]
    return failed(rule_id, offending) if offending else passed(rule_id, f"nothing under {prefix} changed")


@rule("folder-ownership", "only server/*.ts, server/models/, server/services/ and shared/schema.ts are changed")
def folder_ownership(ctx: RuleContext) -> RuleResult:
    """Fails for every added, modified or deleted file outside the Backend Worker's folders."""
    offending = [_line(c) for c in ctx.changes.changes if not owned_by_backend(c.path)]
    if offending:
        return failed("folder-ownership", offending)
    return passed("folder-ownership", f"{len(ctx.changes.changes)} changed file(s), all in backend folders")


@rule("no-client-edits", "nothing under client/src/ changes")
def no_client_edits(ctx: RuleContext) -> RuleResult:
    return _under("client/src/", "no-client-edits", ctx)


@rule("no-integration-edits", "nothing under server/replit_integrations/ changes")
def no_integration_edits(ctx: RuleContext) -> RuleResult:
    return _under("server/replit_integrations/", "no-integration-edits", ctx)
