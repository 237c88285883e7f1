// Hidden tests for the project-milestones task: milestones on client projects, managed by admins and read by
// the project's owner. HTTP only. Every test creates its own client project through the client API, so
// nothing depends on seed projects having (or not having) milestones.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a milestone the API must return (declared here: the tests do not import new types). */
interface Milestone {
  id: number;
  clientProjectId: number;
  title: string;
  dueDate: string | null;
  sortOrder: number;
  completedAt: string | null;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createProject(owner: TestAgent): Promise<ClientProject> {
  const response = await owner.post("/api/client/projects").send({
    title: "Milestone test project",
    description: "A project created by the milestone tests, for a walnut shelving unit.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

async function clientProject(): Promise<{ owner: TestAgent; project: ClientProject }> {
  const { agent } = await loginAs("client");
  return { owner: agent, project: await createProject(agent) };
}

function milestonesUrl(projectId: number | string): string {
  return `/api/admin/client-projects/${projectId}/milestones`;
}

async function addMilestone(projectId: number, body: Record<string, unknown>) {
  return admin.post(milestonesUrl(projectId)).send(body);
}

async function addMilestoneOk(projectId: number, body: Record<string, unknown>): Promise<Milestone> {
  const response = await addMilestone(projectId, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Milestone>(response.body);
}

async function changeMilestone(projectId: number, milestoneId: number | string, body: unknown) {
  return admin.patch(`${milestonesUrl(projectId)}/${milestoneId}`).send(body as object);
}

async function adminMilestones(projectId: number): Promise<Milestone[]> {
  const response = await admin.get(milestonesUrl(projectId));
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const milestones = dataOf<Milestone[]>(response.body);
  assert.ok(Array.isArray(milestones), "the milestone list is an array");
  return milestones;
}

describe("project milestones: admin create", () => {
  it("creates a milestone and answers 201 with it", async () => {
    const { project } = await clientProject();
    const response = await addMilestone(project.id, { title: "Drawings signed off", dueDate: "2026-05-04", sortOrder: 2 });
    assert.equal(response.status, 201);
    const milestone = dataOf<Milestone>(response.body);
    assert.equal(typeof milestone.id, "number");
    assert.equal(milestone.clientProjectId, project.id);
    assert.equal(milestone.title, "Drawings signed off");
    assert.equal(milestone.dueDate, "2026-05-04");
    assert.equal(milestone.sortOrder, 2);
    assert.equal(milestone.completedAt, null);
  });

  it("defaults dueDate to null and sortOrder to 0", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Site visit" });
    assert.equal(milestone.dueDate, null);
    assert.equal(milestone.sortOrder, 0);
    assert.equal(milestone.completedAt, null);
  });

  it("rejects a missing, empty or too long title with 400", async () => {
    const { project } = await clientProject();
    assert.equal((await addMilestone(project.id, { dueDate: "2026-05-04" })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "" })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "   " })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "t".repeat(161) })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "t".repeat(160) })).status, 201);
  });

  it("rejects a dueDate that is not a calendar date as YYYY-MM-DD with 400", async () => {
    const { project } = await clientProject();
    for (const dueDate of ["04/05/2026", "2026-5-4", "2026-02-30", "next week", 20260504]) {
      const response = await addMilestone(project.id, { title: "Bad date", dueDate });
      assert.equal(response.status, 400, `dueDate ${JSON.stringify(dueDate)}`);
    }
    assert.deepEqual(await adminMilestones(project.id), []);
  });

  it("rejects a negative or non-integer sortOrder with 400", async () => {
    const { project } = await clientProject();
    assert.equal((await addMilestone(project.id, { title: "Bad order", sortOrder: -1 })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "Bad order", sortOrder: 1.5 })).status, 400);
    assert.equal((await addMilestone(project.id, { title: "Bad order", sortOrder: "first" })).status, 400);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const response = await admin.post(milestonesUrl("abc")).send({ title: "Nowhere" });
    assert.equal(response.status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    const response = await addMilestone(UNKNOWN_ID, { title: "Nowhere" });
    assert.equal(response.status, 404);
  });
});

describe("project milestones: ordering", () => {
  it("lists a project without milestones as an empty list", async () => {
    const { project } = await clientProject();
    assert.deepEqual(await adminMilestones(project.id), []);
  });

  it("orders by dueDate, then sortOrder, then creation, with undated milestones last", async () => {
    const { project } = await clientProject();
    const undated = await addMilestoneOk(project.id, { title: "Undated" });
    const june = await addMilestoneOk(project.id, { title: "June", dueDate: "2026-06-01" });
    const mayLate = await addMilestoneOk(project.id, { title: "May, order 5", dueDate: "2026-05-01", sortOrder: 5 });
    const mayFirst = await addMilestoneOk(project.id, { title: "May, order 1", dueDate: "2026-05-01", sortOrder: 1 });
    const maySecond = await addMilestoneOk(project.id, { title: "May, order 1 again", dueDate: "2026-05-01", sortOrder: 1 });
    const undatedFirst = await addMilestoneOk(project.id, { title: "Undated, order 0 again", sortOrder: 0 });
    const april = await addMilestoneOk(project.id, { title: "April", dueDate: "2026-04-15", sortOrder: 9 });
    const milestones = await adminMilestones(project.id);
    assert.deepEqual(
      milestones.map((milestone) => milestone.id),
      [april.id, mayFirst.id, maySecond.id, mayLate.id, june.id, undated.id, undatedFirst.id],
    );
  });

  it("lists only the project's own milestones", async () => {
    const { project: mine } = await clientProject();
    const { project: other } = await clientProject();
    const milestone = await addMilestoneOk(mine.id, { title: "Mine" });
    await addMilestoneOk(other.id, { title: "Other" });
    assert.deepEqual(
      (await adminMilestones(mine.id)).map((entry) => entry.id),
      [milestone.id],
    );
  });

  it("answers 404 for an unknown project", async () => {
    const response = await admin.get(milestonesUrl(UNKNOWN_ID));
    assert.equal(response.status, 404);
  });
});

