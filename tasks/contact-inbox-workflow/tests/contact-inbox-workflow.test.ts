// Hidden tests for the contact-inbox-workflow task: workflow status, assignment, internal notes and
// optimistic concurrency on contact messages, through the admin API. HTTP only. Every test sends its own
// messages through the public contact form and assigns them to freshly created admins, so the seed data
// and other tests never get in the way.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a message the workflow adds (declared here: the tests do not import new types). */
interface Message {
  id: number;
  subject: string;
  status: string;
  workflowStatus: string;
  assigneeId: string | null;
  resolvedAt: string | null;
  version: number;
}

interface Note {
  id: number;
  authorId: string | null;
  body: string;
  createdAt: string;
}

type MessageWithNotes = Message & { notes: Note[] };

const UNKNOWN_ID = 2_147_483_647;

let admin: TestAgent;
let adminId: string;

before(async () => {
  const signedIn = await loginAs("admin");
  admin = signedIn.agent;
  adminId = signedIn.user.id;
});

async function sendMessage(extra: Record<string, unknown> = {}): Promise<number> {
  const response = await request(await getApp())
    .post("/api/contact")
    .send({
      name: "Robin Vale",
      email: uniqueEmail("workflow"),
      subject: `Workflow test ${randomUUID().slice(0, 8)}`,
      message: "Could you quote for a steel balustrade on a 14-step stair?",
      ...extra,
    });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<{ id: number }>(response.body).id;
}

