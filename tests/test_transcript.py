"""Transcript evidence: package installs and runs, raw SQL (read/write), and workspace writes."""

from __future__ import annotations

from typing import Any

import pytest

from scorers.corpus import transcript_messages
from scorers.shell import split_heredocs
from scorers.sql import raw_sql, sql_statements, statement_kind
from scorers.transcript import (
    Finding,
    package_installs,
    package_name,
    package_runs,
    workspace_writes,
)


def bash(*commands: str) -> list[dict[str, Any]]:
    return [{"bash": command} for command in commands]


def view(path: str) -> dict[str, Any]:
    return {"text_editor": {"command": "view", "path": path}}


def create(path: str, text: str) -> dict[str, Any]:
    return {"text_editor": {"command": "create", "path": path, "file_text": text}}


def installs(*commands: str) -> list[tuple[str, ...]]:
    return [f.items for f in package_installs(transcript_messages(bash(*commands)))]


def sql(*steps: dict[str, Any] | str) -> list[Finding]:
    return raw_sql(transcript_messages([{"bash": s} if isinstance(s, str) else s for s in steps]))


# ---- package installs ---------------------------------------------------------------------------------------


def test_install_finding_shape_and_evidence_line() -> None:
    messages = transcript_messages([view("/workspace/package.json"), *bash("npm install date-fns")])
    (finding,) = package_installs(messages)
    assert (finding.step, finding.items, finding.kind) == (2, ("date-fns",), "project")
    assert finding.describe() == "step 2: npm install date-fns (installs date-fns)"


@pytest.mark.parametrize(
    ("command", "packages"),
    [
        ("npm i lodash", ("lodash",)),
        ("npm add lodash", ("lodash",)),
        ("npm isntall lodash", ("lodash",)),
        ("npm install --save-dev vitest@^3 @types/node@20", ("vitest", "@types/node")),
        ("npm install -D supertest", ("supertest",)),
        ("npm --prefix /workspace install zod-to-json-schema", ("zod-to-json-schema",)),
        ("npm install date-fns --no-save", ("date-fns",)),
        ("cd /workspace && npm i nanoid && npm run check", ("nanoid",)),
        ("NODE_ENV=development npm install dayjs", ("dayjs",)),
        ("sudo npm install -g typescript", ("typescript",)),
        ("pnpm add lodash", ("lodash",)),
        ("pnpm --filter web add lodash", ("lodash",)),
        ("yarn add -D msw", ("msw",)),
        ("yarn global add serve", ("serve",)),
        ("bun add hono", ("hono",)),
        ("sh -c 'npm install left-pad'", ("left-pad",)),
        ("npm install \\\n  date-fns", ("date-fns",)),
    ],
)
def test_installs(command: str, packages: tuple[str, ...]) -> None:
    assert installs(command) == [packages]


@pytest.mark.parametrize(
    "command",
    [
        "npm install",
        "npm ci",
        "npm i",
        "npm install .",
        "npm run db:push",
        "npm test -- --run",
        "npm uninstall date-fns",
        "yarn install",
        "pnpm install",
        "npx tsc --noEmit",
        "cat package.json | grep install",
        "echo 'npm install date-fns'",
    ],
)
def test_not_installs(command: str) -> None:
    assert installs(command) == []


def test_install_counts_even_when_undone_later() -> None:
    messages = transcript_messages(bash("npm install date-fns", "npm uninstall date-fns"))
    assert [f.step for f in package_installs(messages)] == [1]


def test_global_and_dev_installs_are_marked() -> None:
    findings = package_installs(transcript_messages(bash("npm i -g tsx", "npm i -D vitest")))
    assert [(f.kind, f.detail) for f in findings] == [
        ("global", "installs tsx (global)"),
        ("project", "installs vitest (dev)"),
    ]