describe("project milestones: admin update", () => {
  it("changes the title, dueDate and sortOrder", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Prototype", dueDate: "2026-05-01" });
    const response = await changeMilestone(project.id, milestone.id, {
      title: "Prototype review",
      dueDate: "2026-05-20",
      sortOrder: 3,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const updated = dataOf<Milestone>(response.body);
    assert.equal(updated.id, milestone.id);
    assert.equal(updated.title, "Prototype review");
    assert.equal(updated.dueDate, "2026-05-20");
    assert.equal(updated.sortOrder, 3);
    const cleared = await changeMilestone(project.id, milestone.id, { dueDate: null });
    assert.equal(cleared.status, 200);
    assert.equal(dataOf<Milestone>(cleared.body).dueDate, null);
    assert.equal(dataOf<Milestone>(cleared.body).title, "Prototype review");
  });

  it("completes a milestone and reopens it", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Install", dueDate: "2026-07-01" });
    const done = await changeMilestone(project.id, milestone.id, { completed: true });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const completedAt = dataOf<Milestone>(done.body).completedAt;
    assert.equal(typeof completedAt, "string");
    assert.ok(!Number.isNaN(Date.parse(completedAt as string)), "completedAt is a timestamp");
    assert.equal((await adminMilestones(project.id))[0].completedAt, completedAt);

    const reopened = await changeMilestone(project.id, milestone.id, { completed: false });
    assert.equal(reopened.status, 200);
    assert.equal(dataOf<Milestone>(reopened.body).completedAt, null);
    assert.equal((await adminMilestones(project.id))[0].completedAt, null);
  });

  it("keeps the original completedAt when a completed milestone is completed again", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Delivery" });
    const first = dataOf<Milestone>((await changeMilestone(project.id, milestone.id, { completed: true })).body);
    assert.equal(typeof first.completedAt, "string");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await changeMilestone(project.id, milestone.id, { completed: true, title: "Delivery done" });
    assert.equal(again.status, 200);
    assert.equal(dataOf<Milestone>(again.body).completedAt, first.completedAt);
    assert.equal(dataOf<Milestone>(again.body).title, "Delivery done");
  });

  it("keeps completedAt when other fields change", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Finish" });
    const done = dataOf<Milestone>((await changeMilestone(project.id, milestone.id, { completed: true })).body);
    const renamed = await changeMilestone(project.id, milestone.id, { title: "Finishing" });
    assert.equal(renamed.status, 200);
    assert.equal(dataOf<Milestone>(renamed.body).completedAt, done.completedAt);
  });

  it("rejects an empty or invalid body with 400 and changes nothing", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Unchanged", dueDate: "2026-05-01" });
    for (const body of [{}, { title: "" }, { dueDate: "2026-13-01" }, { sortOrder: -2 }, { completed: "yes" }]) {
      const response = await changeMilestone(project.id, milestone.id, body);
      assert.equal(response.status, 400, `body ${JSON.stringify(body)}`);
    }
    const [stored] = await adminMilestones(project.id);
    assert.equal(stored.title, "Unchanged");
    assert.equal(stored.dueDate, "2026-05-01");
    assert.equal(stored.completedAt, null);
  });

  it("rejects non-numeric ids with 400", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Ids" });
    assert.equal((await changeMilestone(project.id, "abc", { completed: true })).status, 400);
    const badProject = await admin.patch(`${milestonesUrl("abc")}/${milestone.id}`).send({ completed: true });
    assert.equal(badProject.status, 400);
  });

  it("answers 404 when the milestone belongs to another project, and changes nothing", async () => {
    const { project: owner } = await clientProject();
    const { project: other } = await clientProject();
    const milestone = await addMilestoneOk(owner.id, { title: "Owned" });
    const response = await changeMilestone(other.id, milestone.id, { completed: true, title: "Stolen" });
    assert.equal(response.status, 404);
    const [stored] = await adminMilestones(owner.id);
    assert.equal(stored.title, "Owned");
    assert.equal(stored.completedAt, null);
  });

  it("answers 404 for an unknown milestone", async () => {
    const { project } = await clientProject();
    const response = await changeMilestone(project.id, UNKNOWN_ID, { completed: true });
    assert.equal(response.status, 404);
  });
});

