import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import { closeApp, createTestUser, getApp, uniqueEmail } from "./helpers";

after(closeApp);

function registration(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail("new"),
    password: "correct horse battery staple",
    firstName: "Alex",
    lastName: "Rivera",
    ...overrides,
  };
}

describe("auth", () => {
  it("answers 401 { error: 'Unauthorized' } without a session", async () => {
    const response = await request(await getApp()).get("/api/auth/user");
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: "Unauthorized" });
  });

  it("registers a client account and signs it in", async () => {
    const agent = request.agent(await getApp());
    const form = registration();
    const created = await agent.post("/api/register").send(form);
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    assert.equal(created.body.data.email, form.email);
    assert.equal(created.body.data.role, "client");
    assert.equal("passwordHash" in created.body.data, false);

    const me = await agent.get("/api/auth/user");
    assert.equal(me.status, 200);
    assert.equal(me.body.email, form.email);
    assert.equal("passwordHash" in me.body, false);
  });

  it("refuses a second account for the same email", async () => {
    const app = await getApp();
    const form = registration();
    await request(app).post("/api/register").send(form);
    const again = await request(app).post("/api/register").send(form);
    assert.equal(again.status, 409);
    assert.equal(typeof again.body.error, "string");
  });

  it("validates registration input", async () => {
    const response = await request(await getApp()).post("/api/register").send(registration({ password: "short" }));
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.ok(Array.isArray(response.body.details));
  });

  it("rejects a wrong password", async () => {
    const { email } = await createTestUser();
    const response = await request(await getApp()).post("/api/login").send({ email, password: "wrong password" });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, "Invalid email or password");
  });

  it("signs in and out", async () => {
    const { email, password, user } = await createTestUser();
    const agent = request.agent(await getApp());
    const login = await agent.post("/api/login").send({ email, password });
    assert.equal(login.status, 200);
    assert.equal(login.body.data.id, user.id);
    assert.equal((await agent.get("/api/auth/user")).status, 200);

    const logout = await agent.post("/api/logout");
    assert.equal(logout.status, 200);
    assert.equal((await agent.get("/api/auth/user")).status, 401);
  });

  it("treats the email as case-insensitive at sign-in", async () => {
    const { email, password } = await createTestUser();
    const response = await request(await getApp())
      .post("/api/login")
      .send({ email: email.toUpperCase(), password });
    assert.equal(response.status, 200);
  });
});
