// Hidden tests for the admin-project-search task: search, filter, sort and pages on the admin project list.
// They talk to the API over HTTP only. Every test tags its own projects with a unique marker and searches
// for it, so rows from other tests and the seed never get in the way.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

interface Pagination {
  page: number;
  pageSize: number;
  total: number;
}

interface ListBody {
  success: boolean;
  data: ClientProject[];
  pagination: Pagination;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

function marker(): string {
  return `mk${randomUUID().replace(/-/g, "").slice(0, 10)}`;
}

async function createProject(
  agent: TestAgent,
  title: string,
  overrides: Record<string, unknown> = {},
): Promise<ClientProject> {
  const response = await agent.post("/api/client/projects").send({
    title,
    description: "A project request created by the admin search tests.",
    ...overrides,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

async function list(query: Record<string, string | number>) {
  return admin.get("/api/admin/client-projects").query(query);
}

async function listOk(query: Record<string, string | number>): Promise<ListBody> {
  const response = await list(query);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.ok(Array.isArray(response.body.data), "data is an array");
  return response.body as ListBody;
}

function ids(body: ListBody): number[] {
  return body.data.map((project) => project.id);
}

describe("admin project list: unchanged behaviour", () => {
  it("lists every client's projects without parameters, recently updated first", async () => {
    const { agent } = await loginAs("client");
    const older = await createProject(agent, "Older unchanged-list project");
    const newer = await createProject(agent, "Newer unchanged-list project");
    const response = await admin.get("/api/admin/client-projects");
    assert.equal(response.status, 200);
    const projects = dataOf<ClientProject[]>(response.body);
    const listed = projects.map((project) => project.id);
    assert.ok(listed.includes(older.id) && listed.includes(newer.id));
    assert.ok(listed.indexOf(newer.id) < listed.indexOf(older.id), "newest update first");
  });

  it("answers 401 without a session and 403 to a client", async () => {
    const anonymous = await request(await getApp()).get("/api/admin/client-projects?q=x");
    assert.equal(anonymous.status, 401);
    const { agent } = await loginAs("client");
    const client = await agent.get("/api/admin/client-projects?q=x");
    assert.equal(client.status, 403);
  });
});

describe("admin project list: pages", () => {
  it("adds page metadata with the defaults when called without parameters", async () => {
    const body = await listOk({});
    assert.equal(body.pagination.page, 1);
    assert.equal(body.pagination.pageSize, 20);
    assert.equal(typeof body.pagination.total, "number");
    assert.ok(body.pagination.total >= body.data.length);
    assert.ok(body.data.length <= 20);
  });

  it("splits the results into pages of pageSize", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const first = await createProject(agent, `Paged ${tag} one`);
    const second = await createProject(agent, `Paged ${tag} two`);
    const third = await createProject(agent, `Paged ${tag} three`);
    const one = await listOk({ q: tag, pageSize: 2, page: 1 });
    assert.deepEqual(one.pagination, { page: 1, pageSize: 2, total: 3 });
    assert.deepEqual(ids(one), [third.id, second.id]);
    const two = await listOk({ q: tag, pageSize: 2, page: 2 });
    assert.deepEqual(two.pagination, { page: 2, pageSize: 2, total: 3 });
    assert.deepEqual(ids(two), [first.id]);
  });

  it("answers an empty page past the end, with the same total", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    await createProject(agent, `Past the end ${tag}`);
    const body = await listOk({ q: tag, pageSize: 5, page: 3 });
    assert.deepEqual(body.data, []);
    assert.equal(body.pagination.total, 1);
    assert.equal(body.pagination.page, 3);
  });

  it("answers 400 for a page or pageSize that is not a positive integer, or a pageSize over 100", async () => {
    const invalid: Array<Record<string, string | number>> = [
      { page: 0 },
      { page: -1 },
      { page: "abc" },
      { page: 1.5 },
      { pageSize: 0 },
      { pageSize: 101 },
      { pageSize: "ten" },
    ];
    for (const query of invalid) {
      const response = await list(query);
      assert.equal(response.status, 400, `${JSON.stringify(query)} → ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    const largest = await listOk({ pageSize: 100 });
    assert.equal(largest.pagination.pageSize, 100);
  });
});

describe("admin project list: search", () => {
  it("finds projects by title, case-insensitively", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const match = await createProject(agent, `Walnut sideboard ${tag}`);
    await createProject(agent, "Walnut sideboard without the marker");
    const body = await listOk({ q: tag.toUpperCase() });
    assert.deepEqual(ids(body), [match.id]);
    assert.equal(body.pagination.total, 1);
  });

  it("finds projects by description", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const match = await createProject(agent, "Plain title", {
      description: `Shelving for the back office, reference ${tag}, in birch ply.`,
    });
    const body = await listOk({ q: `REFERENCE ${tag}` });
    assert.deepEqual(ids(body), [match.id]);
  });

  it("finds projects by the client's email address", async () => {
    const client = await loginAs("client");
    const other = await loginAs("client");
    const first = await createProject(client.agent, "Email search project one");
    const second = await createProject(client.agent, "Email search project two");
    await createProject(other.agent, "Someone else's project");
    const localPart = client.email.split("@")[0];
    const body = await listOk({ q: localPart.toUpperCase() });
    assert.deepEqual(ids(body).sort((a, b) => a - b), [first.id, second.id].sort((a, b) => a - b));
    assert.equal(body.pagination.total, 2);
  });

  it("treats % and _ in q as plain characters", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const percent = await createProject(agent, `Fit-out ${tag} at 100% scale`);
    await createProject(agent, `Fit-out ${tag} at 1000 scale`);
    const underscore = await createProject(agent, `Desk ${tag} model a_b`);
    await createProject(agent, `Desk ${tag} model axb`);
    assert.deepEqual(ids(await listOk({ q: `${tag} at 100%` })), [percent.id]);
    assert.deepEqual(ids(await listOk({ q: `${tag} model a_b` })), [underscore.id]);
  });

  it("answers an empty list when nothing matches", async () => {
    const body = await listOk({ q: marker() });
    assert.deepEqual(body.data, []);
    assert.equal(body.pagination.total, 0);
  });

  it("answers 400 for a q longer than 100 characters", async () => {
    const response = await list({ q: "a".repeat(101) });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
  });
});

describe("admin project list: status filter", () => {
  it("lists only projects with the given status", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const inquiry = await createProject(agent, `Status filter ${tag} inquiry`);
    const quoted = await createProject(agent, `Status filter ${tag} quoted`);
    const change = await admin.patch(`/api/admin/client-projects/${quoted.id}`).send({ status: "quoted" });
    assert.equal(change.status, 200);
    const onlyQuoted = await listOk({ q: tag, status: "quoted" });
    assert.deepEqual(ids(onlyQuoted), [quoted.id]);
    assert.equal(onlyQuoted.pagination.total, 1);
    assert.deepEqual(ids(await listOk({ q: tag, status: "inquiry" })), [inquiry.id]);
    assert.deepEqual(await listOk({ q: tag, status: "completed" }).then(ids), []);
  });

  it("answers 400 for an unknown status", async () => {
    const response = await list({ status: "done" });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
  });
});

describe("admin project list: sort", () => {
  it("sorts by createdAt in both directions", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const first = await createProject(agent, `Sorted ${tag} first`);
    const second = await createProject(agent, `Sorted ${tag} second`);
    const third = await createProject(agent, `Sorted ${tag} third`);
    // Touch the oldest one, so that creation order and update order differ.
    await admin.patch(`/api/admin/client-projects/${first.id}`).send({ budgetCents: 90_000 });
    assert.deepEqual(ids(await listOk({ q: tag, sort: "createdAt" })), [first.id, second.id, third.id]);
    assert.deepEqual(ids(await listOk({ q: tag, sort: "-createdAt" })), [third.id, second.id, first.id]);
    assert.deepEqual(ids(await listOk({ q: tag })), [first.id, third.id, second.id], "default: -updatedAt");
  });

  it("sorts by dueDate in both directions, projects without a due date last", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const march = await createProject(agent, `Due ${tag} march`, { dueDate: "2027-03-01" });
    const none = await createProject(agent, `Due ${tag} none`);
    const january = await createProject(agent, `Due ${tag} january`, { dueDate: "2027-01-15" });
    const february = await createProject(agent, `Due ${tag} february`, { dueDate: "2027-02-01" });
    assert.deepEqual(ids(await listOk({ q: tag, sort: "dueDate" })), [january.id, february.id, march.id, none.id]);
    assert.deepEqual(ids(await listOk({ q: tag, sort: "-dueDate" })), [march.id, february.id, january.id, none.id]);
  });

  it("combines search, sort and pages", async () => {
    const tag = marker();
    const { agent } = await loginAs("client");
    const late = await createProject(agent, `Combined ${tag} late`, { dueDate: "2028-06-01" });
    const early = await createProject(agent, `Combined ${tag} early`, { dueDate: "2027-06-01" });
    const middle = await createProject(agent, `Combined ${tag} middle`, { dueDate: "2027-12-01" });
    const one = await listOk({ q: tag, sort: "dueDate", pageSize: 2, page: 1 });
    assert.deepEqual(ids(one), [early.id, middle.id]);
    const two = await listOk({ q: tag, sort: "dueDate", pageSize: 2, page: 2 });
    assert.deepEqual(ids(two), [late.id]);
    assert.equal(two.pagination.total, 3);
  });

  it("answers 400 for an unknown sort", async () => {
    for (const sort of ["budgetCents", "--createdAt", "createdat", "password"]) {
      const response = await list({ sort });
      assert.equal(response.status, 400, `sort=${sort} → ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});
