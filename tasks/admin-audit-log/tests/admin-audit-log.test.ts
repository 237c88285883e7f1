// Hidden tests for the admin-audit-log task: every audited admin change leaves exactly one audit entry,
// written together with the change (a failed change leaves none), and GET /api/admin/audit-log filters
// and pages the entries. HTTP only. Each test acts through a freshly created admin and filters the log by
// that admin (actorId) or by its own new records, so entries of other tests never get in the way.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, PortfolioProject, Service, Testimonial } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of an audit entry the API must return (declared here: the tests do not import new types). */
interface AuditEntry {
  id: number;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: string;
}

interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

const LOG = "/api/admin/audit-log";

function newService(overrides: Record<string, unknown> = {}) {
  return {
    slug: uniqueSlug("audit-service"),
    name: "Upholstery",
    category: "fabrication",
    summary: "Seat pads and banquettes to go with our joinery.",
    description: "Foam, fabric and leather upholstery for benches and banquettes we build.",
    startingPriceCents: 40_000,
    leadTimeWeeks: 3,
    ...overrides,
  };
}

function newPortfolioProject(overrides: Record<string, unknown> = {}) {
  return {
    slug: uniqueSlug("audit-project"),
    title: "Audit Pavilion",
    summary: "A temporary timber pavilion for a summer fair.",
    body: "Built from reclaimed glulam offcuts.",
    materials: ["glulam"],
    year: 2025,
    ...overrides,
  };
}

async function admin(): Promise<{ agent: TestAgent; id: string }> {
  const { agent, user } = await loginAs("admin");
  return { agent, id: user.id };
}

async function createService(agent: TestAgent, overrides: Record<string, unknown> = {}): Promise<Service> {
  const response = await agent.post("/api/admin/services").send(newService(overrides));
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function createPortfolioProject(agent: TestAgent, overrides: Record<string, unknown> = {}): Promise<PortfolioProject> {
  const response = await agent.post("/api/admin/portfolio").send(newPortfolioProject(overrides));
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

async function readLog(agent: TestAgent, query: Record<string, string | number>): Promise<AuditPage> {
  const response = await agent.get(LOG).query(query);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const entries = dataOf<AuditEntry[]>(response.body);
  assert.ok(Array.isArray(entries), "the audit log is a list");
  const nextCursor = (response.body as { pagination?: { nextCursor?: string | null } }).pagination?.nextCursor;
  assert.ok(nextCursor === null || typeof nextCursor === "string", "pagination.nextCursor is a string or null");
  return { entries, nextCursor };
}

async function entriesFor(agent: TestAgent, entityType: string, entityId: number): Promise<AuditEntry[]> {
  return (await readLog(agent, { entityType, entityId, limit: 100 })).entries;
}

async function entriesBy(agent: TestAgent, actorId: string): Promise<AuditEntry[]> {
  return (await readLog(agent, { actorId, limit: 100 })).entries;
}

async function serviceRecord(agent: TestAgent, id: number): Promise<Service> {
  const response = await agent.get("/api/admin/services");
  assert.equal(response.status, 200);
  const service = dataOf<Service[]>(response.body).find((candidate) => candidate.id === id);
  assert.ok(service, `service ${id} is listed`);
  return service;
}

describe("admin audit log: services", () => {
  it("records a created service with the whole new service as after", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    const entries = await entriesFor(agent, "service", service.id);
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.equal(typeof entry.id, "number");
    assert.equal(entry.actorId, actorId);
    assert.equal(entry.action, "create");
    assert.equal(entry.entityType, "service");
    assert.equal(entry.entityId, service.id);
    assert.equal(entry.before, null);
    assert.deepEqual(entry.after, service);
    const age = Date.now() - new Date(entry.createdAt).getTime();
    assert.ok(Math.abs(age) < 60_000, `createdAt ${entry.createdAt} is the time of the change`);
  });

  it("records an update with only the changed fields, old values in before and new ones in after", async () => {
    const { agent } = await admin();
    const service = await createService(agent, { leadTimeWeeks: 3, name: "Upholstery" });
    const response = await agent
      .patch(`/api/admin/services/${service.id}`)
      .send({ leadTimeWeeks: 5, name: "Upholstery", isActive: false });
    assert.equal(response.status, 200);
    const entries = await entriesFor(agent, "service", service.id);
    assert.equal(entries.length, 2);
    const [update] = entries;
    assert.equal(update.action, "update");
    assert.deepEqual(update.before, { leadTimeWeeks: 3, isActive: true });
    assert.deepEqual(update.after, { leadTimeWeeks: 5, isActive: false });
  });

  it("records a deleted service with the whole service as it was as before", async () => {
    const { agent } = await admin();
    const service = await createService(agent);
    await agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder: 7 });
    const lastState = await serviceRecord(agent, service.id);
    assert.equal((await agent.delete(`/api/admin/services/${service.id}`)).status, 200);
    const entries = await entriesFor(agent, "service", service.id);
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ["delete", "update", "create"],
    );
    assert.deepEqual(entries[0].before, lastState);
    assert.equal(entries[0].after, null);
    assert.equal(entries[0].entityId, service.id);
  });

  it("records nothing for an update that changes no value", async () => {
    const { agent } = await admin();
    const service = await createService(agent, { leadTimeWeeks: 3 });
    const response = await agent.patch(`/api/admin/services/${service.id}`).send({ leadTimeWeeks: 3, name: service.name });
    assert.equal(response.status, 200);
    const entries = await entriesFor(agent, "service", service.id);
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ["create"],
    );
  });

  it("records nothing for a refused change (invalid body, unknown id, duplicate slug)", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    assert.equal((await agent.patch(`/api/admin/services/${service.id}`).send({ category: "magic" })).status, 400);
    assert.equal((await agent.post("/api/admin/services").send(newService({ slug: service.slug }))).status, 409);
    assert.equal((await agent.post("/api/admin/services").send(newService({ slug: "Not A Slug" }))).status, 400);
    assert.equal((await agent.patch("/api/admin/services/2147483647").send({ leadTimeWeeks: 4 })).status, 404);
    assert.equal((await agent.delete("/api/admin/services/2147483647")).status, 404);
    const entries = await entriesBy(agent, actorId);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.entityId]),
      [["create", service.id]],
    );
  });
});

