// Hidden tests for the account-deletion task: DELETE /api/profile with password confirmation.
// Behaviour is checked over HTTP (sessions, sign-in, the public and admin lists). Two things have no API in
// the base app and are read or arranged through the database: consultation bookings (no bookings API yet),
// and "the last admin" (the test demotes every other admin for a moment and restores them afterwards; the
// task's other test files never use an admin, so nothing running alongside loses its role).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, eq, inArray, ne } from "drizzle-orm";
import request from "supertest";
import { consultationBookings, users, type ClientProject, type ProjectUpdate, type Testimonial } from "@shared/schema";
import { db } from "../../server/db";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function deleteAccount(agent: TestAgent, body: unknown) {
  return agent.delete("/api/profile").send(body as object);
}

async function createProject(agent: TestAgent, title = "Kitchen shelving"): Promise<ClientProject> {
  const response = await agent
    .post("/api/client/projects")
    .send({ title, description: "Open shelving in blackened steel for a small kitchen." });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ClientProject>(response.body);
}

async function createApprovedTestimonial(agent: TestAgent, quote: string): Promise<Testimonial> {
  const response = await agent
    .post("/api/testimonials")
    .send({ authorName: "Deletion Tester", quote, rating: 5 });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const testimonial = dataOf<Testimonial>(response.body);
  const approved = await admin.patch(`/api/admin/testimonials/${testimonial.id}`).send({ isApproved: true });
  assert.equal(approved.status, 200);
  return testimonial;
}

async function publicTestimonialIds(): Promise<number[]> {
  const response = await request(await getApp()).get("/api/testimonials");
  assert.equal(response.status, 200);
  return dataOf<Testimonial[]>(response.body).map((testimonial) => testimonial.id);
}

async function adminProjectIds(): Promise<number[]> {
  const response = await admin.get("/api/admin/client-projects");
  assert.equal(response.status, 200);
  return dataOf<ClientProject[]>(response.body).map((project) => project.id);
}

describe("account deletion: deleting", () => {
  it("deletes the account and ends the session", async () => {
    const { agent, password } = await loginAs("client");
    assert.equal((await agent.get("/api/profile")).status, 200);
    const response = await deleteAccount(agent, { password });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal((await agent.get("/api/profile")).status, 401);
    assert.equal((await agent.get("/api/auth/user")).status, 401);
    assert.equal((await agent.get("/api/client/projects")).status, 401);
  });

  it("ends the user's other sessions too", async () => {
    const { agent, email, password } = await loginAs("client");
    const other = request.agent(await getApp());
    assert.equal((await other.post("/api/login").send({ email, password })).status, 200);
    assert.equal((await deleteAccount(agent, { password })).status, 200);
    assert.equal((await other.get("/api/profile")).status, 401);
  });

  it("no longer lets the user sign in, and frees the email address", async () => {
    const { agent, email, password } = await loginAs("client");
    assert.equal((await deleteAccount(agent, { password })).status, 200);
    const app = await getApp();
    assert.equal((await request(app).post("/api/login").send({ email, password })).status, 401);
    const again = await request(app)
      .post("/api/register")
      .send({ email, password: "a-brand-new-password", firstName: "New", lastName: "Person" });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });

  it("deletes the user's client projects", async () => {
    const { agent, password } = await loginAs("client");
    const first = await createProject(agent, "Shop counter");
    const second = await createProject(agent, "Window display");
    const reply = await agent.post(`/api/client/projects/${first.id}/updates`).send({ body: "Any news on the quote?" });
    assert.equal(reply.status, 201);
    assert.equal((await deleteAccount(agent, { password })).status, 200);
    const ids = await adminProjectIds();
    assert.ok(!ids.includes(first.id) && !ids.includes(second.id), "the user's projects are gone");
    assert.equal((await admin.get(`/api/client/projects/${first.id}`)).status, 404);
  });

  it("deletes the user's testimonials, approved or not", async () => {
    const { agent, password } = await loginAs("client");
    const approved = await createApprovedTestimonial(agent, "They built exactly the counter we had sketched.");
    const pendingResponse = await agent
      .post("/api/testimonials")
      .send({ authorName: "Deletion Tester", quote: "Still waiting for approval of this one.", rating: 4 });
    assert.equal(pendingResponse.status, 201);
    const pending = dataOf<Testimonial>(pendingResponse.body);
    assert.ok((await publicTestimonialIds()).includes(approved.id));
    assert.equal((await deleteAccount(agent, { password })).status, 200);
    assert.ok(!(await publicTestimonialIds()).includes(approved.id), "no longer shown publicly");
    const all = await admin.get("/api/admin/testimonials");
    assert.equal(all.status, 200);
    const ids = dataOf<Testimonial[]>(all.body).map((testimonial) => testimonial.id);
    assert.ok(!ids.includes(approved.id) && !ids.includes(pending.id), "gone from the admin list too");
  });

  it("deletes the user's consultation bookings", async () => {
    const { agent, user, email, password } = await loginAs("client");
    const [booking] = await db
      .insert(consultationBookings)
      .values({ userId: user.id, name: "Deletion Tester", email, startsAt: new Date("2099-03-02T10:00:00Z") })
      .returning();
    assert.equal((await deleteAccount(agent, { password })).status, 200);
    const left = await db.select().from(consultationBookings).where(eq(consultationBookings.id, booking.id));
    assert.equal(left.length, 0);
  });

  it("leaves other users' projects and testimonials alone", async () => {
    const leaving = await loginAs("client");
    const staying = await loginAs("client");
    const kept = await createProject(staying.agent, "Staying project");
    const keptQuote = await createApprovedTestimonial(staying.agent, "A second client who keeps their account.");
    assert.equal((await deleteAccount(leaving.agent, { password: leaving.password })).status, 200);
    assert.equal((await staying.agent.get(`/api/client/projects/${kept.id}`)).status, 200);
    assert.ok((await publicTestimonialIds()).includes(keptQuote.id));
    assert.equal((await staying.agent.get("/api/profile")).status, 200);
  });

  it("keeps an admin's notes on a client's project when the admin deletes their account", async () => {
    const client = await loginAs("client");
    const project = await createProject(client.agent, "Stair balustrade");
    const leaving = await loginAs("admin");
    const note = await leaving.agent
      .post(`/api/admin/client-projects/${project.id}/updates`)
      .send({ body: "Drawings attached; please confirm the rail height.", isInternal: false });
    assert.equal(note.status, 201);
    const noteId = dataOf<ProjectUpdate>(note.body).id;
    assert.equal((await deleteAccount(leaving.agent, { password: leaving.password })).status, 200);
    const updates = await client.agent.get(`/api/client/projects/${project.id}/updates`);
    assert.equal(updates.status, 200);
    assert.ok(dataOf<ProjectUpdate[]>(updates.body).some((update) => update.id === noteId));
  });
});

