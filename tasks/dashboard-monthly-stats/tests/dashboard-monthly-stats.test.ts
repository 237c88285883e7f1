// Hidden tests for the dashboard-monthly-stats task: GET /api/admin/stats/monthly?months=N.
// They compare the figures before and after creating rows, through the API for the current month and, for
// earlier months, with rows written straight into the database with a chosen creation time (UTC).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { pool } from "../../server/db";
import { closeApp, getApp, loginAs, uniqueEmail, type TestAgent, type TestUser } from "../helpers";

after(closeApp);

interface MonthStats {
  month: string;
  contactMessages: number;
  newSubscribers: number;
  newClientProjects: number;
}

const FIELDS = ["contactMessages", "newSubscribers", "newClientProjects"] as const;

let admin: TestAgent;
let owner: TestUser & { agent: TestAgent };

before(async () => {
  admin = (await loginAs("admin")).agent;
  owner = await loginAs("client");
});

/** The first instant (UTC) of the month `offset` months before the current one. */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
}

function monthKey(offset: number): string {
  return monthStart(offset).toISOString().slice(0, 7);
}

/** A timestamp literal (UTC wall time) for the database. */
function wall(instant: Date): string {
  return instant.toISOString().replace("T", " ").replace("Z", "");
}

async function stats(months?: number | string): Promise<MonthStats[]> {
  const url = months === undefined ? "/api/admin/stats/monthly" : `/api/admin/stats/monthly?months=${months}`;
  const response = await admin.get(url);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.ok(Array.isArray(response.body.data), "data is an array");
  return response.body.data as MonthStats[];
}

function byMonth(list: MonthStats[]): Map<string, MonthStats> {
  return new Map(list.map((entry) => [entry.month, entry]));
}

/** Per month, what changed between two answers. */
function delta(before: MonthStats[], after: MonthStats[]): Map<string, Record<(typeof FIELDS)[number], number>> {
  const old = byMonth(before);
  const result = new Map<string, Record<(typeof FIELDS)[number], number>>();
  for (const entry of after) {
    const previous = old.get(entry.month);
    assert.ok(previous, `month ${entry.month} is in both answers`);
    result.set(entry.month, {
      contactMessages: entry.contactMessages - previous.contactMessages,
      newSubscribers: entry.newSubscribers - previous.newSubscribers,
      newClientProjects: entry.newClientProjects - previous.newClientProjects,
    });
  }
  return result;
}

const NONE = { contactMessages: 0, newSubscribers: 0, newClientProjects: 0 };

async function insertMessage(createdAt: Date): Promise<void> {
  await pool.query(
    "INSERT INTO contact_messages (name, email, subject, message, created_at) VALUES ($1, $2, $3, $4, $5::timestamp)",
    ["Backdated Sender", uniqueEmail("backdated"), `Backdated ${randomUUID().slice(0, 8)}`, "An older message.", wall(createdAt)],
  );
}

async function insertSubscriber(subscribedAt: Date): Promise<void> {
  await pool.query(
    "INSERT INTO newsletter_subscribers (email, unsubscribe_token, subscribed_at) VALUES ($1, $2, $3::timestamp)",
    [uniqueEmail("backdated.reader"), randomUUID().replace(/-/g, ""), wall(subscribedAt)],
  );
}

async function insertProject(createdAt: Date): Promise<void> {
  await pool.query(
    "INSERT INTO client_projects (user_id, title, description, created_at, updated_at) VALUES ($1, $2, $3, $4::timestamp, $4::timestamp)",
    [owner.user.id, "Backdated project", "A project request from an earlier month.", wall(createdAt)],
  );
}