describe("admin audit log: portfolio, testimonials and client projects", () => {
  it("records a portfolio project's creation, publication and deletion", async () => {
    const { agent } = await admin();
    const project = await createPortfolioProject(agent);
    assert.equal(project.publishedAt, null);
    const publishedAt = "2026-03-02T09:30:00.000Z";
    const published = await agent.patch(`/api/admin/portfolio/${project.id}`).send({ publishedAt });
    assert.equal(published.status, 200);
    const publishedProject = dataOf<PortfolioProject>(published.body);
    assert.equal((await agent.delete(`/api/admin/portfolio/${project.id}`)).status, 200);

    const entries = await entriesFor(agent, "portfolio_project", project.id);
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ["delete", "update", "create"],
    );
    const [deletion, publication, creation] = entries;
    assert.equal(creation.before, null);
    assert.deepEqual(creation.after, project);
    assert.deepEqual(publication.before, { publishedAt: null });
    assert.deepEqual(publication.after, { publishedAt });
    assert.deepEqual(deletion.before, publishedProject);
    assert.equal(deletion.after, null);
    assert.ok(entries.every((entry) => entry.entityType === "portfolio_project" && entry.entityId === project.id));
  });

  it("records testimonial approval and withdrawal, and nothing for approving twice", async () => {
    const { agent: client, user } = await loginAs("client");
    const submitted = await client.post("/api/testimonials").send({
      authorName: "Robin Hale",
      quote: `Straightforward to work with, and the benches arrived early (${user.id}).`,
      rating: 5,
    });
    assert.equal(submitted.status, 201);
    const testimonial = dataOf<Testimonial>(submitted.body);

    const { agent, id: actorId } = await admin();
    const url = `/api/admin/testimonials/${testimonial.id}`;
    assert.equal((await agent.patch(url).send({ isApproved: true })).status, 200);
    assert.equal((await agent.patch(url).send({ isApproved: true })).status, 200);
    assert.equal((await agent.patch(url).send({ isApproved: false })).status, 200);

    const entries = await entriesFor(agent, "testimonial", testimonial.id);
    assert.equal(entries.length, 2);
    const [withdrawal, approval] = entries;
    assert.equal(approval.action, "update");
    assert.deepEqual(approval.before, { isApproved: false });
    assert.deepEqual(approval.after, { isApproved: true });
    assert.deepEqual(withdrawal.before, { isApproved: true });
    assert.deepEqual(withdrawal.after, { isApproved: false });
    assert.ok(entries.every((entry) => entry.actorId === actorId));
  });

  it("records a client project's status and budget change, without bookkeeping timestamps", async () => {
    const { agent: client } = await loginAs("client");
    const created = await client.post("/api/client/projects").send({
      title: "Audit bench",
      description: "A long bench in oiled iroko for a courtyard garden.",
    });
    assert.equal(created.status, 201);
    const project = dataOf<ClientProject>(created.body);

    const { agent } = await admin();
    const response = await agent
      .patch(`/api/admin/client-projects/${project.id}`)
      .send({ status: "quoted", budgetCents: 180_000, dueDate: null });
    assert.equal(response.status, 200);
    const entries = await entriesFor(agent, "client_project", project.id);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].action, "update");
    assert.deepEqual(entries[0].before, { status: "inquiry", budgetCents: null });
    assert.deepEqual(entries[0].after, { status: "quoted", budgetCents: 180_000 });
  });

  it("records a client project change that sets nothing new as no entry", async () => {
    const { agent: client } = await loginAs("client");
    const created = await client.post("/api/client/projects").send({
      title: "Audit shelf",
      description: "A wall shelf in oak for a reading corner.",
    });
    const project = dataOf<ClientProject>(created.body);
    const { agent } = await admin();
    const response = await agent.patch(`/api/admin/client-projects/${project.id}`).send({ status: "inquiry" });
    assert.equal(response.status, 200);
    assert.deepEqual(await entriesFor(agent, "client_project", project.id), []);
  });

  it("names the admin who made each change as actorId", async () => {
    const first = await admin();
    const second = await admin();
    const service = await createService(first.agent);
    assert.equal((await second.agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder: 3 })).status, 200);
    const entries = await entriesFor(first.agent, "service", service.id);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.actorId]),
      [
        ["update", second.id],
        ["create", first.id],
      ],
    );
  });
});

