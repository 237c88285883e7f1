// Hidden tests for the unique-slugs task: admin creation of services and portfolio projects never fails
// on a taken slug; it derives a slug from the name/title when none is sent and suffixes -2, -3, ...
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject, Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

let adminAgent: TestAgent | undefined;

async function admin(): Promise<TestAgent> {
  adminAgent ??= (await loginAs("admin")).agent;
  return adminAgent;
}

/** A short lower-case token that keeps derived slugs unique across tests. */
function token(): string {
  return randomUUID().slice(0, 8);
}

function serviceBody(overrides: Record<string, unknown> = {}) {
  return {
    name: "Upholstery",
    category: "fabrication",
    summary: "Seat pads and banquettes to go with our joinery.",
    description: "Foam, fabric and leather upholstery for benches and banquettes we build.",
    ...overrides,
  };
}

function projectBody(overrides: Record<string, unknown> = {}) {
  return {
    title: "Harbour Bakery Counter",
    summary: "A steel and oak counter for a harbour-side bakery.",
    body: "We designed and built a counter with a folded steel front and an oak top.",
    year: 2025,
    publishedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function createService(body: Record<string, unknown>): Promise<Service> {
  const response = await (await admin()).post("/api/admin/services").send(body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function createProject(body: Record<string, unknown>): Promise<PortfolioProject> {
  const response = await (await admin()).post("/api/admin/portfolio").send(body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

describe("unique slugs: services", () => {
  it("suffixes -2 and -3 when the requested slug is taken", async () => {
    const slug = uniqueSlug("joinery");
    assert.equal((await createService(serviceBody({ slug }))).slug, slug);
    assert.equal((await createService(serviceBody({ slug }))).slug, `${slug}-2`);
    assert.equal((await createService(serviceBody({ slug }))).slug, `${slug}-3`);
  });

  it("keeps the original service at its slug and serves the new one at the suffixed slug", async () => {
    const slug = uniqueSlug("joinery");
    const first = await createService(serviceBody({ slug, name: "First joinery" }));
    const second = await createService(serviceBody({ slug, name: "Second joinery" }));
    const app = await getApp();
    const original = await request(app).get(`/api/services/${slug}`);
    assert.equal(original.status, 200);
    assert.equal(dataOf<Service>(original.body).id, first.id);
    const suffixed = await request(app).get(`/api/services/${second.slug}`);
    assert.equal(suffixed.status, 200);
    assert.equal(dataOf<Service>(suffixed.body).id, second.id);
  });

  it("derives the slug from the name when none is sent", async () => {
    const tag = token();
    const service = await createService(serviceBody({ name: `  Laser Engraving & Cutting ${tag}! ` }));
    assert.equal(service.slug, `laser-engraving-cutting-${tag}`);
  });

  it("drops accents when deriving a slug", async () => {
    const tag = token();
    const service = await createService(serviceBody({ name: `Atelier Été ${tag}` }));
    assert.equal(service.slug, `atelier-ete-${tag}`);
  });

  it("suffixes a derived slug that is taken", async () => {
    const name = `Powder Coating ${token()}`;
    const first = await createService(serviceBody({ name }));
    const second = await createService(serviceBody({ name }));
    assert.equal(second.slug, `${first.slug}-2`);
  });

  it("treats an inactive service's slug as taken", async () => {
    const slug = uniqueSlug("paused");
    await createService(serviceBody({ slug, isActive: false }));
    assert.equal((await createService(serviceBody({ slug }))).slug, `${slug}-2`);
  });

  it("keeps a derived slug from a very long name within 80 characters, also when suffixed", async () => {
    const name = `${token()} ${"Bespoke architectural metalwork ".repeat(4)}`.slice(0, 120);
    const first = await createService(serviceBody({ name }));
    const second = await createService(serviceBody({ name }));
    for (const service of [first, second]) {
      assert.ok(service.slug.length <= 80, `${service.slug} is longer than 80`);
      assert.match(service.slug, SLUG);
    }
    assert.notEqual(first.slug, second.slug);
    assert.match(second.slug, /-2$/);
  });

  it("falls back to a slug when the name has no letters or digits", async () => {
    const service = await createService(serviceBody({ name: "!!! ???" }));
    assert.match(service.slug, SLUG);
    assert.ok(service.slug.length > 0);
  });
});

describe("unique slugs: portfolio projects", () => {
  it("suffixes -2 and -3 when the requested slug is taken", async () => {
    const slug = uniqueSlug("counter");
    assert.equal((await createProject(projectBody({ slug }))).slug, slug);
    assert.equal((await createProject(projectBody({ slug }))).slug, `${slug}-2`);
    assert.equal((await createProject(projectBody({ slug }))).slug, `${slug}-3`);
  });

  it("serves both projects at their own slugs", async () => {
    const slug = uniqueSlug("counter");
    const first = await createProject(projectBody({ slug, title: "First counter" }));
    const second = await createProject(projectBody({ slug, title: "Second counter" }));
    const app = await getApp();
    const original = await request(app).get(`/api/portfolio/${slug}`);
    assert.equal(original.status, 200);
    assert.equal(dataOf<PortfolioProject>(original.body).id, first.id);
    const suffixed = await request(app).get(`/api/portfolio/${second.slug}`);
    assert.equal(suffixed.status, 200);
    assert.equal(dataOf<PortfolioProject>(suffixed.body).id, second.id);
  });

  it("derives the slug from the title when none is sent", async () => {
    const tag = token();
    const project = await createProject(projectBody({ title: `Café Fit-out, Harbour St. ${tag}` }));
    assert.equal(project.slug, `cafe-fit-out-harbour-st-${tag}`);
  });

  it("suffixes a derived slug that is taken", async () => {
    const title = `Reception Desk ${token()}`;
    const first = await createProject(projectBody({ title }));
    const second = await createProject(projectBody({ title }));
    assert.equal(second.slug, `${first.slug}-2`);
  });

  it("treats a draft's slug as taken", async () => {
    const slug = uniqueSlug("draft");
    await createProject(projectBody({ slug, publishedAt: null }));
    assert.equal((await createProject(projectBody({ slug }))).slug, `${slug}-2`);
  });

  it("keeps a derived slug from a very long title within 120 characters, also when suffixed", async () => {
    const title = `${token()} ${"Folded steel and oak counter for a bakery ".repeat(4)}`.slice(0, 160);
    const first = await createProject(projectBody({ title }));
    const second = await createProject(projectBody({ title }));
    for (const project of [first, second]) {
      assert.ok(project.slug.length <= 120, `${project.slug} is longer than 120`);
      assert.match(project.slug, SLUG);
    }
    assert.notEqual(first.slug, second.slug);
    assert.match(second.slug, /-2$/);
  });
});

describe("unique slugs: unchanged behaviour", () => {
  it("creates a service with a free slug as sent", async () => {
    const slug = uniqueSlug("service");
    const service = await createService(serviceBody({ slug }));
    assert.equal(service.slug, slug);
  });

  it("creates a project with a free slug as sent", async () => {
    const slug = uniqueSlug("project");
    const project = await createProject(projectBody({ slug }));
    assert.equal(project.slug, slug);
  });

  it("still rejects a slug that is not kebab-case with 400", async () => {
    const agent = await admin();
    const service = await agent.post("/api/admin/services").send(serviceBody({ slug: "Not A Slug" }));
    assert.equal(service.status, 400);
    const project = await agent.post("/api/admin/portfolio").send(projectBody({ slug: "Not A Slug" }));
    assert.equal(project.status, 400);
  });

  it("still rejects an invalid service or project with 400", async () => {
    const agent = await admin();
    const service = await agent.post("/api/admin/services").send(serviceBody({ slug: uniqueSlug(), category: "magic" }));
    assert.equal(service.status, 400);
    const project = await agent.post("/api/admin/portfolio").send({ slug: uniqueSlug(), title: "" });
    assert.equal(project.status, 400);
  });

  it("still requires an admin to create services and projects", async () => {
    const anonymous = await request(await getApp()).post("/api/admin/services").send(serviceBody({ slug: uniqueSlug() }));
    assert.equal(anonymous.status, 401);
    const { agent } = await loginAs("client");
    const client = await agent.post("/api/admin/portfolio").send(projectBody({ slug: uniqueSlug() }));
    assert.equal(client.status, 403);
  });
});
