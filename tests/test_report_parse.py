"""The final report parsed into sections and the claims each makes: the reference reports and the ways real
models write them (heading levels, bold labels in numbered lists, ``Label:`` lead-ins, tables, "None")."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorers.report import (
    SECTIONS,
    EndpointClaim,
    claimed_endpoints,
    claimed_env_vars,
    claimed_packages,
    claimed_paths,
    find_sections,
    item_identifiers,
    parse_report,
    section_of,
)

TASKS = Path(__file__).resolve().parents[1] / "tasks"
ALL = list(SECTIONS)


def reference(task: str) -> str:
    return (TASKS / task / "solution" / "report.md").read_text()


def endpoints(text: str) -> list[tuple[str, str, bool | None]]:
    section = parse_report(text).sections["new_api_endpoints"]
    return [(c.method, c.path, c.auth) for c in claimed_endpoints(section)]


# --- the reference reports -------------------------------------------------------------------------------


def test_consultation_bookings_reference() -> None:
    report = parse_report(reference("consultation-bookings"))
    assert report.order == ALL and report.in_order and report.missing == [] and report.present == 7
    s = report.sections
    assert [s[k].line for k in ALL] == [1, 6, 12, 16, 25, 29, 33]
    assert {k for k in ALL if s[k].empty} == {"schema_changes", "environment_variables", "new_dependencies"}
    assert claimed_paths(s["files_created"]) == ["server/services/booking-service.ts", "server/booking-routes.ts"]
    # "calls `registerBookingRoutes(app)`", `config.mail.studioInbox`, `IStorage` are not paths
    assert claimed_paths(s["files_modified"]) == [
        "server/routes.ts",
        "server/storage.ts",
        "server/services/email-service.ts",
    ]
    assert claimed_endpoints(s["new_api_endpoints"]) == [
        EndpointClaim("GET", "/api/bookings/slots", False, 20),
        EndpointClaim("POST", "/api/bookings", True, 21),
        EndpointClaim("GET", "/api/bookings/mine", True, 22),
        EndpointClaim("PATCH", "/api/admin/bookings/:id", True, 23),
    ]
    # "None — uses the existing `BOOKING_TIMEZONE` ..." is empty: it claims nothing
    assert s["environment_variables"].items[0].startswith("None — uses the existing BOOKING_TIMEZONE")
    assert claimed_env_vars(s["environment_variables"]) == []
    assert claimed_paths(s["schema_changes"]) == [] and item_identifiers(s["schema_changes"]) == []
    assert claimed_packages(s["new_dependencies"]) == []
    gaps = s["known_gaps"].items
    assert len(gaps) == 5 and gaps[0].startswith("Frontend Worker: the /book page (client/src/pages/book.tsx,")
    assert gaps[4].endswith("holidays and studio closures are not modelled.")
    assert s["new_api_endpoints"].rows[0] == {
        "method": "GET",
        "path": "/api/bookings/slots",
        "auth": "Public",
        "description": "?date=YYYY-MM-DD: free slots that day as [{ startsAt, endsAt }] (ISO 8601); empty on weekends "
        "and past days; 400 for a bad date",
    }
    assert s["new_api_endpoints"].items[2].startswith("GET | /api/bookings/mine | Authenticated | The signed-in")


def test_newsletter_resubscribe_reference() -> None:
    report = parse_report(reference("newsletter-resubscribe"))
    assert report.order == ALL and report.missing == []
    s = report.sections
    assert [k for k in ALL if not s[k].empty] == ["files_modified", "known_gaps"]
    assert s["files_created"].items == ["None"] and s["files_created"].text == "None"
    assert claimed_paths(s["files_created"]) == []
    # `POST /api/newsletter/subscribe` in the item is a route, not a file
    assert claimed_paths(s["files_modified"]) == ["server/routes.ts", "server/storage.ts"]
    assert claimed_endpoints(s["new_api_endpoints"]) == []
    assert len(s["known_gaps"].items) == 3
    assert s["known_gaps"].items[2].startswith("No frontend work is needed")  # not an empty section


def test_portfolio_images_reference() -> None:
    report = parse_report(reference("portfolio-images"))
    s = report.sections
    assert report.order == ALL and [k for k in ALL if not s[k].empty] == [
        "files_modified",
        "schema_changes",
        "new_api_endpoints",
        "known_gaps",
    ]
    assert claimed_paths(s["files_modified"]) == [
        "shared/schema.ts",
        "server/storage.ts",
        "server/routes.ts",
        "server/admin-routes.ts",
    ]
    assert item_identifiers(s["schema_changes"]) == [
        [
            "portfolio_images",
            "id",
            "portfolio_project_id",
            "portfolio_projects",
            "url",
            "alt_text",
            "sort_order",
            "created_at",
            "portfolio_images_portfolio_project_id_idx",
        ],
        [],  # "Apply with `npm run db:push` ..."
    ]
    # the paragraph after the table names an existing endpoint "(Public, existing)": not a claim
    assert s["new_api_endpoints"].items[-1].startswith("GET /api/portfolio/:slug (Public, existing)")
    assert endpoints(reference("portfolio-images")) == [
        ("POST", "/api/admin/portfolio/:id/images", True),
        ("DELETE", "/api/admin/portfolio/:id/images/:imageId", True),
    ]
    assert len(s["known_gaps"].items) == 5


# --- the ways models write reports -------------------------------------------------------------------------

HEADINGS_OUT_OF_ORDER = """\
I've finished the task; here is the report.