describe("admin audit log: failed changes leave no entry", () => {
  it("records nothing when deleting a service that portfolio projects still use fails, and keeps the service", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    await createPortfolioProject(agent, { serviceId: service.id });
    const response = await agent.delete(`/api/admin/services/${service.id}`);
    assert.ok(response.status >= 400, `deleting a service in use fails (got ${response.status})`);
    await serviceRecord(agent, service.id);
    const entries = await entriesFor(agent, "service", service.id);
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ["create"],
    );
    assert.equal((await entriesBy(agent, actorId)).length, 2);
  });

  it("records nothing when a portfolio update fails on a slug another project has, and changes nothing", async () => {
    const { agent } = await admin();
    const taken = await createPortfolioProject(agent);
    const project = await createPortfolioProject(agent);
    const response = await agent
      .patch(`/api/admin/portfolio/${project.id}`)
      .send({ title: "Renamed pavilion", slug: taken.slug });
    assert.ok(response.status >= 400, `a duplicate slug fails (got ${response.status})`);
    const entries = await entriesFor(agent, "portfolio_project", project.id);
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ["create"],
    );
    // The title change did not happen either: publishing now shows the original title.
    const published = await agent.patch(`/api/admin/portfolio/${project.id}`).send({ publishedAt: new Date().toISOString() });
    assert.equal(published.status, 200);
    assert.equal(dataOf<PortfolioProject>(published.body).title, project.title);
  });

  it("records nothing when a portfolio project cannot be created because its slug is taken", async () => {
    const { agent, id: actorId } = await admin();
    const taken = await createPortfolioProject(agent);
    const response = await agent.post("/api/admin/portfolio").send(newPortfolioProject({ slug: taken.slug }));
    assert.ok(response.status >= 400, `a duplicate slug fails (got ${response.status})`);
    const entries = await entriesBy(agent, actorId);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.entityId]),
      [["create", taken.id]],
    );
  });
});