describe("monthly stats: months", () => {
  it("answers the last 6 calendar months by default, oldest first, ending with the current month", async () => {
    const list = await stats();
    assert.deepEqual(
      list.map((entry) => entry.month),
      [5, 4, 3, 2, 1, 0].map(monthKey),
    );
    for (const entry of list) {
      for (const field of FIELDS) {
        assert.ok(Number.isInteger(entry[field]) && entry[field] >= 0, `${entry.month} ${field} = ${entry[field]}`);
      }
    }
  });

  it("answers exactly the requested number of months, from 1 to 24", async () => {
    assert.deepEqual(
      (await stats(1)).map((entry) => entry.month),
      [monthKey(0)],
    );
    const twelve = await stats(12);
    assert.equal(twelve.length, 12);
    assert.equal(twelve[0].month, monthKey(11));
    const all = await stats(24);
    assert.deepEqual(
      all.map((entry) => entry.month),
      Array.from({ length: 24 }, (_, index) => monthKey(23 - index)),
    );
  });

  it("reports months without data as zeros", async () => {
    const oldest = (await stats(24))[0];
    assert.deepEqual(oldest, { month: monthKey(23), ...NONE });
  });

  it("answers 400 for months outside 1..24 or not an integer", async () => {
    for (const months of ["0", "25", "-3", "abc", "1.5"]) {
      const response = await admin.get(`/api/admin/stats/monthly?months=${months}`);
      assert.equal(response.status, 400, `months=${months} → ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});

describe("monthly stats: counts", () => {
  it("counts new contact messages, subscribers and client projects in the current month", async () => {
    const app = await getApp();
    const before = await stats();
    for (let n = 0; n < 2; n += 1) {
      const sent = await request(app).post("/api/contact").send({
        name: "Casey Monthly",
        email: uniqueEmail("monthly"),
        subject: `Monthly stats ${randomUUID().slice(0, 6)}`,
        message: "A message for the monthly figures.",
      });
      assert.equal(sent.status, 201);
    }
    assert.equal((await request(app).post("/api/newsletter/subscribe").send({ email: uniqueEmail("monthly") })).status, 201);
    const project = await owner.agent.post("/api/client/projects").send({
      title: "Monthly stats project",
      description: "A project request for the monthly figures.",
    });
    assert.equal(project.status, 201);
    const changes = delta(before, await stats());
    assert.deepEqual(changes.get(monthKey(0)), { contactMessages: 2, newSubscribers: 1, newClientProjects: 1 });
    for (const offset of [1, 2, 3, 4, 5]) {
      assert.deepEqual(changes.get(monthKey(offset)), NONE, `nothing changes in ${monthKey(offset)}`);
    }
  });

  it("counts each row in the calendar month (UTC) it was created in, at the month boundaries", async () => {
    const before = await stats(4);
    await insertMessage(monthStart(2)); // first instant of the month two months ago
    await insertMessage(new Date(monthStart(1).getTime() - 1)); // last instant of that same month
    await insertMessage(monthStart(1)); // first instant of last month
    await insertSubscriber(new Date(monthStart(1).getTime() + 15 * 86_400_000));
    await insertSubscriber(new Date(monthStart(0).getTime() - 1)); // last instant of last month
    await insertProject(new Date(monthStart(2).getTime() + 3_600_000));
    await insertProject(new Date(monthStart(2).getTime() - 1)); // last instant of the month three months ago
    const changes = delta(before, await stats(4));
    assert.deepEqual(changes.get(monthKey(3)), { contactMessages: 0, newSubscribers: 0, newClientProjects: 1 });
    assert.deepEqual(changes.get(monthKey(2)), { contactMessages: 2, newSubscribers: 0, newClientProjects: 1 });
    assert.deepEqual(changes.get(monthKey(1)), { contactMessages: 1, newSubscribers: 2, newClientProjects: 0 });
    assert.deepEqual(changes.get(monthKey(0)), NONE);
  });

  it("leaves out rows older than the requested months", async () => {
    const before = await stats(2);
    await insertMessage(new Date(monthStart(1).getTime() - 1)); // just before the window
    await insertProject(monthStart(1)); // the window's first instant
    const changes = delta(before, await stats(2));
    assert.deepEqual(changes.get(monthKey(1)), { contactMessages: 0, newSubscribers: 0, newClientProjects: 1 });
    assert.deepEqual(changes.get(monthKey(0)), NONE);
  });
});

describe("monthly stats: access", () => {
  it("answers 401 without a session and 403 to a client", async () => {
    const anonymous = await request(await getApp()).get("/api/admin/stats/monthly");
    assert.equal(anonymous.status, 401);
    const client = await owner.agent.get("/api/admin/stats/monthly");
    assert.equal(client.status, 403);
  });

  it("keeps the existing dashboard stats", async () => {
    const response = await admin.get("/api/admin/stats");
    assert.equal(response.status, 200);
    assert.equal(typeof response.body.newContactMessages, "number");
  });
});
