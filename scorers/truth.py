"""Ground truth for the agent's final report: what each of its sections should say, computed from the change
set (and, for endpoints, the live route table when the probes ran).

- Files Created / Files Modified: added files; modified or deleted files (symlinks and lock files too).
- Schema Changes: ``shared/schema.ts`` before and after (:mod:`scorers.schema_diff`).
- New API Endpoints: /api routes of the final app the base fixture did not have. From the live route table
  (``ctx.probes.routes`` against ``ctx.base_routes``) when the probe ran without error, a route requiring
  auth when ``isAuthenticated`` is among its handlers; otherwise from the static route table
  (:mod:`scorers.routes`), requiring auth when guarded, skipping routers mounted at an unknown prefix (noted).
- Environment Variables: names a changed or added TypeScript file reads (``process.env.NAME``,
  ``process.env["NAME"]``, ``const { NAME } = process.env``, through ``const env = process.env``, or a config
  helper given the name, like the fixture's ``readInt("PORT", 5000)``: a call whose name looks like an env
  reader and whose first argument is an upper-case name) that no file of the base fixture reads and the base
  ``.env`` does not define.
- New Dependencies: packages a ``package.json`` declares in a dependency section where the base did not.
- Known Gaps: the task's ``expected.known_gaps``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tree_sitter import Node

from scorers import ts
from scorers.routes import base_table, route_table, tree_sources
from scorers.rules.context import RuleContext
from scorers.rules.no_hardcoded_secrets import ENV_HELPER
from scorers.schema_diff import SCHEMA_FILE, SchemaDiff, diff_schema

GUARD = "isAuthenticated"
TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_SKIPPED_DIRS = frozenset({"node_modules", ".git", "dist"})
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    auth_required: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class ReportTruth:
    files_created: list[str] = field(default_factory=list)
    files_modified: list[str] = field(default_factory=list)
    """Modified or deleted."""
    schema: SchemaDiff = field(default_factory=SchemaDiff)
    endpoints: list[Endpoint] = field(default_factory=list)
    endpoints_source: Literal["live", "static"] = "static"
    env_vars: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    known_gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the truth could not see (why the static table was used, unknown router prefixes, omitted files)."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for the score's metadata)."""
        return asdict(self)


def report_truth(ctx: RuleContext) -> ReportTruth:
    notes: list[str] = []
    created, modified = changed_files(ctx)
    endpoints, source = new_endpoints(ctx, notes)
    return ReportTruth(
        files_created=created,
        files_modified=modified,
        schema=schema_truth(ctx),
        endpoints=endpoints,
        endpoints_source=source,
        env_vars=new_env_vars(ctx, notes),
        dependencies=new_dependencies(ctx, notes),
        known_gaps=list(ctx.spec.expected.known_gaps) if ctx.spec is not None else [],
        notes=notes,
    )


def changed_files(ctx: RuleContext) -> tuple[list[str], list[str]]:
    """(added paths, modified or deleted paths), each sorted."""
    created = sorted(c.path for c in ctx.changes.changes if c.status == "added")
    modified = sorted(c.path for c in ctx.changes.changes if c.status != "added")
    return created, modified


def schema_truth(ctx: RuleContext) -> SchemaDiff:
    change = ctx.changes.get(SCHEMA_FILE)
    before = ctx.before(SCHEMA_FILE)
    if change is None:
        return diff_schema(before, before)
    if change.omitted:
        unknown = diff_schema(before, before)
        unknown.notes.append(f"{SCHEMA_FILE} was too large to keep; its changes are unknown")
        return unknown
    return diff_schema(before, ctx.after(change))


# ---- endpoints -------------------------------------------------------------------------------------------


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _endpoints(found: dict[tuple[str, str], list[bool]]) -> list[Endpoint]:
    """One endpoint per method and path; auth required only when every registration of it is guarded."""
    endpoints = [Endpoint(method, path, all(guards)) for (method, path), guards in found.items()]
    return sorted(endpoints, key=lambda e: (e.path, e.method))


def new_endpoints(ctx: RuleContext, notes: list[str]) -> tuple[list[Endpoint], Literal["live", "static"]]:
    probes = ctx.probes
    if probes is not None and probes.error is None and ctx.base_routes:
        base = {(r["method"].upper(), r["path"]) for r in ctx.base_routes}
        found: dict[tuple[str, str], list[bool]] = {}
        for route in probes.routes:
            key = (str(route["method"]).upper(), str(route["path"]))
            if key not in base and _is_api(key[1]):
                found.setdefault(key, []).append(GUARD in route.get("handlers", []))
        return _endpoints(found), "live"
    if probes is None:
        notes.append("endpoints: no live probe; read from the static route table")
    elif probes.error is not None:
        notes.append(f"endpoints: the live probe failed ({probes.error}); read from the static route table")
    else:
        notes.append("endpoints: the base fixture's live route table is missing; read from the static route table")
    return static_endpoints(ctx, notes), "static"


def static_endpoints(ctx: RuleContext, notes: list[str]) -> list[Endpoint]:
    overrides: dict[str, str | None] = {}
    for change in ctx.changes.changes:
        if change.omitted:
            notes.append(f"endpoints: {change.path} was too large to keep; read as the fixture's version")
            continue
        overrides[change.path] = None if change.status == "deleted" or change.kind == "symlink" else ctx.after(change)
    base = {key for route in base_table(ctx.template) for key in route.keys}
    found: dict[tuple[str, str], list[bool]] = {}
    for route in route_table(tree_sources(ctx.template, overrides)):
        if route.prefixes is None:
            if not set(route.keys) <= base:
                notes.append(f"endpoints: {route.where}: {route.route.key} is on a router mounted at an unknown prefix")
            continue
        for key in route.keys:
            method, path = key.split(" ", 1)
            if key not in base and _is_api(path):
                found.setdefault((method, path), []).append(route.guarded)
    return _endpoints(found)