async function detail(id: number, agent: TestAgent = admin): Promise<MessageWithNotes> {
  const response = await agent.get(`/api/admin/contact-messages/${id}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<MessageWithNotes>(response.body);
}

function change(id: number | string, body: unknown, agent: TestAgent = admin) {
  return agent.patch(`/api/admin/contact-messages/${id}/workflow`).send(body as object);
}

async function changeOk(id: number, body: Record<string, unknown>, agent: TestAgent = admin): Promise<Message> {
  const response = await change(id, body, agent);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<Message>(response.body);
}

function addNote(id: number | string, body: unknown, agent: TestAgent = admin) {
  return agent.post(`/api/admin/contact-messages/${id}/notes`).send(body as object);
}

async function inbox(query: Record<string, string | number>): Promise<{ messages: Message[]; total: number }> {
  const response = await admin.get("/api/admin/contact-messages").query({ pageSize: 100, ...query });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return { messages: dataOf<Message[]>(response.body), total: response.body.pagination.total as number };
}

/** The 409 body: an error, and the message as it is now. */
function conflictState(body: unknown): Message {
  const conflict = body as { error?: unknown; current?: Message };
  assert.equal(typeof conflict.error, "string", `409 carries an error: ${JSON.stringify(body)}`);
  assert.ok(conflict.current && typeof conflict.current === "object", `409 carries current: ${JSON.stringify(body)}`);
  return conflict.current;
}

function sameWorkflow(actual: Message, expected: Message): void {
  assert.deepEqual(
    [actual.workflowStatus, actual.assigneeId, actual.version, actual.resolvedAt],
    [expected.workflowStatus, expected.assigneeId, expected.version, expected.resolvedAt],
  );
}

describe("contact workflow: status", () => {
  it("starts a message as new, unassigned, version 1, without notes", async () => {
    const id = await sendMessage();
    const message = await detail(id);
    assert.equal(message.id, id);
    assert.equal(message.workflowStatus, "new");
    assert.equal(message.assigneeId, null);
    assert.equal(message.resolvedAt, null);
    assert.equal(message.version, 1);
    assert.deepEqual(message.notes, []);
  });

  it("moves new to in_progress to resolved, bumping the version each time and setting resolvedAt", async () => {
    const id = await sendMessage();
    const started = await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    assert.equal(started.workflowStatus, "in_progress");
    assert.equal(started.version, 2);
    assert.equal(started.resolvedAt, null);
    const resolved = await changeOk(id, { version: 2, workflowStatus: "resolved" });
    assert.equal(resolved.workflowStatus, "resolved");
    assert.equal(resolved.version, 3);
    assert.ok(resolved.resolvedAt, "resolvedAt is set");
    assert.ok(Math.abs(Date.now() - new Date(resolved.resolvedAt).getTime()) < 60_000);
    sameWorkflow(await detail(id), resolved);
  });

  it("reopens a resolved message to in_progress and clears resolvedAt", async () => {
    const id = await sendMessage();
    await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    await changeOk(id, { version: 2, workflowStatus: "resolved" });
    const reopened = await changeOk(id, { version: 3, workflowStatus: "in_progress" });
    assert.equal(reopened.workflowStatus, "in_progress");
    assert.equal(reopened.resolvedAt, null);
    assert.equal(reopened.version, 4);
  });

  it("refuses a transition the workflow does not allow with 409 and the current message, and changes nothing", async () => {
    const id = await sendMessage();
    for (const workflowStatus of ["resolved", "new"]) {
      const response = await change(id, { version: 1, workflowStatus });
      assert.equal(response.status, 409, `new → ${workflowStatus}`);
      const current = conflictState(response.body);
      assert.equal(current.workflowStatus, "new");
      assert.equal(current.version, 1);
    }
    await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    for (const workflowStatus of ["new", "in_progress"]) {
      const response = await change(id, { version: 2, workflowStatus });
      assert.equal(response.status, 409, `in_progress → ${workflowStatus}`);
      assert.equal(conflictState(response.body).workflowStatus, "in_progress");
    }
    await changeOk(id, { version: 2, workflowStatus: "resolved" });
    for (const workflowStatus of ["new", "resolved"]) {
      const response = await change(id, { version: 3, workflowStatus });
      assert.equal(response.status, 409, `resolved → ${workflowStatus}`);
      assert.equal(conflictState(response.body).workflowStatus, "resolved");
    }
    const message = await detail(id);
    assert.equal(message.workflowStatus, "resolved");
    assert.equal(message.version, 3);
  });

  it("ignores workflow fields sent with the contact form", async () => {
    const id = await sendMessage({ workflowStatus: "resolved", version: 7, assigneeId: adminId, resolvedAt: new Date().toISOString() });
    const message = await detail(id);
    assert.equal(message.workflowStatus, "new");
    assert.equal(message.version, 1);
    assert.equal(message.assigneeId, null);
    assert.equal(message.resolvedAt, null);
  });

  it("keeps the read/archived mark of the inbox separate from the workflow", async () => {
    const id = await sendMessage();
    const marked = await admin.patch(`/api/admin/contact-messages/${id}`).send({ status: "read" });
    assert.equal(marked.status, 200);
    const message = await detail(id);
    assert.equal(message.status, "read");
    assert.equal(message.workflowStatus, "new");
    assert.equal(message.version, 1);
    const started = await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    assert.equal(started.status, "read");
  });
});

describe("contact workflow: assignment", () => {
  it("assigns a message to an admin and unassigns it with null", async () => {
    const id = await sendMessage();
    const { user: colleague } = await loginAs("admin");
    const assigned = await changeOk(id, { version: 1, assigneeId: colleague.id });
    assert.equal(assigned.assigneeId, colleague.id);
    assert.equal(assigned.workflowStatus, "new");
    assert.equal(assigned.version, 2);
    const unassigned = await changeOk(id, { version: 2, assigneeId: null });
    assert.equal(unassigned.assigneeId, null);
    assert.equal(unassigned.version, 3);
  });

  it("refuses to assign to a client or an unknown user with 400, and changes nothing", async () => {
    const id = await sendMessage();
    const { user: client } = await loginAs("client");
    for (const assigneeId of [client.id, randomUUID(), ""]) {
      const response = await change(id, { version: 1, assigneeId });
      assert.equal(response.status, 400, `assigneeId ${JSON.stringify(assigneeId)}`);
      assert.equal(typeof response.body.error, "string");
    }
    const message = await detail(id);
    assert.equal(message.assigneeId, null);
    assert.equal(message.version, 1);
  });

  it("changes the status and the assignee in one request, as one version", async () => {
    const id = await sendMessage();
    const message = await changeOk(id, { version: 1, workflowStatus: "in_progress", assigneeId: adminId });
    assert.equal(message.workflowStatus, "in_progress");
    assert.equal(message.assigneeId, adminId);
    assert.equal(message.version, 2);
  });

  it("refuses the whole request when one part of it is not allowed", async () => {
    const id = await sendMessage();
    const response = await change(id, { version: 1, workflowStatus: "resolved", assigneeId: adminId });
    assert.equal(response.status, 409);
    const message = await detail(id);
    assert.equal(message.assigneeId, null);
    assert.equal(message.version, 1);
  });
});

describe("contact workflow: optimistic concurrency", () => {
  it("answers 409 with the current message for a stale version, and changes nothing", async () => {
    const id = await sendMessage();
    await changeOk(id, { version: 1, assigneeId: adminId });
    const response = await change(id, { version: 1, workflowStatus: "in_progress", assigneeId: null });
    assert.equal(response.status, 409);
    const current = conflictState(response.body);
    assert.equal(current.id, id);
    assert.equal(current.version, 2);
    assert.equal(current.assigneeId, adminId);
    assert.equal(current.workflowStatus, "new");
    sameWorkflow(await detail(id), current);
  });

  it("answers 409 for a version the message has not reached", async () => {
    const id = await sendMessage();
    const response = await change(id, { version: 5, workflowStatus: "in_progress" });
    assert.equal(response.status, 409);
    assert.equal(conflictState(response.body).version, 1);
    assert.equal((await detail(id)).workflowStatus, "new");
  });

  it("succeeds when retried with the version from the 409", async () => {
    const id = await sendMessage();
    await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    const stale = await change(id, { version: 1, assigneeId: adminId });
    assert.equal(stale.status, 409);
    const current = conflictState(stale.body);
    const retried = await changeOk(id, { version: current.version, assigneeId: adminId });
    assert.equal(retried.assigneeId, adminId);
    assert.equal(retried.workflowStatus, "in_progress");
    assert.equal(retried.version, 3);
  });

  it("lets exactly one of two simultaneous changes from the same version win", async () => {
    for (let round = 0; round < 3; round += 1) {
      const id = await sendMessage();
      const { agent: other, user: otherAdmin } = await loginAs("admin");
      const [first, second] = await Promise.all([
        change(id, { version: 1, workflowStatus: "in_progress" }),
        change(id, { version: 1, assigneeId: otherAdmin.id }, other),
      ]);
      assert.deepEqual(
        [first.status, second.status].sort(),
        [200, 409],
        `round ${round}: ${JSON.stringify([first.body, second.body])}`,
      );
      const message = await detail(id);
      assert.equal(message.version, 2);
      const winner = first.status === 200 ? "status" : "assignee";
      assert.equal(message.workflowStatus, winner === "status" ? "in_progress" : "new");
      assert.equal(message.assigneeId, winner === "assignee" ? otherAdmin.id : null);
    }
  });

  it("requires a whole positive version and something to change, else 400 and nothing changes", async () => {
    const id = await sendMessage();
    const invalid: unknown[] = [
      { workflowStatus: "in_progress" },
      { version: "1", workflowStatus: "in_progress" },
      { version: 0, workflowStatus: "in_progress" },
      { version: 1.5, workflowStatus: "in_progress" },
      { version: 1 },
      { version: 1, workflowStatus: "done" },
      { version: 1, assigneeId: 42 },
    ];
    for (const body of invalid) {
      const response = await change(id, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(typeof response.body.error, "string");
    }
    const message = await detail(id);
    assert.equal(message.workflowStatus, "new");
    assert.equal(message.version, 1);
  });
});

describe("contact workflow: notes", () => {
  it("appends notes with their author and time, oldest first", async () => {
    const id = await sendMessage();
    const { agent: colleague, user: colleagueUser } = await loginAs("admin");
    const first = await addNote(id, { body: "Called back, they want a quote by Friday." });
    assert.equal(first.status, 201);
    const created = dataOf<Note>(first.body);
    assert.equal(created.authorId, adminId);
    assert.equal(created.body, "Called back, they want a quote by Friday.");
    assert.ok(Math.abs(Date.now() - new Date(created.createdAt).getTime()) < 60_000);
    assert.equal((await addNote(id, { body: "  Quote sent.  " }, colleague)).status, 201);

    const message = await detail(id);
    assert.deepEqual(
      message.notes.map((note) => [note.body, note.authorId]),
      [
        ["Called back, they want a quote by Friday.", adminId],
        ["Quote sent.", colleagueUser.id],
      ],
    );
    assert.equal(message.notes[0].id, created.id);
  });

  it("keeps the version and the status when a note is added", async () => {
    const id = await sendMessage();
    await changeOk(id, { version: 1, workflowStatus: "in_progress" });
    assert.equal((await addNote(id, { body: "Waiting for drawings." })).status, 201);
    const message = await detail(id);
    assert.equal(message.version, 2);
    assert.equal(message.workflowStatus, "in_progress");
    await changeOk(id, { version: 2, workflowStatus: "resolved" });
  });

  it("rejects a missing, blank or too long note with 400", async () => {
    const id = await sendMessage();
    for (const body of [{}, { body: "" }, { body: "   " }, { body: "x".repeat(2001) }, { body: 12 }]) {
      const response = await addNote(id, body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 60));
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal((await addNote(id, { body: "x".repeat(2000) })).status, 201);
    assert.equal((await detail(id)).notes.length, 1);
  });

  it("answers 404 for a note on an unknown message and 400 for a non-numeric id", async () => {
    assert.equal((await addNote(UNKNOWN_ID, { body: "Nobody home." })).status, 404);
    assert.equal((await addNote("abc", { body: "Nobody home." })).status, 400);
  });
});

describe("contact workflow: inbox filters", () => {
  it("shows workflowStatus, assigneeId and version on listed messages", async () => {
    const id = await sendMessage();
    await changeOk(id, { version: 1, workflowStatus: "in_progress", assigneeId: adminId });
    const { messages } = await inbox({ assigneeId: adminId });
    const listed = messages.find((message) => message.id === id);
    assert.ok(listed, "the message is listed");
    assert.equal(listed.workflowStatus, "in_progress");
    assert.equal(listed.assigneeId, adminId);
    assert.equal(listed.version, 2);
  });

  it("filters by workflowStatus", async () => {
    const resolvedId = await sendMessage();
    await changeOk(resolvedId, { version: 1, workflowStatus: "in_progress" });
    await changeOk(resolvedId, { version: 2, workflowStatus: "resolved" });
    const newId = await sendMessage();

    const resolved = await inbox({ workflowStatus: "resolved" });
    assert.ok(resolved.messages.some((message) => message.id === resolvedId));
    assert.ok(resolved.messages.every((message) => message.workflowStatus === "resolved"));
    const fresh = await inbox({ workflowStatus: "new" });
    assert.ok(fresh.messages.some((message) => message.id === newId));
    assert.ok(!fresh.messages.some((message) => message.id === resolvedId));
    assert.ok(fresh.messages.every((message) => message.workflowStatus === "new"));
  });

  it("filters by assignee, counting only the listed messages in pagination.total", async () => {
    const { user: colleague } = await loginAs("admin");
    const mine = [await sendMessage(), await sendMessage()];
    const other = await sendMessage();
    await changeOk(mine[0], { version: 1, assigneeId: colleague.id });
    await changeOk(mine[1], { version: 1, assigneeId: colleague.id, workflowStatus: "in_progress" });
    await changeOk(other, { version: 1, assigneeId: adminId });

    const assigned = await inbox({ assigneeId: colleague.id });
    assert.deepEqual(
      assigned.messages.map((message) => message.id).sort((a, b) => a - b),
      [...mine].sort((a, b) => a - b),
    );
    assert.equal(assigned.total, 2);
    const combined = await inbox({ assigneeId: colleague.id, workflowStatus: "in_progress" });
    assert.deepEqual(
      combined.messages.map((message) => message.id),
      [mine[1]],
    );
    assert.equal(combined.total, 1);
  });

  it("lists unassigned messages with assigneeId=none", async () => {
    const unassigned = await sendMessage();
    const assigned = await sendMessage();
    await changeOk(assigned, { version: 1, assigneeId: adminId });
    const { messages } = await inbox({ assigneeId: "none" });
    assert.ok(messages.some((message) => message.id === unassigned));
    assert.ok(!messages.some((message) => message.id === assigned));
    assert.ok(messages.every((message) => message.assigneeId === null));
  });

  it("rejects an unknown workflowStatus filter with 400", async () => {
    const response = await admin.get("/api/admin/contact-messages").query({ workflowStatus: "done" });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
  });
});

describe("contact workflow: ids and access", () => {
  it("answers 404 for an unknown message and 400 for a non-numeric id", async () => {
    assert.equal((await admin.get(`/api/admin/contact-messages/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await admin.get("/api/admin/contact-messages/abc")).status, 400);
    assert.equal((await change(UNKNOWN_ID, { version: 1, workflowStatus: "in_progress" })).status, 404);
    assert.equal((await change("abc", { version: 1, workflowStatus: "in_progress" })).status, 400);
  });

  it("answers 401 without a session and 403 to a client, and changes nothing", async () => {
    const id = await sendMessage();
    const anonymous = request(await getApp());
    assert.equal((await anonymous.get(`/api/admin/contact-messages/${id}`)).status, 401);
    assert.equal(
      (await anonymous.patch(`/api/admin/contact-messages/${id}/workflow`).send({ version: 1, workflowStatus: "in_progress" })).status,
      401,
    );
    assert.equal((await anonymous.post(`/api/admin/contact-messages/${id}/notes`).send({ body: "Hi" })).status, 401);
    const { agent: client } = await loginAs("client");
    assert.equal((await client.get(`/api/admin/contact-messages/${id}`)).status, 403);
    assert.equal((await change(id, { version: 1, workflowStatus: "in_progress" }, client)).status, 403);
    assert.equal((await addNote(id, { body: "Hi" }, client)).status, 403);
    const message = await detail(id);
    assert.equal(message.version, 1);
    assert.deepEqual(message.notes, []);
  });
});