### New API Endpoints
- `GET /api/bookings/slots` — public — free slots for a date
- POST /api/bookings (auth required): books a slot for the signed-in user
- **PATCH** `/api/admin/bookings/:id` (admin only)
- `DELETE /api/bookings/:id/` — cancels a booking; requires a session

### Files Created
* `./server/booking-routes.ts`
* /workspace/server/services/booking-service.ts

### Files Modified
1. `server/routes.ts` — calls `registerBookingRoutes(app)`.
2. server/storage.ts: new methods `getBooking`, `updateBookingStatus`

#### Storage details
Uses a serializable transaction.

### Schema Changes
N/A

### Environment Variables
- `BOOKING_TIMEZONE` — studio time zone (IANA), e.g. `Europe/London`
- STUDIO_INBOX_EMAIL: where notices go (see the API docs)

### New Dependencies
- `date-fns@^3.6.0` — date maths
- @types/node-cron@1.2.3 (dev)

### Known Gaps
- Schema: the frontend needs a form for the new `notes` field.

---
Let me know if you need anything else.
"""


def test_headings_in_another_order() -> None:
    report = parse_report(HEADINGS_OUT_OF_ORDER)
    assert report.order == [
        "new_api_endpoints",
        "files_created",
        "files_modified",
        "schema_changes",
        "environment_variables",
        "new_dependencies",
        "known_gaps",
    ]
    assert not report.in_order and report.missing == []
    s = report.sections
    assert s["new_api_endpoints"].line == 3 and s["new_api_endpoints"].label == "New API Endpoints"
    assert claimed_paths(s["files_created"]) == ["server/booking-routes.ts", "server/services/booking-service.ts"]
    assert claimed_paths(s["files_modified"]) == ["server/routes.ts", "server/storage.ts"]
    # a deeper heading stays in the body
    assert s["files_modified"].items[-2:] == ["Storage details", "Uses a serializable transaction."]
    assert s["schema_changes"].empty and s["schema_changes"].text == "N/A"
    assert claimed_env_vars(s["environment_variables"]) == ["BOOKING_TIMEZONE", "STUDIO_INBOX_EMAIL"]
    assert claimed_packages(s["new_dependencies"]) == ["date-fns", "@types/node-cron"]
    # "- Schema: ..." inside Known Gaps is content, and the thematic break ends the section
    assert s["known_gaps"].items == ["Schema: the frontend needs a form for the new notes field."]


def test_endpoint_list_items() -> None:
    assert endpoints(HEADINGS_OUT_OF_ORDER) == [
        ("GET", "/api/bookings/slots", False),
        ("POST", "/api/bookings", True),
        ("PATCH", "/api/admin/bookings/:id", True),
        ("DELETE", "/api/bookings/:id", True),
    ]
    assert [c.line for c in claimed_endpoints(parse_report(HEADINGS_OUT_OF_ORDER).sections["new_api_endpoints"])] == [
        4,
        5,
        6,
        7,
    ]


NUMBERED_BOLD = """\
## Summary

1. **Files Created:** `server/x.ts`, `server/y.ts`
2. **Files Modified:** `server/routes.ts` (mounts the router)
3. **Schema Changes:** —
4. **New API Endpoints:**
   | Endpoint | Auth | Notes |
   |---|---|---|
   | `GET /api/items` | Public | lists items; the user must sign in on the frontend to edit them |
   | `POST /api/items?draft=1` | Authenticated | creates a public listing |
5. **Environment Variables:** None.
6. **New Dependencies:** None — everything is built in.
7. **Known Gaps:**
   - Frontend Worker: an items page.
   - **Dependencies:** the page needs no new packages.
   - No pagination yet.
