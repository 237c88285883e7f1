"""``schema-conventions``: tables live in ``shared/schema.ts`` with snake_case database names and camelCase
TypeScript keys mapped by name, and schema changes go through ``db:push`` (no hand-written migrations)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext
from scorers.rules.pg_driver import CODE_SUFFIXES

SCHEMA_FILE = "shared/schema.ts"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
DB_OBJECTS = frozenset({"pgTable", "pgEnum", "pgSchema", "pgView", "pgMaterializedView", "pgSequence"})
"""Drizzle calls that define a database object (the first argument is its database name)."""
OTHER_TABLES = frozenset({"pgTableCreator", "mysqlTable", "sqliteTable", "singlestoreTable"})
MIGRATORS = ("drizzle-orm/migrator", "drizzle-orm/node-postgres/migrator")


def camelize(name: str) -> str:
    """``due_date`` → ``dueDate``, ``address_line_1`` → ``addressLine1``."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def snakify(key: str) -> str:
    """``dueDate`` → ``due_date``, ``addressLine1`` → ``address_line1``."""
    return re.sub(r"([A-Z])", r"_\1", key).lower()


def maps_by_name(key: str, column: str) -> bool:
    """Whether Drizzle key ``key`` is the camelCase form of database column ``column``."""
    return camelize(column) == key or snakify(key) == column


def table_definer(call: Node, names: set[str]) -> str | None:
    """``pgTable`` for ``pgTable(...)`` / ``pgTable.withRLS(...)`` (through import aliases), else None."""
    function = call.child_by_field_name("function")
    if function is not None and function.type == "member_expression":
        function = function.child_by_field_name("object")
    if function is None or function.type != "identifier":
        return None
    name = ts.text(function)
    return name if name in names else None


def pgtable_aliases(root: Node) -> dict[str, str]:
    """Local name → Drizzle name for the definers (``import { pgTable as table }`` maps table → pgTable)."""
    names = {name: name for name in DB_OBJECTS | OTHER_TABLES}
    for node in ts.walk(root):
        if node.type == "import_specifier":
            imported, alias = node.child_by_field_name("name"), node.child_by_field_name("alias")
            if alias is not None and ts.text(imported) in names:
                names[ts.text(alias)] = ts.text(imported)
    return names


def column_builder(value: Node) -> Node | None:
    """The column builder call at the root of a chain: ``varchar("x")`` in ``varchar("x").notNull()``."""
    node = ts.unwrap_value(value)
    while node is not None and node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return node
        inner = ts.unwrap_value(function.child_by_field_name("object"))
        if inner is None or inner.type != "call_expression":
            return node  # `t.integer("x")` in the callback form
        node = inner
    return None


def columns_object(table: Node) -> Node | None:
    """The columns object of ``pgTable(name, { ... })`` or ``pgTable(name, (t) => ({ ... }))``."""
    args = ts.call_arguments(table)
    columns = args[1] if len(args) > 1 else None
    if columns is not None and columns.type == "arrow_function":
        columns = ts.unwrap_value(columns.child_by_field_name("body"))
    return columns if columns is not None and columns.type == "object" else None


def column_problems(pair: Node) -> list[str]:
    """What is wrong with one ``key: builder("db_name")...`` column (empty when it is fine or not a column)."""
    key_node = pair.child_by_field_name("key")
    key = ts.string_value(key_node) if key_node is not None and key_node.type == "string" else ts.text(key_node)
    builder = column_builder(pair.child_by_field_name("value")) if key_node is not None else None
    if builder is None or key_node is None or key_node.type == "computed_property_name":
        return []
    args = ts.call_arguments(builder)
    if args and args[0].type not in ("object", "string"):
        return []  # a computed database name cannot be judged
    column = ts.string_value(args[0]) if args and args[0].type == "string" else None
    problems = []
    if not CAMEL.match(key or ""):
        problems.append(f"key {key!r} is not camelCase")
    if column is None:
        if not SNAKE.match(key or ""):
            problems.append(f"no column name given, so the database column is {key!r}, not snake_case")
    elif not SNAKE.match(column):
        problems.append(f"column {column!r} is not snake_case")
    elif CAMEL.match(key or "") and not maps_by_name(key or "", column):
        problems.append(f"key {key!r} does not map to column {column!r} by name (expected {camelize(column)!r})")
    return problems