describe("project milestones: admin delete", () => {
  it("deletes a milestone", async () => {
    const { project } = await clientProject();
    const keep = await addMilestoneOk(project.id, { title: "Keep" });
    const drop = await addMilestoneOk(project.id, { title: "Drop" });
    const response = await admin.delete(`${milestonesUrl(project.id)}/${drop.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      (await adminMilestones(project.id)).map((milestone) => milestone.id),
      [keep.id],
    );
    const again = await admin.delete(`${milestonesUrl(project.id)}/${drop.id}`);
    assert.equal(again.status, 404);
  });

  it("answers 404 when the milestone belongs to another project, and keeps it", async () => {
    const { project: owner } = await clientProject();
    const { project: other } = await clientProject();
    const milestone = await addMilestoneOk(owner.id, { title: "Owned" });
    const response = await admin.delete(`${milestonesUrl(other.id)}/${milestone.id}`);
    assert.equal(response.status, 404);
    assert.deepEqual(
      (await adminMilestones(owner.id)).map((entry) => entry.id),
      [milestone.id],
    );
  });

  it("rejects a non-numeric milestone id with 400", async () => {
    const { project } = await clientProject();
    const response = await admin.delete(`${milestonesUrl(project.id)}/abc`);
    assert.equal(response.status, 400);
  });
});

describe("project milestones: client portal", () => {
  it("shows the owner their project's milestones in order, with completion", async () => {
    const { owner, project } = await clientProject();
    const later = await addMilestoneOk(project.id, { title: "Installation", dueDate: "2026-09-01" });
    const sooner = await addMilestoneOk(project.id, { title: "Drawings", dueDate: "2026-03-01" });
    await changeMilestone(project.id, sooner.id, { completed: true });
    const response = await owner.get(`/api/client/projects/${project.id}/milestones`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const milestones = dataOf<Milestone[]>(response.body);
    assert.deepEqual(
      milestones.map((milestone) => milestone.id),
      [sooner.id, later.id],
    );
    assert.equal(milestones[0].title, "Drawings");
    assert.equal(typeof milestones[0].completedAt, "string");
    assert.equal(milestones[1].completedAt, null);
  });

  it("shows an empty list for a project without milestones", async () => {
    const { owner, project } = await clientProject();
    const response = await owner.get(`/api/client/projects/${project.id}/milestones`);
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf(response.body), []);
  });

  it("answers 404 to another client and shows nothing", async () => {
    const { project } = await clientProject();
    await addMilestoneOk(project.id, { title: "Private plan" });
    const { agent: stranger } = await loginAs("client");
    const response = await stranger.get(`/api/client/projects/${project.id}/milestones`);
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
    assert.ok(!JSON.stringify(response.body).includes("Private plan"));
  });

  it("lets an admin read a client's milestones through the client route", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Admin view" });
    const response = await admin.get(`/api/client/projects/${project.id}/milestones`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      dataOf<Milestone[]>(response.body).map((entry) => entry.id),
      [milestone.id],
    );
  });

  it("answers 404 for an unknown project", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get(`/api/client/projects/${UNKNOWN_ID}/milestones`);
    assert.equal(response.status, 404);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get("/api/client/projects/abc/milestones");
    assert.equal(response.status, 400);
  });
});

describe("project milestones: access", () => {
  it("answers 401 without a session", async () => {
    const { project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Anonymous target" });
    const app = await getApp();
    const calls: [string, () => Promise<{ status: number }>][] = [
      ["client GET", () => request(app).get(`/api/client/projects/${project.id}/milestones`)],
      ["admin GET", () => request(app).get(milestonesUrl(project.id))],
      ["admin POST", () => request(app).post(milestonesUrl(project.id)).send({ title: "Anonymous" })],
      ["admin PATCH", () => request(app).patch(`${milestonesUrl(project.id)}/${milestone.id}`).send({ completed: true })],
      ["admin DELETE", () => request(app).delete(`${milestonesUrl(project.id)}/${milestone.id}`)],
    ];
    for (const [label, call] of calls) {
      assert.equal((await call()).status, 401, label);
    }
    const [stored] = await adminMilestones(project.id);
    assert.equal(stored.completedAt, null);
  });

  it("answers 403 to a client on the admin routes, even for their own project, and changes nothing", async () => {
    const { owner, project } = await clientProject();
    const milestone = await addMilestoneOk(project.id, { title: "Studio only" });
    assert.equal((await owner.get(milestonesUrl(project.id))).status, 403);
    assert.equal((await owner.post(milestonesUrl(project.id)).send({ title: "Client made" })).status, 403);
    const change = await owner.patch(`${milestonesUrl(project.id)}/${milestone.id}`).send({ completed: true });
    assert.equal(change.status, 403);
    assert.equal((await owner.delete(`${milestonesUrl(project.id)}/${milestone.id}`)).status, 403);
    const milestones = await adminMilestones(project.id);
    assert.deepEqual(
      milestones.map((entry) => [entry.id, entry.title, entry.completedAt]),
      [[milestone.id, "Studio only", null]],
    );
  });
});
