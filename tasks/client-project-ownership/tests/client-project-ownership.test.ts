// Hidden tests for the client-project-ownership task (BUG-005).
// They talk to the API over HTTP only: a client may change only their own project briefs; another
// client's project looks like it does not exist (404) and stays unchanged; admins are unaffected.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

const brief = {
  title: "Shop counter",
  description: "A steel-framed shop counter with an oak top, about 3 m long.",
  budgetCents: 480_000,
  dueDate: "2027-03-01",
};

async function createProject(agent: TestAgent): Promise<ClientProject> {
  const response = await agent.post("/api/client/projects").send(brief);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

/** The project as its owner sees it now. */
async function ownerView(owner: TestAgent, id: number): Promise<ClientProject> {
  const response = await owner.get(`/api/client/projects/${id}`);
  assert.equal(response.status, 200);
  return dataOf<ClientProject>(response.body);
}

async function adminAgent(): Promise<TestAgent> {
  return (await loginAs("admin")).agent;
}

function assertUnchanged(project: ClientProject, before: ClientProject): void {
  assert.equal(project.title, before.title);
  assert.equal(project.description, before.description);
  assert.equal(project.budgetCents, before.budgetCents);
  assert.equal(project.dueDate, before.dueDate);
}

describe("client projects: editing another client's brief (BUG-005)", () => {
  it("answers 404 with an error and leaves the project unchanged", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await intruder.agent.patch(`/api/client/projects/${project.id}`).send({ title: "mine now" });
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
    assert.equal(response.body.data, undefined, "the project is not sent back");
    assertUnchanged(await ownerView(owner.agent, project.id), project);
  });

  it("refuses a change of every editable field", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await intruder.agent.patch(`/api/client/projects/${project.id}`).send({
      title: "Someone else's counter",
      description: "Rewritten by a different client account entirely.",
      budgetCents: 1_000,
      dueDate: "2026-01-01",
    });
    assert.equal(response.status, 404);
    assertUnchanged(await ownerView(owner.agent, project.id), project);
  });

  it("answers 404 even for an empty change", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await intruder.agent.patch(`/api/client/projects/${project.id}`).send({});
    assert.equal(response.status, 404);
    assert.equal(response.body.data, undefined);
  });

  it("answers 404, not 409, for another client's locked project", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    const started = await (await adminAgent())
      .patch(`/api/admin/client-projects/${project.id}`)
      .send({ status: "in_progress" });
    assert.equal(started.status, 200);
    const response = await intruder.agent.patch(`/api/client/projects/${project.id}`).send({ title: "mine now" });
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
  });

  it("answers the same as for a project id that does not exist", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    const other = await intruder.agent.patch(`/api/client/projects/${project.id}`).send({ title: "mine now" });
    const missing = await intruder.agent.patch("/api/client/projects/2147480000").send({ title: "mine now" });
    assert.equal(missing.status, 404);
    assert.equal(other.status, missing.status);
    assert.deepEqual(Object.keys(other.body).sort(), Object.keys(missing.body).sort());
  });
});

describe("client projects: editing still works for owners and admins", () => {
  it("lets the owner edit the brief while it is an inquiry", async () => {
    const owner = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await owner.agent
      .patch(`/api/client/projects/${project.id}`)
      .send({ title: "Longer shop counter", budgetCents: 520_000 });
    assert.equal(response.status, 200);
    const updated = dataOf<ClientProject>(response.body);
    assert.equal(updated.title, "Longer shop counter");
    assert.equal(updated.budgetCents, 520_000);
    assert.equal((await ownerView(owner.agent, project.id)).title, "Longer shop counter");
  });

  it("still answers 409 to the owner once work has started", async () => {
    const owner = await loginAs("client");
    const project = await createProject(owner.agent);
    const started = await (await adminAgent())
      .patch(`/api/admin/client-projects/${project.id}`)
      .send({ status: "in_progress" });
    assert.equal(started.status, 200);
    const response = await owner.agent.patch(`/api/client/projects/${project.id}`).send({ title: "Too late" });
    assert.equal(response.status, 409);
  });

  it("lets the owner edit after another client was refused", async () => {
    const owner = await loginAs("client");
    const intruder = await loginAs("client");
    const project = await createProject(owner.agent);
    await intruder.agent.patch(`/api/client/projects/${project.id}`).send({ title: "mine now" });
    const response = await owner.agent.patch(`/api/client/projects/${project.id}`).send({ title: "Still mine" });
    assert.equal(response.status, 200);
    assert.equal(dataOf<ClientProject>(response.body).title, "Still mine");
  });

  it("lets an admin edit a client's brief", async () => {
    const owner = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await (await adminAgent())
      .patch(`/api/client/projects/${project.id}`)
      .send({ description: "Clarified by the studio after the first call." });
    assert.equal(response.status, 200);
    assert.equal(
      (await ownerView(owner.agent, project.id)).description,
      "Clarified by the studio after the first call.",
    );
  });

  it("answers 401 without a session", async () => {
    const owner = await loginAs("client");
    const project = await createProject(owner.agent);
    const response = await request(await getApp())
      .patch(`/api/client/projects/${project.id}`)
      .send({ title: "Anonymous" });
    assert.equal(response.status, 401);
    assertUnchanged(await ownerView(owner.agent, project.id), project);
  });
});