def _schema_findings(root: Node, changed: frozenset[int], path: str) -> tuple[list[str], int]:
    """Violations and the number of names checked in ``shared/schema.ts``."""
    names = pgtable_aliases(root)
    violations, checked = [], 0
    for node in ts.walk(root):
        definer = table_definer(node, set(names)) if node.type == "call_expression" else None
        if definer is None:
            continue
        args = ts.call_arguments(node)
        name = ts.string_value(args[0]) if args else None
        if name is not None and changed.intersection(ts.lines(args[0])):
            checked += 1
            if not SNAKE.match(name):
                line = args[0].start_point[0] + 1
                violations.append(f"{path}:{line}: {ts.snippet(node, 80)} ({name!r} is not snake_case)")
        columns = columns_object(node) if names[definer] == "pgTable" else None
        for pair in columns.named_children if columns is not None else []:
            if pair.type != "pair" or not changed.intersection(ts.lines(pair)):
                continue
            checked += 1
            line = pair.start_point[0] + 1
            violations += [f"{path}:{line}: {ts.snippet(pair, 100)} ({problem})" for problem in column_problems(pair)]
    return violations, checked


def migration_file(path: str) -> bool:
    """A hand-written migration: any ``*.sql``, anything in a ``migrations``/``migration`` folder (drizzle-kit's
    ``out`` here is ``./migrations``), or under a top-level ``drizzle/`` folder (drizzle-kit's default)."""
    parts = PurePosixPath(path).parts
    return path.endswith(".sql") or bool({"migrations", "migration"} & set(parts[:-1])) or parts[0] == "drizzle"


@rule("schema-conventions", "tables in shared/schema.ts; snake_case columns, camelCase keys; db:push, no migrations")
def schema_conventions(ctx: RuleContext) -> RuleResult:
    """Fails for, on changed lines:

    - a ``pgTable``/``pgEnum``/``pgSchema``/``pgView``/``pgMaterializedView``/``pgSequence`` call (also
      ``pgTable.withRLS``, ``pgTableCreator``, other dialects' tables, import aliases) in any file but
      ``shared/schema.ts``;
    - in ``shared/schema.ts``: a database name (first argument of those calls) that is not snake_case; a
      column whose key is not camelCase, whose name (the builder's string argument, ``varchar("due_date")``)
      is not snake_case, or whose key is not that name in camelCase (``dueDate`` ↔ ``due_date``; with digits
      either ``addressLine1`` ↔ ``address_line_1`` or ``address_line1``). A builder without a name
      (``integer()``, ``varchar({ length: 9 })``) names the column after its key (db.ts sets no casing), so
      the key must then be snake_case and camelCase at once: ``notes: text()`` passes, ``sortOrder:
      integer()`` fails;
    - an added or modified migration file (see :func:`migration_file`) or an import of Drizzle's migrator.

    Not checked: index, constraint and foreign-key names (``index("IDX_session_expire")`` predates the
    rule and is not a table or column), enum values, columns outside a ``pgTable`` columns object (spread
    helpers, computed names), and untouched pre-existing lines.
    """
    violations: list[str] = []
    checked, applicable = 0, False
    for change in ctx.changes.changes:
        if change.status != "deleted" and migration_file(change.path):
            applicable = True
            violations.append(f"{change.path} ({change.status}: hand-written migration; use npm run db:push)")
    for change in ctx.changed_files(CODE_SUFFIXES):
        changed = ctx.changed_lines(change.path)
        root = ts.parse(ctx.after(change) or "", change.path).root_node
        for node, specifier in ts.module_specifiers(root):
            if specifier in MIGRATORS and changed.intersection(ts.lines(node)):
                applicable = True
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node)} (runs migrations)")
        if change.path == SCHEMA_FILE:
            applicable = True
            found, count = _schema_findings(root, changed, change.path)
            violations += found
            checked += count
            continue
        names = pgtable_aliases(root)
        for node in ts.walk(root):
            if (
                node.type == "call_expression"
                and table_definer(node, set(names))
                and changed.intersection(ts.lines(node))
            ):
                applicable = True
                why = f"{table_definer(node, set(names))} outside {SCHEMA_FILE}"
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node, 80)} ({why})")
    if violations:
        return failed("schema-conventions", violations)
    if not applicable:
        return not_applicable("schema-conventions", "no schema change, table definition or migration")
    return passed("schema-conventions", f"{checked} table/column name(s) on changed lines of {SCHEMA_FILE}, all fine")
