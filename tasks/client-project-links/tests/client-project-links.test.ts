// Hidden tests for the client-project-links task: links a client shares on their own project, read by
// the studio. HTTP only. Every test creates its own clients and projects through the client API.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a link the API must return (declared here: the tests do not import new types). */
interface ProjectLink {
  id: number;
  clientProjectId: number;
  label: string;
  url: string;
  createdBy: string | null;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function clientWithProject(): Promise<{ agent: TestAgent; userId: string; project: ClientProject }> {
  const { agent, user } = await loginAs("client");
  const response = await agent.post("/api/client/projects").send({
    title: "Links test project",
    description: "A project created by the link tests, for an oak dining table.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { agent, userId: user.id, project: dataOf<ClientProject>(response.body) };
}

function linkUrl(name: string): string {
  return `https://boards.alloy-tests.example/${name}`;
}

function linksPath(projectId: number | string): string {
  return `/api/client/projects/${projectId}/links`;
}

async function addLinkOk(agent: TestAgent, projectId: number, body: Record<string, unknown>): Promise<ProjectLink> {
  const response = await agent.post(linksPath(projectId)).send(body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ProjectLink>(response.body);
}

async function listLinks(agent: TestAgent, projectId: number): Promise<ProjectLink[]> {
  const response = await agent.get(linksPath(projectId));
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const links = dataOf<ProjectLink[]>(response.body);
  assert.ok(Array.isArray(links), "the link list is an array");
  return links;
}

async function adminLinks(projectId: number): Promise<ProjectLink[]> {
  const response = await admin.get(`/api/admin/client-projects/${projectId}/links`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ProjectLink[]>(response.body);
}

describe("project links: client add", () => {
  it("adds a link to the client's own project and answers 201 with it", async () => {
    const { agent, userId, project } = await clientWithProject();
    const response = await agent.post(linksPath(project.id)).send({ label: "Mood board", url: linkUrl("mood") });
    assert.equal(response.status, 201);
    const link = dataOf<ProjectLink>(response.body);
    assert.equal(typeof link.id, "number");
    assert.equal(link.clientProjectId, project.id);
    assert.equal(link.label, "Mood board");
    assert.equal(link.url, linkUrl("mood"));
    assert.equal(link.createdBy, userId);
  });

  it("records the signed-in user as creator, whatever the body says", async () => {
    const { agent, userId, project } = await clientWithProject();
    const { user: someoneElse } = await loginAs("client");
    const link = await addLinkOk(agent, project.id, {
      label: "Drive",
      url: linkUrl("drive"),
      createdBy: someoneElse.id,
      clientProjectId: UNKNOWN_ID,
    });
    assert.equal(link.createdBy, userId);
    assert.equal(link.clientProjectId, project.id);
  });

  it("rejects a missing, empty or too long label with 400", async () => {
    const { agent, project } = await clientWithProject();
    assert.equal((await agent.post(linksPath(project.id)).send({ url: linkUrl("a") })).status, 400);
    assert.equal((await agent.post(linksPath(project.id)).send({ label: "", url: linkUrl("b") })).status, 400);
    assert.equal((await agent.post(linksPath(project.id)).send({ label: "   ", url: linkUrl("c") })).status, 400);
    const long = await agent.post(linksPath(project.id)).send({ label: "l".repeat(121), url: linkUrl("d") });
    assert.equal(long.status, 400);
    const max = await agent.post(linksPath(project.id)).send({ label: "l".repeat(120), url: linkUrl("e") });
    assert.equal(max.status, 201);
  });

  it("rejects a url that is not an http(s) URL with 400", async () => {
    const { agent, project } = await clientWithProject();
    for (const url of ["not a url", "ftp://files.alloy-tests.example/a", "javascript:alert(1)", "", undefined]) {
      const response = await agent.post(linksPath(project.id)).send({ label: "Bad", url });
      assert.equal(response.status, 400, `url ${JSON.stringify(url)}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.deepEqual(await listLinks(agent, project.id), []);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const { agent } = await clientWithProject();
    const response = await agent.post(linksPath("abc")).send({ label: "Abc", url: linkUrl("abc") });
    assert.equal(response.status, 400);
  });

  it("answers 404 for another client's project and adds nothing", async () => {
    const { project } = await clientWithProject();
    const { agent: stranger } = await clientWithProject();
    const response = await stranger.post(linksPath(project.id)).send({ label: "Sneaky", url: linkUrl("sneaky") });
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
    assert.deepEqual(await adminLinks(project.id), []);
  });

  it("answers 404 for an unknown project", async () => {
    const { agent } = await clientWithProject();
    const response = await agent.post(linksPath(UNKNOWN_ID)).send({ label: "Nowhere", url: linkUrl("nowhere") });
    assert.equal(response.status, 404);
  });
});

describe("project links: client list", () => {
  it("lists the project's links, oldest first", async () => {
    const { agent, project } = await clientWithProject();
    const first = await addLinkOk(agent, project.id, { label: "First", url: linkUrl("first") });
    const second = await addLinkOk(agent, project.id, { label: "Second", url: linkUrl("second") });
    const third = await addLinkOk(agent, project.id, { label: "Third", url: linkUrl("third") });
    assert.deepEqual(
      (await listLinks(agent, project.id)).map((link) => link.id),
      [first.id, second.id, third.id],
    );
  });

  it("lists an empty project as an empty list", async () => {
    const { agent, project } = await clientWithProject();
    assert.deepEqual(await listLinks(agent, project.id), []);
  });

  it("lists only that project's links", async () => {
    const { agent, project } = await clientWithProject();
    const other = dataOf<ClientProject>(
      (
        await agent.post("/api/client/projects").send({
          title: "Second links project",
          description: "Another project of the same client, for a bench.",
        })
      ).body,
    );
    const mine = await addLinkOk(agent, project.id, { label: "Mine", url: linkUrl("mine") });
    await addLinkOk(agent, other.id, { label: "Other", url: linkUrl("other") });
    assert.deepEqual(
      (await listLinks(agent, project.id)).map((link) => link.id),
      [mine.id],
    );
  });

  it("answers 404 to another client and shows nothing", async () => {
    const { agent, project } = await clientWithProject();
    await addLinkOk(agent, project.id, { label: "Private", url: linkUrl("private-board") });
    const { agent: stranger } = await clientWithProject();
    const response = await stranger.get(linksPath(project.id));
    assert.equal(response.status, 404);
    assert.ok(!JSON.stringify(response.body).includes("private-board"));
  });

  it("rejects a non-numeric project id with 400", async () => {
    const { agent } = await clientWithProject();
    assert.equal((await agent.get(linksPath("abc"))).status, 400);
  });
});

describe("project links: client delete", () => {
  it("deletes a link from the client's own project", async () => {
    const { agent, project } = await clientWithProject();
    const keep = await addLinkOk(agent, project.id, { label: "Keep", url: linkUrl("keep") });
    const drop = await addLinkOk(agent, project.id, { label: "Drop", url: linkUrl("drop") });
    const response = await agent.delete(`${linksPath(project.id)}/${drop.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      (await listLinks(agent, project.id)).map((link) => link.id),
      [keep.id],
    );
    const again = await agent.delete(`${linksPath(project.id)}/${drop.id}`);
    assert.equal(again.status, 404);
  });

  it("answers 404 to another client and keeps the link", async () => {
    const { agent, project } = await clientWithProject();
    const link = await addLinkOk(agent, project.id, { label: "Owned", url: linkUrl("owned") });
    const { agent: stranger } = await clientWithProject();
    const response = await stranger.delete(`${linksPath(project.id)}/${link.id}`);
    assert.equal(response.status, 404);
    assert.deepEqual(
      (await listLinks(agent, project.id)).map((entry) => entry.id),
      [link.id],
    );
  });

  it("answers 404 when the link belongs to another project, and keeps it", async () => {
    const owner = await clientWithProject();
    const link = await addLinkOk(owner.agent, owner.project.id, { label: "Elsewhere", url: linkUrl("elsewhere") });
    const thief = await clientWithProject();
    const response = await thief.agent.delete(`${linksPath(thief.project.id)}/${link.id}`);
    assert.equal(response.status, 404);
    assert.deepEqual(
      (await listLinks(owner.agent, owner.project.id)).map((entry) => entry.id),
      [link.id],
    );
  });

  it("rejects a non-numeric link id with 400", async () => {
    const { agent, project } = await clientWithProject();
    assert.equal((await agent.delete(`${linksPath(project.id)}/abc`)).status, 400);
  });

  it("answers 404 for an unknown link", async () => {
    const { agent, project } = await clientWithProject();
    assert.equal((await agent.delete(`${linksPath(project.id)}/${UNKNOWN_ID}`)).status, 404);
  });
});

describe("project links: admin view", () => {
  it("lists a client's links on the admin route", async () => {
    const { agent, userId, project } = await clientWithProject();
    const link = await addLinkOk(agent, project.id, { label: "For the studio", url: linkUrl("studio") });
    const links = await adminLinks(project.id);
    assert.deepEqual(
      links.map((entry) => [entry.id, entry.label, entry.url, entry.createdBy]),
      [[link.id, "For the studio", linkUrl("studio"), userId]],
    );
  });

  it("answers 404 for an unknown project and 400 for a non-numeric id", async () => {
    assert.equal((await admin.get(`/api/admin/client-projects/${UNKNOWN_ID}/links`)).status, 404);
    assert.equal((await admin.get("/api/admin/client-projects/abc/links")).status, 400);
  });

  it("answers 403 to a client on the admin route, even for their own project", async () => {
    const { agent, project } = await clientWithProject();
    const response = await agent.get(`/api/admin/client-projects/${project.id}/links`);
    assert.equal(response.status, 403);
  });
});

describe("project links: access", () => {
  it("answers 401 without a session", async () => {
    const { agent, project } = await clientWithProject();
    const link = await addLinkOk(agent, project.id, { label: "Target", url: linkUrl("target") });
    const app = await getApp();
    const calls: [string, () => Promise<{ status: number }>][] = [
      ["list", () => request(app).get(linksPath(project.id))],
      ["add", () => request(app).post(linksPath(project.id)).send({ label: "Anonymous", url: linkUrl("anon") })],
      ["delete", () => request(app).delete(`${linksPath(project.id)}/${link.id}`)],
      ["admin list", () => request(app).get(`/api/admin/client-projects/${project.id}/links`)],
    ];
    for (const [label, call] of calls) {
      assert.equal((await call()).status, 401, label);
    }
    assert.deepEqual(
      (await listLinks(agent, project.id)).map((entry) => entry.id),
      [link.id],
    );
  });
});