"""


def test_numbered_bold_labels_with_content_on_the_label_line() -> None:
    report = parse_report(NUMBERED_BOLD)
    assert report.order == ALL and report.in_order
    s = report.sections
    assert [s[k].line for k in ALL] == [3, 4, 5, 6, 11, 12, 13]
    assert s["files_created"].label == "Files Created"
    assert s["files_created"].items == ["server/x.ts, server/y.ts"]
    assert s["files_created"].text == "`server/x.ts`, `server/y.ts`"
    assert claimed_paths(s["files_created"]) == ["server/x.ts", "server/y.ts"]
    assert claimed_paths(s["files_modified"]) == ["server/routes.ts"]
    assert s["schema_changes"].empty and s["schema_changes"].items == ["—"]
    assert s["environment_variables"].empty and s["new_dependencies"].empty
    # a bold label nested deeper than the section labels is content
    assert s["known_gaps"].items == [
        "Frontend Worker: an items page.",
        "Dependencies: the page needs no new packages.",
        "No pagination yet.",
    ]
    assert not s["known_gaps"].empty


def test_endpoint_column_holding_method_and_path() -> None:
    section = parse_report(NUMBERED_BOLD).sections["new_api_endpoints"]
    assert section.rows[1] == {
        "endpoint": "POST /api/items?draft=1",
        "auth": "Authenticated",
        "notes": "creates a public listing",
    }
    # "public" in the notes and "sign in" in a description do not override the Auth column
    assert claimed_endpoints(section) == [
        EndpointClaim("GET", "/api/items", False, 9),
        EndpointClaim("POST", "/api/items", True, 10),
    ]


def test_only_the_auth_column_decides() -> None:
    text = """\
## New API Endpoints
| Path | Description | Access | Method |
|---|---|---|---|
| /api/feed | Public feed of the signed-in user's follows | Signed-in users | GET |
| /api/posts/:id | Post detail; admins and authenticated users see drafts too | public | GET |
| /api/posts | Create a post | Authentication required | POST |
"""
    assert endpoints(text) == [
        ("GET", "/api/feed", True),
        ("GET", "/api/posts/:id", False),
        ("POST", "/api/posts", True),
    ]


LEAD_INS = """\
Done. Summary of the work:

Files Created:
- server/services/reminder-service.ts - sends reminders
- `server/jobs/reminders.ts`
Files Modified: server/index.ts, `server/storage.ts` (new `getDueReminders`)
Schema Changes: No schema changes.
New API Endpoints: None
Environment Variables:
```env
REMINDER_CRON=0 8 * * *
```
Known Gaps: nothing for the frontend.
"""


def test_label_lead_ins_and_dash_lists_missing_two_sections() -> None:
    report = parse_report(LEAD_INS)
    assert report.order == [
        "files_created",
        "files_modified",
        "schema_changes",
        "new_api_endpoints",
        "environment_variables",
        "known_gaps",
    ]
    assert report.missing == ["new_dependencies"] and report.present == 6 and report.in_order
    s = report.sections
    assert claimed_paths(s["files_created"]) == ["server/services/reminder-service.ts", "server/jobs/reminders.ts"]
    assert claimed_paths(s["files_modified"]) == ["server/storage.ts", "server/index.ts"]
    assert s["schema_changes"].empty and s["new_api_endpoints"].empty and s["known_gaps"].empty
    assert not s["environment_variables"].empty and s["environment_variables"].items == []
    assert claimed_env_vars(s["environment_variables"]) == ["REMINDER_CRON"]
    assert find_sections(LEAD_INS).missing == ["new_dependencies"]


MISSING_TWO = """\
**Files Created**
- `server/a.ts`
**Files Modified**
- `server/b.ts`

**New API Endpoints**

| Method | Route | Auth required | Description |
|--------|-------|---------------|-------------|
| get | /api/c | No | public listing |
| POST | `/api/d/` | Yes | needs an admin |
| DELETE | /api/d/:id | | removes one |

**New Dependencies**: `zod` is already installed; none added.