describe("admin audit log: listing and filters", () => {
  it("lists the newest entry first", async () => {
    const { agent, id: actorId } = await admin();
    const first = await createService(agent);
    const second = await createService(agent);
    await agent.patch(`/api/admin/services/${first.id}`).send({ sortOrder: 9 });
    const entries = await entriesBy(agent, actorId);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.entityId]),
      [
        ["update", first.id],
        ["create", second.id],
        ["create", first.id],
      ],
    );
    for (let i = 1; i < entries.length; i += 1) {
      assert.ok(new Date(entries[i - 1].createdAt).getTime() >= new Date(entries[i].createdAt).getTime());
    }
  });

  it("filters by entity type", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    const project = await createPortfolioProject(agent);
    const services = (await readLog(agent, { actorId, entityType: "service" })).entries;
    assert.deepEqual(
      services.map((entry) => [entry.entityType, entry.entityId]),
      [["service", service.id]],
    );
    const projects = (await readLog(agent, { actorId, entityType: "portfolio_project" })).entries;
    assert.deepEqual(
      projects.map((entry) => [entry.entityType, entry.entityId]),
      [["portfolio_project", project.id]],
    );
  });

  it("filters by entity id across entity types", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    await createPortfolioProject(agent);
    const entries = (await readLog(agent, { actorId, entityId: service.id })).entries;
    assert.ok(entries.length >= 1);
    assert.ok(entries.every((entry) => entry.entityId === service.id));
    assert.ok(entries.some((entry) => entry.entityType === "service"));
  });

  it("filters by actor", async () => {
    const first = await admin();
    const second = await admin();
    const service = await createService(first.agent);
    await second.agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder: 4 });
    await second.agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder: 5 });
    const byFirst = await entriesBy(second.agent, first.id);
    const bySecond = await entriesBy(first.agent, second.id);
    assert.deepEqual(
      byFirst.map((entry) => entry.action),
      ["create"],
    );
    assert.deepEqual(
      bySecond.map((entry) => entry.action),
      ["update", "update"],
    );
    assert.ok(bySecond.every((entry) => entry.actorId === second.id));
  });

  it("filters by action", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    await agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder: 2 });
    await agent.delete(`/api/admin/services/${service.id}`);
    const deletions = (await readLog(agent, { actorId, action: "delete" })).entries;
    assert.deepEqual(
      deletions.map((entry) => [entry.action, entry.entityId]),
      [["delete", service.id]],
    );
  });

  it("filters by a from/to time range, given as ISO date-times with or without an offset", async () => {
    const { agent, id: actorId } = await admin();
    await createService(agent);
    const [entry] = await entriesBy(agent, actorId);
    const at = new Date(entry.createdAt).getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    const withOffset = (ms: number) => `${new Date(ms + 5 * 3_600_000).toISOString().slice(0, 23)}+05:00`;
    const count = async (range: Record<string, string>) =>
      (await readLog(agent, { actorId, ...range })).entries.length;

    assert.equal(await count({ from: iso(at - 60_000) }), 1);
    assert.equal(await count({ from: entry.createdAt }), 1, "from is inclusive");
    assert.equal(await count({ from: iso(at + 1_000) }), 0);
    assert.equal(await count({ to: iso(at + 1_000) }), 1);
    assert.equal(await count({ to: iso(at - 1_000) }), 0);
    assert.equal(await count({ from: iso(at - 60_000), to: iso(at + 60_000) }), 1);
    assert.equal(await count({ from: withOffset(at - 60_000), to: withOffset(at + 60_000) }), 1);
    assert.equal(await count({ from: withOffset(at + 1_000) }), 0);
  });

  it("takes a date without a time as the whole day in UTC", async () => {
    const { agent, id: actorId } = await admin();
    await createService(agent);
    const [entry] = await entriesBy(agent, actorId);
    const day = entry.createdAt.slice(0, 10);
    const dayMs = new Date(`${day}T00:00:00Z`).getTime();
    const dayBefore = new Date(dayMs - 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(dayMs + 86_400_000).toISOString().slice(0, 10);
    const count = async (range: Record<string, string>) =>
      (await readLog(agent, { actorId, ...range })).entries.length;

    assert.equal(await count({ from: day, to: day }), 1, "from=to=that day includes the entry");
    assert.equal(await count({ to: day }), 1);
    assert.equal(await count({ from: day }), 1);
    assert.equal(await count({ to: dayBefore }), 0);
    assert.equal(await count({ from: dayAfter }), 0);
    assert.equal(await count({ from: dayBefore, to: dayAfter }), 1);
  });
});

