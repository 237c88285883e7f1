"""``auth-required``: every /api route the agent adds or changes is guarded by ``isAuthenticated``, unless it
is public (the task lists it, or it was a public route of the fixture already)."""

from __future__ import annotations

from scorers import ts
from scorers.routes import TableRoute, base_table, route_table, tree_sources
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def changed_routes(ctx: RuleContext) -> list[TableRoute]:
    """Routes of the final tree registered in a changed ``server/`` file on lines the agent added or changed
    (the registration, its middleware list or its handler's body)."""
    overrides = {c.path: (None if c.status == "deleted" else (ctx.after(c) or "")) for c in ctx.changes.changes}
    changed = {c.path for c in ctx.changed_files((".ts",)) if c.path.startswith("server/")}
    if not changed:
        return []
    table = route_table(tree_sources(ctx.template, overrides))
    return [r for r in table if r.file in changed and ctx.changed_lines(r.file).intersection(ts.lines(r.route.call))]


def public_keys(ctx: RuleContext) -> set[str]:
    """The task's public routes and the fixture's own unguarded routes (which stay public when changed)."""
    own = {key for r in base_table(ctx.template) if not r.guarded for key in r.keys}
    return own | set(ctx.spec.rules.public_routes if ctx.spec else [])


@rule("auth-required", "every new or changed /api route uses isAuthenticated (task-listed public routes exempt)")
def auth_required(ctx: RuleContext) -> RuleResult:
    """Judges each /api route registered on a line the agent added or changed (see :func:`changed_routes`).

    A route passes when ``isAuthenticated`` guards it (in its handlers, a spread local array, an earlier
    ``router.use``/``app.use`` covering it, or the mount attaching its router; :mod:`scorers.routes`), or
    when its ``METHOD /full/path`` is public: listed in the task's ``public_routes``, or a route the fixture
    already served without a session (changing a public handler, e.g. fixing a bug in
    ``POST /api/newsletter/subscribe``, keeps it public; removing ``isAuthenticated`` from a guarded one
    fails). Other middleware (``requireAdmin``, a hand-written session check) is not ``isAuthenticated``.
    A router attached by no mount found statically has an unknown full path: it is left to the live probe
    (noted in the evidence, never failed here). Routes outside /api (pages, assets) are not judged.
    Needs a task (its public routes): without one the rule is not applicable. Removing a guard without
    touching the route lines (deleting a ``router.use(isAuthenticated)``) is caught by the live probe only.
    """
    if ctx.spec is None:
        return not_applicable("auth-required", "needs the task's list of public routes")
    routes = [r for r in changed_routes(ctx) if any(_is_api(p) for p in r.paths) or r.prefixes is None]
    if not routes:
        return not_applicable("auth-required", "no /api route added or changed")
    public = public_keys(ctx)
    violations, unknown, guarded, exempt = [], [], 0, 0
    for entry in routes:
        if entry.guarded:
            guarded += 1
            continue
        if entry.prefixes is None:
            unknown.append(f"{entry.where}: {entry.route.key} (router mounted at an unknown prefix: left to the probe)")
            continue
        offending = [key for key in entry.keys if _is_api(key.split(" ", 1)[1]) and key not in public]
        if offending:
            snippet = ts.snippet(entry.route.call, 100)
            violations.append(f"{entry.where}: {', '.join(offending)} without isAuthenticated: {snippet}")
        else:
            exempt += 1
    if violations:
        return failed("auth-required", violations)
    return passed(
        "auth-required", f"{guarded} changed /api route(s) guarded by isAuthenticated, {exempt} public", *unknown
    )
