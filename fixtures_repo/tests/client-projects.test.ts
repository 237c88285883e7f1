import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, ProjectUpdate, Service } from "@shared/schema";
import { clearOutbox, getOutbox } from "../server/services/email-service";
import { closeApp, getApp, loginAs, type TestAgent } from "./helpers";

after(closeApp);
beforeEach(clearOutbox);

const brief = {
  title: "Reception desk",
  description: "A curved reception desk in oak veneer for our new office, about 2.5 m wide.",
  budgetCents: 650_000,
  dueDate: "2027-02-01",
};

async function createProject(agent: TestAgent, overrides: Record<string, unknown> = {}): Promise<ClientProject> {
  const response = await agent.post("/api/client/projects").send({ ...brief, ...overrides });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.data;
}

describe("client projects", () => {
  it("requires a session", async () => {
    const response = await request(await getApp()).get("/api/client/projects");
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: "Unauthorized" });
  });

  it("creates a project request as an inquiry owned by the client", async () => {
    const { agent, user } = await loginAs("client");
    const services: Service[] = (await request(await getApp()).get("/api/services")).body.data;
    const project = await createProject(agent, { serviceId: services[0].id });
    assert.equal(project.status, "inquiry");
    assert.equal(project.userId, user.id);
    assert.equal(project.serviceId, services[0].id);
    assert.equal(project.dueDate, "2027-02-01");
  });

  it("validates a project request", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.post("/api/client/projects").send({ title: "x" });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.ok(Array.isArray(response.body.details));
  });

  it("rejects an unknown service", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.post("/api/client/projects").send({ ...brief, serviceId: 999_999 });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, "Unknown service");
  });

  it("lists only the client's own projects", async () => {
    const alice = await loginAs("client");
    const bob = await loginAs("client");
    const aliceProject = await createProject(alice.agent);
    const bobProject = await createProject(bob.agent);
    const response = await alice.agent.get("/api/client/projects");
    assert.equal(response.status, 200);
    const ids = (response.body.data as ClientProject[]).map((project) => project.id);
    assert.ok(ids.includes(aliceProject.id));
    assert.ok(!ids.includes(bobProject.id));
  });

  it("returns an own project and hides other clients' projects", async () => {
    const alice = await loginAs("client");
    const bob = await loginAs("client");
    const project = await createProject(alice.agent);
    const own = await alice.agent.get(`/api/client/projects/${project.id}`);
    assert.equal(own.status, 200);
    assert.equal(own.body.data.title, brief.title);
    const other = await bob.agent.get(`/api/client/projects/${project.id}`);
    assert.equal(other.status, 404);
    assert.equal(typeof other.body.error, "string");
  });

  it("lets the client edit the brief while it is an inquiry", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const response = await agent.patch(`/api/client/projects/${project.id}`).send({ budgetCents: 700_000 });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.budgetCents, 700_000);
  });

  it("locks the brief once work has started", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const { agent: admin } = await loginAs("admin");
    const started = await admin.patch(`/api/admin/client-projects/${project.id}`).send({ status: "in_progress" });
    assert.equal(started.status, 200);
    const response = await agent.patch(`/api/client/projects/${project.id}`).send({ title: "Bigger reception desk" });
    assert.equal(response.status, 409);
    assert.equal(typeof response.body.error, "string");
  });
});

describe("project updates", () => {
  it("lets the client post to and read their project's thread", async () => {
    const { agent, user } = await loginAs("client");
    const project = await createProject(agent);
    const posted = await agent.post(`/api/client/projects/${project.id}/updates`).send({ body: "Can we use walnut?" });
    assert.equal(posted.status, 201);
    assert.equal(posted.body.data.authorId, user.id);
    assert.equal(posted.body.data.isInternal, false);

    const thread = await agent.get(`/api/client/projects/${project.id}/updates`);
    assert.equal(thread.status, 200);
    assert.ok((thread.body.data as ProjectUpdate[]).some((update) => update.body === "Can we use walnut?"));
  });

  it("emails the client when the studio posts a public update", async () => {
    const { agent, email } = await loginAs("client");
    const project = await createProject(agent);
    const { agent: admin } = await loginAs("admin");
    const response = await admin
      .post(`/api/admin/client-projects/${project.id}/updates`)
      .send({ body: "Drawings attached for sign-off.", isInternal: false });
    assert.equal(response.status, 201);
    assert.equal(getOutbox().length, 1);
    assert.equal(getOutbox()[0].to, email);
  });

  it("does not email the client about internal notes", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const { agent: admin } = await loginAs("admin");
    const response = await admin
      .post(`/api/admin/client-projects/${project.id}/updates`)
      .send({ body: "Check the veneer stock before quoting.", isInternal: true });
    assert.equal(response.status, 201);
    assert.equal(response.body.data.isInternal, true);
    assert.equal(getOutbox().length, 0);
  });

  it("rejects an empty update", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const response = await agent.post(`/api/client/projects/${project.id}/updates`).send({ body: "" });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.body.details));
  });
});
