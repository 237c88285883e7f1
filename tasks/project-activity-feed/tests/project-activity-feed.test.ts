// Hidden tests for the project-activity-feed task: a merged, newest-first feed of project updates and status
// changes with cursor pagination, for a project's owner and for admins. Behaviour is checked over HTTP. To
// test ordering and paging at exact timestamps, some tests insert project updates (an existing table) with
// chosen created_at values straight into the database; status changes are only ever made through the API.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import request from "supertest";
import { projectUpdates, type ClientProject } from "@shared/schema";
import { db } from "../../server/db";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a feed entry the API must return (declared here: the tests do not import new types). */
interface Entry {
  type: "update" | "status_change";
  id: number;
  clientProjectId: number;
  createdAt: string;
  body?: string;
  isInternal?: boolean;
  fromStatus?: string;
  toStatus?: string;
}

interface Page {
  entries: Entry[];
  nextCursor: string | null;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function clientProject(): Promise<{ owner: TestAgent; project: ClientProject }> {
  const { agent } = await loginAs("client");
  const response = await agent.post("/api/client/projects").send({
    title: "Activity test project",
    description: "A project created by the activity feed tests, for an oak staircase.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { owner: agent, project: dataOf<ClientProject>(response.body) };
}

function key(entry: Entry): string {
  return `${entry.type}:${entry.id}`;
}

/** Project updates with chosen timestamps (`YYYY-MM-DD HH:MI:SS.ffffff`, UTC); returns their ids in order. */
async function insertUpdates(
  projectId: number,
  rows: Array<{ at: string; body?: string; isInternal?: boolean }>,
): Promise<number[]> {
  const inserted = await db
    .insert(projectUpdates)
    .values(
      rows.map((row, index) => ({
        clientProjectId: projectId,
        authorId: null,
        body: row.body ?? `Inserted update ${index + 1}`,
        isInternal: row.isInternal ?? false,
        createdAt: sql`${row.at}::timestamp`,
      })),
    )
    .returning({ id: projectUpdates.id });
  return inserted.map((row) => row.id);
}

/** `count` updates one minute apart on 2025-01-01; ids of the newest first. */
async function insertMinuteUpdates(projectId: number, count: number): Promise<number[]> {
  const rows = Array.from({ length: count }, (_, index) => ({
    at: new Date(Date.UTC(2025, 0, 1, 8, index)).toISOString().replace("T", " ").replace("Z", ""),
    body: `Minute ${index}`,
  }));
  return (await insertUpdates(projectId, rows)).reverse();
}

async function page(agent: TestAgent, url: string): Promise<Page> {
  const response = await agent.get(url);
  assert.equal(response.status, 200, `${url}: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.success, true);
  const entries = dataOf<Entry[]>(response.body);
  assert.ok(Array.isArray(entries), "data is the list of entries");
  const nextCursor = response.body.pagination?.nextCursor;
  assert.ok(nextCursor === null || typeof nextCursor === "string", "pagination.nextCursor is a string or null");
  return { entries, nextCursor };
}

function withQuery(url: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.set(name, String(value));
    }
  }
  const text = params.toString();
  return text ? `${url}${url.includes("?") ? "&" : "?"}${text}` : url;
}

/** Follows nextCursor to the end; returns every page. */
async function allPages(agent: TestAgent, url: string, limit?: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const current = await page(agent, withQuery(url, { limit, cursor }));
    pages.push(current);
    if (current.nextCursor === null) {
      return pages;
    }
    assert.ok(current.entries.length > 0, "a page with a next cursor is not empty");
    cursor = current.nextCursor;
  }
  throw new Error("the feed never ended");
}

function feedUrl(projectId: number | string): string {
  return `/api/client/projects/${projectId}/activity`;
}

async function setStatus(projectId: number, status: string): Promise<void> {
  const response = await admin.patch(`/api/admin/client-projects/${projectId}`).send({ status });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

async function studioUpdate(projectId: number, body: string, isInternal = false): Promise<number> {
  const response = await admin.post(`/api/admin/client-projects/${projectId}/updates`).send({ body, isInternal });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<{ id: number }>(response.body).id;
}

describe("activity: status changes are recorded", () => {
  it("records a status change made by an admin", async () => {
    const { owner, project } = await clientProject();
    await setStatus(project.id, "quoted");
    const { entries } = await page(owner, feedUrl(project.id));
    assert.equal(entries.length, 1);
    const [change] = entries;
    assert.equal(change.type, "status_change");
    assert.equal(typeof change.id, "number");
    assert.equal(change.clientProjectId, project.id);
    assert.equal(change.fromStatus, "inquiry");
    assert.equal(change.toStatus, "quoted");
    assert.ok(!Number.isNaN(Date.parse(change.createdAt)), "createdAt is a timestamp");
  });

  it("records nothing when the status stays the same or other fields change", async () => {
    const { owner, project } = await clientProject();
    await setStatus(project.id, "inquiry");
    const response = await admin.patch(`/api/admin/client-projects/${project.id}`).send({ budgetCents: 250_000 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual((await page(owner, feedUrl(project.id))).entries, []);
  });

  it("records every change, newest first", async () => {
    const { owner, project } = await clientProject();
    await setStatus(project.id, "quoted");
    await setStatus(project.id, "in_progress");
    await setStatus(project.id, "review");
    const { entries } = await page(owner, feedUrl(project.id));
    assert.deepEqual(
      entries.map((entry) => [entry.type, entry.fromStatus, entry.toStatus]),
      [
        ["status_change", "in_progress", "review"],
        ["status_change", "quoted", "in_progress"],
        ["status_change", "inquiry", "quoted"],
      ],
    );
  });
});

describe("activity: project feed", () => {
  it("merges updates and status changes newest first", async () => {
    const { owner, project } = await clientProject();
    const first = await studioUpdate(project.id, "We have your brief.");
    await setStatus(project.id, "quoted");
    const reply = await owner.post(`/api/client/projects/${project.id}/updates`).send({ body: "Looks good!" });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    await setStatus(project.id, "in_progress");
    const { entries, nextCursor } = await page(owner, feedUrl(project.id));
    assert.deepEqual(
      entries.map((entry) => [entry.type, entry.toStatus ?? entry.body]),
      [
        ["status_change", "in_progress"],
        ["update", "Looks good!"],
        ["status_change", "quoted"],
        ["update", "We have your brief."],
      ],
    );
    assert.equal(entries[3].id, first);
    assert.equal(entries[3].clientProjectId, project.id);
    assert.equal(entries[3].isInternal, false);
    assert.equal(nextCursor, null);
  });

  it("never shows the studio's internal notes to the client", async () => {
    const { owner, project } = await clientProject();
    await studioUpdate(project.id, "Public note");
    await studioUpdate(project.id, "Internal: client is slow to pay", true);
    await insertUpdates(project.id, [{ at: "2025-02-01 10:00:00", body: "Old internal note", isInternal: true }]);
    const pages = await allPages(owner, feedUrl(project.id), 1);
    const bodies = pages.flatMap((current) => current.entries).map((entry) => entry.body);
    assert.deepEqual(bodies, ["Public note"]);
  });

  it("shows a project without activity as an empty list with no next cursor", async () => {
    const { owner, project } = await clientProject();
    assert.deepEqual(await page(owner, feedUrl(project.id)), { entries: [], nextCursor: null });
  });

  it("answers 404 to another client and shows nothing", async () => {
    const { project } = await clientProject();
    await studioUpdate(project.id, "Private to the owner");
    const { agent: stranger } = await loginAs("client");
    const response = await stranger.get(feedUrl(project.id));
    assert.equal(response.status, 404);
    assert.ok(!("data" in response.body), "no entries in the answer");
  });

  it("lets an admin read a project's feed through the client route, as the client sees it", async () => {
    const { project } = await clientProject();
    await studioUpdate(project.id, "Shared note");
    await studioUpdate(project.id, "Studio-only note", true);
    const { entries } = await page(admin, feedUrl(project.id));
    assert.deepEqual(entries.map((entry) => entry.body), ["Shared note"]);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const { owner } = await clientProject();
    assert.equal((await owner.get(feedUrl("abc"))).status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    const { owner } = await clientProject();
    assert.equal((await owner.get(feedUrl(UNKNOWN_ID))).status, 404);
  });
});

describe("activity: pages", () => {
  it("returns 20 entries by default and pages through the rest with nextCursor", async () => {
    const { owner, project } = await clientProject();
    const ids = await insertMinuteUpdates(project.id, 45);
    const pages = await allPages(owner, feedUrl(project.id));
    assert.deepEqual(pages.map((current) => current.entries.length), [20, 20, 5]);
    assert.deepEqual(pages.flatMap((current) => current.entries).map((entry) => entry.id), ids);
  });

  it("honours limit and ends with a null nextCursor when the last page is exactly full", async () => {
    const { owner, project } = await clientProject();
    const ids = await insertMinuteUpdates(project.id, 6);
    const pages = await allPages(owner, feedUrl(project.id), 3);
    assert.deepEqual(pages.map((current) => current.entries.length), [3, 3]);
    assert.deepEqual(pages.flatMap((current) => current.entries).map((entry) => entry.id), ids);
    const whole = await page(owner, withQuery(feedUrl(project.id), { limit: 50 }));
    assert.equal(whole.entries.length, 6);
    assert.equal(whole.nextCursor, null);
  });

  it("neither repeats nor skips entries when new ones arrive between pages", async () => {
    const { owner, project } = await clientProject();
    const ids = await insertMinuteUpdates(project.id, 10);
    const first = await page(owner, withQuery(feedUrl(project.id), { limit: 4 }));
    assert.deepEqual(first.entries.map((entry) => entry.id), ids.slice(0, 4));
    // New activity arrives while the client is reading.
    await studioUpdate(project.id, "Fresh news");
    await setStatus(project.id, "quoted");
    await owner.post(`/api/client/projects/${project.id}/updates`).send({ body: "Another fresh one" });
    const rest: Entry[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const next = await page(owner, withQuery(feedUrl(project.id), { limit: 4, cursor }));
      rest.push(...next.entries);
      cursor = next.nextCursor;
    }
    assert.deepEqual(rest.map((entry) => entry.id), ids.slice(4));
    const fresh = await page(owner, withQuery(feedUrl(project.id), { limit: 3 }));
    assert.deepEqual(
      fresh.entries.map((entry) => entry.toStatus ?? entry.body),
      ["Another fresh one", "quoted", "Fresh news"],
    );
  });

  it("orders entries with the same timestamp by id, highest first, across pages", async () => {
    const { owner, project } = await clientProject();
    const ids = await insertUpdates(
      project.id,
      Array.from({ length: 7 }, () => ({ at: "2025-01-02 09:30:00.5" })),
    );
    const pages = await allPages(owner, feedUrl(project.id), 3);
    assert.deepEqual(pages.map((current) => current.entries.length), [3, 3, 1]);
    assert.deepEqual(
      pages.flatMap((current) => current.entries).map((entry) => entry.id),
      [...ids].sort((a, b) => b - a),
    );
  });

  it("does not skip or repeat entries whose timestamps differ by microseconds only", async () => {
    const { owner, project } = await clientProject();
    // Same millisecond, different microseconds, inserted out of order so ids don't follow time.
    const micros = [123004, 123001, 123006, 123002, 123005, 123003];
    const ids = await insertUpdates(
      project.id,
      micros.map((micro) => ({ at: `2025-01-03 11:00:00.${micro}`, body: `at .${micro}` })),
    );
    const expected = micros
      .map((micro, index) => ({ micro, id: ids[index] }))
      .sort((a, b) => b.micro - a.micro)
      .map((row) => row.id);
    for (const limit of [1, 2, 4]) {
      const pages = await allPages(owner, feedUrl(project.id), limit);
      assert.deepEqual(pages.flatMap((current) => current.entries).map((entry) => entry.id), expected, `limit ${limit}`);
    }
  });

  it("keeps the filters on every page", async () => {
    const { owner, project } = await clientProject();
    for (const [index, status] of ["quoted", "in_progress", "review"].entries()) {
      await studioUpdate(project.id, `Note ${index}`);
      await setStatus(project.id, status);
    }
    const updates = (await allPages(owner, withQuery(feedUrl(project.id), { type: "update" }), 2)).flatMap(
      (current) => current.entries,
    );
    assert.deepEqual(updates.map((entry) => entry.body), ["Note 2", "Note 1", "Note 0"]);
    const changes = (await allPages(owner, withQuery(feedUrl(project.id), { type: "status_change" }), 2)).flatMap(
      (current) => current.entries,
    );
    assert.deepEqual(changes.map((entry) => entry.toStatus), ["review", "in_progress", "quoted"]);
  });

  it("rejects a limit that is not a whole number from 1 to 50 with 400", async () => {
    const { owner, project } = await clientProject();
    for (const limit of ["0", "51", "-1", "2.5", "abc", ""]) {
      const response = await owner.get(`${feedUrl(project.id)}?limit=${limit}`);
      assert.equal(response.status, 400, `limit=${limit}`);
    }
    assert.equal((await owner.get(`${feedUrl(project.id)}?limit=50`)).status, 200);
    assert.equal((await owner.get(`${feedUrl(project.id)}?limit=1`)).status, 200);
  });

  it("rejects a cursor it did not issue with 400", async () => {
    const { owner, project } = await clientProject();
    await insertMinuteUpdates(project.id, 3);
    const first = await page(owner, withQuery(feedUrl(project.id), { limit: 1 }));
    assert.ok(first.nextCursor, "a next cursor");
    const forged = [
      "not-a-cursor!",
      Buffer.from("hello").toString("base64url"),
      Buffer.from(JSON.stringify({ id: 1 })).toString("base64url"),
      "2025-01-01T08:00:00.000Z",
      "42",
    ];
    for (const cursor of forged) {
      const response = await owner.get(withQuery(feedUrl(project.id), { cursor }));
      assert.equal(response.status, 400, `cursor ${JSON.stringify(cursor)}: ${JSON.stringify(response.body)}`);
    }
  });
});

describe("activity: filters", () => {
  it("filters by type", async () => {
    const { owner, project } = await clientProject();
    await studioUpdate(project.id, "Before the quote");
    await setStatus(project.id, "quoted");
    const updates = await page(owner, withQuery(feedUrl(project.id), { type: "update" }));
    assert.deepEqual(updates.entries.map((entry) => entry.type), ["update"]);
    const changes = await page(owner, withQuery(feedUrl(project.id), { type: "status_change" }));
    assert.deepEqual(changes.entries.map((entry) => entry.type), ["status_change"]);
  });

  it("filters by a date range in whole UTC days, both ends included", async () => {
    const { owner, project } = await clientProject();
    const [before, firstDay, middle, lastDay, afterwards] = await insertUpdates(project.id, [
      { at: "2025-03-09 23:59:59.999999" },
      { at: "2025-03-10 00:00:00" },
      { at: "2025-03-11 12:00:00" },
      { at: "2025-03-12 23:59:59.999999" },
      { at: "2025-03-13 00:00:00" },
    ]);
    const ids = async (query: Record<string, string>) =>
      (await page(owner, withQuery(feedUrl(project.id), query))).entries.map((entry) => entry.id);
    assert.deepEqual(await ids({ from: "2025-03-10", to: "2025-03-12" }), [lastDay, middle, firstDay]);
    assert.deepEqual(await ids({ from: "2025-03-10" }), [afterwards, lastDay, middle, firstDay]);
    assert.deepEqual(await ids({ to: "2025-03-12" }), [lastDay, middle, firstDay, before]);
    assert.deepEqual(await ids({ from: "2025-03-11", to: "2025-03-11" }), [middle]);
  });

  it("rejects invalid filters with 400", async () => {
    const { owner, project } = await clientProject();
    const queries = [
      { type: "note" },
      { from: "2025-02-30" },
      { to: "03/10/2025" },
      { from: "yesterday" },
      { from: "2025-03-12", to: "2025-03-10" },
    ];
    for (const query of queries) {
      const response = await owner.get(withQuery(feedUrl(project.id), query));
      assert.equal(response.status, 400, JSON.stringify(query));
    }
  });
});

describe("activity: admin feed", () => {
  it("merges every project's activity newest first, internal notes included", async () => {
    const { project: one } = await clientProject();
    const { project: two } = await clientProject();
    await studioUpdate(one.id, "Project one, public");
    await setStatus(two.id, "quoted");
    await studioUpdate(two.id, "Project two, internal", true);
    await setStatus(one.id, "cancelled");
    const { entries } = await page(admin, withQuery("/api/admin/activity", { limit: 4 }));
    assert.deepEqual(
      entries.map((entry) => [entry.clientProjectId, entry.type, entry.toStatus ?? entry.body]),
      [
        [one.id, "status_change", "cancelled"],
        [two.id, "update", "Project two, internal"],
        [two.id, "status_change", "quoted"],
        [one.id, "update", "Project one, public"],
      ],
    );
    assert.equal(entries[1].isInternal, true);
  });

  it("filters by clientProjectId and rejects an invalid one with 400", async () => {
    const { project } = await clientProject();
    await studioUpdate(project.id, "Only this project", true);
    await setStatus(project.id, "quoted");
    const { entries } = await page(admin, withQuery("/api/admin/activity", { clientProjectId: project.id }));
    assert.deepEqual(entries.map((entry) => entry.type), ["status_change", "update"]);
    assert.ok(entries.every((entry) => entry.clientProjectId === project.id));
    for (const clientProjectId of ["abc", "0", "-3"]) {
      const response = await admin.get(`/api/admin/activity?clientProjectId=${clientProjectId}`);
      assert.equal(response.status, 400, clientProjectId);
    }
  });

  it("pages through the whole feed once, in order, without repeats", async () => {
    const { project } = await clientProject();
    const inserted = await insertMinuteUpdates(project.id, 5);
    const entries = (await allPages(admin, "/api/admin/activity", 50)).flatMap((current) => current.entries);
    const keys = entries.map(key);
    assert.equal(new Set(keys).size, keys.length, "no entry twice");
    for (let index = 1; index < entries.length; index++) {
      assert.ok(
        Date.parse(entries[index - 1].createdAt) >= Date.parse(entries[index].createdAt),
        `newest first at ${index}`,
      );
    }
    for (const id of inserted) {
      assert.ok(keys.includes(`update:${id}`), `update ${id} is in the feed`);
    }
  });

  it("rejects invalid paging and filters with 400", async () => {
    for (const query of ["limit=0", "limit=51", "type=milestone", "cursor=%21%21", "from=2025-13-01"]) {
      assert.equal((await admin.get(`/api/admin/activity?${query}`)).status, 400, query);
    }
  });
});

describe("activity: access", () => {
  it("answers 401 without a session", async () => {
    const { project } = await clientProject();
    const visitor = request(await getApp());
    assert.equal((await visitor.get(feedUrl(project.id))).status, 401);
    assert.equal((await visitor.get("/api/admin/activity")).status, 401);
  });

  it("answers 403 to a client on the admin feed", async () => {
    const { owner } = await clientProject();
    assert.equal((await owner.get("/api/admin/activity")).status, 403);
  });
});
