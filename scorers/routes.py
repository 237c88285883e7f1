"""The static route table of a tree of server sources: every Express route with its full path and whether
``isAuthenticated`` guards it.

Full paths: a route on ``app`` is taken as written. A route on another receiver (``router.get("/", …)``) is
joined to the prefix of every mount that attaches that router: ``X.use("/api/bookings", …, router)`` in the
same file, or in any file that imports the router (or the function that builds it, as in
``app.use("/api/x", createRouter())``) from the route's file by a relative import. A router no mount
attaches has an unknown prefix (``prefix=None``): the live probe, which reads the running app's route
table, judges it.

Guarded: the route's own handlers name ``isAuthenticated`` (directly, as ``auth.isAuthenticated``, or inside
a local array spread in, ``...adminOnly``); or the router was given it before the route
(``router.use(isAuthenticated)`` / ``router.use("/prefix", isAuthenticated)`` on a matching prefix); or the
mount that attaches the router lists it (``app.use("/api/x", isAuthenticated, router)``); or, for a route on
``app``, an earlier ``app.use("/api/x", isAuthenticated)`` covers its path.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tree_sitter import Node

from scorers import express, ts

GUARD = "isAuthenticated"


@dataclass(frozen=True)
class TableRoute:
    file: str
    route: express.Route
    prefixes: tuple[str, ...] | None
    """Mount prefixes ('' for ``app``); None when no mount attaching the router was found."""
    guarded: bool

    @property
    def paths(self) -> list[str]:
        """Full paths (the written path alone when the prefix is unknown)."""
        if self.prefixes is None:
            return [self.route.path]
        return [join(prefix, self.route.path) for prefix in self.prefixes]

    @property
    def keys(self) -> list[str]:
        return [f"{self.route.method.upper()} {path}" for path in self.paths]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.route.start_line}"


def join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if path in ("", "/"):
        return prefix.rstrip("/") or "/"
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def _names_guard(node: Node) -> bool:
    name = express.handler_name(node)
    return name is not None and name.split(".")[-1] == GUARD


def guarded_handlers(handlers: Iterable[Node]) -> bool:
    return any(_names_guard(h) for h in handlers)


def _covers(prefix: str, path: str) -> bool:
    prefix = prefix.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _local_guard(route: express.Route, root: Node, uses: list[express.Mount]) -> bool:
    """``isAuthenticated`` among the route's handlers, or given to its receiver earlier in the file."""
    if guarded_handlers(express.expanded_handlers(route, root)):
        return True
    return any(
        use.receiver == route.receiver
        and use.call.start_byte < route.call.start_byte
        and guarded_handlers(use.handlers)
        and _covers(use.prefix, route.path)
        for use in uses
    )


def _imports(root: Node) -> dict[str, tuple[str, str]]:
    """Local name → (module specifier, imported name; ``default`` for a default import)."""
    found: dict[str, tuple[str, str]] = {}
    for node in root.named_children:
        if node.type != "import_statement":
            continue
        source = ts.string_value(node.child_by_field_name("source"))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if source is None or clause is None:
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                found[ts.text(part)] = (source, "default")
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                    found[ts.text(alias or name)] = (source, ts.text(name))
    return found


def _resolve_module(importer: str, specifier: str, files: Iterable[str]) -> str | None:
    if not specifier.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    known = set(files)
    for candidate in (base, base.removesuffix(".js") + ".ts", base + ".ts", base + "/index.ts"):
        if candidate in known:
            return candidate
    return None


def _mount_target(mount: express.Mount) -> str | None:
    """The name of what a mount attaches: its last handler's identifier or callee."""
    last = ts.unwrap(mount.handlers[-1]) if mount.handlers else None
    if last is None:
        return None
    if last.type == "identifier":
        return ts.text(last)
    if last.type == "call_expression":
        function = last.child_by_field_name("function")
        return ts.text(function) if function is not None and function.type == "identifier" else None
    return None


def _enclosing_function_name(node: Node) -> str | None:
    """The name of the top-level function (or ``const f = () => …``) a node sits in."""
    function = ts.enclosing(node, ts.FUNCTION_TYPES)
    while function is not None:
        name = function.child_by_field_name("name")
        if name is not None:
            return ts.text(name)
        parent = function.parent
        if parent is not None and parent.type == "variable_declarator":
            declared = parent.child_by_field_name("name")
            return ts.text(declared) if declared is not None else None
        function = ts.enclosing(function, ts.FUNCTION_TYPES)
    return None


def route_table(sources: Mapping[str, str]) -> list[TableRoute]:
    """Every route in ``sources`` (path → TypeScript text), with full paths and guards (see module doc)."""
    trees = {path: ts.parse(text, path).root_node for path, text in sources.items() if path.endswith(".ts")}
    mounts = {path: express.mounts(root, unprefixed=True) for path, root in trees.items()}
    imports = {path: _imports(root) for path, root in trees.items()}
    table = []
    for path, root in trees.items():
        for route in express.routes(root):
            guarded = _local_guard(route, root, mounts[path])
            if route.receiver == "app":
                prefixes: list[str] | None = [""]
            else:
                owner = _enclosing_function_name(route.call)
                prefixes, mount_guard = _router_prefixes(path, route.receiver, owner, trees, mounts, imports)
                guarded = guarded or mount_guard
            table.append(TableRoute(path, route, tuple(prefixes) if prefixes is not None else None, guarded))
    return table


def _router_prefixes(
    path: str,
    receiver: str,
    owner: str | None,
    trees: Mapping[str, Node],
    mounts: Mapping[str, list[express.Mount]],
    imports: Mapping[str, dict[str, tuple[str, str]]],
) -> tuple[list[str] | None, bool]:
    """(prefixes of the mounts attaching ``receiver`` of file ``path``, whether every such mount guards)."""
    exported = {receiver, "default"} | ({owner} if owner else set())
    prefixes, guards = [], []
    for mounting, found in mounts.items():
        for mount in found:
            target = _mount_target(mount)
            if target is None:
                continue
            if mounting == path:
                hit = target in (receiver, owner)
            else:
                imported = imports[mounting].get(target)
                hit = (
                    imported is not None
                    and imported[1] in exported
                    and _resolve_module(mounting, imported[0], trees) == path
                )
            if hit:
                prefixes.append(mount.prefix)
                guards.append(guarded_handlers(mount.handlers[:-1]))
    if not prefixes:
        return None, False
    return prefixes, all(guards)


def tree_sources(template: Path, overrides: Mapping[str, str | None], folder: str = "server") -> dict[str, str]:
    """The ``.ts`` files under ``folder`` of the final tree: the template's, with ``overrides`` (path → new
    text, or None for a deleted file) applied."""
    sources = dict(_template_sources(template, folder))
    for path, text in overrides.items():
        if not (path.startswith(folder + "/") and path.endswith(".ts")):
            continue
        if text is None:
            sources.pop(path, None)
        else:
            sources[path] = text
    return sources


@lru_cache(maxsize=8)
def base_table(template: Path, folder: str = "server") -> tuple[TableRoute, ...]:
    """The route table of the unchanged template (cached: the template never changes)."""
    return tuple(route_table(dict(_template_sources(template, folder))))


@lru_cache(maxsize=8)
def _template_sources(template: Path, folder: str) -> tuple[tuple[str, str], ...]:
    root = template / folder
    if not root.is_dir():
        return ()
    found = []
    for file in sorted(root.rglob("*.ts")):
        if file.is_file() and "node_modules" not in file.parts:
            found.append((file.relative_to(template).as_posix(), file.read_text(errors="replace")))
    return tuple(found)
