// Hidden tests for the testimonial-moderation task: rejecting testimonials with a reason, and the admin list
// filtered by status. HTTP only; every test submits its own testimonials (unique quotes) as a new client and
// never changes a seed testimonial (other test files rely on them while these run).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { DashboardStats } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a testimonial the tests read (declared here: the tests do not import new types). */
interface ModeratedTestimonial {
  id: number;
  quote: string;
  isApproved: boolean;
  portfolioProjectId: number | null;
  rejectionReason?: string | null;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;
let client: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
  client = (await loginAs("client")).agent;
});

async function submit(fields: Record<string, unknown> = {}): Promise<ModeratedTestimonial> {
  const response = await client.post("/api/testimonials").send({
    authorName: "Moderation Tester",
    quote: `The new shelving changed how the shop works. (${randomUUID()})`,
    rating: 4,
    ...fields,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ModeratedTestimonial>(response.body);
}

async function reject(id: number | string, body: unknown) {
  return admin.post(`/api/admin/testimonials/${id}/reject`).send(body as object);
}

async function rejectOk(id: number, reason: string): Promise<ModeratedTestimonial> {
  const response = await reject(id, { reason });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ModeratedTestimonial>(response.body);
}

async function approve(id: number): Promise<ModeratedTestimonial> {
  const response = await admin.patch(`/api/admin/testimonials/${id}`).send({ isApproved: true });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ModeratedTestimonial>(response.body);
}

async function adminList(query = ""): Promise<ModeratedTestimonial[]> {
  const response = await admin.get(`/api/admin/testimonials${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ModeratedTestimonial[]>(response.body);
}

async function publicIds(): Promise<number[]> {
  const response = await request(await getApp()).get("/api/testimonials");
  assert.equal(response.status, 200);
  return dataOf<ModeratedTestimonial[]>(response.body).map((testimonial) => testimonial.id);
}

async function pendingCount(): Promise<number> {
  const response = await admin.get("/api/admin/stats");
  assert.equal(response.status, 200);
  return dataOf<DashboardStats>(response.body).pendingTestimonials;
}

describe("testimonial moderation: rejecting", () => {
  it("rejects a pending testimonial and stores the reason", async () => {
    const testimonial = await submit();
    const rejected = await rejectOk(testimonial.id, "Mentions a competitor by name");
    assert.equal(rejected.id, testimonial.id);
    assert.equal(rejected.isApproved, false);
    assert.equal(rejected.rejectionReason, "Mentions a competitor by name");
    const listed = (await adminList()).find((entry) => entry.id === testimonial.id);
    assert.equal(listed?.rejectionReason, "Mentions a competitor by name");
  });

  it("never shows a rejected testimonial publicly, even one that was approved", async () => {
    const response = await request(await getApp()).get("/api/portfolio/northwind-cafe-counter");
    assert.equal(response.status, 200);
    const projectId = dataOf<{ id: number }>(response.body).id;
    const testimonial = await submit({ portfolioProjectId: projectId });
    await approve(testimonial.id);
    assert.ok((await publicIds()).includes(testimonial.id), "approved: shown");
    await rejectOk(testimonial.id, "The client asked us to take it down");
    assert.ok(!(await publicIds()).includes(testimonial.id), "rejected: not in the public list");
    const detail = await request(await getApp()).get("/api/portfolio/northwind-cafe-counter");
    const shown = dataOf<{ testimonials: ModeratedTestimonial[] }>(detail.body).testimonials;
    assert.ok(!shown.some((entry) => entry.id === testimonial.id), "rejected: not on the project page");
  });

  it("answers 400 for a reject without a reason, and changes nothing", async () => {
    const testimonial = await submit();
    assert.equal((await reject(testimonial.id, {})).status, 400);
    assert.equal((await reject(testimonial.id, { reason: "" })).status, 400);
    assert.equal((await reject(testimonial.id, { reason: "   " })).status, 400);
    assert.equal((await reject(testimonial.id, { reason: 42 })).status, 400);
    const pending = await adminList("?status=pending");
    assert.ok(pending.some((entry) => entry.id === testimonial.id), "still pending");
  });

  it("answers 400 for a reason longer than 500 characters", async () => {
    const testimonial = await submit();
    assert.equal((await reject(testimonial.id, { reason: "x".repeat(501) })).status, 400);
    assert.equal((await reject(testimonial.id, { reason: "x".repeat(500) })).status, 200);
  });

  it("answers 400 for a non-numeric id", async () => {
    assert.equal((await reject("abc", { reason: "Spam" })).status, 400);
  });

  it("answers 404 for an unknown testimonial", async () => {
    assert.equal((await reject(UNKNOWN_ID, { reason: "Spam" })).status, 404);
  });

  it("publishes a rejected testimonial again when an admin approves it, and clears the reason", async () => {
    const testimonial = await submit();
    await rejectOk(testimonial.id, "Typo in the company name");
    const approved = await approve(testimonial.id);
    assert.equal(approved.isApproved, true);
    assert.equal(approved.rejectionReason ?? null, null);
    assert.ok((await publicIds()).includes(testimonial.id));
    const rejected = await adminList("?status=rejected");
    assert.ok(!rejected.some((entry) => entry.id === testimonial.id));
  });

  it("ignores a rejection reason sent by the client who submits a testimonial", async () => {
    const testimonial = await submit({ rejectionReason: "Rejecting my own testimonial" });
    assert.equal(testimonial.rejectionReason, null);
    const pending = await adminList("?status=pending");
    assert.ok(pending.some((entry) => entry.id === testimonial.id), "it is pending");
  });
});

describe("testimonial moderation: admin list by status", () => {
  let pending: ModeratedTestimonial;
  let approved: ModeratedTestimonial;
  let rejected: ModeratedTestimonial;

  before(async () => {
    pending = await submit();
    approved = await submit();
    await approve(approved.id);
    rejected = await submit();
    await rejectOk(rejected.id, "Not about our work");
  });

  it("lists only pending testimonials for status=pending", async () => {
    const list = await adminList("?status=pending");
    const ids = list.map((entry) => entry.id);
    assert.ok(ids.includes(pending.id));
    assert.ok(!ids.includes(approved.id) && !ids.includes(rejected.id));
    assert.ok(list.every((entry) => !entry.isApproved && entry.rejectionReason == null));
  });

  it("lists only approved testimonials for status=approved", async () => {
    const list = await adminList("?status=approved");
    const ids = list.map((entry) => entry.id);
    assert.ok(ids.includes(approved.id));
    assert.ok(!ids.includes(pending.id) && !ids.includes(rejected.id));
    assert.ok(list.every((entry) => entry.isApproved));
  });

  it("lists only rejected testimonials, with their reasons, for status=rejected", async () => {
    const list = await adminList("?status=rejected");
    const ids = list.map((entry) => entry.id);
    assert.ok(ids.includes(rejected.id));
    assert.ok(!ids.includes(pending.id) && !ids.includes(approved.id));
    assert.ok(list.every((entry) => !entry.isApproved && typeof entry.rejectionReason === "string"));
    assert.equal(list.find((entry) => entry.id === rejected.id)?.rejectionReason, "Not about our work");
  });

  it("lists every testimonial without a status", async () => {
    const ids = (await adminList()).map((entry) => entry.id);
    assert.ok(ids.includes(pending.id) && ids.includes(approved.id) && ids.includes(rejected.id));
  });

  it("answers 400 for an unknown status", async () => {
    const response = await admin.get("/api/admin/testimonials?status=spam");
    assert.equal(response.status, 400);
  });
});

describe("testimonial moderation: dashboard and access", () => {
  it("does not count rejected testimonials as pending on the dashboard", async () => {
    // Other test files submit and approve testimonials at the same time, which moves the count too: an
    // attempt in which the count did not drop by exactly one is repeated (a few times at most).
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const testimonial = await submit();
      const before = await pendingCount();
      await rejectOk(testimonial.id, "Duplicate of an earlier one");
      const after = await pendingCount();
      if (after === before - 1) {
        return;
      }
      seen.push(`${before} -> ${after}`);
    }
    assert.fail(`rejecting a pending testimonial did not lower pendingTestimonials by one: ${seen.join(", ")}`);
  });

  it("answers 401 without a session and 403 to a client, and changes nothing", async () => {
    const testimonial = await submit();
    const app = await getApp();
    const anonymous = await request(app)
      .post(`/api/admin/testimonials/${testimonial.id}/reject`)
      .send({ reason: "Anonymous" });
    assert.equal(anonymous.status, 401);
    const byClient = await client.post(`/api/admin/testimonials/${testimonial.id}/reject`).send({ reason: "Mine" });
    assert.equal(byClient.status, 403);
    assert.equal((await client.get("/api/admin/testimonials?status=rejected")).status, 403);
    const pending = await adminList("?status=pending");
    assert.ok(pending.some((entry) => entry.id === testimonial.id));
  });
});