**Known Gaps**
- gap one
"""


def test_missing_two_sections_and_a_route_table() -> None:
    report = parse_report(MISSING_TWO)
    assert report.missing == ["schema_changes", "environment_variables"] and report.present == 5
    assert report.order == ["files_created", "files_modified", "new_api_endpoints", "new_dependencies", "known_gaps"]
    s = report.sections
    # "**Files Modified**" is a lazy continuation of the list item above it, yet still a label
    assert s["files_created"].items == ["server/a.ts"] and s["files_modified"].line == 3
    assert endpoints(MISSING_TWO) == [
        ("GET", "/api/c", False),
        ("POST", "/api/d", True),
        ("DELETE", "/api/d/:id", None),
    ]
    assert claimed_packages(s["new_dependencies"]) == ["zod"]  # "already installed" is not "None"
    assert find_sections(MISSING_TWO).found == {
        "files_created": 1,
        "files_modified": 3,
        "new_api_endpoints": 6,
        "new_dependencies": 14,
        "known_gaps": 16,
    }
    assert not find_sections(MISSING_TWO).complete


@pytest.mark.parametrize(
    "body",
    [
        "None",
        "None.",
        "**None**",
        "_none_",
        "N/A",
        "n/a — nothing needed",
        "—",
        "-",
        "Nothing",
        "No new dependencies.",
        "No new packages were needed",
        "- None — uses the existing `zod`",
        "*(none)*",
        "",
    ],
)
def test_empty_sections(body: str) -> None:
    for text in (f"## New Dependencies\n\n{body}\n\n## Known Gaps\n\n- x\n", f"**New Dependencies:** {body}\n"):
        section = parse_report(text).sections["new_dependencies"]
        assert section.empty, (text, section.items)
        assert claimed_packages(section) == []


@pytest.mark.parametrize(
    "body",
    ["None of the admin routes paginate yet.", "Nothing-to-do.md is still missing", "- `zod` — validation"],
)
def test_not_empty(body: str) -> None:
    assert not parse_report(f"## Known Gaps\n\n{body}\n").sections["known_gaps"].empty


def test_heading_section_ends_at_a_heading_of_the_same_level() -> None:
    text = "## Files Created\n- `a.ts`\n## Testing\n- `b.ts`\n### Files Modified\n- `c.ts`\n"
    report = parse_report(text)
    assert claimed_paths(report.sections["files_created"]) == ["a.ts"]
    assert claimed_paths(report.sections["files_modified"]) == ["c.ts"]


def test_claims_from_items() -> None:
    text = """\
## Files Modified
- `server/routes.ts:42` — mounts `bookingRouter` from `./booking-routes` (see Node.js docs)
- "shared/schema.ts", and client/src/App.tsx.
- `IStorage` / `DatabaseStorage`: `createBooking()`; `text/html`

## Schema Changes
- New table `portfolio_images` (`id`, `portfolio_project_id`, `url`, `alt_text`, `sort_order`, `created_at`), \
referencing `portfolio_projects`
- Column `sortOrder` on portfolio_images, camelCase in TypeScript

## Environment Variables
| Name | Purpose |
|---|---|
| `SMTP_HOST` | mail server (a URL or host name) |
| PORT | HTTP port, `process.env.PORT` |
- `S3_BUCKET=assets` and API_TOKEN2

## New Dependencies
- `resend@^3.2.0`, `@react-email/components` — email sending (see `server/email.ts`)
- express-rate-limit: rate limiting
- Added `zod` to package.json
"""
    s = parse_report(text).sections
    assert claimed_paths(s["files_modified"]) == ["server/routes.ts", "shared/schema.ts", "client/src/App.tsx"]
    assert item_identifiers(s["schema_changes"]) == [
        [
            "portfolio_images",
            "id",
            "portfolio_project_id",
            "url",
            "alt_text",
            "sort_order",
            "created_at",
            "portfolio_projects",
        ],
        ["sortOrder", "portfolio_images", "camelCase"],
    ]
    assert claimed_env_vars(s["environment_variables"]) == ["SMTP_HOST", "PORT", "S3_BUCKET", "API_TOKEN2"]
    assert claimed_packages(s["new_dependencies"]) == ["resend", "@react-email/components", "express-rate-limit", "zod"]


def test_auth_qualifiers_of_list_items() -> None:
    text = """\
**New API Endpoints:**
- `GET /api/a` — no auth required — lists a
- `GET /api/b` (unauthenticated)
- `POST /api/c` — creates c for the signed-in user; returns 401 otherwise
- `PUT /api/d` — updates d
- `DELETE /api/e` (Public, existing) — not new
- GET /api/f?x=1: anyone can read; no login needed (public)
"""
    assert endpoints(text) == [
        ("GET", "/api/a", False),
        ("GET", "/api/b", False),
        ("POST", "/api/c", True),
        ("PUT", "/api/d", None),
        ("GET", "/api/f", False),
    ]


def test_section_labels() -> None:
    assert section_of("4. **New API Endpoints** (table):") == "new_api_endpoints"
    assert section_of("📁 Files Created") == "files_created"
    assert section_of("Files Created Today") is None
    text = "## 📦 6. New Dependencies — None\n\n## Known Gaps\n"
    section = parse_report(text).sections["new_dependencies"]
    assert section.items == ["None"] and section.empty