def test_two_installs_in_one_command_are_two_findings() -> None:
    assert installs("npm i a && npm i -D b") == [("a",), ("b",)]


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("date-fns", "date-fns"),
        ("date-fns@^3.6.0", "date-fns"),
        ("@types/node@20", "@types/node"),
        ("@tanstack/react-query", "@tanstack/react-query"),
        ("alias@npm:real@1", "alias"),
        ("github:user/repo", "github:user/repo"),
        ("file:../local", "file:../local"),
    ],
)
def test_package_name(spec: str, name: str) -> None:
    assert package_name(spec) == name


def test_package_runs_are_not_installs() -> None:
    messages = transcript_messages(
        bash(
            "npx --yes cowsay hi",
            "npx -p @mermaid-js/mermaid-cli mmdc -i x.mmd",
            "npm exec -- prettier --write server/x.ts",
            "pnpm dlx create-vite",
            "npx tsc --noEmit",
            "npx drizzle-kit push",
        )
    )
    assert package_installs(messages) == []
    runs = package_runs(messages, local={"tsc", "drizzle-kit"})
    assert [(f.step, f.items, f.kind) for f in runs] == [
        (1, ("cowsay",), "run"),
        (2, ("@mermaid-js/mermaid-cli",), "run"),
        (3, ("prettier",), "run"),
        (4, ("create-vite",), "run"),
    ]
    assert runs[0].describe() == "step 1: npx --yes cowsay hi (fetches and runs cowsay)"


# ---- SQL statements -----------------------------------------------------------------------------------------


def test_sql_statements_split_outside_quotes_and_comments() -> None:
    text = """
        -- a comment; with a semicolon
        INSERT INTO t (a) VALUES ('x; y');  /* block; comment */
        DO $$ BEGIN PERFORM 1; END $$;
        \\dt
        SELECT "odd;name" FROM t
    """
    assert sql_statements(text) == [
        "INSERT INTO t (a) VALUES ('x; y')",
        "DO $$ BEGIN PERFORM 1; END $$",
        "\\dt",
        'SELECT "odd;name" FROM t',
    ]


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT * FROM users", "read"),
        ("select count(*) from sessions", "read"),
        ("SHOW search_path", "read"),
        ("EXPLAIN SELECT 1", "read"),
        ("(SELECT 1) UNION (SELECT 2)", "read"),
        ("WITH x AS (SELECT 1) SELECT * FROM x", "read"),
        ("SELECT * FROM t WHERE id = 1 FOR UPDATE", "read"),
        ("SELECT 'please delete me' FROM t", "read"),
        ("COPY users TO STDOUT", "read"),
        ("\\d users", "read"),
        ("\\copy users to 'u.csv' csv", "read"),
        ("INSERT INTO services (slug) VALUES ('x')", "write"),
        ("update users set role = 'admin'", "write"),
        ("DELETE FROM sessions", "write"),
        ("CREATE TABLE t (id int)", "write"),
        ("ALTER TABLE users ADD COLUMN phone varchar", "write"),
        ("DROP TABLE t", "write"),
        ("TRUNCATE newsletter_subscribers", "write"),
        ("GRANT ALL ON t TO bob", "write"),
        ("DO $$ BEGIN END $$", "write"),
        ("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved", "write"),
        ("EXPLAIN ANALYZE DELETE FROM t", "write"),
        ("SELECT * INTO backup FROM users", "write"),
        ("SELECT setval('users_id_seq', 100)", "write"),
        ("COPY users FROM '/tmp/u.csv'", "write"),
        ("\\copy users from 'u.csv' csv", "write"),
        ("\\i /tmp/fix.sql", "unknown"),
        ("BEGIN", None),
        ("COMMIT", None),
        ("SET search_path TO public", None),
    ],
)
def test_statement_kind(statement: str, kind: str | None) -> None:
    assert statement_kind(statement) == kind


