// Hidden tests for the project-status-transitions task: admin status changes on client projects follow the
// allowed transitions, post a client-visible update and email the client and the studio, atomically.
// They talk to the API over HTTP and read outgoing mail from the dev outbox; the atomicity test makes the
// database refuse the project update (a trigger on project_updates, for that one project only).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject, ClientProjectStatus, ProjectUpdate } from "@shared/schema";
import { config } from "../../server/config";
import { pool } from "../../server/db";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

interface Setup {
  client: TestAgent;
  clientEmail: string;
  admin: TestAgent;
  adminId: string;
  project: ClientProject;
}

async function setup(): Promise<Setup> {
  const client = await loginAs("client");
  const admin = await loginAs("admin");
  const response = await client.agent.post("/api/client/projects").send({
    title: `Status test ${randomUUID().slice(0, 8)}`,
    description: "A project request created by the status transition tests.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  clearOutbox();
  return {
    client: client.agent,
    clientEmail: client.email,
    admin: admin.agent,
    adminId: admin.user.id,
    project: response.body.data as ClientProject,
  };
}

async function patch(s: Setup, body: Record<string, unknown>) {
  return s.admin.patch(`/api/admin/client-projects/${s.project.id}`).send(body);
}

/** Walks the project through allowed transitions; clears the outbox afterwards. */
async function moveTo(s: Setup, path: ClientProjectStatus[]): Promise<void> {
  for (const status of path) {
    const response = await patch(s, { status });
    assert.equal(response.status, 200, `→ ${status}: ${JSON.stringify(response.body)}`);
  }
  clearOutbox();
}

async function current(s: Setup): Promise<ClientProject> {
  const response = await s.client.get(`/api/client/projects/${s.project.id}`);
  assert.equal(response.status, 200);
  return response.body.data as ClientProject;
}

async function clientThread(s: Setup): Promise<ProjectUpdate[]> {
  const response = await s.client.get(`/api/client/projects/${s.project.id}/updates`);
  assert.equal(response.status, 200);
  return response.body.data as ProjectUpdate[];
}

function mailTo(address: string) {
  return getOutbox().filter((mail) => mail.to === address);
}

describe("status transitions: allowed changes", () => {
  it("changes the status and answers the updated project", async () => {
    const s = await setup();
    const response = await patch(s, { status: "quoted", budgetCents: 250_000 });
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.equal(response.body.data.status, "quoted");
    assert.equal(response.body.data.budgetCents, 250_000);
    assert.equal((await current(s)).status, "quoted");
  });

  it("posts one client-visible update by the admin on the project", async () => {
    const s = await setup();
    const before = await clientThread(s);
    assert.equal((await patch(s, { status: "quoted" })).status, 200);
    const after = await clientThread(s);
    assert.equal(after.length, before.length + 1);
    const added = after.filter((update) => !before.some((old) => old.id === update.id));
    assert.equal(added.length, 1);
    assert.equal(added[0].isInternal, false);
    assert.equal(added[0].authorId, s.adminId);
    assert.equal(typeof added[0].body, "string");
    assert.ok(added[0].body.trim().length > 0);
  });

  it("emails the client and sends the studio inbox a copy", async () => {
    const s = await setup();
    assert.equal((await patch(s, { status: "quoted" })).status, 200);
    assert.equal(mailTo(s.clientEmail).length, 1, "one email to the client");
    assert.equal(mailTo(config.mail.studioInbox).length, 1, "one copy to the studio inbox");
    assert.equal(getOutbox().length, 2);
  });

  it("walks a project from inquiry to completed, one update and one client email per step", async () => {
    const s = await setup();
    const before = (await clientThread(s)).length;
    const steps: ClientProjectStatus[] = ["quoted", "in_progress", "review", "in_progress", "review", "completed"];
    for (const status of steps) {
      const response = await patch(s, { status });
      assert.equal(response.status, 200, `→ ${status}`);
    }
    assert.equal((await current(s)).status, "completed");
    assert.equal((await clientThread(s)).length, before + steps.length);
    assert.equal(mailTo(s.clientEmail).length, steps.length);
  });

  it("allows starting work straight from an inquiry, and cancelling before completion", async () => {
    const started = await setup();
    assert.equal((await patch(started, { status: "in_progress" })).status, 200);
    const cancelled = await setup();
    await moveTo(cancelled, ["quoted", "in_progress", "review"]);
    assert.equal((await patch(cancelled, { status: "cancelled" })).status, 200);
    assert.equal((await current(cancelled)).status, "cancelled");
    assert.equal(mailTo(cancelled.clientEmail).length, 1);
  });
});

describe("status transitions: forbidden changes", () => {
  it("answers 400 with only an error for a skipped step, and changes nothing", async () => {
    const s = await setup();
    const before = (await clientThread(s)).length;
    const response = await patch(s, { status: "completed", budgetCents: 99_000 });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.deepEqual(Object.keys(response.body), ["error"]);
    const project = await current(s);
    assert.equal(project.status, "inquiry");
    assert.equal(project.budgetCents, s.project.budgetCents, "the budget in the same request is not applied");
    assert.equal((await clientThread(s)).length, before);
    assert.equal(getOutbox().length, 0);
  });

  it("refuses to move an inquiry to review", async () => {
    const s = await setup();
    const response = await patch(s, { status: "review" });
    assert.equal(response.status, 400);
    assert.equal((await current(s)).status, "inquiry");
  });

  it("refuses to reopen a completed project", async () => {
    const s = await setup();
    await moveTo(s, ["in_progress", "review", "completed"]);
    const before = (await clientThread(s)).length;
    for (const status of ["inquiry", "quoted", "in_progress", "review", "cancelled"] as const) {
      const response = await patch(s, { status });
      assert.equal(response.status, 400, `completed → ${status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal((await current(s)).status, "completed");
    assert.equal((await clientThread(s)).length, before);
    assert.equal(getOutbox().length, 0);
  });

  it("refuses to revive a cancelled project", async () => {
    const s = await setup();
    await moveTo(s, ["cancelled"]);
    for (const status of ["inquiry", "quoted", "in_progress", "review", "completed"] as const) {
      const response = await patch(s, { status });
      assert.equal(response.status, 400, `cancelled → ${status}`);
    }
    assert.equal((await current(s)).status, "cancelled");
    assert.equal(getOutbox().length, 0);
  });

  it("refuses to send work in progress back to a quote", async () => {
    const s = await setup();
    await moveTo(s, ["quoted", "in_progress"]);
    assert.equal((await patch(s, { status: "quoted" })).status, 400);
    assert.equal((await patch(s, { status: "inquiry" })).status, 400);
    assert.equal((await patch(s, { status: "completed" })).status, 400);
    assert.equal((await current(s)).status, "in_progress");
  });
});

describe("status transitions: atomicity", () => {
  it("leaves the status unchanged and sends no email when the update cannot be written", async () => {
    const s = await setup();
    const suffix = randomUUID().replace(/-/g, "").slice(0, 12);
    const fn = `alloy_test_refuse_update_${suffix}`;
    const trigger = `alloy_test_refuse_update_${suffix}`;
    await pool.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger AS $$
       BEGIN
         IF NEW.client_project_id = ${s.project.id} THEN
           RAISE EXCEPTION 'project updates are refused for this test';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql`,
    );
    await pool.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON project_updates FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const response = await patch(s, { status: "quoted", budgetCents: 120_000 });
      assert.ok(response.status >= 500, `expected a server error, got ${response.status}`);
    } finally {
      await pool.query(`DROP TRIGGER IF EXISTS ${trigger} ON project_updates`);
      await pool.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    const project = await current(s);
    assert.equal(project.status, "inquiry", "the status did not change");
    assert.equal(project.budgetCents, s.project.budgetCents, "nothing else changed either");
    assert.equal(getOutbox().length, 0, "no email");
    assert.equal((await patch(s, { status: "quoted" })).status, 200, "works again once updates can be written");
  });
});

describe("status transitions: unchanged behaviour", () => {
  it("changes budget and due date without a status, with no update and no email", async () => {
    const s = await setup();
    const before = (await clientThread(s)).length;
    const response = await patch(s, { budgetCents: 410_000, dueDate: "2027-09-01" });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.budgetCents, 410_000);
    assert.equal(response.body.data.dueDate, "2027-09-01");
    assert.equal((await clientThread(s)).length, before);
    assert.equal(getOutbox().length, 0);
  });

  it("accepts the current status again without a new update or email", async () => {
    const s = await setup();
    const before = (await clientThread(s)).length;
    const response = await patch(s, { status: "inquiry" });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.status, "inquiry");
    assert.equal((await clientThread(s)).length, before);
    assert.equal(getOutbox().length, 0);
  });

  it("answers 400 for an unknown status and 404 for an unknown project", async () => {
    const s = await setup();
    assert.equal((await patch(s, { status: "done" })).status, 400);
    const missing = await s.admin.patch("/api/admin/client-projects/999999").send({ status: "quoted" });
    assert.equal(missing.status, 404);
  });

  it("answers 401 without a session and 403 to a client", async () => {
    const s = await setup();
    const anonymous = await request(await getApp())
      .patch(`/api/admin/client-projects/${s.project.id}`)
      .send({ status: "quoted" });
    assert.equal(anonymous.status, 401);
    const asClient = await s.client.patch(`/api/admin/client-projects/${s.project.id}`).send({ status: "quoted" });
    assert.equal(asClient.status, 403);
    assert.equal((await current(s)).status, "inquiry");
  });
});
