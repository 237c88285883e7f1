// Hidden tests for the profile-role-escalation task (BUG-014).
// They talk to the API over HTTP only: PATCH /api/profile edits contact details and nothing else; a body
// that tries to set `role` (or any other field) is refused with 400 and nothing is saved.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { SafeUser } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);

async function profileOf(agent: TestAgent): Promise<SafeUser> {
  const response = await agent.get("/api/profile");
  assert.equal(response.status, 200);
  return dataOf<SafeUser>(response.body);
}

/** The role a fresh sign-in with these credentials gets. */
async function roleAtSignIn(email: string, password: string): Promise<string> {
  const agent = request.agent(await getApp());
  const response = await agent.post("/api/login").send({ email, password });
  assert.equal(response.status, 200);
  return dataOf<SafeUser>(response.body).role;
}

describe("profile: the role cannot be changed (BUG-014)", () => {
  it("answers 400 when a client sends role: admin, and the role stays client", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.patch("/api/profile").send({ role: "admin" });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.equal((await profileOf(agent)).role, "client");
  });

  it("keeps the admin routes closed to the client afterwards", async () => {
    const { agent, email, password } = await loginAs("client");
    await agent.patch("/api/profile").send({ role: "admin" });
    assert.equal((await agent.get("/api/admin/stats")).status, 403);
    assert.equal((await agent.get("/api/admin/client-projects")).status, 403);
    assert.equal(await roleAtSignIn(email, password), "client");
  });

  it("saves nothing when role comes with valid contact details", async () => {
    const { agent } = await loginAs("client");
    const before = await profileOf(agent);
    const response = await agent.patch("/api/profile").send({ company: "Escalation Ltd", phone: "+44 1632 960000", role: "admin" });
    assert.equal(response.status, 400);
    const after = await profileOf(agent);
    assert.equal(after.role, "client");
    assert.equal(after.company, before.company);
    assert.equal(after.phone, before.phone);
  });

  it("does not let an admin change their own role either", async () => {
    const { agent, email, password } = await loginAs("admin");
    const response = await agent.patch("/api/profile").send({ role: "client" });
    assert.equal(response.status, 400);
    assert.equal((await profileOf(agent)).role, "admin");
    assert.equal(await roleAtSignIn(email, password), "admin");
  });

  it("answers 400 for other fields that are not contact details, and changes nothing", async () => {
    const { agent, email } = await loginAs("client");
    const before = await profileOf(agent);
    const response = await agent.patch("/api/profile").send({ email: "someone.else@alloy-tests.example", id: "not-mine" });
    assert.equal(response.status, 400);
    const after = await profileOf(agent);
    assert.equal(after.email, email);
    assert.equal(after.id, before.id);
  });
});

describe("profile: contact details stay editable", () => {
  it("updates every contact field and keeps the role", async () => {
    const { agent } = await loginAs("client");
    const changes = {
      firstName: "Robin",
      lastName: "Hale",
      company: "Hale & Daughters",
      phone: "+44 20 7946 0001",
      profileImageUrl: "https://images.alloy-tests.example/robin.jpg",
    };
    const response = await agent.patch("/api/profile").send(changes);
    assert.equal(response.status, 200);
    const updated = dataOf<SafeUser>(response.body);
    assert.equal(updated.role, "client");
    const saved = await profileOf(agent);
    for (const [field, value] of Object.entries(changes)) {
      assert.equal(saved[field as keyof typeof changes], value, field);
    }
  });

  it("clears a field with null", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await agent.patch("/api/profile").send({ company: "Temporary Co" })).status, 200);
    const response = await agent.patch("/api/profile").send({ company: null });
    assert.equal(response.status, 200);
    assert.equal((await profileOf(agent)).company, null);
  });

  it("still validates the contact fields", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await agent.patch("/api/profile").send({ profileImageUrl: "not a url" })).status, 400);
    assert.equal((await agent.patch("/api/profile").send({ firstName: "" })).status, 400);
  });

  it("answers 401 without a session", async () => {
    const response = await request(await getApp()).patch("/api/profile").send({ company: "Anonymous" });
    assert.equal(response.status, 401);
  });
});
