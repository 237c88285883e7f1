"""The tables of ``shared/schema.ts`` before and after the agent's change, compared (ground truth for the
report's "Schema Changes" section).

A table is a top-level ``[export] const tsName = pgTable("db_name", { tsKey: builder("db_col")... })`` (also
``pgTable.withRLS``, an import alias of ``pgTable``, and the callback form ``pgTable("x", (t) => ({ ... }))``);
its columns are the pairs of the columns object whose value is a column builder chain. A builder without a
name (``integer()``) names the column after its key (db.ts sets no casing). Read with tree-sitter, through
the helpers of the schema-conventions rule.

Tables are matched by database name, then by TypeScript name (a rename keeps the table); columns of a
matched table by (key, database name), then key, then database name. A matched column whose definition
differs (ignoring whitespace, comments, quote style and trailing commas) or whose name or key differs is
changed. Columns of an added or removed table are listed with that table only, not as column changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from tree_sitter import Node

from scorers import ts
from scorers.rules.schema_conventions import SCHEMA_FILE, column_builder, columns_object, pgtable_aliases, table_definer

T = TypeVar("T")

__all__ = ["SCHEMA_FILE", "Column", "SchemaDiff", "Table", "TableChange", "diff_schema", "parse_tables"]


@dataclass(frozen=True)
class Column:
    table_db: str
    db_name: str
    ts_key: str
    definition_text: str
    """The column's builder chain as written, whitespace collapsed: ``varchar("url").notNull()``."""
    previous: Column | None = field(default=None, compare=False)
    """For a changed column: the column before the change."""
    canonical: str = field(default="", compare=False, repr=False)
    """The definition without formatting (whitespace, comments, quote style, trailing commas): compared."""


@dataclass(frozen=True)
class Table:
    db_name: str
    ts_name: str
    columns: tuple[Column, ...] = field(default=(), compare=False)
    config: str = field(default="", compare=False, repr=False)
    """The canonical text of the arguments after the columns (indexes, constraints)."""


@dataclass(frozen=True)
class TableChange:
    before: Table
    after: Table
    columns_added: list[Column] = field(default_factory=list)
    columns_removed: list[Column] = field(default_factory=list)
    columns_changed: list[Column] = field(default_factory=list)
    """The columns after the change (``previous`` holds each one before it)."""
    config_changed: bool = False
    """Indexes or constraints (the arguments after the columns object) differ."""

    @property
    def renamed(self) -> bool:
        return (self.before.db_name, self.before.ts_name) != (self.after.db_name, self.after.ts_name)

    @property
    def is_empty(self) -> bool:
        changed = self.columns_added or self.columns_removed or self.columns_changed
        return not (changed or self.config_changed or self.renamed)


@dataclass
class SchemaDiff:
    tables_added: list[Table] = field(default_factory=list)
    tables_removed: list[Table] = field(default_factory=list)
    tables_changed: list[TableChange] = field(default_factory=list)
    before: tuple[Table, ...] = ()
    after: tuple[Table, ...] = ()
    notes: list[str] = field(default_factory=list)
    """What could not be read (a computed table name, a spread into a columns object, an omitted file)."""

    @property
    def columns_added(self) -> list[Column]:
        return [c for change in self.tables_changed for c in change.columns_added]

    @property
    def columns_removed(self) -> list[Column]:
        return [c for change in self.tables_changed for c in change.columns_removed]

    @property
    def columns_changed(self) -> list[Column]:
        return [c for change in self.tables_changed for c in change.columns_changed]

    @property
    def is_empty(self) -> bool:
        return not (self.tables_added or self.tables_removed or self.tables_changed)

    def table(self, name: str) -> Table | None:
        """The table whose database or TypeScript name is ``name`` (after the change first, then before)."""
        return next((t for t in (*self.after, *self.before) if name in (t.db_name, t.ts_name)), None)

    def columns(self, name: str, table: str | None = None) -> list[Column]:
        """Every column, before or after, whose database name or key is ``name``; only in the table that
        ``table`` names (by either name) when given."""
        found: list[Column] = []
        for owner in (*self.after, *self.before):
            if table is not None and table not in (owner.db_name, owner.ts_name):
                continue
            found += [c for c in owner.columns if name in (c.db_name, c.ts_key) and c not in found]
        return found

    def schema_names(self) -> dict[str, list[Table | Column]]:
        """Every name of every table and column, before and after, by database and TypeScript name → what it
        names (``"id"`` names many columns; ``"portfolio_images"`` and ``"portfolioImages"`` one table)."""
        names: dict[str, list[Table | Column]] = {}
        for table in (*self.after, *self.before):
            for item in (table, *table.columns):
                for name in _names(item):
                    entries = names.setdefault(name, [])
                    if item not in entries:
                        entries.append(item)
        return names

    def changed_names(self) -> set[str]:
        """The names (both kinds, before and after) of the tables and columns the change touches."""
        items: list[Table | Column] = [*self.tables_added, *self.tables_removed]
        for change in self.tables_changed:
            items += [change.before, change.after] if change.renamed or change.config_changed else []
            items += [*change.columns_added, *change.columns_removed, *change.columns_changed]
            items += [c.previous for c in change.columns_changed if c.previous is not None]
        return {name for item in items for name in _names(item)}


def _names(item: Table | Column) -> tuple[str, str]:
    return (item.db_name, item.ts_name) if isinstance(item, Table) else (item.db_name, item.ts_key)


