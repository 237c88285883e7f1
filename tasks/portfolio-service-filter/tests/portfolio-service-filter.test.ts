// Hidden tests for the portfolio-service-filter task (BUG-001: GET /api/portfolio ignores ?service=).
// They talk to the API over HTTP only; projects and services they create have unique slugs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject, Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent, uniqueSlug } from "../helpers";

after(closeApp);

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function listPortfolio(query: string): Promise<PortfolioProject[]> {
  const response = await request(await getApp()).get(`/api/portfolio${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  const projects = dataOf<PortfolioProject[]>(response.body);
  assert.ok(Array.isArray(projects), "data is a list of projects");
  return projects;
}

async function serviceBySlug(slug: string): Promise<Service> {
  const response = await admin.get("/api/admin/services");
  assert.equal(response.status, 200);
  const service = dataOf<Service[]>(response.body).find((entry) => entry.slug === slug);
  assert.ok(service, `service ${slug} exists`);
  return service;
}

async function createService(): Promise<Service> {
  const response = await admin.post("/api/admin/services").send({
    slug: uniqueSlug("filter-service"),
    name: "Filter test service",
    category: "fabrication",
    summary: "A service created by the portfolio filter tests.",
    description: "Only used to check that the portfolio can be filtered by service.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function createProject(fields: {
  serviceId: number | null;
  year: number;
  published?: boolean;
  isFeatured?: boolean;
}): Promise<PortfolioProject> {
  const response = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("filter-project"),
    title: "Filter test project",
    summary: "A project created by the portfolio filter tests.",
    body: "Body text for the portfolio filter tests.",
    serviceId: fields.serviceId,
    year: fields.year,
    isFeatured: fields.isFeatured ?? false,
    publishedAt: fields.published === false ? null : new Date("2025-03-01T09:00:00Z").toISOString(),
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

describe("portfolio service filter (BUG-001)", () => {
  it("lists only the projects of the requested service", async () => {
    const metalwork = await serviceBySlug("metalwork");
    const projects = await listPortfolio("?service=metalwork");
    const slugs = projects.map((project) => project.slug);
    assert.ok(slugs.includes("harbour-house-stair"), "the published metalwork project is listed");
    assert.ok(!slugs.includes("northwind-cafe-counter"), "a retail fit-out project is not listed");
    assert.ok(
      projects.every((project) => project.serviceId === metalwork.id),
      "every listed project belongs to metalwork",
    );
  });

  it("answers an empty list for an unknown service", async () => {
    const projects = await listPortfolio(`?service=${uniqueSlug("no-such-service")}`);
    assert.deepEqual(projects, []);
  });

  it("answers an empty list for a service without published work", async () => {
    const projects = await listPortfolio("?service=design-consultation");
    assert.deepEqual(projects, []);
  });

  it("lists a service's published projects, newest year first, without drafts or other services", async () => {
    const service = await createService();
    const older = await createProject({ serviceId: service.id, year: 2021 });
    const newer = await createProject({ serviceId: service.id, year: 2024 });
    await createProject({ serviceId: service.id, year: 2025, published: false });
    await createProject({ serviceId: null, year: 2025 });
    const projects = await listPortfolio(`?service=${service.slug}`);
    assert.deepEqual(
      projects.map((project) => project.id),
      [newer.id, older.id],
    );
  });

  it("combines the service filter with featured=true", async () => {
    const projects = await listPortfolio("?service=retail-fitout&featured=true");
    const slugs = projects.map((project) => project.slug);
    assert.ok(slugs.includes("northwind-cafe-counter"), "the featured retail project is listed");
    assert.ok(!slugs.includes("orchard-bakery-display"), "a retail project that is not featured is not listed");
    assert.ok(!slugs.includes("harbour-house-stair"), "a featured project of another service is not listed");
    assert.ok(projects.every((project) => project.isFeatured));
  });

  it("follows a project to its new service when the admin changes it", async () => {
    const from = await createService();
    const to = await createService();
    const project = await createProject({ serviceId: from.id, year: 2023 });
    const moved = await admin.patch(`/api/admin/portfolio/${project.id}`).send({ serviceId: to.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(await listPortfolio(`?service=${from.slug}`), []);
    assert.deepEqual(
      (await listPortfolio(`?service=${to.slug}`)).map((entry) => entry.id),
      [project.id],
    );
  });
});

describe("portfolio list: unchanged behaviour", () => {
  it("lists every service's published projects without a filter", async () => {
    const slugs = (await listPortfolio("")).map((project) => project.slug);
    for (const slug of ["northwind-cafe-counter", "harbour-house-stair", "modular-library-shelving"]) {
      assert.ok(slugs.includes(slug), `missing ${slug}`);
    }
    assert.ok(!slugs.includes("gallery-screen-wall"), "drafts stay hidden");
  });

  it("never lists a draft of the requested service", async () => {
    const slugs = (await listPortfolio("?service=metalwork")).map((project) => project.slug);
    assert.ok(!slugs.includes("gallery-screen-wall"));
  });

  it("rejects a malformed featured flag next to a service with 400", async () => {
    const response = await request(await getApp()).get("/api/portfolio?service=metalwork&featured=maybe");
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
  });
});