# ---- raw SQL in the transcript ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "kind", "statements"),
    [
        ("psql \"$DATABASE_URL\" -c 'SELECT * FROM users'", "read", ("SELECT * FROM users",)),
        (
            'psql $DATABASE_URL -Atc "INSERT INTO t VALUES (1); SELECT 1"',
            "write",
            ("INSERT INTO t VALUES (1)", "SELECT 1"),
        ),
        ("psql --command='DELETE FROM sessions' alloy_dev", "write", ("DELETE FROM sessions",)),
        ("psql -c '\\dt' -c '\\d users'", "read", ("\\dt", "\\d users")),
        ("psql -U alloy -d alloy_dev -h localhost -c 'TRUNCATE t'", "write", ("TRUNCATE t",)),
        (
            "psql $DATABASE_URL <<'SQL'\nALTER TABLE users ADD COLUMN x int;\nSQL",
            "write",
            ("ALTER TABLE users ADD COLUMN x int",),
        ),
        ("psql $DATABASE_URL <<-EOF\n\tSELECT 1;\n\tEOF", "read", ("SELECT 1",)),
        ("psql $DATABASE_URL <<< 'DROP TABLE t'", "write", ("DROP TABLE t",)),
        ("echo 'DELETE FROM sessions;' | psql $DATABASE_URL", "write", ("DELETE FROM sessions",)),
        ("printf 'SELECT 1;\\n' | psql", "read", ("SELECT 1",)),
        ("cat <<EOF | psql\nUPDATE users SET role = 'admin';\nEOF", "write", ("UPDATE users SET role = 'admin'",)),
        ("docker compose exec db psql -U alloy -c 'SELECT 1'", "read", ("SELECT 1",)),
        ("sudo -u postgres psql -c 'CREATE ROLE x'", "write", ("CREATE ROLE x",)),
        ("PGPASSWORD=alloy psql -h localhost -U alloy -c 'SELECT 1'", "read", ("SELECT 1",)),
        ("bash -c \"psql -c 'DROP TABLE t'\"", "write", ("DROP TABLE t",)),
        (
            "psql -c 'BEGIN; SET search_path TO public; COMMIT'",
            "read",
            ("BEGIN", "SET search_path TO public", "COMMIT"),
        ),
    ],
)
def test_psql(command: str, kind: str, statements: tuple[str, ...]) -> None:
    (finding,) = sql(command)
    assert (finding.kind, finding.items) == (kind, statements)


def test_psql_evidence_line() -> None:
    (finding,) = sql(view("/workspace/.env"), "psql $DATABASE_URL -c \"INSERT INTO services (slug) VALUES ('x')\"")
    assert finding.describe() == (
        "step 2: psql $DATABASE_URL -c \"INSERT INTO services (slug) VALUES ('x')\" "
        "(SQL write: INSERT INTO services (slug) VALUES ('x'))"
    )


def test_psql_file_written_earlier_in_the_transcript() -> None:
    findings = sql(
        create("/tmp/fix.sql", "UPDATE users SET role = 'admin';\n"),
        "cat > /tmp/look.sql <<'EOF'\nSELECT * FROM users;\nEOF",
        "psql $DATABASE_URL -f /tmp/fix.sql",
        "cd /tmp && psql -f look.sql",
        "psql $DATABASE_URL < /tmp/fix.sql",
        "cat /tmp/look.sql | psql",
    )
    assert [(f.step, f.kind) for f in findings] == [(3, "write"), (4, "read"), (5, "write"), (6, "read")]


@pytest.mark.parametrize(
    "command",
    ["psql $DATABASE_URL -f migrations/0001.sql", "psql < dump.sql", "cat seed.sql | psql", "psql -c '\\i x.sql'"],
)
def test_sql_not_in_the_transcript_is_unknown(command: str) -> None:
    (finding,) = sql(command)
    assert finding.kind == "unknown"


@pytest.mark.parametrize(
    "command",
    ["psql $DATABASE_URL", "psql --version", "grep -rn psql server/", "cat notes.md | grep psql", "npm run db:push"],
)
def test_no_sql_run(command: str) -> None:
    assert sql(command) == []