describe("admin audit log: paging", () => {
  it("pages through every entry exactly once with limit and nextCursor", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    for (const sortOrder of [1, 2, 3, 4]) {
      await agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder });
    }
    const all = await entriesBy(agent, actorId);
    assert.equal(all.length, 5);

    const seen: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const query: Record<string, string | number> = { actorId, limit: 2 };
      if (cursor !== null) {
        query.cursor = cursor;
      }
      const result = await readLog(agent, query);
      sizes.push(result.entries.length);
      seen.push(...result.entries.map((entry) => entry.id));
      cursor = result.nextCursor;
      if (cursor === null) {
        break;
      }
    }
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(
      seen,
      all.map((entry) => entry.id),
    );
  });

  it("answers nextCursor null when the last page is exactly full", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    for (const sortOrder of [1, 2, 3]) {
      await agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder });
    }
    const first = await readLog(agent, { actorId, limit: 2 });
    assert.equal(first.entries.length, 2);
    assert.equal(typeof first.nextCursor, "string");
    const second = await readLog(agent, { actorId, limit: 2, cursor: first.nextCursor! });
    assert.equal(second.entries.length, 2);
    assert.equal(second.nextCursor, null);
    const everything = await readLog(agent, { actorId, limit: 4 });
    assert.equal(everything.nextCursor, null);
  });

  it("keeps the filters while paging", async () => {
    const { agent, id: actorId } = await admin();
    const watched = await createService(agent);
    const other = await createService(agent);
    for (const sortOrder of [1, 2, 3]) {
      await agent.patch(`/api/admin/services/${watched.id}`).send({ sortOrder });
      await agent.patch(`/api/admin/services/${other.id}`).send({ sortOrder });
    }
    const first = await readLog(agent, { actorId, entityType: "service", entityId: watched.id, action: "update", limit: 2 });
    assert.ok(first.nextCursor);
    const second = await readLog(agent, {
      actorId,
      entityType: "service",
      entityId: watched.id,
      action: "update",
      limit: 2,
      cursor: first.nextCursor,
    });
    const entries = [...first.entries, ...second.entries];
    assert.equal(entries.length, 3);
    assert.equal(second.nextCursor, null);
    assert.ok(entries.every((entry) => entry.entityId === watched.id && entry.action === "update"));
  });

  it("answers 20 entries by default", async () => {
    const { agent, id: actorId } = await admin();
    const service = await createService(agent);
    for (let sortOrder = 1; sortOrder <= 21; sortOrder += 1) {
      await agent.patch(`/api/admin/services/${service.id}`).send({ sortOrder });
    }
    const page = await readLog(agent, { actorId });
    assert.equal(page.entries.length, 20);
    assert.equal(typeof page.nextCursor, "string");
    const rest = await readLog(agent, { actorId, cursor: page.nextCursor! });
    assert.equal(rest.entries.length, 2);
    assert.equal(rest.nextCursor, null);
  });
});

describe("admin audit log: validation and access", () => {
  it("rejects invalid filters and limits with 400 and an error", async () => {
    const { agent } = await admin();
    const invalid: Record<string, string>[] = [
      { entityType: "invoice" },
      { entityId: "abc" },
      { entityId: "0" },
      { entityId: "-3" },
      { entityId: "1.5" },
      { action: "publish" },
      { limit: "0" },
      { limit: "101" },
      { limit: "ten" },
      { from: "yesterday" },
      { from: "2026-02-30" },
      { to: "03/01/2026" },
      { from: "2026-03-10", to: "2026-03-01" },
      { from: "2026-03-10T12:00:00Z", to: "2026-03-10T11:00:00Z" },
    ];
    for (const query of invalid) {
      const response = await agent.get(LOG).query(query);
      assert.equal(response.status, 400, `query ${JSON.stringify(query)}`);
      assert.equal(typeof response.body.error, "string", `query ${JSON.stringify(query)}`);
    }
    assert.equal((await agent.get(LOG).query({ limit: 100 })).status, 200);
    assert.equal((await agent.get(LOG).query({ limit: 1 })).status, 200);
  });

  it("rejects a cursor it did not issue with 400", async () => {
    const { agent } = await admin();
    for (const cursor of ["not-a-cursor", "%%%", "12abc", ""]) {
      const response = await agent.get(LOG).query({ cursor });
      assert.equal(response.status, 400, `cursor ${JSON.stringify(cursor)}`);
      assert.equal(typeof response.body.error, "string");
    }
  });

  it("answers 401 without a session and 403 to a client", async () => {
    const anonymous = await request(await getApp()).get(LOG);
    assert.equal(anonymous.status, 401);
    const { agent } = await loginAs("client");
    const client = await agent.get(LOG);
    assert.equal(client.status, 403);
  });
});
