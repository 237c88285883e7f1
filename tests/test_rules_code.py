"""Focused tests of the helpers behind the code rules (drizzle-only, pg-driver, schema-conventions, no-any,
file-naming); the labeled corpus covers the rules end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Node

from scorers import ts
from scorers.changes import ChangeSet, FileChange
from scorers.rules.context import RuleContext
from scorers.rules.drizzle_only import direct_sql
from scorers.rules.file_naming import file_name_problems, identifier_problem, named_declarations
from scorers.rules.no_any import any_types, no_any
from scorers.rules.pg_driver import forbidden_driver
from scorers.rules.schema_conventions import column_problems, maps_by_name, migration_file


def _root(source: str, path: str = "server/x.ts") -> Node:
    return ts.parse(source, path).root_node


def _flagged(source: str, path: str = "server/x.ts") -> list[str]:
    return [ts.text(node) for node, _ in direct_sql(_root(source, path), path)]


def test_callee_sees_through_await_with_type_arguments() -> None:
    # tree-sitter parses `await x.f<T>(...)` with the await inside the callee
    call = next(n for n in ts.walk(_root("await pool.query<{ n: number }>('x');")) if n.type == "call_expression")
    assert ts.member_call(call) is None
    found = ts.callee(call)
    assert found is not None and ts.text(found[0]) == "pool" and found[1] == "query"


def test_module_specifiers_every_form() -> None:
    source = """
    import pg, { Pool as P } from "pg";
    import "side-effect";
    import type { PoolClient } from "pg";
    export { neon } from "@neondatabase/serverless";
    import sqlite = require("better-sqlite3");
    const knex = require("knex");
    const m = await import("mysql2/promise");
    const computed = await import(name);
    export const local = 1;
    """
    found = [spec for _, spec in ts.module_specifiers(_root(source))]
    assert found == ["pg", "side-effect", "pg", "@neondatabase/serverless", "better-sqlite3", "knex", "mysql2/promise"]


@pytest.mark.parametrize(
    ("specifier", "bad"),
    [
        ("pg", False),
        ("pg-pool", True),
        ("postgres", True),
        ("postgres-array", False),
        ("connect-pg-simple", False),
        ("mysql2/promise", True),
        ("@prisma/client/edge", True),
        ("drizzle-orm", False),
        ("drizzle-orm/pg-core", False),
        ("drizzle-orm/node-postgres", False),
        ("drizzle-orm/node-postgres/migrator", False),
        ("drizzle-orm/postgres-js", True),
        ("drizzle-orm/neon-http", True),
        ("drizzle-orm/mysql-core", True),
        ("drizzle-orm/neon", False),
        ("./db", False),
        ("node:crypto", False),
    ],
)
def test_forbidden_driver(specifier: str, bad: bool) -> None:
    assert (forbidden_driver(specifier) is not None) is bad


def test_direct_sql_flags_raw_paths() -> None:
    source = """
    import { db as database, pool as p } from "./db";
    import { sql as s } from "drizzle-orm";
    await pool.query("select 1");
    await p.query({ text: "x", values: [] });
    const c = await pool.connect();
    await c.query(q);
    async function f(k: PoolClient) { await k.query(q); }
    await db.$client.query(q);
    await db.execute(sql`select 1`);
    await database.execute(q);
    await db.transaction(async (t) => { await t.execute(q); });
    db.select().from(t).orderBy(s.raw("name"));
    const extra = new pg.Pool({});
    """
    flagged = _flagged(source)
    assert len(flagged) == 10
    assert any(text.startswith("s.raw(") for text in flagged)


def test_direct_sql_allows_the_query_builder() -> None:
    source = """
    const n = await db.select({ n: sql<number>`count(*)` }).from(t).where(sql`lower(${t.email}) = ${e}`);
    await db.select().from(t).orderBy(sql`${t.name} desc`).execute();
    const prepared = db.select().from(t).prepare("p");
    await prepared.execute({ id: 1 });
    await db.query.users.findMany({ with: { posts: true } });
    const parsed = schema.safeParse(req.query);
    export const users = pgTable("users", { id: varchar("id").default(sql`gen_random_uuid()`) });
    """
    assert _flagged(source) == []


def test_new_pool_is_allowed_in_db_ts_only() -> None:
    source = "export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });"
    assert _flagged(source, "server/db.ts") == []
    assert len(_flagged(source, "server/models/db.ts")) == 1


@pytest.mark.parametrize(
    ("key", "column", "ok"),
    [
        ("dueDate", "due_date", True),
        ("sortOrder", "sort_order", True),
        ("id", "id", True),
        ("addressLine1", "address_line_1", True),
        ("addressLine1", "address_line1", True),
        ("owner", "user_id", False),
        ("duedate", "due_date", False),
    ],
)
def test_maps_by_name(key: str, column: str, ok: bool) -> None:
    assert maps_by_name(key, column) is ok


def _pair(column: str) -> Node:
    return next(n for n in ts.walk(_root(f"const t = {{ {column} }};")) if n.type == "pair")


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        ('dueDate: date("due_date", { mode: "string" }).notNull()', None),
        ('sortOrder: integer("sort_order").notNull().default(0)', None),
        ('id: varchar("id").primaryKey().default(sql`gen_random_uuid()`)', None),
        ("notes: text()", None),
        ("id: t.serial().primaryKey()", None),
        ("createdAt: timestamps.createdAt", None),
        ('altText: varchar("altText")', "not snake_case"),
        ('alt_text: varchar("alt_text")', "not camelCase"),
        ('meetingUrl: varchar("video_link")', "does not map"),
        ("sortOrder: integer()", "no column name given"),
        ("sortOrder: t.integer({ mode: 'number' })", "no column name given"),
        ('"due_date": date("due_date")', "not camelCase"),
    ],
)
def test_column_problems(column: str, problem: str | None) -> None:
    found = column_problems(_pair(column))
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]


@pytest.mark.parametrize(
    ("path", "migration"),
    [
        ("migrations/0000_init.sql", True),
        ("migrations/meta/_journal.json", True),
        ("drizzle/0001_add.sql", True),
        ("server/models/migrations/0001-add.ts", True),
        ("server/models/add-images.sql", True),
        ("server/models/drizzle-helpers.ts", False),
        ("drizzle.config.ts", False),
        ("shared/schema.ts", False),
    ],
)
def test_migration_file(path: str, migration: bool) -> None:
    assert migration_file(path) is migration


def test_any_types_only_the_type_keyword() -> None:
    source = """
    let a: any; const b = x as any; let c: any[]; let d: Array<any>; foo<any>();
    try {} catch (e: any) {}
    z.any(); flags.any; const anyPending = list.some(Boolean); // any
    const s = "any";
    """
    assert len(any_types(_root(source))) == 6


def test_no_any_only_on_changed_lines(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    before = "export function f(x: any): void {}\nexport const n = 1;\n"
    (tmp_path / "server" / "x.ts").write_text(before)

    def verdict(after: str) -> str:
        change = FileChange(path="server/x.ts", status="modified", content=after)
        ctx = RuleContext(changes=ChangeSet(fixture_version="t", changes=[change]), template=tmp_path)
        return no_any(ctx).verdict

    assert verdict(before.replace("n = 1", "n = 2")) == "pass"
    assert verdict(before.replace("void", "unknown")) == "fail"


@pytest.mark.parametrize(
    ("path", "new_dirs", "ok"),
    [
        ("server/booking-routes.ts", [], True),
        ("server/services/x.test.ts", [], True),
        ("server/booking-types.d.ts", [], True),
        ("server/.env.example", [], True),
        ("server/models/README.md", [], True),
        ("server/bookingRoutes.ts", [], False),
        ("server/Booking_Routes.ts", [], False),
        ("server/booking_routes.ts", [], False),
        ("server/models/bookingData/slots.ts", ["bookingData"], False),
        ("server/models/booking-data/slots.ts", ["booking-data"], True),
    ],
)
def test_file_name_problems(path: str, new_dirs: list[str], ok: bool) -> None:
    assert (file_name_problems(path, new_dirs) == []) is ok


def test_named_declarations_and_conventions() -> None:
    source = """
    export function getAvailableSlots() {}
    function get_slots() {}
    const fetchAll = async () => 1;
    const MAX_SLOTS = 12;
    const PgStore = connectPg(session);
    class BookingStore { constructor() {} private async Fetch_All() {} #cache() {} static make = () => 1; }
    interface bookingRequest { toJSON(): string }
    type BookingStatus = "a";
    enum Color { A }
    const handlers = { Confirmed() {} };
    """
    found = {name: identifier_problem(name, kind, tsx=False) for _, name, kind in named_declarations(_root(source))}
    assert set(found) == {
        "getAvailableSlots", "get_slots", "fetchAll", "BookingStore", "Fetch_All", "cache", "make",
        "bookingRequest", "toJSON", "BookingStatus", "Color",
    }  # fmt: skip
    assert {name for name, problem in found.items() if problem} == {"get_slots", "Fetch_All", "bookingRequest"}


def test_react_components_may_be_pascal_case_in_tsx_only() -> None:
    assert identifier_problem("BookingCard", "function", tsx=True) is None
    assert identifier_problem("BookingCard", "function", tsx=False) is not None
    assert identifier_problem("_internalHelper", "function", tsx=False) is None
