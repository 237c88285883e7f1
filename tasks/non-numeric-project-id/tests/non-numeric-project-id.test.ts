// Hidden tests for the non-numeric-project-id task (BUG-006): the client-portal project routes answer
// 400 { error } for a project id that is not a positive whole number, instead of a 500.
// HTTP only; every test signs in a fresh client and creates its own project where it needs one.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, ProjectUpdate } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

const brief = {
  title: "Display shelving",
  description: "Wall-mounted shelving in powder-coated steel for the shop's back wall.",
};

async function createProject(agent: TestAgent): Promise<ClientProject> {
  const response = await agent.post("/api/client/projects").send(brief);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

/** A 400 answer in the standard error shape: `{ error: "<sentence>" }`. */
function assertBadRequest(response: request.Response, what: string): void {
  assert.equal(response.status, 400, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body.error, "string", `${what}: the body has an error message`);
}

describe("client projects: invalid project ids (BUG-006)", () => {
  it("answers 400 to reading a project with a non-numeric id", async () => {
    const { agent } = await loginAs("client");
    assertBadRequest(await agent.get("/api/client/projects/abc"), "GET /api/client/projects/abc");
  });

  it("answers 400 to editing a project with a non-numeric id", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.patch("/api/client/projects/abc").send({ title: "A valid new title" });
    assertBadRequest(response, "PATCH /api/client/projects/abc");
  });

  it("answers 400 to reading the updates of a non-numeric project id", async () => {
    const { agent } = await loginAs("client");
    assertBadRequest(await agent.get("/api/client/projects/abc/updates"), "GET /api/client/projects/abc/updates");
  });

  it("answers 400 to posting an update to a non-numeric project id", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.post("/api/client/projects/abc/updates").send({ body: "Any news on the shelving?" });
    assertBadRequest(response, "POST /api/client/projects/abc/updates");
  });

  it("answers 400 to ids that are not positive whole numbers", async () => {
    const { agent } = await loginAs("client");
    for (const id of ["1.5", "12abc", "0", "-1", "1e3"]) {
      assertBadRequest(await agent.get(`/api/client/projects/${id}`), `GET /api/client/projects/${id}`);
      assertBadRequest(
        await agent.patch(`/api/client/projects/${id}`).send({ title: "A valid new title" }),
        `PATCH /api/client/projects/${id}`,
      );
      assertBadRequest(await agent.get(`/api/client/projects/${id}/updates`), `GET /api/client/projects/${id}/updates`);
      assertBadRequest(
        await agent.post(`/api/client/projects/${id}/updates`).send({ body: "Any news?" }),
        `POST /api/client/projects/${id}/updates`,
      );
    }
  });

  it("answers 400 to an admin using a non-numeric id too", async () => {
    const { agent } = await loginAs("admin");
    assertBadRequest(await agent.get("/api/client/projects/abc"), "GET /api/client/projects/abc as admin");
    assertBadRequest(await agent.get("/api/client/projects/abc/updates"), "GET …/abc/updates as admin");
  });
});

describe("client projects: valid ids keep working", () => {
  it("still requires a session, whatever the id", async () => {
    const app = await getApp();
    assert.equal((await request(app).get("/api/client/projects/abc")).status, 401);
    assert.equal((await request(app).patch("/api/client/projects/abc").send({ title: "Nope" })).status, 401);
    assert.equal((await request(app).get("/api/client/projects/abc/updates")).status, 401);
    assert.equal((await request(app).post("/api/client/projects/abc/updates").send({ body: "Nope" })).status, 401);
  });

  it("reads, edits and posts to an own project by its id", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const read = await agent.get(`/api/client/projects/${project.id}`);
    assert.equal(read.status, 200);
    assert.equal(dataOf<ClientProject>(read.body).id, project.id);
    const edited = await agent.patch(`/api/client/projects/${project.id}`).send({ title: "Taller display shelving" });
    assert.equal(edited.status, 200);
    assert.equal(dataOf<ClientProject>(edited.body).title, "Taller display shelving");
    const posted = await agent.post(`/api/client/projects/${project.id}/updates`).send({ body: "Could it be 3 m tall?" });
    assert.equal(posted.status, 201);
    const updates = await agent.get(`/api/client/projects/${project.id}/updates`);
    assert.equal(updates.status, 200);
    assert.ok(dataOf<ProjectUpdate[]>(updates.body).some((update) => update.body === "Could it be 3 m tall?"));
  });

  it("answers 404 for a well-formed id that no project has", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await agent.get(`/api/client/projects/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await agent.patch(`/api/client/projects/${UNKNOWN_ID}`).send({ title: "A valid new title" })).status, 404);
    assert.equal((await agent.get(`/api/client/projects/${UNKNOWN_ID}/updates`)).status, 404);
    assert.equal((await agent.post(`/api/client/projects/${UNKNOWN_ID}/updates`).send({ body: "Hello?" })).status, 404);
  });

  it("hides another client's project with 404", async () => {
    const owner = await loginAs("client");
    const other = await loginAs("client");
    const project = await createProject(owner.agent);
    assert.equal((await other.agent.get(`/api/client/projects/${project.id}`)).status, 404);
    assert.equal((await other.agent.get(`/api/client/projects/${project.id}/updates`)).status, 404);
  });

  it("still validates the body of an edit", async () => {
    const { agent } = await loginAs("client");
    const project = await createProject(agent);
    const response = await agent.patch(`/api/client/projects/${project.id}`).send({ title: "x" });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.body.details));
  });
});
