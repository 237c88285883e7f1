// Hidden tests for the inactive-services-hidden task (BUG-009: inactive services are listed publicly).
// They talk to the API over HTTP only; services they deactivate are ones they created themselves.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent, uniqueSlug } from "../helpers";

after(closeApp);

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function publicSlugs(path: "/api/services" | "/api/portfolio/services"): Promise<string[]> {
  const response = await request(await getApp()).get(path);
  assert.equal(response.status, 200);
  assert.equal(response.body.success, true);
  return dataOf<Service[]>(response.body).map((service) => service.slug);
}

async function adminSlugs(): Promise<string[]> {
  const response = await admin.get("/api/admin/services");
  assert.equal(response.status, 200);
  return dataOf<Service[]>(response.body).map((service) => service.slug);
}

async function createService(isActive = true): Promise<Service> {
  const response = await admin.post("/api/admin/services").send({
    slug: uniqueSlug("paused-service"),
    name: "Visibility test service",
    category: "fabrication",
    summary: "A service created by the inactive-service tests.",
    description: "Only used to check which services the public site lists.",
    isActive,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function setActive(service: Service, isActive: boolean): Promise<void> {
  const response = await admin.patch(`/api/admin/services/${service.id}`).send({ isActive });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(dataOf<Service>(response.body).isActive, isActive);
}

async function detailStatus(slug: string): Promise<number> {
  return (await request(await getApp()).get(`/api/services/${slug}`)).status;
}

describe("public service list (BUG-009)", () => {
  it("lists active services only", async () => {
    const response = await request(await getApp()).get("/api/services");
    assert.equal(response.status, 200);
    const services = dataOf<Service[]>(response.body);
    const slugs = services.map((service) => service.slug);
    assert.ok(!slugs.includes("laser-engraving"), "the paused seed service is not listed");
    assert.ok(slugs.includes("metalwork"));
    assert.ok(services.every((service) => service.isActive));
  });

  it("does not list a service that was created inactive", async () => {
    const service = await createService(false);
    assert.ok(!(await publicSlugs("/api/services")).includes(service.slug));
    assert.ok((await adminSlugs()).includes(service.slug), "the admin list still shows it");
  });

  it("drops a service when an admin deactivates it and lists it again when reactivated", async () => {
    const service = await createService();
    assert.ok((await publicSlugs("/api/services")).includes(service.slug));
    await setActive(service, false);
    assert.ok(!(await publicSlugs("/api/services")).includes(service.slug));
    await setActive(service, true);
    assert.ok((await publicSlugs("/api/services")).includes(service.slug));
  });

  it("offers only active services as portfolio filters", async () => {
    const service = await createService();
    const project = await admin.post("/api/admin/portfolio").send({
      slug: uniqueSlug("paused-work"),
      title: "Work of a paused service",
      summary: "A published project whose service gets paused.",
      body: "Body text for the inactive-service tests.",
      serviceId: service.id,
      year: 2024,
      publishedAt: new Date("2024-06-01T09:00:00Z").toISOString(),
    });
    assert.equal(project.status, 201, JSON.stringify(project.body));
    assert.ok((await publicSlugs("/api/portfolio/services")).includes(service.slug));
    await setActive(service, false);
    assert.ok(!(await publicSlugs("/api/portfolio/services")).includes(service.slug));
  });
});

describe("services: unchanged behaviour", () => {
  it("hides an inactive service's detail page, and shows it again once reactivated", async () => {
    assert.equal(await detailStatus("laser-engraving"), 404);
    const service = await createService();
    assert.equal(await detailStatus(service.slug), 200);
    await setActive(service, false);
    const hidden = await request(await getApp()).get(`/api/services/${service.slug}`);
    assert.equal(hidden.status, 404);
    assert.equal(typeof hidden.body.error, "string");
    await setActive(service, true);
    assert.equal(await detailStatus(service.slug), 200);
  });

  it("keeps inactive services in the admin list", async () => {
    const service = await createService();
    await setActive(service, false);
    const slugs = await adminSlugs();
    assert.ok(slugs.includes("laser-engraving"));
    assert.ok(slugs.includes(service.slug));
  });

  it("keeps the public list in display order", async () => {
    const response = await request(await getApp()).get("/api/services");
    const orders = dataOf<Service[]>(response.body).map((service) => service.sortOrder);
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b));
  });
});
