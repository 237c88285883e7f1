"""``drizzle-only`` (static and transcript part): changed code reaches the database through Drizzle's query
builder, never with SQL text run directly (``pool.query``, ``client.query``, ``db.execute``, ``sql.raw``, a
second pool), and the agent does not change the database's schema or data by hand (``psql``, one-off scripts)."""

from __future__ import annotations

import re

from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext
from scorers.rules.pg_driver import CODE_SUFFIXES
from scorers.sql import raw_sql

_PG_NAME = re.compile(r"^(pool|client|conn|connection|\$client)$|[a-z0-9](Pool|Client|Conn|Connection)$")
"""Receivers taken for node-postgres pools and clients by name: ``pool``, ``client``, ``pgPool``, ``db.$client``."""
_DB_NAME = re.compile(r"^(db|tx|trx|database|transaction)$|[a-z0-9](Db|DB|Database|Tx|Transaction)$")
"""Receivers taken for a Drizzle database or transaction by name: ``db``, ``tx``, ``this.db``, ``appDb``."""
_PG_TYPES = frozenset({"Pool", "PoolClient", "Client"})
_DB_TYPES = frozenset({"Database", "NodePgDatabase", "PgDatabase", "PgTransaction", "NodePgTransaction"})
_RAW_CONSTRUCTORS = frozenset({"Pool", "Client"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def _terminal_name(node: Node | None) -> str | None:
    """``pool`` for ``pool``, ``this.pool``, ``(await x).pool``, ``pool!``; None for calls and the like."""
    node = ts.unwrap_value(node)
    if node is None:
        return None
    if node.type == "identifier":
        return ts.text(node)
    if node.type == "member_expression":
        return ts.text(node.child_by_field_name("property"))
    return None


def _type_name(annotation: Node | None) -> str | None:
    """``PoolClient`` for ``: PoolClient`` / ``: pg.PoolClient``; None without a plain named type."""
    if annotation is None or not annotation.named_children:
        return None
    kind = annotation.named_children[0]
    if kind.type == "generic_type":
        kind = kind.named_children[0]
    if kind.type in ("type_identifier", "nested_type_identifier"):
        return ts.text(kind).rsplit(".", 1)[-1]
    return None


def _bindings(root: Node) -> tuple[set[str], set[str], set[str]]:
    """Names bound in the file to a pg pool/client, to a Drizzle db/transaction, and to Drizzle's ``sql``.

    Flat (no scopes): ``const c = await pool.connect()``, ``new pg.Pool()``, ``(c: PoolClient)``,
    ``import { pool as p } from "./db"`` bind pg names; ``drizzle(...)``, ``(d: Database)``, the callback
    parameter of ``x.transaction(async (t) => ...)`` and ``import { db as d }`` bind db names.
    """
    pg_names: set[str] = set()
    db_names: set[str] = set()
    sql_names: set[str] = {"sql"}
    for node in ts.walk(root):
        if node.type == "variable_declarator" or node.type in ("required_parameter", "optional_parameter"):
            name = node.child_by_field_name("name") or node.child_by_field_name("pattern")
            if name is None or name.type != "identifier":
                continue
            typed = _type_name(node.child_by_field_name("type"))
            value = ts.unwrap_value(node.child_by_field_name("value"))
            if typed in _PG_TYPES or _is_raw_client(value) or _is_connect(value):
                pg_names.add(ts.text(name))
            elif typed in _DB_TYPES or (value is not None and _plain_call_name(value) == "drizzle"):
                db_names.add(ts.text(name))
        elif node.type == "import_specifier":
            imported, alias = node.child_by_field_name("name"), node.child_by_field_name("alias")
            if alias is not None and ts.text(imported) in ("pool", "db", "sql"):
                target = {"pool": pg_names, "db": db_names, "sql": sql_names}[ts.text(imported)]
                target.add(ts.text(alias))
        elif node.type == "call_expression":
            call = ts.callee(node)
            args = ts.call_arguments(node)
            if call is not None and call[1] == "transaction" and args and args[0].type in _FUNCTIONS:
                db_names.update(_parameter_names(args[0]))
    return pg_names, db_names, sql_names


def _parameter_names(function: Node) -> list[str]:
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [ts.text(single)]
    params = function.child_by_field_name("parameters")
    names = [p.child_by_field_name("pattern") for p in params.named_children] if params is not None else []
    return [ts.text(n) for n in names if n is not None and n.type == "identifier"]


def _plain_call_name(node: Node) -> str | None:
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    return ts.text(function) if function is not None and function.type == "identifier" else None


def _is_raw_client(node: Node | None) -> bool:
    """``new Pool(...)``, ``new Client(...)``, ``new pg.Pool(...)``, ``new pg.native.Client(...)``."""
    if node is None or node.type != "new_expression":
        return False
    return _terminal_name(node.child_by_field_name("constructor")) in _RAW_CONSTRUCTORS


def _is_connect(node: Node | None) -> bool:
    call = ts.callee(node) if node is not None else None
    return call is not None and call[1] == "connect"


def _is_sql_text(node: Node | None, sql_names: set[str]) -> bool:
    """A first argument that is SQL text: a string, a template string, a ``sql`...``` template, or a pg
    query config ``{ text: ... }``."""
    node = ts.unwrap_value(node)
    if node is None:
        return False
    if node.type in ("string", "template_string"):
        return True
    if node.type == "call_expression" and ts.text(node.child_by_field_name("function")) in sql_names:
        return any(child.type == "template_string" for child in node.named_children)
    keys = ts.object_keys(node)
    return keys is not None and "text" in keys


def direct_sql(root: Node, path: str) -> list[tuple[Node, str]]:
    """Every place in a tree that runs SQL outside the query builder, with the reason."""
    pg_names, db_names, sql_names = _bindings(root)
    found: list[tuple[Node, str]] = []
    for node in ts.walk(root):
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            if ts.text(node.child_by_field_name("property")) == "raw" and ts.text(obj) in sql_names:
                call = node.parent if node.parent is not None and node.parent.type == "call_expression" else node
                found.append((call, "sql.raw() puts unescaped SQL text into the query"))
        elif node.type == "new_expression" and _is_raw_client(node) and path != "server/db.ts":
            found.append((node, "creates a raw node-postgres pool/client outside server/db.ts"))
        elif node.type == "call_expression":
            call = ts.callee(node)
            if call is None or call[1] not in ("query", "execute"):
                continue
            receiver, name = call
            args = ts.call_arguments(node)
            sql_text = bool(args) and _is_sql_text(args[0], sql_names)
            who = _terminal_name(receiver)
            if name == "query" and (sql_text or who in pg_names or (who is not None and _PG_NAME.search(who))):
                found.append((node, "runs SQL directly on a node-postgres pool/client"))
            elif name == "execute" and (sql_text or who in db_names or (who is not None and _DB_NAME.search(who))):
                found.append((node, "runs SQL directly with execute() instead of the query builder"))
    return found


@rule("drizzle-only", "no direct SQL (pool.query, client.query, db.execute, sql.raw); Drizzle query builder only")
def drizzle_only(ctx: RuleContext) -> RuleResult:
    """Fails for each of these on a changed line of a changed code file:

    - ``.query(...)`` on a pg pool or client: a receiver named like one (``pool``, ``client``, ``pgPool``,
      ``conn``, ``db.$client``), bound to one (``new Pool``, ``pool.connect()``, typed ``PoolClient``, an
      alias of ``pool`` from ``./db``), or any ``.query(...)`` whose first argument is SQL text (a string, a
      template, a ``sql`...``` template, ``{ text }``);
    - ``.execute(...)`` on the Drizzle db or a transaction (``db``, ``tx``, ``this.db``, ``drizzle(...)``
      results, ``transaction`` callback parameters), or any ``.execute(<SQL text>)`` — so
      ``db.execute(sql`...`)`` fails;
    - ``sql.raw`` (called or passed), even inside a query-builder expression;
    - ``new Pool(...)`` / ``new Client(...)`` / ``new pg.Pool(...)`` outside ``server/db.ts``.

    Allowed: Drizzle's ``sql`...``` tagged template wherever the query builder consumes it — ``.where()``,
    ``.select({ n: sql<number>`count(*)` })``, ``.orderBy()``, ``.set()``, ``.having()``, column defaults
    ``.default(sql`gen_random_uuid()`)`` — since the builder sends its values as parameters; the
    builder's own ``.execute()`` at the end of a chain (``db.select().from(t).execute()``) and a prepared
    statement's ``.execute({ id })``; the relational API ``db.query.table.findMany()``; ``req.query``.
    Untouched pre-existing lines are not the agent's.

    Also fails for each SQL run in the transcript (:func:`scorers.sql.raw_sql`: ``psql`` with ``-c``, ``-f``,
    a heredoc or a pipe, or raw SQL in a one-off ``node``/``tsx`` script) of kind ``write``: a statement that
    changes schema or data (INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, TRUNCATE, …), which must go through
    ``shared/schema.ts`` + ``db:push`` and the query builder instead, even when the code diff is clean.
    Runs that only read (SELECT, ``\\d``…) never fail: looking at the database is fine. Runs whose SQL the
    transcript does not show (``psql -f`` of a file it never wrote, a query built at run time) are not judged;
    a pass lists them as ``not judged: …``. Not applicable when no code file changed and no SQL was run.
    """
    files = ctx.changed_files(CODE_SUFFIXES)
    runs = raw_sql(ctx.messages)
    if not files and not runs:
        return not_applicable("drizzle-only", "no code file changed and no SQL run in the transcript")
    violations = []
    for change in files:
        changed = ctx.changed_lines(change.path)
        root = ts.parse(ctx.after(change) or "", change.path).root_node
        for node, why in direct_sql(root, change.path):
            if changed.intersection(ts.lines(node)):
                violations.append(f"{change.path}:{node.start_point[0] + 1}: {ts.snippet(node)} ({why})")
    violations += [run.describe() for run in runs if run.kind == "write"]
    if violations:
        return failed("drizzle-only", violations)
    evidence = [f"{len(files)} changed code file(s): no direct SQL on changed lines"] if files else []
    reads = sum(run.kind == "read" for run in runs)
    if reads:
        evidence.append(f"transcript: {reads} SQL run(s) that only read")
    evidence += [f"not judged: {run.describe()}" for run in runs if run.kind == "unknown"]
    return passed("drizzle-only", *evidence)
