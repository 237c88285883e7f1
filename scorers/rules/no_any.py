"""``no-any``: the agent writes no TypeScript ``any`` type (``unknown`` and narrowing, or a real type)."""

from __future__ import annotations

from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")


def any_types(root: Node) -> list[Node]:
    """Every ``any`` type in a tree (tree-sitter's ``predefined_type`` node whose text is ``any``)."""
    return [node for node in ts.walk(root) if node.type == "predefined_type" and ts.text(node) == "any"]


def source_line(source: str, line: int, limit: int = 120) -> str:
    """Line ``line`` (1-based) of ``source``, whitespace-collapsed and cut to ``limit`` characters."""
    lines = source.splitlines()
    flat = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@rule("no-any", "no TypeScript `any` type in changed code")
def no_any(ctx: RuleContext) -> RuleResult:
    """Fails for every ``any`` type on a changed line of an added or modified ``.ts``/``.tsx``/``.mts``/
    ``.cts`` file, in any position: annotations (``: any``, ``catch (e: any)``), assertions (``as any``,
    ``<any>x``), ``any[]``, ``Array<any>``, ``Record<string, any>``, ``Promise<any>``, generic arguments
    (``foo<any>()``), defaults (``<T = any>``), function types. Files outside ``server/`` and ``shared/`` (a
    client file the agent should not have touched) count as well: the ``any`` is still the agent's, and the
    path rules report the edit itself.

    Not violations: ``z.any()`` (a Zod runtime schema whose type is inferred, not the TypeScript ``any``
    keyword), properties or identifiers named ``any`` (``flags.any``, ``anyPending``), ``.some()``, the word in
    comments or strings, ``unknown``, and ``any`` on untouched pre-existing lines.
    """
    files = ctx.changed_files(TS_SUFFIXES)
    if not files:
        return not_applicable("no-any", "no TypeScript file changed")
    violations = []
    for change in files:
        changed = ctx.changed_lines(change.path)
        source = ctx.after(change) or ""
        for node in any_types(ts.parse(source, change.path).root_node):
            line = node.start_point[0] + 1
            if line in changed:
                violations.append(f"{change.path}:{line}: {source_line(source, line)} (`any` type)")
    if violations:
        return failed("no-any", violations)
    return passed("no-any", f"{len(files)} changed TypeScript file(s): no `any` type on changed lines")
