"""Ground truth for the report: the tasks' reference solutions as they are, and small synthetic changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.fixture import PreparedFixture
from evals.task_spec import TASKS_DIR, load_task
from scorers.changes import ChangeSet, FileChange
from scorers.corpus import changes_from_patch
from scorers.probes import ProbeReport, base_routes
from scorers.rules.context import RuleContext
from scorers.schema_diff import Column, Table, diff_schema
from scorers.truth import Endpoint, ReportTruth, env_reads, report_truth

SCHEMA = "shared/schema.ts"


@pytest.fixture(scope="module")
def template(prepared: PreparedFixture) -> Path:
    return prepared.app_dir


def _reference(task: str, template: Path, **extra: object) -> ReportTruth:
    spec = load_task(TASKS_DIR / task)
    changes = changes_from_patch(spec.solution_patch.read_text(), template)
    return report_truth(RuleContext(changes=changes, template=template, spec=spec, **extra))  # type: ignore[arg-type]


def _edit(template: Path, path: str, find: str, replace: str) -> FileChange:
    text = (template / path).read_text()
    assert text.count(find) == 1, f"{find!r} must occur once in {path}"
    return FileChange(path=path, status="modified", content=text.replace(find, replace))


def _truth(template: Path, *changes: FileChange, **extra: object) -> ReportTruth:
    changeset = ChangeSet(fixture_version="test", changes=list(changes))
    return report_truth(RuleContext(changes=changeset, template=template, **extra))  # type: ignore[arg-type]


# ---- the reference solutions -----------------------------------------------------------------------------


def test_consultation_bookings_reference(template: Path) -> None:
    truth = _reference("consultation-bookings", template)
    assert truth.files_created == ["server/booking-routes.ts", "server/services/booking-service.ts"]
    assert truth.files_modified == ["server/routes.ts", "server/services/email-service.ts", "server/storage.ts"]
    assert truth.schema.is_empty
    assert truth.endpoints_source == "static"
    assert truth.endpoints == [
        Endpoint("PATCH", "/api/admin/bookings/:id", True),
        Endpoint("POST", "/api/bookings", True),
        Endpoint("GET", "/api/bookings/mine", True),
        Endpoint("GET", "/api/bookings/slots", False),
    ]
    assert truth.env_vars == []  # BOOKING_TIMEZONE and friends are in the fixture's .env already
    assert truth.dependencies == []
    assert truth.known_gaps == load_task(TASKS_DIR / "consultation-bookings").expected.known_gaps
    assert len(truth.known_gaps) == 2


def test_portfolio_images_reference(template: Path) -> None:
    truth = _reference("portfolio-images", template)
    assert truth.files_created == []
    assert truth.files_modified == ["server/admin-routes.ts", "server/routes.ts", "server/storage.ts", SCHEMA]
    schema = truth.schema
    assert schema.tables_added == [Table("portfolio_images", "portfolioImages")]
    assert schema.tables_removed == [] and schema.tables_changed == []  # relations are not columns
    assert schema.columns_added == []  # the new table's columns are listed with it only
    columns = schema.tables_added[0].columns
    assert [(c.db_name, c.ts_key) for c in columns] == [
        ("id", "id"),
        ("portfolio_project_id", "portfolioProjectId"),
        ("url", "url"),
        ("alt_text", "altText"),
        ("sort_order", "sortOrder"),
        ("created_at", "createdAt"),
    ]
    assert {c.table_db for c in columns} == {"portfolio_images"}
    assert columns[3].definition_text == 'varchar("alt_text", { length: 200 }).notNull()'
    assert columns[1].definition_text == (
        'integer("portfolio_project_id").notNull().references(() => portfolioProjects.id, { onDelete: "cascade" })'
    )
    assert schema.table("portfolioImages") is schema.table("portfolio_images") is schema.tables_added[0]
    assert [c.ts_key for c in schema.columns("alt_text", table="portfolioImages")] == ["altText"]
    names = schema.schema_names()
    assert {"portfolio_images", "portfolioImages", "alt_text", "altText", "users", "first_name"} <= set(names)
    assert schema.changed_names() == {"portfolio_images", "portfolioImages"}
    assert truth.endpoints == [
        Endpoint("POST", "/api/admin/portfolio/:id/images", True),
        Endpoint("DELETE", "/api/admin/portfolio/:id/images/:imageId", True),
    ]
    assert truth.env_vars == [] and truth.dependencies == []
    assert len(truth.known_gaps) == 3


def test_newsletter_resubscribe_reference(template: Path) -> None:
    truth = _reference("newsletter-resubscribe", template)
    assert truth.files_created == []
    assert truth.files_modified == ["server/routes.ts", "server/storage.ts"]
    assert truth.schema.is_empty
    assert truth.endpoints == []
    assert truth.env_vars == [] and truth.dependencies == [] and truth.known_gaps == []
    assert json.dumps(truth.as_dict())  # serialisable for the score's metadata


# ---- schema ----------------------------------------------------------------------------------------------


def test_column_added_to_existing_table(template: Path) -> None:
    change = _edit(
        template,
        SCHEMA,
        '  sortOrder: integer("sort_order").notNull().default(0),\n  createdAt',
        '  sortOrder: integer("sort_order").notNull().default(0),\n'
        '  websiteUrl: varchar("website_url", { length: 200 }),\n  createdAt',
    )
    schema = _truth(template, change).schema
    assert not schema.is_empty
    assert schema.tables_added == [] and schema.tables_removed == []
    assert schema.columns_added == [
        Column("services", "website_url", "websiteUrl", 'varchar("website_url", { length: 200 })')
    ]
    assert schema.columns_removed == [] and schema.columns_changed == []
    assert [t.before.db_name for t in schema.tables_changed] == ["services"]
    assert schema.changed_names() == {"website_url", "websiteUrl"}


def test_column_renamed_in_the_database(template: Path) -> None:
    change = _edit(
        template,
        SCHEMA,
        '  company: varchar("company", { length: 120 }),\n  phone: varchar("phone", { length: 40 }),\n  passwordHash',
        '  company: varchar("company_name", { length: 120 }),\n  phone: varchar("phone", { length: 40 }),\n'
        "  passwordHash",
    )
    schema = _truth(template, change).schema
    assert schema.columns_added == [] and schema.columns_removed == []
    (changed,) = schema.columns_changed
    assert (changed.table_db, changed.db_name, changed.ts_key) == ("users", "company_name", "company")
    assert changed.previous is not None and changed.previous.db_name == "company"
    assert {"company", "company_name"} <= set(schema.schema_names())
    assert {"company", "company_name"} <= schema.changed_names()


def test_modifier_change_counts_but_reformatting_does_not() -> None:
    before = (
        'import { pgTable, text } from "drizzle-orm/pg-core";\n'
        'export const notes = pgTable("notes", { body: text("body") });\n'
    )
    stricter = before.replace('text("body")', 'text("body").notNull()')
    reformatted = (
        'import { pgTable, text } from "drizzle-orm/pg-core";\n'
        "export const notes = pgTable('notes', {\n  body: text(\n    'body', // the note\n  ),\n});\n"
    )
    assert diff_schema(before, reformatted).is_empty
    (changed,) = diff_schema(before, stricter).columns_changed
    assert changed.definition_text == 'text("body").notNull()'
    assert changed.previous is not None and changed.previous.definition_text == 'text("body")'


def test_table_removed(template: Path) -> None:
    text = (template / SCHEMA).read_text()
    start = text.index("export const testimonials = pgTable(")
    end = text.index("// ----", start)
    change = FileChange(path=SCHEMA, status="modified", content=text[:start] + text[end:])
    schema = _truth(template, change).schema
    assert schema.tables_removed == [Table("testimonials", "testimonials")]
    assert len(schema.tables_removed[0].columns) == 10
    assert schema.tables_added == [] and schema.tables_changed == []
    assert schema.columns_removed == []  # listed with the removed table only
    assert schema.table("testimonials") is not None  # still known by name (the report may mention it)


def test_new_table_in_callback_form_with_alias_and_unnamed_columns() -> None:
    after = (
        'import { pgTable as table, integer, text } from "drizzle-orm/pg-core";\n'
        'const tags = table("tags", (t) => ({ id: t.integer("id"), label: text() }));\n'
    )
    schema = diff_schema("", after)
    (added,) = schema.tables_added
    assert (added.db_name, added.ts_name) == ("tags", "tags")
    assert [(c.db_name, c.ts_key) for c in added.columns] == [("id", "id"), ("label", "label")]


# ---- environment variables -------------------------------------------------------------------------------


def test_env_reads_every_form() -> None:
    source = """
    const a = process.env.A;
    const b = process.env["B"];
    const { C, D: d, E = "x", "F": f, ...rest } = process.env;
    const env = process.env;
    const g = env.G;
    const h = process.env?.H;
    process.env.WRITTEN = "1";
    delete process.env.REMOVED;
    const other = config.env.NOT_PROCESS;
    const dynamic = process.env[name];
    """
    assert env_reads(source) == {"A", "B", "C", "D", "E", "F", "G", "H"}


def test_new_env_var_counts_but_known_ones_do_not(template: Path) -> None:
    source = (
        "export const stripeKey = process.env.STRIPE_KEY;\n"
        "export const url = process.env.DATABASE_URL;\n"  # read by the fixture and in its .env
        'export const admin = process.env["SEED_ADMIN_EMAIL"];\n'  # only in .env (seed.ts reads it dynamically)
        "export const mode = process.env.NODE_ENV;\n"  # read by the fixture, not in .env
    )
    truth = _truth(template, FileChange(path="server/payments.ts", status="added", content=source))
    assert truth.env_vars == ["STRIPE_KEY"]
    assert truth.files_created == ["server/payments.ts"]


def test_known_env_var_alone_adds_nothing(template: Path) -> None:
    change = _edit(
        template,
        "server/db.ts",
        "max: Number(",
        "ssl: process.env.DATABASE_URL ? undefined : undefined,\n  max: Number(",
    )
    assert _truth(template, change).env_vars == []


# ---- dependencies and files ------------------------------------------------------------------------------


def test_package_added_to_package_json(template: Path) -> None:
    manifest = json.loads((template / "package.json").read_text())
    manifest["dependencies"]["stripe"] = "^17.0.0"
    manifest["dependencies"]["zod"] = "^3.25.0"  # a version change is not a new package
    manifest["devDependencies"]["@types/stripe"] = "^8.0.0"
    change = FileChange(path="package.json", status="modified", content=json.dumps(manifest, indent=2))
    lock = FileChange(path="package-lock.json", status="modified", content="{}")
    truth = _truth(template, change, lock)
    assert truth.dependencies == ["@types/stripe", "stripe"]
    assert truth.files_modified == ["package-lock.json", "package.json"]


def test_files_symlinks_and_deletions(template: Path) -> None:
    truth = _truth(
        template,
        FileChange(path="server/link.ts", status="added", kind="symlink", content="routes.ts"),
        FileChange(path="server/vite.ts", status="deleted"),
        FileChange(path="notes/plan.md", status="added", content="plan"),
    )
    assert truth.files_created == ["notes/plan.md", "server/link.ts"]
    assert truth.files_modified == ["server/vite.ts"]
    assert truth.schema.is_empty and truth.known_gaps == [] and truth.dependencies == []


# ---- endpoints: live and static --------------------------------------------------------------------------


def test_live_route_table_is_preferred(template: Path, prepared: PreparedFixture) -> None:
    base = base_routes(prepared)
    live = [
        *base,
        {"method": "GET", "path": "/api/widgets", "handlers": ["<anonymous>"]},
        {"method": "POST", "path": "/api/widgets", "handlers": ["isAuthenticated", "requireAdmin", "<anonymous>"]},
        {"method": "GET", "path": "/widgets", "handlers": ["<anonymous>"]},  # not /api
    ]
    probes = ProbeReport(routes=live)
    # the change set has no route at all: the endpoints can only have come from the live table
    truth = _truth(template, probes=probes, base_routes=base)
    assert truth.endpoints_source == "live"
    assert truth.endpoints == [Endpoint("GET", "/api/widgets", False), Endpoint("POST", "/api/widgets", True)]


def test_failed_probe_falls_back_to_the_static_table(template: Path, prepared: PreparedFixture) -> None:
    base = base_routes(prepared)
    probes = ProbeReport(routes=[*base, {"method": "GET", "path": "/api/ghost", "handlers": []}], error="boom")
    truth = _reference("consultation-bookings", template, probes=probes, base_routes=base)
    assert truth.endpoints_source == "static"
    assert Endpoint("GET", "/api/bookings/slots", False) in truth.endpoints
    assert all(e.path != "/api/ghost" for e in truth.endpoints)
    assert any("boom" in note for note in truth.notes)


def test_static_table_skips_routers_at_an_unknown_prefix(template: Path) -> None:
    source = (
        'import { Router } from "express";\n'
        "const router = Router();\n"
        'router.get("/orphans", (_req, res) => res.json({ success: true, data: [] }));\n'
        "export default router;\n"
    )
    truth = _truth(template, FileChange(path="server/orphan-routes.ts", status="added", content=source))
    assert truth.endpoints == []
    assert any("unknown prefix" in note and "/orphans" in note for note in truth.notes)


def test_env_names_given_to_a_config_helper_are_reads() -> None:
    source = 'const a = readInt("SPAM_MAX_LINKS", 2);\nconst b = getEnv("API_BASE");\nconst c = readLabel("Hello");\n'
    assert env_reads(source) == {"SPAM_MAX_LINKS", "API_BASE"}
