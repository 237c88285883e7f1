// Hidden tests for the testimonial-average-rating task (BUG-004: the dashboard's average rating counts
// unapproved testimonials). They talk to the API over HTTP only and compare GET /api/admin/stats with the
// admin testimonial list read at the same moment, so testimonials created by other tests do not matter.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { DashboardStats, Testimonial } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function stats(): Promise<DashboardStats> {
  const response = await admin.get("/api/admin/stats");
  assert.equal(response.status, 200);
  return dataOf<DashboardStats>(response.body);
}

async function allTestimonials(): Promise<Testimonial[]> {
  const response = await admin.get("/api/admin/testimonials");
  assert.equal(response.status, 200);
  return dataOf<Testimonial[]>(response.body);
}

/** The mean rating of the approved testimonials, rounded to one decimal as the dashboard shows it. */
async function approvedAverage(): Promise<number | null> {
  const ratings = (await allTestimonials()).filter((t) => t.isApproved).map((t) => t.rating);
  if (ratings.length === 0) {
    return null;
  }
  return Math.round((ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length) * 10) / 10;
}

/** A signed-in client leaves a testimonial; it starts out unapproved. */
async function submitTestimonial(rating: number): Promise<Testimonial> {
  const { agent } = await loginAs("client");
  const response = await agent.post("/api/testimonials").send({
    authorName: "Rating Test",
    company: "Average Rating Tests Ltd",
    quote: `A ${rating}-star testimonial written by the average rating tests.`,
    rating,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const testimonial = dataOf<Testimonial>(response.body);
  assert.equal(testimonial.isApproved, false);
  return testimonial;
}

async function setApproval(id: number, isApproved: boolean): Promise<void> {
  const response = await admin.patch(`/api/admin/testimonials/${id}`).send({ isApproved });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

describe("dashboard average rating (BUG-004)", () => {
  it("averages the approved testimonials only", async () => {
    const testimonials = await allTestimonials();
    assert.ok(
      testimonials.some((t) => !t.isApproved),
      "the seed data has an unapproved testimonial",
    );
    assert.equal((await stats()).averageRating, await approvedAverage());
  });

  it("is not changed by a new unapproved testimonial", async () => {
    const before = (await stats()).averageRating;
    await submitTestimonial(1);
    const after = await stats();
    assert.equal(after.averageRating, before);
    assert.equal(after.averageRating, await approvedAverage());
  });

  it("counts a testimonial once it is approved, and no longer once approval is withdrawn", async () => {
    const testimonial = await submitTestimonial(1);
    const without = (await stats()).averageRating;
    await setApproval(testimonial.id, true);
    const approved = (await stats()).averageRating;
    assert.equal(approved, await approvedAverage());
    assert.notEqual(approved, without, "a 1-star approval lowers the average");
    await setApproval(testimonial.id, false);
    assert.equal((await stats()).averageRating, without);
  });

  it("reports how many approved testimonials the average is based on", async () => {
    const count = async () => (await allTestimonials()).filter((t) => t.isApproved).length;
    assert.equal((await stats()).approvedTestimonials, await count());
    const testimonial = await submitTestimonial(4);
    assert.equal((await stats()).approvedTestimonials, await count());
    await setApproval(testimonial.id, true);
    const after = await stats();
    assert.equal(after.approvedTestimonials, await count());
    assert.equal(typeof after.approvedTestimonials, "number");
  });
});

describe("dashboard stats: unchanged behaviour", () => {
  it("still counts the pending testimonials", async () => {
    await submitTestimonial(3);
    const pending = (await allTestimonials()).filter((t) => !t.isApproved).length;
    assert.equal((await stats()).pendingTestimonials, pending);
  });

  it("keeps every other counter a number", async () => {
    const current = await stats();
    for (const key of ["newContactMessages", "activeSubscribers", "openClientProjects", "pendingTestimonials"] as const) {
      assert.equal(typeof current[key], "number", key);
    }
  });

  it("is for admins only", async () => {
    assert.equal((await request(await getApp()).get("/api/admin/stats")).status, 401);
    const { agent } = await loginAs("client");
    assert.equal((await agent.get("/api/admin/stats")).status, 403);
  });
});
