"""The report grader on small reports against hand-made truths: the ways of writing a true claim that a
careful human grader accepts (found while labelling the report corpus)."""

from __future__ import annotations

from scorers.report import claimed_endpoints, claimed_env_vars, parse_report
from scorers.report_score import score_report
from scorers.schema_diff import diff_schema
from scorers.truth import Endpoint, ReportTruth

SEVEN = ("Files Created", "Files Modified", "Schema Changes", "New API Endpoints", "Environment Variables")
SEVEN += ("New Dependencies", "Known Gaps")


def report(**bodies: str) -> str:
    """A seven-section report: the given bodies (keyed by section title, spaces as underscores), else None."""
    return "\n".join(f"## {title}\n\n{bodies.get(title.replace(' ', '_'), 'None')}\n" for title in SEVEN)


def evidence(text: str, truth: ReportTruth) -> list[str]:
    return score_report(text, truth).evidence()


def endpoints(body: str) -> list[tuple[str, str, bool | None]]:
    section = parse_report(f"## New API Endpoints\n\n{body}\n").sections["new_api_endpoints"]
    return [(c.method, c.path, c.auth) for c in claimed_endpoints(section)]


def env_vars(body: str) -> list[str]:
    return claimed_env_vars(parse_report(f"## Environment Variables\n\n{body}\n").sections["environment_variables"])


def test_a_gap_path_at_the_end_of_a_sentence_is_named() -> None:
    truth = ReportTruth(known_gaps=["Frontend: the dashboard needs a bookings list from GET /api/bookings/mine"])
    for gap in (
        "- Frontend: add the list to the dashboard using `GET /api/bookings/mine`.",
        "- The dashboard should show the user's consultations from /api/bookings/mine.",
        "- Dashboard list: GET /api/bookings/mine: all statuses",
    ):
        assert evidence(report(Known_Gaps=gap), truth) == [], gap
    assert evidence(report(Known_Gaps="- Dashboard list from `GET /api/bookings`."), truth) == [
        "Known Gaps: not reported: Frontend: the dashboard needs a bookings list from GET /api/bookings/mine"
    ]


def test_an_auth_label_in_a_list_item_is_read_with_its_value() -> None:
    assert endpoints(
        "- **GET** `/api/bookings/slots?date=YYYY-MM-DD` — Auth: none — free slots\n"
        "- **POST** `/api/bookings` — Auth: required — book a slot\n"
        "- `PATCH /api/admin/bookings/:id` - Access: admin - confirm or cancel\n"
    ) == [
        ("GET", "/api/bookings/slots", False),
        ("POST", "/api/bookings", True),
        ("PATCH", "/api/admin/bookings/:id", True),
    ]


def test_status_code_phrases_do_not_state_the_auth() -> None:
    assert endpoints(
        "- `PATCH /api/admin/bookings/:id` — confirm/cancel; admin only (401 without a session, 403 for clients).\n"
        "- `POST /api/bookings` — books a slot; requires a logged-in user (401 otherwise).\n"
        "- `GET /api/bookings/mine` (401/403 when not authenticated)\n"
    ) == [
        ("PATCH", "/api/admin/bookings/:id", True),
        ("POST", "/api/bookings", True),
        ("GET", "/api/bookings/mine", None),
    ]


def test_a_long_parenthetical_saying_existing_does_not_skip_a_table_row() -> None:
    body = """\
| Method | Path | Auth | Description |
|---|---|---|---|
| PATCH | `/api/x/:id/items/:itemId` | Admin | Change `done` (true = done, keeps an existing `doneAt`; false = reopen) |
| GET | `/api/x/:id` | Public | (existing) now includes items |
"""
    assert endpoints(body) == [("PATCH", "/api/x/:id/items/:itemId", True)]


def test_a_row_or_item_led_by_existing_is_not_a_claim() -> None:
    body = """\
| Method | Path | Auth | Description |
|---|---|---|---|
| POST | `/api/x/:id/images` | Admin | add an image |
| GET | `/api/x/:slug` | Public | Existing — now also returns `images` |
| GET | `/api/y/:slug` | Public | Existing route, now also returns `images` ordered by `sortOrder` |
| GET | `/api/x/:id/images` | Admin | Existing images of a project, oldest first |
"""
    assert endpoints(body) == [("POST", "/api/x/:id/images", True), ("GET", "/api/x/:id/images", True)]
    items = "- `GET /api/x/:slug` — existing, now also returns `images` in `sortOrder` order\n- `GET /api/z` — public\n"
    assert endpoints(items) == [("GET", "/api/z", False)]


