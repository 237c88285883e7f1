// Hidden tests for the update-read-receipts task: clients mark studio updates on their projects as read,
// the project list and detail show an unread count, and admins see who read each update and when.
//
// An update counts as unread for the project's owner when it is visible to clients (not an internal
// note), someone else wrote it, and the owner has not marked it read. HTTP only; every test makes its own
// client, project and updates.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The fields the API must return (declared here: the tests do not import new types). */
interface ProjectView {
  id: number;
  userId: string;
  title: string;
  unreadCount: number;
}

interface UpdateView {
  id: number;
  body: string;
  isInternal: boolean;
  isRead: boolean;
  readAt: string | null;
}

interface ReceiptView {
  updateId: number;
  readAt: string;
}

interface MarkAllView {
  marked: number;
  unreadCount: number;
}

interface ReaderView {
  userId: string;
  email: string;
  readAt: string;
}

interface AdminUpdateView {
  id: number;
  isInternal: boolean;
  reads: ReaderView[];
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

interface Client {
  agent: TestAgent;
  userId: string;
  email: string;
}

async function newClient(): Promise<Client> {
  const { agent, user, email } = await loginAs("client");
  return { agent, userId: user.id, email };
}

async function newProject(client: Client, title = "Reading room shelving"): Promise<ProjectView> {
  const response = await client.agent.post("/api/client/projects").send({
    title,
    description: "Floor-to-ceiling shelving in ash for a small reading room, with a rolling ladder.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ProjectView>(response.body);
}

async function studioUpdate(projectId: number, isInternal = false, body = "Drawings attached."): Promise<UpdateView> {
  const response = await admin.post(`/api/admin/client-projects/${projectId}/updates`).send({ body, isInternal });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<UpdateView>(response.body);
}

async function clientUpdate(client: Client, projectId: number, body = "Could we try walnut?"): Promise<UpdateView> {
  const response = await client.agent.post(`/api/client/projects/${projectId}/updates`).send({ body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<UpdateView>(response.body);
}

async function detail(client: Client, projectId: number): Promise<ProjectView> {
  const response = await client.agent.get(`/api/client/projects/${projectId}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ProjectView>(response.body);
}

async function listed(client: Client, projectId: number): Promise<ProjectView> {
  const response = await client.agent.get("/api/client/projects");
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const project = dataOf<ProjectView[]>(response.body).find((p) => p.id === projectId);
  assert.ok(project, "the project is listed");
  return project;
}

/** The unread count as both the list and the detail show it (they must agree). */
async function unread(client: Client, projectId: number): Promise<number> {
  const fromList = (await listed(client, projectId)).unreadCount;
  const fromDetail = (await detail(client, projectId)).unreadCount;
  assert.equal(fromList, fromDetail, "the list and the detail disagree");
  return fromDetail;
}

async function updates(client: Client, projectId: number): Promise<UpdateView[]> {
  const response = await client.agent.get(`/api/client/projects/${projectId}/updates`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<UpdateView[]>(response.body);
}

async function updateView(client: Client, projectId: number, updateId: number): Promise<UpdateView> {
  const found = (await updates(client, projectId)).find((update) => update.id === updateId);
  assert.ok(found, `update ${updateId} is listed`);
  return found;
}

function markRead(agent: TestAgent, projectId: number | string, updateId: number | string) {
  return agent.post(`/api/client/projects/${projectId}/updates/${updateId}/read`).send();
}

async function markReadOk(client: Client, projectId: number, updateId: number): Promise<ReceiptView> {
  const response = await markRead(client.agent, projectId, updateId);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<ReceiptView>(response.body);
}

function markAll(agent: TestAgent, projectId: number | string, body?: unknown) {
  const call = agent.post(`/api/client/projects/${projectId}/read`);
  return body === undefined ? call.send() : call.send(body as object);
}

async function markAllOk(client: Client, projectId: number, body?: unknown): Promise<MarkAllView> {
  const response = await markAll(client.agent, projectId, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<MarkAllView>(response.body);
}

async function adminUpdates(projectId: number): Promise<AdminUpdateView[]> {
  const response = await admin.get(`/api/admin/client-projects/${projectId}/updates`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<AdminUpdateView[]>(response.body);
}

describe("read receipts: unread counts", () => {
  it("shows an unread count of 0 on a project without updates, in the list and the detail", async () => {
    const client = await newClient();
    const project = await newProject(client);
    assert.equal((await listed(client, project.id)).unreadCount, 0);
    assert.equal((await detail(client, project.id)).unreadCount, 0);
  });

  it("counts the studio's updates as unread for the project's owner", async () => {
    const client = await newClient();
    const project = await newProject(client);
    await studioUpdate(project.id);
    await studioUpdate(project.id, false, "The veneer samples arrived.");
    assert.equal(await unread(client, project.id), 2);
  });

  it("never counts internal notes", async () => {
    const client = await newClient();
    const project = await newProject(client);
    await studioUpdate(project.id, true, "Internal: check the budget before quoting.");
    await studioUpdate(project.id);
    assert.equal(await unread(client, project.id), 1);
  });

  it("counts the client's own updates as read", async () => {
    const client = await newClient();
    const project = await newProject(client);
    await clientUpdate(client, project.id);
    await studioUpdate(project.id);
    await clientUpdate(client, project.id, "Thanks, looks good.");
    assert.equal(await unread(client, project.id), 1);
    const own = (await updates(client, project.id)).filter((update) => update.body.startsWith("Could we") || update.body.startsWith("Thanks"));
    assert.equal(own.length, 2);
    assert.ok(own.every((update) => update.isRead === true), "the client's own updates are read");
  });

  it("counts each project on its own in the project list", async () => {
    const client = await newClient();
    const first = await newProject(client, "Kitchen island");
    const second = await newProject(client, "Garden bench");
    const third = await newProject(client, "Hall mirror");
    await studioUpdate(first.id);
    await studioUpdate(second.id);
    await studioUpdate(second.id);
    await studioUpdate(second.id);
    const response = await client.agent.get("/api/client/projects");
    assert.equal(response.status, 200);
    const counts = new Map(dataOf<ProjectView[]>(response.body).map((p) => [p.id, p.unreadCount]));
    assert.equal(counts.get(first.id), 1);
    assert.equal(counts.get(second.id), 3);
    assert.equal(counts.get(third.id), 0);
  });

  it("shows in the update list which updates the client has read", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const read = await studioUpdate(project.id);
    const notRead = await studioUpdate(project.id);
    const receipt = await markReadOk(client, project.id, read.id);
    const list = await updates(client, project.id);
    const readView = list.find((update) => update.id === read.id);
    const unreadView = list.find((update) => update.id === notRead.id);
    assert.ok(readView && unreadView);
    assert.equal(readView.isRead, true);
    assert.equal(Date.parse(readView.readAt ?? ""), Date.parse(receipt.readAt));
    assert.equal(unreadView.isRead, false);
    assert.equal(unreadView.readAt, null);
  });
});

describe("read receipts: marking one update", () => {
  it("marks a studio update as read and lowers the unread count", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    await studioUpdate(project.id);
    const before = Date.now();
    const receipt = await markReadOk(client, project.id, update.id);
    assert.equal(receipt.updateId, update.id);
    assert.ok(Math.abs(Date.parse(receipt.readAt) - before) < 60_000, `readAt ${receipt.readAt} is not now`);
    assert.equal(await unread(client, project.id), 1);
  });

  it("is idempotent: marking again answers 200 and keeps the first read time", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    const first = await markReadOk(client, project.id, update.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await markReadOk(client, project.id, update.id);
    assert.equal(Date.parse(second.readAt), Date.parse(first.readAt));
    assert.equal(await unread(client, project.id), 0);
    assert.equal(Date.parse((await updateView(client, project.id, update.id)).readAt ?? ""), Date.parse(first.readAt));
  });

  it("records one receipt when the same update is marked many times at once", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    const responses = await Promise.all(Array.from({ length: 6 }, () => markRead(client.agent, project.id, update.id)));
    for (const response of responses) {
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }
    const times = new Set(responses.map((response) => Date.parse(dataOf<ReceiptView>(response.body).readAt)));
    assert.equal(times.size, 1, "every answer gives the same read time");
    const reads = (await adminUpdates(project.id)).find((u) => u.id === update.id)?.reads ?? [];
    assert.equal(reads.length, 1);
  });

  it("answers 404 for an internal note, which stays out of the receipts", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const note = await studioUpdate(project.id, true, "Internal: supplier is late.");
    const response = await markRead(client.agent, project.id, note.id);
    assert.equal(response.status, 404, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.deepEqual((await adminUpdates(project.id)).find((u) => u.id === note.id)?.reads, []);
  });

  it("answers 404 for an update of another project, and marks nothing", async () => {
    const client = await newClient();
    const mine = await newProject(client, "Desk");
    const other = await newProject(client, "Chair");
    const otherUpdate = await studioUpdate(other.id);
    const response = await markRead(client.agent, mine.id, otherUpdate.id);
    assert.equal(response.status, 404);
    assert.equal(await unread(client, other.id), 1);
  });

  it("answers 404 for an unknown update", async () => {
    const client = await newClient();
    const project = await newProject(client);
    assert.equal((await markRead(client.agent, project.id, UNKNOWN_ID)).status, 404);
  });

  it("answers 404 on another client's project, and records nothing", async () => {
    const owner = await newClient();
    const stranger = await newClient();
    const project = await newProject(owner);
    const update = await studioUpdate(project.id);
    const response = await markRead(stranger.agent, project.id, update.id);
    assert.equal(response.status, 404);
    assert.equal(await unread(owner, project.id), 1);
    assert.deepEqual((await adminUpdates(project.id)).find((u) => u.id === update.id)?.reads, []);
  });

  it("answers 400 for a non-numeric project or update id", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    assert.equal((await markRead(client.agent, "abc", update.id)).status, 400);
    assert.equal((await markRead(client.agent, project.id, "latest")).status, 400);
    assert.equal(await unread(client, project.id), 1);
  });
});

describe("read receipts: marking a whole project", () => {
  it("marks every update of the project as read", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const updatesPosted = [await studioUpdate(project.id), await studioUpdate(project.id), await studioUpdate(project.id)];
    await studioUpdate(project.id, true, "Internal: margin is thin.");
    await clientUpdate(client, project.id);
    const result = await markAllOk(client, project.id);
    assert.equal(result.unreadCount, 0);
    assert.equal(result.marked, updatesPosted.length, "marked counts the updates that were unread");
    assert.equal(await unread(client, project.id), 0);
    const list = await updates(client, project.id);
    for (const posted of updatesPosted) {
      const view = list.find((update) => update.id === posted.id);
      assert.ok(view && view.isRead && view.readAt, `update ${posted.id} is read`);
    }
  });

  it("counts only the updates it newly marked, and keeps earlier read times", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const early = await studioUpdate(project.id);
    await studioUpdate(project.id);
    await studioUpdate(project.id);
    const earlyReceipt = await markReadOk(client, project.id, early.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await markAllOk(client, project.id);
    assert.equal(result.marked, 2);
    assert.equal(result.unreadCount, 0);
    assert.equal(Date.parse((await updateView(client, project.id, early.id)).readAt ?? ""), Date.parse(earlyReceipt.readAt));
    const again = await markAllOk(client, project.id);
    assert.deepEqual(again, { marked: 0, unreadCount: 0 });
  });

  it("leaves later updates unread when given upToUpdateId", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const first = await studioUpdate(project.id);
    const seen = await studioUpdate(project.id);
    const later = await studioUpdate(project.id);
    const result = await markAllOk(client, project.id, { upToUpdateId: seen.id });
    assert.equal(result.marked, 2);
    assert.equal(result.unreadCount, 1);
    assert.equal((await updateView(client, project.id, first.id)).isRead, true);
    assert.equal((await updateView(client, project.id, seen.id)).isRead, true);
    assert.equal((await updateView(client, project.id, later.id)).isRead, false);
    assert.equal(await unread(client, project.id), 1);
  });

  it("answers 400 for an upToUpdateId that is not an update of the project, or not an id", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const other = await newProject(client, "Other piece");
    const otherUpdate = await studioUpdate(other.id);
    await studioUpdate(project.id);
    for (const body of [{ upToUpdateId: otherUpdate.id }, { upToUpdateId: UNKNOWN_ID }, { upToUpdateId: "1" }, { upToUpdateId: -3 }, { upToUpdateId: 1.5 }]) {
      const response = await markAll(client.agent, project.id, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(await unread(client, project.id), 1, "a refused request marks nothing");
  });

  it("counts updates posted after marking everything read as unread again", async () => {
    const client = await newClient();
    const project = await newProject(client);
    await studioUpdate(project.id);
    await markAllOk(client, project.id);
    await studioUpdate(project.id, false, "Installation is booked for Tuesday.");
    assert.equal(await unread(client, project.id), 1);
  });

  it("answers 404 on another client's project and marks nothing", async () => {
    const owner = await newClient();
    const stranger = await newClient();
    const project = await newProject(owner);
    await studioUpdate(project.id);
    const response = await markAll(stranger.agent, project.id);
    assert.equal(response.status, 404);
    assert.equal(await unread(owner, project.id), 1);
    assert.equal((await markAll(owner.agent, "abc")).status, 400);
    assert.equal((await markAll(owner.agent, UNKNOWN_ID)).status, 404);
  });
});

describe("read receipts: the studio's view", () => {
  it("shows per update which client read it and when", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const read = await studioUpdate(project.id);
    const unreadUpdate = await studioUpdate(project.id);
    const receipt = await markReadOk(client, project.id, read.id);
    const list = await adminUpdates(project.id);
    const readView = list.find((update) => update.id === read.id);
    const unreadView = list.find((update) => update.id === unreadUpdate.id);
    assert.ok(readView && unreadView);
    assert.equal(readView.reads.length, 1);
    assert.equal(readView.reads[0].userId, client.userId);
    assert.equal(readView.reads[0].email, client.email);
    assert.equal(Date.parse(readView.reads[0].readAt), Date.parse(receipt.readAt));
    assert.deepEqual(unreadView.reads, []);
  });

  it("lists every update of the project, internal notes included, oldest first", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const a = await studioUpdate(project.id);
    const note = await studioUpdate(project.id, true, "Internal: order the hinges.");
    const b = await clientUpdate(client, project.id);
    const ids = (await adminUpdates(project.id)).map((update) => update.id);
    assert.deepEqual(ids, [a.id, note.id, b.id]);
  });

  it("answers 404 for an unknown project and 400 for a non-numeric id", async () => {
    assert.equal((await admin.get(`/api/admin/client-projects/${UNKNOWN_ID}/updates`)).status, 404);
    assert.equal((await admin.get("/api/admin/client-projects/abc/updates")).status, 400);
  });
});

describe("read receipts: access", () => {
  it("answers 401 without a session", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    const app = await getApp();
    const calls = [
      request(app).post(`/api/client/projects/${project.id}/updates/${update.id}/read`).send(),
      request(app).post(`/api/client/projects/${project.id}/read`).send(),
      request(app).get(`/api/admin/client-projects/${project.id}/updates`),
    ];
    for (const [index, call] of calls.entries()) {
      const response = await call;
      assert.equal(response.status, 401, `call ${index + 1} answered ${response.status}`);
      assert.deepEqual(response.body, { error: "Unauthorized" });
    }
    assert.equal(await unread(client, project.id), 1);
  });

  it("answers 403 to a client asking for the studio's view", async () => {
    const client = await newClient();
    const project = await newProject(client);
    await studioUpdate(project.id);
    const response = await client.agent.get(`/api/admin/client-projects/${project.id}/updates`);
    assert.equal(response.status, 403);
  });

  it("does not let an admin mark a client's updates as read", async () => {
    const client = await newClient();
    const project = await newProject(client);
    const update = await studioUpdate(project.id);
    assert.equal((await markRead(admin, project.id, update.id)).status, 404);
    assert.equal((await markAll(admin, project.id)).status, 404);
    assert.equal(await unread(client, project.id), 1);
    assert.deepEqual((await adminUpdates(project.id)).find((u) => u.id === update.id)?.reads, []);
  });
});
