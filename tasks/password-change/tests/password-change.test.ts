// Hidden tests for the password-change task: POST /api/profile/password.
// They talk to the API over HTTP only and check the result through the existing sign-in (POST /api/login).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import { closeApp, dataOf, getApp, loginAs } from "../helpers";

after(closeApp);

const NEW_PASSWORD = "a much better passphrase";

async function loginStatus(email: string, password: string): Promise<number> {
  const response = await request(await getApp()).post("/api/login").send({ email, password });
  return response.status;
}

describe("password change: success", () => {
  it("changes the password: the new one signs in, the old one no longer does", async () => {
    const { agent, email, password } = await loginAs("client");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(response.status, 200);
    assert.equal(await loginStatus(email, NEW_PASSWORD), 200);
    assert.equal(await loginStatus(email, password), 401);
  });

  it("never sends the password or its hash back", async () => {
    const { agent, password } = await loginAs("client");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(response.status, 200);
    const text = JSON.stringify(response.body);
    assert.ok(!text.includes(NEW_PASSWORD), "no new password in the response");
    assert.ok(!text.includes(password), "no old password in the response");
    assert.ok(!/passwordHash|scrypt\$/.test(text), "no password hash in the response");
  });

  it("keeps the current session signed in", async () => {
    const { agent, password, user } = await loginAs("client");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(response.status, 200);
    const profile = await agent.get("/api/profile");
    assert.equal(profile.status, 200);
    assert.equal(dataOf<{ id: string }>(profile.body).id, user.id);
  });

  it("accepts a new password of exactly 10 and of 200 characters", async () => {
    const { agent, email, password } = await loginAs("client");
    const ten = "ten chars!";
    assert.equal(ten.length, 10);
    const first = await agent.post("/api/profile/password").send({ currentPassword: password, newPassword: ten });
    assert.equal(first.status, 200);
    const long = "p".repeat(200);
    const second = await agent.post("/api/profile/password").send({ currentPassword: ten, newPassword: long });
    assert.equal(second.status, 200);
    assert.equal(await loginStatus(email, long), 200);
  });

  it("works for admins too", async () => {
    const { agent, email, password } = await loginAs("admin");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(response.status, 200);
    assert.equal(await loginStatus(email, NEW_PASSWORD), 200);
  });

  it("changes only the signed-in user's password", async () => {
    const { agent, password } = await loginAs("client");
    const other = await loginAs("client");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(response.status, 200);
    assert.equal(await loginStatus(other.email, other.password), 200);
    assert.equal(await loginStatus(other.email, NEW_PASSWORD), 401);
  });
});

describe("password change: refusals", () => {
  it("answers 403 for a wrong current password and keeps the old password", async () => {
    const { agent, email, password } = await loginAs("client");
    const response = await agent
      .post("/api/profile/password")
      .send({ currentPassword: "not the current password", newPassword: NEW_PASSWORD });
    assert.equal(response.status, 403);
    assert.equal(typeof response.body.error, "string");
    assert.equal(await loginStatus(email, password), 200);
    assert.equal(await loginStatus(email, NEW_PASSWORD), 401);
  });

  it("answers 400 for a new password shorter than 10 characters", async () => {
    const { agent, email, password } = await loginAs("client");
    const response = await agent.post("/api/profile/password").send({ currentPassword: password, newPassword: "short9chr" });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.equal(await loginStatus(email, password), 200);
  });

  it("answers 400 for a new password longer than 200 characters", async () => {
    const { agent, email, password } = await loginAs("client");
    const newPassword = "p".repeat(201);
    const response = await agent.post("/api/profile/password").send({ currentPassword: password, newPassword });
    assert.equal(response.status, 400);
    assert.equal(await loginStatus(email, newPassword), 401);
    assert.equal(await loginStatus(email, password), 200);
  });

  it("answers 400 when the new password equals the current one", async () => {
    const { agent, email, password } = await loginAs("client");
    const response = await agent.post("/api/profile/password").send({ currentPassword: password, newPassword: password });
    assert.equal(response.status, 400);
    assert.equal(await loginStatus(email, password), 200);
  });

  it("answers 400 for a missing or non-string field", async () => {
    const { agent, email, password } = await loginAs("client");
    const bodies: unknown[] = [
      {},
      { currentPassword: password },
      { newPassword: NEW_PASSWORD },
      { currentPassword: password, newPassword: 12345678901 },
      { currentPassword: 42, newPassword: NEW_PASSWORD },
    ];
    for (const body of bodies) {
      const response = await agent.post("/api/profile/password").send(body as object);
      assert.equal(response.status, 400, JSON.stringify(body));
    }
    assert.equal(await loginStatus(email, password), 200);
  });

  it("answers 401 without a session", async () => {
    const response = await request(await getApp())
      .post("/api/profile/password")
      .send({ currentPassword: "whatever it is", newPassword: NEW_PASSWORD });
    assert.equal(response.status, 401);
  });
});
