"""The report's "Schema Changes" section against the schema diff (see :mod:`scorers.report_score`).

Each list item or table row of the section is one claim, judged by the schema identifiers it names (tables
and columns by database or TypeScript name; other words are commentary): its subject is the first table it
names, and the columns it names that are not columns of a table it names (all of them when it names no
table: the nested ``- `url` varchar`` under ``- New table `portfolio_images`:``; ``portfolio_project_id`` in
``portfolio_project_id → portfolio_projects.id``). The claim is true when its subject table was added,
removed or changed, or one of those columns changed or belongs to an added or removed table. The truth is
each added or removed table, each changed table's renamed or re-indexed self, and each added, removed or
changed column of a table that existed before; a column is reported by an item that names it and either its
table or no table at all.
"""

from __future__ import annotations

from collections.abc import Callable

from scorers.report import Section
from scorers.report_score import SectionScore
from scorers.schema_diff import Column, SchemaDiff, Table
from scorers.truth import ReportTruth


def _truth_items(diff: SchemaDiff) -> list[tuple[str, Table, Column | None]]:
    items: list[tuple[str, Table, Column | None]] = []
    items += [(f"table {t.db_name} (added)", t, None) for t in diff.tables_added]
    items += [(f"table {t.db_name} (removed)", t, None) for t in diff.tables_removed]
    for change in diff.tables_changed:
        table = change.after
        if change.renamed or change.config_changed:
            what = "renamed" if change.renamed else "indexes or constraints changed"
            items.append((f"table {table.db_name} ({what})", table, None))
        for verb, columns in (
            ("added", change.columns_added),
            ("removed", change.columns_removed),
            ("changed", change.columns_changed),
        ):
            items += [(f"column {table.db_name}.{c.db_name} ({verb})", table, c) for c in columns]
    return items


def _names(item: Table | Column) -> set[str]:
    return {item.db_name, item.ts_name} if isinstance(item, Table) else {item.db_name, item.ts_key}


def score_schema(
    section: Section | None, truth: ReportTruth, identifiers: Callable[[Section], list[list[str]]]
) -> SectionScore:
    diff = truth.schema
    expected = _truth_items(diff)
    score = SectionScore("schema_changes", truth=len(expected))
    known = diff.schema_names()
    changed_tables = [*diff.tables_added, *diff.tables_removed, *(c.after for c in diff.tables_changed)]
    changed_tables += [c.before for c in diff.tables_changed]
    touched_table_names = {n for t in changed_tables for n in _names(t)}
    touched = diff.changed_names()
    touched |= {n for t in (*diff.tables_added, *diff.tables_removed) for c in t.columns for n in _names(c)}
    claims: list[tuple[set[str], set[str]]] = []  # (tables named, columns named) per item
    for item, names in zip(section.items if section else [], identifiers(section) if section else [], strict=False):
        in_schema = [n for n in names if n in known]
        if not in_schema:
            continue
        tables = [n for n in in_schema if any(isinstance(x, Table) for x in known[n])]
        columns = {n for n in in_schema if any(isinstance(x, Column) for x in known[n])} - set(tables)
        score.claims += 1
        claims.append((set(tables), columns))
        own = {n for name in tables for t in known[name] if isinstance(t, Table) for c in t.columns for n in _names(c)}
        subject_ok = (bool(tables) and tables[0] in touched_table_names) or bool((columns - own) & touched)
        if subject_ok:
            score.correct += 1
        else:
            subject = f"table {tables[0]}" if tables else "columns " + ", ".join(sorted(columns))
            score.false.append(f"{item.strip()[:120]} ({subject} was not changed)")
    for label, table, column in expected:
        table_names = _names(table)
        if column is None:
            hit = any(tables & table_names for tables, _ in claims)
        else:
            hit = any(cols & _names(column) and (not tables or tables & table_names) for tables, cols in claims)
        if hit:
            score.recalled += 1
        else:
            score.missing.append(label)
    return score
