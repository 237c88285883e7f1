// Hidden tests for the service-delete-in-use task (BUG-008): deleting a service that projects still use
// answers 409 { error } and deletes nothing; unused services still delete. HTTP only: every test creates
// its own service (and projects) through the existing admin and client APIs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, PortfolioProject, Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createService(): Promise<Service> {
  const response = await admin.post("/api/admin/services").send({
    slug: uniqueSlug("in-use"),
    name: "Powder coating",
    category: "fabrication",
    summary: "Durable powder-coated finishes for steel parts.",
    description: "Powder coating in any RAL colour for the steelwork we build.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function createPortfolioProject(serviceId: number, published: boolean): Promise<PortfolioProject> {
  const response = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("coated"),
    title: "Coated steel frames",
    summary: "Frames in powder-coated steel for a shop front.",
    body: "Body text for the service deletion tests.",
    year: 2025,
    serviceId,
    ...(published ? { publishedAt: new Date("2025-03-01T09:00:00Z").toISOString() } : {}),
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

async function adminServices(): Promise<Service[]> {
  const response = await admin.get("/api/admin/services");
  assert.equal(response.status, 200);
  return dataOf<Service[]>(response.body);
}

async function assertServiceExists(id: number): Promise<void> {
  assert.ok((await adminServices()).some((service) => service.id === id), `service ${id} still exists`);
}

function assertConflict(response: request.Response): void {
  assert.equal(response.status, 409, `${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body.error, "string", "the body has an error message");
}

describe("admin: deleting a service that is in use (BUG-008)", () => {
  it("answers 409 for a service with a published portfolio project, and keeps both", async () => {
    const service = await createService();
    const project = await createPortfolioProject(service.id, true);
    assertConflict(await admin.delete(`/api/admin/services/${service.id}`));
    await assertServiceExists(service.id);
    const detail = await request(await getApp()).get(`/api/portfolio/${project.slug}`);
    assert.equal(detail.status, 200);
    assert.equal(dataOf<PortfolioProject>(detail.body).serviceId, service.id);
  });

  it("answers 409 for a service that only an unpublished portfolio project uses", async () => {
    const service = await createService();
    await createPortfolioProject(service.id, false);
    assertConflict(await admin.delete(`/api/admin/services/${service.id}`));
    await assertServiceExists(service.id);
  });

  it("answers 409 for the seed metalwork service", async () => {
    const metalwork = (await adminServices()).find((service) => service.slug === "metalwork");
    assert.ok(metalwork, "the seed has a metalwork service");
    assertConflict(await admin.delete(`/api/admin/services/${metalwork.id}`));
    await assertServiceExists(metalwork.id);
  });

  it("answers 409 for a service that a client's project request uses, and keeps both", async () => {
    const service = await createService();
    const client = await loginAs("client");
    const created = await client.agent.post("/api/client/projects").send({
      title: "Coated railings",
      description: "Powder-coated railings for the front steps, about 4 m in total.",
      serviceId: service.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const project = dataOf<ClientProject>(created.body);
    assertConflict(await admin.delete(`/api/admin/services/${service.id}`));
    await assertServiceExists(service.id);
    const read = await client.agent.get(`/api/client/projects/${project.id}`);
    assert.equal(read.status, 200);
    assert.equal(dataOf<ClientProject>(read.body).serviceId, service.id);
  });

  it("keeps answering 409 on a second attempt", async () => {
    const service = await createService();
    await createPortfolioProject(service.id, true);
    assertConflict(await admin.delete(`/api/admin/services/${service.id}`));
    assertConflict(await admin.delete(`/api/admin/services/${service.id}`));
    await assertServiceExists(service.id);
  });
});

describe("admin: deleting services (unchanged)", () => {
  it("deletes a service that nothing uses", async () => {
    const service = await createService();
    const response = await admin.delete(`/api/admin/services/${service.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { success: true, data: { id: service.id } });
    assert.ok(!(await adminServices()).some((s) => s.id === service.id), "the service is gone");
  });

  it("deletes a service once its portfolio project is gone", async () => {
    const service = await createService();
    const project = await createPortfolioProject(service.id, true);
    assert.equal((await admin.delete(`/api/admin/portfolio/${project.id}`)).status, 200);
    assert.equal((await admin.delete(`/api/admin/services/${service.id}`)).status, 200);
    assert.ok(!(await adminServices()).some((s) => s.id === service.id), "the service is gone");
  });

  it("deactivates a service that is in use", async () => {
    const service = await createService();
    await createPortfolioProject(service.id, true);
    const response = await admin.patch(`/api/admin/services/${service.id}`).send({ isActive: false });
    assert.equal(response.status, 200);
    assert.equal(dataOf<Service>(response.body).isActive, false);
    assert.equal((await request(await getApp()).get(`/api/services/${service.slug}`)).status, 404);
  });

  it("answers 404 for an unknown service and 400 for a non-numeric id", async () => {
    assert.equal((await admin.delete(`/api/admin/services/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await admin.delete("/api/admin/services/abc")).status, 400);
  });

  it("answers 401 without a session and 403 to a client, and deletes nothing", async () => {
    const service = await createService();
    assert.equal((await request(await getApp()).delete(`/api/admin/services/${service.id}`)).status, 401);
    const client = await loginAs("client");
    assert.equal((await client.agent.delete(`/api/admin/services/${service.id}`)).status, 403);
    await assertServiceExists(service.id);
  });
});
