// Hidden tests for the admin-inbox-pagination task (BUG-013: the admin contact inbox ignores ?page=).
// They talk to the API over HTTP only. Test files run one at a time, so the messages a test has just sent
// are the newest in the inbox while it reads it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { ContactMessage } from "@shared/schema";
import { closeApp, getApp, loginAs, type TestAgent, uniqueEmail } from "../helpers";

after(closeApp);

interface Pagination {
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

interface InboxPage {
  items: ContactMessage[];
  pagination: Pagination;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

/** Sends `n` contact-form messages, one after the other; returns their ids, oldest first. */
async function sendMessages(n: number): Promise<number[]> {
  const app = await getApp();
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const response = await request(app)
      .post("/api/contact")
      .send({
        name: "Pagination Test",
        email: uniqueEmail("inbox"),
        subject: `Inbox page test ${randomUUID().slice(0, 8)}`,
        message: "A message sent by the admin inbox pagination tests.",
      });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    ids.push(response.body.data.id as number);
  }
  return ids;
}

async function inbox(query: string): Promise<InboxPage> {
  const response = await admin.get(`/api/admin/contact-messages${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.ok(Array.isArray(response.body.data), "data is the list of messages");
  assert.ok(response.body.pagination, "the envelope carries pagination");
  return { items: response.body.data as ContactMessage[], pagination: response.body.pagination as Pagination };
}

function ids(page: InboxPage): number[] {
  return page.items.map((message) => message.id);
}

describe("admin inbox pagination (BUG-013)", () => {
  it("serves the next messages on page 2, newest first", async () => {
    const [oldest, second, third, newest] = await sendMessages(4);
    const first = await inbox("?pageSize=2&page=1");
    const next = await inbox("?pageSize=2&page=2");
    assert.deepEqual(ids(first), [newest, third]);
    assert.deepEqual(ids(next), [second, oldest]);
    assert.equal(next.pagination.page, 2);
    assert.equal(next.pagination.pageSize, 2);
    assert.equal(next.pagination.total, first.pagination.total);
  });

  it("shows every message exactly once across the pages, in order", async () => {
    await sendMessages(3);
    const pageSize = 3;
    const { pagination } = await inbox(`?pageSize=${pageSize}`);
    const seen: ContactMessage[] = [];
    for (let page = 1; page <= Math.ceil(pagination.total / pageSize); page += 1) {
      const current = await inbox(`?pageSize=${pageSize}&page=${page}`);
      assert.ok(current.items.length <= pageSize);
      seen.push(...current.items);
    }
    assert.equal(seen.length, pagination.total);
    assert.equal(new Set(seen.map((message) => message.id)).size, pagination.total, "no message appears twice");
    const times = seen.map((message) => new Date(message.createdAt).getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first across pages");
  });

  it("answers an empty list for a page past the end, with the same total", async () => {
    await sendMessages(1);
    const first = await inbox("?pageSize=5&page=1");
    const beyond = Math.ceil(first.pagination.total / 5) + 1;
    const empty = await inbox(`?pageSize=5&page=${beyond}`);
    assert.deepEqual(empty.items, []);
    assert.equal(empty.pagination.page, beyond);
    assert.equal(empty.pagination.total, first.pagination.total);
  });

  it("pages through a status filter", async () => {
    const [oldest, middle, newest] = await sendMessages(3);
    for (const id of [oldest, middle, newest]) {
      const archived = await admin.patch(`/api/admin/contact-messages/${id}`).send({ status: "archived" });
      assert.equal(archived.status, 200);
    }
    const first = await inbox("?status=archived&pageSize=2&page=1");
    const second = await inbox("?status=archived&pageSize=2&page=2");
    assert.deepEqual(ids(first), [newest, middle]);
    assert.equal(ids(second)[0], oldest);
    assert.ok([...first.items, ...second.items].every((message) => message.status === "archived"));
    assert.equal(second.pagination.total, first.pagination.total);
  });

  it("reports the number of pages", async () => {
    await sendMessages(3);
    const { pagination } = await inbox("?pageSize=2");
    assert.ok(pagination.total >= 3);
    assert.equal(pagination.totalPages, Math.ceil(pagination.total / 2));
    const all = await inbox("?pageSize=100");
    assert.equal(all.pagination.totalPages, Math.ceil(all.pagination.total / 100));
  });

  it("accepts page 10000 and rejects a page above it with 400", async () => {
    const last = await inbox("?pageSize=100&page=10000");
    assert.deepEqual(last.items, []);
    const beyond = await admin.get("/api/admin/contact-messages?page=10001");
    assert.equal(beyond.status, 400);
    assert.equal(typeof beyond.body.error, "string");
    const huge = await admin.get("/api/admin/contact-messages?page=100000000000000000000");
    assert.equal(huge.status, 400);
  });
});

describe("admin inbox: unchanged behaviour", () => {
  it("rejects malformed page and pageSize values with 400", async () => {
    for (const query of ["page=0", "page=-1", "page=abc", "page=1.5", "pageSize=0", "pageSize=101", "pageSize=ten"]) {
      const response = await admin.get(`/api/admin/contact-messages?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(typeof response.body.error, "string", query);
    }
  });

  it("defaults to the first page of 20", async () => {
    const { items, pagination } = await inbox("");
    assert.equal(pagination.page, 1);
    assert.equal(pagination.pageSize, 20);
    assert.ok(items.length <= 20);
    assert.ok(pagination.total >= items.length);
  });

  it("is for admins only", async () => {
    assert.equal((await request(await getApp()).get("/api/admin/contact-messages?page=2")).status, 401);
    const { agent } = await loginAs("client");
    assert.equal((await agent.get("/api/admin/contact-messages?page=2")).status, 403);
  });
});
