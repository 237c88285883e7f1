"""``pg-driver``: the database is reached through node-postgres (``pg``) only, never another driver."""

from __future__ import annotations

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

CODE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")

FORBIDDEN_PACKAGES = frozenset(
    {
        # Other PostgreSQL drivers and wrappers (pg-pool ships inside pg, so no-new-deps cannot see it).
        "pg-pool",
        "postgres",
        "@neondatabase/serverless",
        "@vercel/postgres",
        "@electric-sql/pglite",
        "pg-promise",
        "slonik",
        "@databases/pg",
        # Other databases.
        "mysql",
        "mysql2",
        "mariadb",
        "better-sqlite3",
        "sqlite3",
        "sqlite",
        "@libsql/client",
        "@planetscale/database",
        "mssql",
        "tedious",
        "oracledb",
        "mongodb",
        "mongoose",
        # Other query builders and ORMs.
        "knex",
        "sequelize",
        "typeorm",
        "@prisma/client",
        "kysely",
        "@mikro-orm/core",
        "@mikro-orm/postgresql",
        "objection",
    }
)

DRIZZLE_ADAPTERS = frozenset(
    {
        # drizzle-orm's driver adapters other than node-postgres (the folders with a driver in 0.44).
        "aws-data-api",
        "better-sqlite3",
        "bun-sql",
        "bun-sqlite",
        "d1",
        "durable-sqlite",
        "expo-sqlite",
        "gel",
        "libsql",
        "mysql-proxy",
        "mysql2",
        "neon-http",
        "neon-serverless",
        "op-sqlite",
        "pg-proxy",
        "pglite",
        "planetscale-serverless",
        "postgres-js",
        "singlestore",
        "singlestore-proxy",
        "sql-js",
        "sqlite-proxy",
        "tidb-serverless",
        "vercel-postgres",
        "xata-http",
        "tursodatabase",
        "prisma",
        "knex",
        "kysely",
        # Dialects of other databases (their tables only work with another database's driver).
        "mysql-core",
        "sqlite-core",
        "singlestore-core",
        "gel-core",
    }
)


def _package(specifier: str) -> str:
    """``@scope/name`` or ``name`` of a bare specifier (``mysql2/promise`` → ``mysql2``); ``node:`` stays."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def forbidden_driver(specifier: str) -> str | None:
    """Why loading ``specifier`` breaks the rule, or None when it is allowed (``pg``, ``drizzle-orm`` core,
    ``drizzle-orm/pg-core``, ``drizzle-orm/node-postgres``, relative paths, anything unrelated)."""
    package = _package(specifier)
    if package in FORBIDDEN_PACKAGES:
        return f"loads {package!r}, not node-postgres"
    if package == "drizzle-orm" and "/" in specifier:
        adapter = specifier.split("/")[1]
        if adapter in DRIZZLE_ADAPTERS:
            return f"drizzle-orm/{adapter} is not the node-postgres adapter"
    return None


@rule("pg-driver", "node-postgres (pg) is the only database driver; no pg-pool, postgres, or other drivers")
def pg_driver(ctx: RuleContext) -> RuleResult:
    """Fails for every module load on a changed line of a changed code file (``import``/``export ... from``,
    ``import x = require()``, ``require()``, ``import()`` with a literal specifier, type-only imports too)
    whose package is another driver, ORM or query builder (``FORBIDDEN_PACKAGES``, subpaths included, e.g.
    ``mysql2/promise``) or a drizzle-orm adapter or dialect other than node-postgres (``DRIZZLE_ADAPTERS``).

    Allowed: ``pg`` in any form (``import pg from "pg"``, ``import { Pool, type PoolClient } from "pg"``),
    drizzle-orm's core, ``pg-core``, ``node-postgres`` and non-driver helpers (``drizzle-orm/neon`` and
    ``drizzle-orm/supabase`` hold Postgres RLS helpers, not drivers), and packages whose names merely
    contain ``postgres`` (``postgres-array``, ``connect-pg-simple``). Mentions in strings or comments are not
    loads. Computed specifiers (``import(name)``) cannot be judged and are skipped.
    """
    files = ctx.changed_files(CODE_SUFFIXES)
    if not files:
        return not_applicable("pg-driver", "no code file changed")
    violations, checked = [], 0
    for change in files:
        changed = ctx.changed_lines(change.path)
        root = ts.parse(ctx.after(change) or "", change.path).root_node
        for node, specifier in ts.module_specifiers(root):
            if not changed.intersection(ts.lines(node)):
                continue
            checked += 1
            problem = forbidden_driver(specifier)
            if problem is not None:
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node)} ({problem})")
    if violations:
        return failed("pg-driver", violations)
    return passed("pg-driver", f"{checked} module load(s) on changed lines, none of another database driver")
