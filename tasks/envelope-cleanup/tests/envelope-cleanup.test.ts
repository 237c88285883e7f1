// Hidden tests for the envelope-cleanup task (BUG-011): success bodies are { success: true, data }, with the
// same status codes and the same data as before. The bodies are read raw here (not through dataOf), since
// the envelope itself is what is tested.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { DashboardStats, Testimonial } from "@shared/schema";
import { closeApp, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

/** Asserts the body is exactly { success: true, data } (pagination is the only other key allowed) and returns data. */
function envelopeData<T>(body: unknown, what: string): T {
  assert.ok(body !== null && typeof body === "object" && !Array.isArray(body), `${what}: body is an object`);
  const record = body as Record<string, unknown>;
  assert.equal(record.success, true, `${what}: success is true`);
  assert.ok("data" in record, `${what}: has data`);
  const extra = Object.keys(record).filter((key) => !["success", "data", "pagination"].includes(key));
  assert.deepEqual(extra, [], `${what}: no other top-level keys`);
  return record.data as T;
}

const STATS_KEYS = ["activeSubscribers", "averageRating", "newContactMessages", "openClientProjects", "pendingTestimonials"];

describe("envelope: public testimonials", () => {
  it("answers GET /api/testimonials as { success: true, data } with the list", async () => {
    const response = await request(await getApp()).get("/api/testimonials");
    assert.equal(response.status, 200);
    const testimonials = envelopeData<Testimonial[]>(response.body, "GET /api/testimonials");
    assert.ok(Array.isArray(testimonials));
    assert.ok(testimonials.length >= 4);
  });

  it("keeps the same testimonials: approved only, best rated first, then newest", async () => {
    const response = await request(await getApp()).get("/api/testimonials");
    const testimonials = envelopeData<Testimonial[]>(response.body, "GET /api/testimonials");
    assert.ok(testimonials.every((testimonial) => testimonial.isApproved));
    for (let i = 1; i < testimonials.length; i += 1) {
      const [prev, next] = [testimonials[i - 1], testimonials[i]];
      assert.ok(
        prev.rating > next.rating ||
          (prev.rating === next.rating && new Date(prev.createdAt) >= new Date(next.createdAt)),
        `ordered at ${i}`,
      );
    }
    for (const key of ["id", "authorName", "quote", "rating", "isApproved", "createdAt"]) {
      assert.ok(key in testimonials[0], `a testimonial keeps ${key}`);
    }
  });

  it("lists a testimonial once an admin approves it", async () => {
    const { agent } = await loginAs("client");
    const quote = `Our new counter is the best thing in the shop. (${randomUUID()})`;
    const created = await agent.post("/api/testimonials").send({ authorName: "Envelope Tester", quote, rating: 5 });
    assert.equal(created.status, 201);
    const id = envelopeData<Testimonial>(created.body, "POST /api/testimonials").id;
    assert.equal((await admin.patch(`/api/admin/testimonials/${id}`).send({ isApproved: true })).status, 200);
    const response = await request(await getApp()).get("/api/testimonials");
    const testimonials = envelopeData<Testimonial[]>(response.body, "GET /api/testimonials");
    assert.ok(testimonials.some((testimonial) => testimonial.id === id && testimonial.quote === quote));
  });
});

describe("envelope: dashboard stats", () => {
  it("answers GET /api/admin/stats as { success: true, data: { ...counts } }", async () => {
    const response = await admin.get("/api/admin/stats");
    assert.equal(response.status, 200);
    const stats = envelopeData<DashboardStats>(response.body, "GET /api/admin/stats");
    assert.deepEqual(Object.keys(stats).sort(), STATS_KEYS);
    for (const key of ["newContactMessages", "activeSubscribers", "openClientProjects", "pendingTestimonials"] as const) {
      assert.equal(typeof stats[key], "number", key);
    }
    assert.ok(stats.averageRating === null || typeof stats.averageRating === "number");
  });

  it("keeps counting: a new testimonial adds one to pendingTestimonials", async () => {
    // Other test files submit and approve testimonials at the same time, which moves the count too: an
    // attempt in which the count did not grow by exactly one is repeated (a few times at most).
    const read = async () =>
      envelopeData<DashboardStats>((await admin.get("/api/admin/stats")).body, "GET /api/admin/stats");
    const { agent } = await loginAs("client");
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const before = await read();
      const created = await agent
        .post("/api/testimonials")
        .send({ authorName: "Envelope Tester", quote: `Counting testimonials for the dashboard. (${randomUUID()})`, rating: 4 });
      assert.equal(created.status, 201);
      const after = await read();
      if (after.pendingTestimonials === before.pendingTestimonials + 1) {
        return;
      }
      seen.push(`${before.pendingTestimonials} -> ${after.pendingTestimonials}`);
    }
    assert.fail(`a new testimonial did not add one to pendingTestimonials: ${seen.join(", ")}`);
  });
});

describe("envelope: every success body", () => {
  it("wraps every list and read endpoint an admin can call without parameters", async () => {
    const paths = [
      "/api/health",
      "/api/services",
      "/api/portfolio",
      "/api/portfolio/services",
      "/api/portfolio/northwind-cafe-counter",
      "/api/testimonials",
      "/api/profile",
      "/api/client/projects",
      "/api/admin/stats",
      "/api/admin/contact-messages",
      "/api/admin/subscribers",
      "/api/admin/services",
      "/api/admin/testimonials",
      "/api/admin/client-projects",
    ];
    const bare = [];
    for (const path of paths) {
      const response = await admin.get(path);
      assert.equal(response.status, 200, `${path} answered ${response.status}`);
      const body = response.body as Record<string, unknown> | unknown[];
      if (Array.isArray(body) || body.success !== true || !("data" in body)) {
        bare.push(path);
      }
    }
    assert.deepEqual(bare, [], `answered without the envelope: ${bare.join(", ")}`);
  });
});

describe("envelope: unchanged", () => {
  it("keeps GET /api/auth/user as the integration answers it (the bare user)", async () => {
    const { agent, email } = await loginAs("client");
    const response = await agent.get("/api/auth/user");
    assert.equal(response.status, 200);
    assert.equal(response.body.email, email);
    assert.equal(response.body.success, undefined);
    assert.equal(response.body.passwordHash, undefined);
  });

  it("keeps 401 and 403 on the dashboard stats", async () => {
    const anonymous = await request(await getApp()).get("/api/admin/stats");
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.body, { error: "Unauthorized" });
    const { agent } = await loginAs("client");
    const client = await agent.get("/api/admin/stats");
    assert.equal(client.status, 403);
    assert.deepEqual(client.body, { error: "Forbidden" });
  });
});