def test_existing_variables_mentioned_as_context_are_not_claims() -> None:
    assert env_vars("Uses the existing `BOOKING_TIMEZONE` and `BOOKING_SLOT_MINUTES`; nothing new.") == []
    assert env_vars("`.env` is unchanged — the existing `BOOKING_TIMEZONE` and `STUDIO_INBOX_EMAIL` are reused.") == []
    assert env_vars("- `BOOKING_TIMEZONE` (already exists) is now also read by the booking service") == []
    # a new name in the same item is still claimed; an existing one beside a "new" is too (as before)
    assert env_vars("- `REMINDER_HOURS` (new, default 24); the existing `BOOKING_TIMEZONE` is unchanged") == [
        "REMINDER_HOURS"
    ]
    assert env_vars("- `REMINDER_HOURS` — read by the existing booking service") == ["REMINDER_HOURS"]


def test_an_item_starting_with_a_variable_claims_only_its_leading_names() -> None:
    assert env_vars(
        "- `CONTACT_REPLY_FROM` — sender of the acknowledgement. Optional: when unset, it comes from `MAIL_FROM`.\n"
        "- `A_KEY`, `B_KEY` — both for the provider (like `MAIL_PROVIDER_API_KEY`)\n"
        "- `S3_BUCKET=assets` and API_TOKEN2\n"
        "- Also reads MAIL_FROM_NAME when set\n"
    ) == ["CONTACT_REPLY_FROM", "A_KEY", "B_KEY", "S3_BUCKET", "API_TOKEN2", "MAIL_FROM_NAME"]


BEFORE = """\
import { pgTable, serial, integer, varchar } from "drizzle-orm/pg-core";
export const projects = pgTable("projects", {
  id: serial("id").primaryKey(),
  title: varchar("title").notNull(),
});
export const services = pgTable("services", {
  id: serial("id").primaryKey(),
  sortOrder: integer("sort_order").notNull().default(0),
});
"""
AFTER = (
    BEFORE
    + """\
export const projectImages = pgTable("project_images", {
  id: serial("id").primaryKey(),
  projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  url: varchar("url").notNull(),
  altText: varchar("alt_text", { length: 200 }).notNull(),
});
"""
)


def test_columns_of_a_new_table_listed_under_it_are_true() -> None:
    truth = ReportTruth(schema=diff_schema(BEFORE, AFTER))
    nested = (
        "- New table `project_images`:\n"
        "  - `id` serial primary key\n"
        "  - `project_id` integer, FK → `projects.id` (cascade)\n"
        "  - `url` varchar\n"
        "  - `altText` varchar(200)\n"
    )
    assert evidence(report(Schema_Changes=nested), truth) == []
    listed = "New table `project_images` with columns:\n\n- `id`\n- `project_id` → `projects.id`\n- `url`, `alt_text`"
    assert evidence(report(Schema_Changes=listed), truth) == []
    # a table the item is about that did not change is still a false claim (its own column or not)
    for item, table in (
        ("`services.sort_order` now defaults to 1", "services"),
        ("`projects`: `title` is unique", "projects"),
    ):
        assert evidence(report(Schema_Changes=f"- New table `project_images`\n- {item}"), truth) == [
            f"Schema Changes: false claim: {item.replace('`', '')} (table {table} was not changed)"
        ]


def test_columns_alone_are_false_without_a_schema_change() -> None:
    truth = ReportTruth(schema=diff_schema(BEFORE, BEFORE), endpoints=[Endpoint("GET", "/api/x", False)])
    text = report(Schema_Changes="- `sort_order` now defaults to 1", New_API_Endpoints="- `GET /api/x` (public)")
    assert evidence(text, truth) == [
        "Schema Changes: false claim: sort_order now defaults to 1 (columns sort_order was not changed)"
    ]
