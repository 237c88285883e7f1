import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, DashboardStats, Service, Testimonial } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug } from "./helpers";

after(closeApp);

function newService(overrides: Record<string, unknown> = {}) {
  return {
    slug: uniqueSlug("service"),
    name: "Upholstery",
    category: "fabrication",
    summary: "Seat pads and banquettes to go with our joinery.",
    description: "Foam, fabric and leather upholstery for benches and banquettes we build.",
    startingPriceCents: 40_000,
    leadTimeWeeks: 3,
    ...overrides,
  };
}

describe("admin access", () => {
  it("answers 401 without a session", async () => {
    const response = await request(await getApp()).get("/api/admin/stats");
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: "Unauthorized" });
  });

  it("answers 403 to a client", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get("/api/admin/client-projects");
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, { error: "Forbidden" });
  });

  it("shows dashboard stats to an admin", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/stats");
    assert.equal(response.status, 200);
    const stats = dataOf<DashboardStats>(response.body);
    for (const key of ["newContactMessages", "activeSubscribers", "openClientProjects", "pendingTestimonials"] as const) {
      assert.equal(typeof stats[key], "number", key);
    }
  });
});

describe("admin: services", () => {
  it("lists inactive services too", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/services");
    assert.equal(response.status, 200);
    const slugs = (response.body.data as Service[]).map((service) => service.slug);
    assert.ok(slugs.includes("laser-engraving"));
  });

  it("creates, updates and deletes a service", async () => {
    const { agent } = await loginAs("admin");
    const created = await agent.post("/api/admin/services").send(newService());
    assert.equal(created.status, 201);
    const service: Service = created.body.data;
    assert.equal(service.isActive, true);

    const updated = await agent.patch(`/api/admin/services/${service.id}`).send({ leadTimeWeeks: 5 });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.data.leadTimeWeeks, 5);

    const deleted = await agent.delete(`/api/admin/services/${service.id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await agent.delete(`/api/admin/services/${service.id}`)).status, 404);
  });

  it("refuses a duplicate slug", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.post("/api/admin/services").send(newService({ slug: "metalwork" }));
    assert.equal(response.status, 409);
    assert.equal(typeof response.body.error, "string");
  });

  it("validates a service", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.post("/api/admin/services").send(newService({ slug: "Not A Slug", category: "magic" }));
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.body.details));
    assert.equal((await agent.patch("/api/admin/services/abc").send({ name: "X" })).status, 400);
  });
});

describe("admin: portfolio", () => {
  it("creates, publishes, updates and deletes a project", async () => {
    const { agent } = await loginAs("admin");
    const slug = uniqueSlug("project");
    const created = await agent.post("/api/admin/portfolio").send({
      slug,
      title: "Test Pavilion",
      summary: "A temporary timber pavilion for a summer fair.",
      body: "Built from reclaimed glulam offcuts.",
      materials: ["glulam"],
      year: 2025,
    });
    assert.equal(created.status, 201);
    const id: number = created.body.data.id;
    assert.equal((await request(await getApp()).get(`/api/portfolio/${slug}`)).status, 404, "drafts stay hidden");

    const published = await agent.patch(`/api/admin/portfolio/${id}`).send({ publishedAt: new Date().toISOString() });
    assert.equal(published.status, 200);
    assert.equal((await request(await getApp()).get(`/api/portfolio/${slug}`)).status, 200);

    const deleted = await agent.delete(`/api/admin/portfolio/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await request(await getApp()).get(`/api/portfolio/${slug}`)).status, 404);
  });

  it("rejects an invalid project", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.post("/api/admin/portfolio").send({ slug: "x", title: "" });
    assert.equal(response.status, 400);
  });
});

describe("admin: testimonials and client projects", () => {
  it("lists pending testimonials", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/testimonials");
    assert.equal(response.status, 200);
    assert.ok((response.body.data as Testimonial[]).some((testimonial) => !testimonial.isApproved));
  });

  it("lists every client's projects and changes their status", async () => {
    const client = await loginAs("client");
    const created = await client.agent.post("/api/client/projects").send({
      title: "Garden bench",
      description: "A long bench in oiled iroko for a courtyard garden.",
    });
    const { agent } = await loginAs("admin");
    const list = await agent.get("/api/admin/client-projects");
    assert.equal(list.status, 200);
    assert.ok((list.body.data as ClientProject[]).some((project) => project.id === created.body.data.id));

    const quoted = await agent
      .patch(`/api/admin/client-projects/${created.body.data.id}`)
      .send({ status: "quoted", budgetCents: 180_000 });
    assert.equal(quoted.status, 200);
    assert.equal(quoted.body.data.status, "quoted");
    assert.equal(quoted.body.data.budgetCents, 180_000);
  });

  it("validates a status change", async () => {
    const { agent } = await loginAs("admin");
    const invalid = await agent.patch("/api/admin/client-projects/1").send({ status: "done" });
    assert.equal(invalid.status, 400);
    assert.ok(Array.isArray(invalid.body.details));
    const empty = await agent.patch("/api/admin/client-projects/1").send({});
    assert.equal(empty.status, 400);
    const missing = await agent.patch("/api/admin/client-projects/999999").send({ status: "quoted" });
    assert.equal(missing.status, 404);
  });
});
