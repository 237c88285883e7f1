"""``no-hardcoded-secrets``: the literal classifiers, the syntax queries and the rule on change sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorers import ts
from scorers.changes import ChangeSet, FileChange
from scorers.rules.context import RuleContext
from scorers.rules.no_hardcoded_secrets import (
    bound_name,
    emails_in,
    env_fallbacks,
    file_findings,
    is_secret_env_name,
    is_secret_value,
    is_token_like,
    keys_in,
    literal_value,
    looks_random,
    name_words,
    no_hardcoded_secrets,
    parameter_names,
    secret_name_kind,
)

# ---- literal classifiers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "addresses"),
    [
        ("admin@alloy.example", ["admin@alloy.example"]),
        ("Alloy <hello@x.io>", ["hello@x.io"]),
        ("Questions? Write to first.last+tag@mail.alloy.co.uk.", ["first.last+tag@mail.alloy.co.uk"]),
        ("mailto:studio@alloy.example", ["studio@alloy.example"]),
        ("Invalid email address", []),
        ("@shared/schema", []),
        ("drizzle-orm@0.30.1", []),
        ("user@localhost", []),
        ("postgres://alloy:s3cret@db.internal:5432/alloy", []),  # credentials, see keys_in
        ("  <  >", []),  # `${name} <${email}>` with its substitutions blanked
    ],
)
def test_emails_in(value: str, addresses: list[str]) -> None:
    assert [address for _offset, address in emails_in(value)] == addresses


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe key"),
        ("pk_test_TYooMQauvdEDq54NiTphI7jx", "Stripe key"),
        ("rk_live_51H8aZ2KjLmNoPqRs", "Stripe key"),
        ("AKIAIOSFODNN7EXAMPLE", "AWS Access Key"),
        ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "GitHub token"),
        ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack token"),
        ("AIzaSyB3kLmN0pQrStUvWxYz1234567890AbCdE", "Google API key"),
        ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "API key"),
        ("SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "SendGrid API Key"),
        ("-----BEGIN RSA PRIVATE KEY-----", "Private Key"),
        (
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "JSON Web Token",
        ),
        ("postgres://alloy:s3cret@db.internal:5432/alloy", "credentials in a URL"),
        ("https://studio:Xk29fjQpL7@archive.alloy.example/exports", "credentials in a URL"),
        ("Bearer 9f86d081884c7d659a2feaa0c55ad015", "authorization header with a token"),
    ],
)
def test_keys_in(value: str, kind: str) -> None:
    assert kind in [found for _offset, found in keys_in(value)]


@pytest.mark.parametrize(
    "value",
    [
        "Bearer ",
        "Bearer  ",  # `Bearer ${apiKey}` with the substitution blanked
        "Bearer token",
        "#ff8800",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "/api/bookings/3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "application/json",
        "sk_live_",
        "pk_users_pkey",
        "postgresql://localhost:5432/alloy_dev",
        "http://localhost:5000",
        "password must be at least 8 characters",
        "hex",
    ],
)
def test_keys_in_near_misses(value: str) -> None:
    assert keys_in(value) == []


def test_keys_in_can_leave_out_url_credentials() -> None:
    assert keys_in("e.g. postgres://user:pass@localhost/db", urls=False) == []
    assert keys_in("AKIAIOSFODNN7EXAMPLE", urls=False) == [(0, "AWS Access Key")]


@pytest.mark.parametrize(
    ("value", "random"),
    [
        ("kJ8s9dF2mQ7xL4pR", True),
        ("a8f5f167f44f4964e6c998dee827110c", True),
        ("seed-token-reader-one-0000000000000001", False),
        ("dev-only-session-secret-change-me", False),
        ("0123456789abcdef0123456789abcdef", False),  # a repetition
        ("abcdefghijklmnop", False),  # no digit
        ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", False),  # a UUID
        ("kJ8s9dF2mQ7x", False),  # too short
        ("kJ8s9dF2.mQ7xL4pR", False),  # a dot: not base64
    ],
)
def test_looks_random(value: str, random: bool) -> None:
    assert looks_random(value) is random


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", True),
        ("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=", True),
        ("kJ8s9dF2mQ7xL4pR", False),  # random but short: only with a secret name
        ("portfolio_images_portfolio_project_id_idx", False),
        ("northwind-cafe-counter-second-location-2024", False),
        ("abcdefghijklmnopqrstuvwxyz012345", False),  # a sequence
    ],
)
def test_is_token_like(value: str, token: bool) -> None:
    assert is_token_like(value) is token


@pytest.mark.parametrize(
    ("name", "words"),
    [("apiKey", ["api", "key"]), ("API_KEY", ["api", "key"]), ("X-Api-Key", ["x", "api", "key"]),
     ("JWTSecret", ["jwt", "secret"]), ("sha256", ["sha256"]), ("", [])],
)  # fmt: skip
def test_name_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("password", "password"),
        ("clientPassword", "password"),
        ("sessionSecret", "password"),
        ("SESSION_SECRET", "password"),
        ("dbPass", "password"),
        ("apiKey", "token"),
        ("X-Api-Key", "token"),
        ("privateKey", "token"),
        ("accessToken", "token"),
        ("unsubscribeToken", "token"),
        ("tokenType", None),
        ("tokenEncoding", None),
        ("passwordHash", None),
        ("passwordMinLength", None),
        ("cacheKey", None),
        ("key", None),
        ("credentials", None),
        ("bypass", None),
        ("email", None),
    ],
)
def test_secret_name_kind(name: str, kind: str | None) -> None:
    assert secret_name_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("SESSION_SECRET", True),
        ("MAIL_PROVIDER_API_KEY", True),
        ("STUDIO_INBOX_EMAIL", True),
        ("SEED_ADMIN_PASSWORD", True),
        ("GITHUB_TOKEN", True),
        ("DATABASE_URL", True),
        ("REPORTS_DB_URL", True),
        ("PORT", False),
        ("HOST", False),
        ("PUBLIC_BASE_URL", False),
        ("MAIL_FROM", False),
        ("BOOKING_TIMEZONE", False),
        ("NODE_ENV", False),
    ],
)
def test_is_secret_env_name(name: str, secret: bool) -> None:
    assert is_secret_env_name(name) is secret


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("hunter22", True),
        ("dev-secret", True),
        ("alloy-client-2024", True),
        ("changeme", True),
        ("", False),
        ("abc", False),
        ("Bearer ", False),
        ("password must be at least 8 characters", False),
        ("SESSION_SECRET", False),
        ("Password", False),
        ("********", False),
        ("<your-secret>", False),
        ("{token}", False),
        ("${SECRET}", False),
        ("[redacted]", False),
    ],
)
def test_is_secret_value(value: str, secret: bool) -> None:
    assert is_secret_value(value) is secret


# ---- syntax -------------------------------------------------------------------------------------------------


def _literals(source: str) -> list[tuple[str, str | None]]:
    root = ts.parse(source).root_node
    return [(value, bound_name(node)) for node in ts.walk(root) if (value := literal_value(node)) is not None]


def test_literal_values_blank_template_substitutions_and_skip_type_keywords() -> None:
    source = 'const a: string = `Bearer ${key}`;\nconst b = `${name} <${\n email}>\nx`;\nconst c = "q\'s";\n'
    assert [value for value, _name in _literals(source)] == ["Bearer  ", "  < \n>\nx", "q's"]


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ('const apiKey = "x";', "apiKey"),
        ('const apiKey = "x" as const;', "apiKey"),
        ('const o = { "X-Api-Key": "x" };', "X-Api-Key"),
        ('obj.secret = "x";', "secret"),
        ('class A { sessionSecret = "x"; }', "sessionSecret"),
        ('function f(password: string = "x") {}', "password"),
        ('const { token = "x" } = options;', "token"),
        ('if (user.password === "x") {}', "password"),
        ('if ("x" !== token) {}', "token"),
        ('function seedUser(email: string, password: string) {}\nseedUser(a, "x");', "password"),
        ('f("x");', None),
        ('const t = randomBytes(24).toString("x");', None),
        ('const s = process.env.SESSION_SECRET || "x";', None),
    ],
)
def test_bound_name(source: str, name: str | None) -> None:
    root = ts.parse(source).root_node
    (node,) = [n for n in ts.walk(root) if literal_value(n) == "x"]
    assert bound_name(node, parameter_names(root)) == name


@pytest.mark.parametrize(
    ("source", "variable"),
    [
        ('const s = process.env.SESSION_SECRET || "dev-secret";', "SESSION_SECRET"),
        ('const s = process.env["API_KEY"] ?? `dev-key`;', "API_KEY"),
        ('const s = process.env.SESSION_SECRET! || "dev";', "SESSION_SECRET"),
        ('const s = (process.env.SESSION_SECRET as string) ?? "dev";', "SESSION_SECRET"),
        ('const s = process.env.A_TOKEN || process.env.B || "dev";', "A_TOKEN"),
        ('const D = "dev";\nconst s = process.env.JWT_SECRET ?? D;', "JWT_SECRET"),
        ('const p = process.env.DB_PASSWORD ? process.env.DB_PASSWORD : "postgres";', "DB_PASSWORD"),
        ('process.env.SESSION_SECRET = "dev";', "SESSION_SECRET"),
        ('process.env.SESSION_SECRET ??= "dev";', "SESSION_SECRET"),
        ('const { SEED_ADMIN_PASSWORD = "dev" } = process.env;', "SEED_ADMIN_PASSWORD"),
        ('const { MAIL_PROVIDER_API_KEY: key = "dev" } = process.env;', "MAIL_PROVIDER_API_KEY"),
        ('const e = readEnv("STUDIO_INBOX_EMAIL", "studio@alloy.example");', "STUDIO_INBOX_EMAIL"),
        ('const u = import.meta.env.VITE_API_KEY || "k";', "VITE_API_KEY"),
    ],
)
def test_env_fallbacks(source: str, variable: str) -> None:
    ((_node, why),) = env_fallbacks(ts.parse(source).root_node)
    assert f"fallback for {variable};" in why


@pytest.mark.parametrize(
    "source",
    [
        "const e = process.env.STUDIO_INBOX_EMAIL;",
        'const e = process.env.STUDIO_INBOX_EMAIL ?? "";',
        'const p = process.env.PORT ?? "5000";',
        'const t = process.env.BOOKING_TIMEZONE || "UTC";',
        "const n = Number(process.env.DATABASE_POOL_SIZE ?? 10);",
        'const s = process.env.SESSION_SECRET ?? fail("SESSION_SECRET is not set");',
        'const p = readInt("PORT", 5000);',
        "const configured = Boolean(process.env.MAIL_PROVIDER_API_KEY);",
        'const x = options.secret ?? "default";',
    ],
)
def test_env_fallback_near_misses(source: str) -> None:
    assert env_fallbacks(ts.parse(source).root_node) == []


# ---- files and the rule -------------------------------------------------------------------------------------


def _findings(source: str, changed: set[int] | None = None) -> list[str]:
    lines = changed if changed is not None else set(range(1, source.count("\n") + 2))
    return file_findings(source, "server/x.ts", frozenset(lines))[0]


def test_only_changed_lines_count() -> None:
    source = 'const a = "admin@alloy.example";\nconst b = "studio@alloy.example";\n'
    assert _findings(source, {2}) == [
        "server/x.ts:2: b = \"studio@alloy.example\" (e-mail address 'studio@alloy.example')"
    ]
    assert _findings(source, set()) == []


def test_multiline_template_reports_the_line_of_the_address() -> None:
    source = "const text = `Hello ${name},\n\nWrite to hello@alloy.example any time.\n`;\n"
    (line,) = _findings(source)
    assert line.startswith("server/x.ts:3: ")
    assert _findings(source, {1}) == []  # the address sits on an unchanged line of the template


def test_keys_in_comments_but_not_addresses() -> None:
    source = "// our key: AKIAIOSFODNN7EXAMPLE\n// contact: studio@alloy.example\n/** e.g. postgres://u:p@h/db */\n"
    assert _findings(source) == ["server/x.ts:1: // our key: AKIAIOSFODNN7EXAMPLE (AWS Access Key in a comment)"]


def test_import_specifiers_are_skipped() -> None:
    assert _findings('import x from "me@registry.example";\n') == []


@pytest.mark.parametrize(
    "source",
    [
        "const schema = z.object({ email: z.string().email() });",
        'res.status(400).json({ error: "Invalid email address" });',
        "const inbox = config.mail.studioInbox;",
        'const colours = { pending: "#f59e0b" };',
        'const prefix = "Bearer ";',
        "const headers = { Authorization: `Bearer ${apiKey}` };",
        'const token = randomBytes(24).toString("hex");',
        'const schema = z.object({ password: z.string().min(8, "password must be at least 8 characters") });',
        'const labels = { password: "Password" };',
        'const emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";',
        'const unsubscribeToken = "seed-token-reader-one-0000000000000001";',
        'const fetched = await fetch(url, { credentials: "include" });',
    ],
)
def test_file_near_misses(source: str) -> None:
    assert _findings(source) == []


def _context(tmp_path: Path, changes: list[FileChange]) -> RuleContext:
    return RuleContext(changes=ChangeSet(fixture_version="test", changes=changes), template=tmp_path)


def test_rule_not_applicable_without_typescript(tmp_path: Path) -> None:
    changes = [
        FileChange(path=".env", status="modified", content="SESSION_SECRET=abc\nSTUDIO_INBOX_EMAIL=a@b.io\n"),
        FileChange(path="NOTES.md", status="added", content="Mail studio@alloy.example\n"),
    ]
    assert no_hardcoded_secrets(_context(tmp_path, changes)).verdict == "not-applicable"


def test_rule_fails_with_evidence_and_passes_otherwise(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "old.ts").write_text('export const inbox = "old@alloy.example";\n')
    bad = FileChange(path="server/new-service.ts", status="added", content='export const to = "a@alloy.example";\n')
    touched = FileChange(
        path="server/old.ts", status="modified", content='export const inbox = "old@alloy.example";\nexport {};\n'
    )
    result = no_hardcoded_secrets(_context(tmp_path, [bad, touched]))
    assert result.verdict == "fail"
    assert result.evidence == ["server/new-service.ts:1: to = \"a@alloy.example\" (e-mail address 'a@alloy.example')"]
    assert no_hardcoded_secrets(_context(tmp_path, [touched])).verdict == "pass"