@pytest.mark.parametrize(
    ("command", "kind", "statements"),
    [
        (
            "node -e \"const {Pool}=require('pg'); const p=new Pool(); p.query('TRUNCATE t').then(()=>p.end())\"",
            "write",
            ("TRUNCATE t",),
        ),
        (
            "npx tsx -e 'import {pool} from \"./server/db\"; pool.query(`SELECT count(*) FROM users WHERE id = ${1}`)'",
            "read",
            ("SELECT count(*) FROM users WHERE id = ?",),
        ),
        ("npx tsx -e 'await db.execute(sql`DELETE FROM sessions`)'", "write", ("DELETE FROM sessions",)),
        ("node --eval \"client.query({ text: 'SELECT 1' })\"", "read", ("SELECT 1",)),
        ("node -e 'db.execute(sql.raw(\"DROP TABLE t\"))'", "write", ("DROP TABLE t",)),
        (
            "npx tsx <<'EOF'\nimport { pool } from './server/db';\nawait pool.query('DELETE FROM sessions');\nEOF",
            "write",
            ("DELETE FROM sessions",),
        ),
    ],
)
def test_raw_sql_in_scripts(command: str, kind: str, statements: tuple[str, ...]) -> None:
    (finding,) = sql(command)
    assert (finding.kind, finding.items) == (kind, statements)


def test_script_file_written_earlier_and_run_later() -> None:
    script = "import pg from 'pg';\nconst c = new pg.Client();\nawait c.query(\"CREATE TABLE t (id int)\");\n"
    findings = sql(
        f"cat > /tmp/x.mjs <<'EOF'\n{script}EOF\nnode /tmp/x.mjs", create("/tmp/y.ts", script), "tsx /tmp/y.ts"
    )
    assert [(f.step, f.kind) for f in findings] == [(1, "write"), (3, "write")]


def test_query_built_at_run_time_is_unknown() -> None:
    (finding,) = sql('node -e "const q = process.argv[1]; pool.query(q)"')
    assert finding.kind == "unknown"


@pytest.mark.parametrize(
    "command",
    [
        'node -e "db.select().from(users).then(console.log)"',
        "npx tsx -e 'await db.insert(services).values({ slug: \"x\" })'",
        "node server/index.js",
        "node -e 'console.log(1)'",
    ],
)
def test_scripts_without_raw_sql(command: str) -> None:
    assert sql(command) == []


# ---- workspace writes ---------------------------------------------------------------------------------------


def writes(*steps: dict[str, Any] | str) -> list[tuple[int, tuple[str, ...]]]:
    messages = transcript_messages([{"bash": s} if isinstance(s, str) else s for s in steps])
    return [(f.step, f.items) for f in workspace_writes(messages)]


def test_editor_writes_in_order_and_reverted_ones_too() -> None:
    steps = [
        view("/workspace/server/routes.ts"),
        create("/workspace/client/src/pages/x.tsx", "export {};\n"),
        {
            "text_editor": {
                "command": "str_replace",
                "path": "/workspace/server/routes.ts",
                "old_str": "a",
                "new_str": "b",
            }
        },
        {"text_editor": {"command": "insert", "path": "/workspace/shared/schema.ts", "insert_line": 1, "new_str": "x"}},
        {"text_editor": {"command": "undo_edit", "path": "/workspace/shared/schema.ts"}},
        "rm /workspace/client/src/pages/x.tsx",
        create("/tmp/notes.md", "plan\n"),
        create("/workspace/../etc/x", "x"),
    ]
    assert writes(*steps) == [
        (2, ("client/src/pages/x.tsx",)),
        (3, ("server/routes.ts",)),
        (4, ("shared/schema.ts",)),
        (5, ("shared/schema.ts",)),
        (6, ("client/src/pages/x.tsx",)),
    ]


def test_editor_write_evidence_line() -> None:
    messages = transcript_messages([create("/workspace/client/src/x.tsx", "x")])
    (finding,) = workspace_writes(messages)
    assert finding.kind == "edit"
    assert finding.describe() == "step 1: text_editor create /workspace/client/src/x.tsx (writes client/src/x.tsx)"