def canonical(node: Node) -> str:
    """``node``'s tokens without whitespace, comments or trailing commas, strings in double quotes."""
    tokens: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "comment":
            continue
        value = ts.string_value(current) if current.type == "string" else None
        if value is not None:
            tokens.append(json.dumps(value))
        elif current.child_count == 0:
            tokens.append(ts.text(current))
        else:
            stack.extend(reversed(current.children))
    kept = [t for i, t in enumerate(tokens) if not (t == "," and i + 1 < len(tokens) and tokens[i + 1] in ")]}")]
    return " ".join(kept)


def _column(pair: Node, table_db: str, notes: list[str]) -> Column | None:
    key_node, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
    if key_node is None or value is None or key_node.type == "computed_property_name":
        notes.append(f"{SCHEMA_FILE}:{pair.start_point[0] + 1}: column with a computed key in {table_db!r} not read")
        return None
    key = ts.string_value(key_node) if key_node.type == "string" else ts.text(key_node)
    builder = column_builder(value)
    if key is None or builder is None:
        return None  # not a column builder chain
    args = ts.call_arguments(builder)
    db_name = ts.string_value(args[0]) if args else None
    if db_name is None and args and args[0].type != "object":
        notes.append(f"{SCHEMA_FILE}:{pair.start_point[0] + 1}: computed column name of {table_db}.{key} not read")
    flat = ""
    for line in ts.text(value).splitlines():
        line = " ".join(line.split())
        flat += line if not flat or line.startswith(".") else " " + line
    return Column(table_db, db_name if db_name is not None else key, key, flat, canonical=canonical(value))


def _table(declarator: Node, names: dict[str, str], notes: list[str]) -> Table | None:
    name_node = declarator.child_by_field_name("name")
    call = ts.unwrap_value(declarator.child_by_field_name("value"))
    if name_node is None or name_node.type != "identifier" or call is None or call.type != "call_expression":
        return None
    definer = table_definer(call, set(names))
    if definer is None or names[definer] != "pgTable":
        return None
    line = call.start_point[0] + 1
    args = ts.call_arguments(call)
    db_name = ts.string_value(args[0]) if args else None
    if db_name is None:
        notes.append(f"{SCHEMA_FILE}:{line}: table {ts.text(name_node)} has a computed database name; not read")
        return None
    columns_node = columns_object(call)
    if columns_node is None:
        notes.append(f"{SCHEMA_FILE}:{line}: columns of {db_name!r} are not an object literal; not read")
    columns = []
    for pair in columns_node.named_children if columns_node is not None else []:
        if pair.type in ("spread_element", "shorthand_property_identifier"):
            notes.append(f"{SCHEMA_FILE}:{pair.start_point[0] + 1}: {ts.snippet(pair, 60)} in {db_name!r} not read")
        elif pair.type == "pair":
            column = _column(pair, db_name, notes)
            if column is not None:
                columns.append(column)
    config = " ".join(canonical(arg) for arg in args[2:])
    return Table(db_name, ts.text(name_node), tuple(columns), config)


def parse_tables(source: str, notes: list[str] | None = None) -> tuple[Table, ...]:
    """The ``pgTable`` tables declared at the top level of a schema file (see the module doc)."""
    notes = notes if notes is not None else []
    root = ts.parse(source, SCHEMA_FILE).root_node
    names = pgtable_aliases(root)
    tables = []
    for child in root.named_children:
        node = child.child_by_field_name("declaration") if child.type == "export_statement" else child
        if node is None or node.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in node.named_children:
            table = _table(declarator, names, notes) if declarator.type == "variable_declarator" else None
            if table is not None:
                tables.append(table)
    return tuple(tables)


def _match(
    before: Iterable[T], after: Iterable[T], keys: list[Callable[[T], Hashable]]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs items of ``before`` with items of ``after`` by each key in turn; returns (pairs, unmatched
    before, unmatched after), each in the original order."""
    left, right = list(before), list(after)
    pairs: list[tuple[T, T]] = []
    for key in keys:
        index: dict[Hashable, int] = {}
        for position, item in enumerate(right):
            index.setdefault(key(item), position)
        taken: set[int] = set()
        still = []
        for item in left:
            position = index.get(key(item))
            if position is None or position in taken:
                still.append(item)
            else:
                taken.add(position)
                pairs.append((item, right[position]))
        left, right = still, [item for position, item in enumerate(right) if position not in taken]
    return pairs, left, right


def _table_change(old: Table, new: Table) -> TableChange:
    keys = [lambda c: (c.ts_key, c.db_name), lambda c: c.ts_key, lambda c: c.db_name]
    pairs, removed, added = _match(old.columns, new.columns, keys)
    changed = [
        Column(b.table_db, b.db_name, b.ts_key, b.definition_text, previous=a, canonical=b.canonical)
        for a, b in pairs
        if (a.db_name, a.ts_key, a.canonical) != (b.db_name, b.ts_key, b.canonical)
    ]
    return TableChange(old, new, added, removed, changed, config_changed=old.config != new.config)


def diff_schema(before: str | None, after: str | None) -> SchemaDiff:
    """Compares two versions of ``shared/schema.ts`` (None: the file does not exist)."""
    notes: list[str] = []
    old = parse_tables(before, notes) if before is not None else ()
    new_notes: list[str] = []
    new = parse_tables(after, new_notes) if after is not None else ()
    notes += [note for note in new_notes if note not in notes]
    pairs, removed, added = _match(old, new, [lambda t: t.db_name, lambda t: t.ts_name])
    changes = [change for change in (_table_change(a, b) for a, b in pairs) if not change.is_empty]
    return SchemaDiff(added, removed, changes, old, new, notes)