# ---- environment variables -------------------------------------------------------------------------------


def _is_process_env(node: Node | None) -> bool:
    node = ts.unwrap_value(node)
    if node is None or node.type != "member_expression":
        return False
    owner = ts.unwrap_value(node.child_by_field_name("object"))
    return (
        owner is not None
        and owner.type == "identifier"
        and ts.text(owner) == "process"
        and ts.text(node.child_by_field_name("property")) == "env"
    )


def _pattern_keys(pattern: Node) -> set[str]:
    """The properties an object pattern reads: ``{ A, B: b, C = "x", "D": d, ...rest }`` → A, B, C, D."""
    keys: set[str] = set()
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            keys.add(ts.text(child))
        elif child.type == "object_assignment_pattern":
            keys.add(ts.text(child.child_by_field_name("left")))
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            name = ts.string_value(key) if key is not None and key.type == "string" else None
            if key is not None and key.type == "property_identifier":
                name = ts.text(key)
            if name:
                keys.add(name)
    return keys


def _written(node: Node) -> bool:
    """``process.env.X = …`` and ``delete process.env.X`` set or remove a variable; they do not read it."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and left.id == node.id
    return parent.type == "unary_expression" and ts.text(parent.child_by_field_name("operator")) == "delete"


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{3,}$")


def env_reads(source: str, path: str = "x.ts") -> set[str]:
    """Environment variable names a TypeScript file reads (see the module doc)."""
    root = ts.parse(source, path).root_node
    names: set[str] = set()
    aliases: set[str] = set()
    for node in ts.walk(root):
        if node.type == "variable_declarator" and _is_process_env(node.child_by_field_name("value")):
            target = node.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                aliases.add(ts.text(target))
            elif target is not None and target.type == "object_pattern":
                names |= _pattern_keys(target)
    for node in ts.walk(root):
        if node.type not in ("member_expression", "subscript_expression") or _written(node):
            continue
        owner = node.child_by_field_name("object")
        if not (_is_process_env(owner) or _env_alias(owner, aliases)):
            continue
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            name = ts.text(prop) if prop is not None and prop.type == "property_identifier" else None
        else:
            name = ts.string_value(ts.unwrap_value(node.child_by_field_name("index")))
        if name:
            names.add(name)
    for node in ts.walk(root):  # readInt("PORT", 5000), getEnv("X"): a helper given the variable's name
        if node.type != "call_expression":
            continue
        function = node.child_by_field_name("function")
        args = ts.call_arguments(node)
        if function is None or not args or not ENV_HELPER.search(ts.text(function).rsplit(".", 1)[-1]):
            continue
        name = ts.string_value(args[0])
        if name is not None and _ENV_NAME.match(name):
            names.add(name)
    return names


def _env_alias(node: Node | None, aliases: set[str]) -> bool:
    """``env`` in ``env.X`` where ``const env = process.env`` binds it."""
    node = ts.unwrap_value(node)
    if node is None or node.type != "identifier" or ts.text(node) not in aliases:
        return False
    binding = ts.binding_of(node)
    return binding is not None and _is_process_env(binding.child_by_field_name("value"))


@lru_cache(maxsize=8)
def base_env_names(template: Path) -> frozenset[str]:
    """Names the base fixture knows: read by any of its TypeScript files, or defined in its ``.env``."""
    names: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(template):
        dirnames[:] = [d for d in dirnames if d not in _SKIPPED_DIRS]
        for name in filenames:
            if name.endswith(TS_SUFFIXES):
                file = Path(dirpath) / name
                names |= env_reads(file.read_text(errors="replace"), file.name)
    env_file = template / ".env"
    if env_file.is_file():
        for line in env_file.read_text(errors="replace").splitlines():
            match = _ENV_LINE.match(line)
            if match:
                names.add(match.group(1))
    return frozenset(names)


def new_env_vars(ctx: RuleContext, notes: list[str]) -> list[str]:
    read: set[str] = set()
    for change in ctx.changed_files(TS_SUFFIXES):
        read |= env_reads(ctx.after(change) or "", change.path)
    notes += [
        f"env vars: {c.path} was too large to keep; not read"
        for c in ctx.changes.changes
        if c.omitted and c.path.endswith(TS_SUFFIXES)
    ]
    return sorted(read - base_env_names(ctx.template))


# ---- dependencies ----------------------------------------------------------------------------------------


def _declared(text: str | None, path: str, notes: list[str]) -> set[tuple[str, str]]:
    """(section, package) pairs a manifest declares."""
    try:
        manifest = json.loads(text) if text is not None else {}
    except json.JSONDecodeError:
        notes.append(f"dependencies: {path} is not valid JSON")
        return set()
    if not isinstance(manifest, dict):
        return set()
    return {
        (section, str(name))
        for section in DEPENDENCY_SECTIONS
        if isinstance(manifest.get(section), dict)
        for name in manifest[section]
    }


def new_dependencies(ctx: RuleContext, notes: list[str]) -> list[str]:
    """Packages a changed or added ``package.json`` declares in a dependency section where the base did not
    (a package moved from devDependencies to dependencies counts, as for the no-new-deps rule)."""
    names: set[str] = set()
    for change in ctx.changes.changes:
        if PurePosixPath(change.path).name != "package.json" or change.status == "deleted" or change.kind != "file":
            continue
        if change.omitted:
            notes.append(f"dependencies: {change.path} was too large to keep; not read")
            continue
        before = _declared(ctx.before(change.path), change.path, [])
        after = _declared(ctx.after(change), change.path, notes)
        names |= {name for _, name in after - before}
    return sorted(names)