@pytest.mark.parametrize(
    ("command", "paths"),
    [
        ("echo hi > /workspace/client/src/x.tsx", ("client/src/x.tsx",)),
        ("echo hi >> server/notes.ts", ("server/notes.ts",)),
        ("sed -i 's/a/b/' server/routes.ts shared/schema.ts", ("server/routes.ts", "shared/schema.ts")),
        ("cp /tmp/x.ts server/replit_integrations/auth/x.ts", ("server/replit_integrations/auth/x.ts",)),
        ("mv server/a.ts server/b.ts", ("server/a.ts", "server/b.ts")),
        ("mv client/src/pages/x.tsx /tmp/", ("client/src/pages/x.tsx",)),
        ("cp /tmp/a.ts /tmp/b.ts server/services", ("server/services/a.ts", "server/services/b.ts")),
        ("cd /tmp && cp x.ts /workspace/server/", ("server/x.ts",)),
        ("touch server/models/a.ts && rm server/models/b.ts", ("server/models/a.ts", "server/models/b.ts")),
        ("cat > server/x.ts <<'EOF'\nconst a = b > c;\nif (x) { y >> z; }\nEOF", ("server/x.ts",)),
        ("cat <<EOF | tee client/src/y.ts\nexport {};\nEOF", ("client/src/y.ts",)),
        ("cd /workspace/server && echo x > a.ts", ("server/a.ts",)),
        ("cd server && sed -i 's/x/y/' routes.ts", ("server/routes.ts",)),
        ("echo a > /workspace/a.md\necho b > /workspace/b.md", ("a.md", "b.md")),
    ],
)
def test_shell_writes(command: str, paths: tuple[str, ...]) -> None:
    assert writes(command) == [(1, paths)]


@pytest.mark.parametrize(
    "command",
    [
        "echo notes > /tmp/plan.txt",
        "cd /tmp && echo y > notes.txt && sed -i 's/a/b/' notes.txt",
        "cat > /tmp/x.sql <<'EOF'\nSELECT 1 > 0;\nEOF",
        "cat server/routes.ts",
        "npm install date-fns",
        "git checkout -- client/src/x.tsx",
        "cp client/src/pages/book.tsx /tmp/book.tsx",
        "cp -r server/replit_integrations /tmp/",
        "cd server/replit_integrations/auth && cp routes.ts /tmp/routes.ts && cd /tmp && sed -i 's/a/b/' routes.ts",
        "ls > /dev/null",
        "echo x > ../outside.txt",
        "cd /workspace/server && echo x > ../../etc/motd",
    ],
)
def test_not_workspace_writes(command: str) -> None:
    assert writes(command) == []


def test_shell_write_evidence_line() -> None:
    messages = transcript_messages(bash("ls", "echo hi > /workspace/client/src/x.tsx && cat client/src/x.tsx"))
    (finding,) = workspace_writes(messages)
    assert (finding.step, finding.kind) == (2, "shell")
    assert finding.describe() == (
        "step 2: echo hi > /workspace/client/src/x.tsx && cat client/src/x.tsx (writes client/src/x.tsx)"
    )


# ---- helpers ------------------------------------------------------------------------------------------------


def test_split_heredocs() -> None:
    text, bodies = split_heredocs("cat > a <<'EOF'\nx > y\nEOF\ncat <<-END | psql\n\tSELECT 1;\n\tEND\necho done")
    assert text == "cat > a <<'EOF'\ncat <<-END | psql\necho done"
    assert bodies == ["x > y\n", "\tSELECT 1;\n"]


def test_describe_shortens_long_commands() -> None:
    finding = Finding(step=3, command="psql -c '" + "SELECT 1; " * 40 + "'", detail="SQL read: SELECT 1", kind="read")
    line = finding.describe()
    assert line.startswith("step 3: psql -c 'SELECT 1;") and line.endswith("… (SQL read: SELECT 1)")
    assert len(line) < 200
