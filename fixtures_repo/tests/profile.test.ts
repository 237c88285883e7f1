import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import { closeApp, getApp, loginAs } from "./helpers";

after(closeApp);

describe("profile", () => {
  it("requires a session", async () => {
    const response = await request(await getApp()).get("/api/profile");
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: "Unauthorized" });
  });

  it("returns the signed-in user without the password hash", async () => {
    const { agent, user } = await loginAs("client");
    const response = await agent.get("/api/profile");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.equal(response.body.data.id, user.id);
    assert.equal("passwordHash" in response.body.data, false);
  });

  it("updates contact details", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.patch("/api/profile").send({ company: "Rivera Joinery", phone: "+44 20 7946 0000" });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.company, "Rivera Joinery");
    assert.equal(response.body.data.phone, "+44 20 7946 0000");
    assert.equal((await agent.get("/api/profile")).body.data.company, "Rivera Joinery");
  });

  it("validates the profile image URL", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.patch("/api/profile").send({ profileImageUrl: "not a url" });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.body.details));
  });
});