describe("account deletion: refusals", () => {
  it("answers 403 for a wrong password and deletes nothing", async () => {
    const { agent, password } = await loginAs("client");
    const project = await createProject(agent);
    const response = await deleteAccount(agent, { password: `${password}-wrong` });
    assert.equal(response.status, 403);
    assert.equal((await agent.get("/api/profile")).status, 200);
    assert.equal((await agent.get(`/api/client/projects/${project.id}`)).status, 200);
  });

  it("answers 400 without a password, and deletes nothing", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await deleteAccount(agent, {})).status, 400);
    assert.equal((await deleteAccount(agent, { password: "" })).status, 400);
    assert.equal((await deleteAccount(agent, { password: 12345 })).status, 400);
    assert.equal((await agent.get("/api/profile")).status, 200);
  });

  it("answers 401 without a session", async () => {
    const response = await request(await getApp()).delete("/api/profile").send({ password: "whatever-it-is" });
    assert.equal(response.status, 401);
  });

  it("answers 409 to the last admin, and deletes nothing", async () => {
    // Every other admin is demoted for the moment of the request and restored afterwards. Something running
    // at the same time (the grader's own probes) may create an admin inside that moment; the attempt then
    // proves nothing and is repeated with a new admin.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const last = await loginAs("admin");
      const others = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, "admin"), ne(users.id, last.user.id)));
      const otherIds = others.map((other) => other.id);
      let status: number;
      let newcomers: { id: string }[];
      try {
        if (otherIds.length > 0) {
          await db.update(users).set({ role: "client" }).where(inArray(users.id, otherIds));
        }
        status = (await deleteAccount(last.agent, { password: last.password })).status;
        newcomers = await db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, "admin"), ne(users.id, last.user.id)));
      } finally {
        if (otherIds.length > 0) {
          await db.update(users).set({ role: "admin" }).where(inArray(users.id, otherIds));
        }
      }
      if (newcomers.length === 0) {
        assert.equal(status, 409);
        assert.equal((await last.agent.get("/api/profile")).status, 200);
        return;
      }
    }
    assert.fail("another admin kept appearing; could not test the last admin");
  });

  it("lets an admin delete their account while another admin remains", async () => {
    const leaving = await loginAs("admin");
    const response = await deleteAccount(leaving.agent, { password: leaving.password });
    assert.equal(response.status, 200);
    assert.equal((await leaving.agent.get("/api/admin/stats")).status, 401);
    assert.equal((await admin.get("/api/admin/stats")).status, 200);
  });
});

describe("account deletion: profile unchanged", () => {
  it("still reads and updates the profile", async () => {
    const { agent } = await loginAs("client");
    const patched = await agent.patch("/api/profile").send({ company: "Northwind Test Co" });
    assert.equal(patched.status, 200);
    const profile = await agent.get("/api/profile");
    assert.equal(profile.status, 200);
    assert.equal(dataOf<{ company: string }>(profile.body).company, "Northwind Test Co");
  });
});
