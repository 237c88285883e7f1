// Hidden tests for the internal-notes-hidden task (BUG-012).
// They talk to the API over HTTP only: the studio's internal notes never reach a client through the
// client routes; admins calling the same endpoint still see the whole thread.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, ProjectUpdate } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The demo client named in BUGS.md (seeded by `npm run db:seed` with SEED_CLIENT_PASSWORD). */
const DEMO_CLIENT_EMAIL = "maya.chen@northwind-cafe.example";

async function createProject(agent: TestAgent): Promise<ClientProject> {
  const response = await agent.post("/api/client/projects").send({
    title: "Window display plinths",
    description: "Three powder-coated plinths of different heights for the shop window.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

async function studioPost(admin: TestAgent, projectId: number, body: string, isInternal: boolean): Promise<ProjectUpdate> {
  const response = await admin.post(`/api/admin/client-projects/${projectId}/updates`).send({ body, isInternal });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ProjectUpdate>(response.body);
}

async function clientPost(agent: TestAgent, projectId: number, body: string): Promise<ProjectUpdate> {
  const response = await agent.post(`/api/client/projects/${projectId}/updates`).send({ body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ProjectUpdate>(response.body);
}

async function thread(agent: TestAgent, projectId: number): Promise<ProjectUpdate[]> {
  const response = await agent.get(`/api/client/projects/${projectId}/updates`);
  assert.equal(response.status, 200);
  const updates = dataOf<ProjectUpdate[]>(response.body);
  assert.ok(Array.isArray(updates));
  return updates;
}

/** A client project whose thread holds, in this order: a studio update, an internal note, the client's
 * reply, and a second internal note as the newest entry. */
async function projectWithMixedThread() {
  const client = await loginAs("client");
  const admin = (await loginAs("admin")).agent;
  const project = await createProject(client.agent);
  const studio = await studioPost(admin, project.id, "Drawings attached for your sign-off.", false);
  const noteA = await studioPost(admin, project.id, "Internal: powder coater is two weeks behind.", true);
  const reply = await clientPost(client.agent, project.id, "Looks good, go ahead.");
  const noteB = await studioPost(admin, project.id, "Internal: margin is thin on this one.", true);
  return { client, admin, project, studio, reply, notes: [noteA, noteB] };
}

describe("project updates: internal notes are hidden from clients (BUG-012)", () => {
  it("leaves internal notes out of the client's thread", async () => {
    const { client, project, notes } = await projectWithMixedThread();
    const updates = await thread(client.agent, project.id);
    assert.equal(
      updates.some((update) => update.isInternal),
      false,
      "no update with isInternal: true",
    );
    const ids = updates.map((update) => update.id);
    for (const note of notes) {
      assert.ok(!ids.includes(note.id), `internal note ${note.id} is not sent to the client`);
    }
  });

  it("gives the client exactly the public updates, oldest first", async () => {
    const { client, project, studio, reply } = await projectWithMixedThread();
    const updates = await thread(client.agent, project.id);
    assert.deepEqual(
      updates.map((update) => update.id),
      [studio.id, reply.id],
    );
    assert.deepEqual(
      updates.map((update) => update.body),
      ["Drawings attached for your sign-off.", "Looks good, go ahead."],
    );
  });

  it("gives the client an empty thread when the studio has only written internal notes", async () => {
    const client = await loginAs("client");
    const admin = (await loginAs("admin")).agent;
    const project = await createProject(client.agent);
    await studioPost(admin, project.id, "Internal: check the steel price before quoting.", true);
    assert.deepEqual(await thread(client.agent, project.id), []);
  });

  it("hides the seeded internal note from the demo client", async () => {
    const password = process.env.SEED_CLIENT_PASSWORD;
    assert.ok(password, "SEED_CLIENT_PASSWORD is set in .env");
    const agent = request.agent(await getApp());
    const login = await agent.post("/api/login").send({ email: DEMO_CLIENT_EMAIL, password });
    assert.equal(login.status, 200);
    const projects = dataOf<ClientProject[]>((await agent.get("/api/client/projects")).body);
    const counter = projects.find((project) => project.title === "Second location counter");
    assert.ok(counter, "the demo client's seeded project exists");
    const updates = await thread(agent, counter.id);
    assert.ok(updates.length >= 1, "the public studio update is still there");
    assert.equal(
      updates.some((update) => update.isInternal || update.body.startsWith("Internal:")),
      false,
    );
  });
});

describe("project updates: unchanged behaviour", () => {
  it("shows admins the whole thread, internal notes included, on the same endpoint", async () => {
    const { admin, project, studio, reply, notes } = await projectWithMixedThread();
    const updates = await thread(admin, project.id);
    assert.deepEqual(
      updates.map((update) => update.id),
      [studio.id, notes[0].id, reply.id, notes[1].id],
    );
    assert.deepEqual(
      updates.map((update) => update.isInternal),
      [false, true, false, true],
    );
  });

  it("lets the client post to the thread and read their post back", async () => {
    const client = await loginAs("client");
    const project = await createProject(client.agent);
    const posted = await clientPost(client.agent, project.id, "Could the tallest plinth be 1.2 m?");
    assert.equal(posted.isInternal, false);
    const updates = await thread(client.agent, project.id);
    assert.deepEqual(
      updates.map((update) => update.id),
      [posted.id],
    );
  });

  it("answers 404 to another client", async () => {
    const { project } = await projectWithMixedThread();
    const other = await loginAs("client");
    const response = await other.agent.get(`/api/client/projects/${project.id}/updates`);
    assert.equal(response.status, 404);
    assert.equal(response.body.data, undefined);
  });

  it("answers 401 without a session", async () => {
    const { project } = await projectWithMixedThread();
    const response = await request(await getApp()).get(`/api/client/projects/${project.id}/updates`);
    assert.equal(response.status, 401);
  });
});
