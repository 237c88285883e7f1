import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { Testimonial } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs } from "./helpers";

after(closeApp);

const validTestimonial = {
  authorName: "Robin Hale",
  company: "Hale & Daughters",
  quote: "Straightforward to work with, and the benches arrived a week early. We'll be back.",
  rating: 5,
};

async function publicTestimonials(): Promise<Testimonial[]> {
  const response = await request(await getApp()).get("/api/testimonials");
  assert.equal(response.status, 200);
  return dataOf<Testimonial[]>(response.body);
}

describe("testimonials", () => {
  it("shows only approved testimonials publicly", async () => {
    const testimonials = await publicTestimonials();
    assert.ok(testimonials.length >= 4);
    assert.ok(testimonials.every((testimonial) => testimonial.isApproved));
  });

  it("requires a session to submit one", async () => {
    const response = await request(await getApp()).post("/api/testimonials").send(validTestimonial);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: "Unauthorized" });
  });

  it("keeps a client's testimonial pending until an admin approves it", async () => {
    const { agent, user } = await loginAs("client");
    const quote = `${validTestimonial.quote} (${user.id})`;
    const created = await agent.post("/api/testimonials").send({ ...validTestimonial, quote });
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    assert.equal(created.body.data.isApproved, false);
    assert.equal(created.body.data.userId, user.id);
    assert.ok(!(await publicTestimonials()).some((testimonial) => testimonial.quote === quote));

    const { agent: admin } = await loginAs("admin");
    const approved = await admin.patch(`/api/admin/testimonials/${created.body.data.id}`).send({ isApproved: true });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.data.isApproved, true);
    assert.ok((await publicTestimonials()).some((testimonial) => testimonial.quote === quote));
  });

  it("validates the rating", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.post("/api/testimonials").send({ ...validTestimonial, rating: 9 });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.ok(Array.isArray(response.body.details));
  });

  it("ignores a client's attempt to self-approve", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.post("/api/testimonials").send({ ...validTestimonial, isApproved: true });
    assert.equal(response.status, 201);
    assert.equal(response.body.data.isApproved, false);
  });
});
