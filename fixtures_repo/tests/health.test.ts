import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import { closeApp, getApp } from "./helpers";

after(closeApp);

describe("health and routing", () => {
  it("reports the service and database as up", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.equal(response.body.data.status, "ok");
    assert.equal(response.body.data.database, "up");
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const response = await request(await getApp()).get("/api/does-not-exist");
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, { error: "Not found" });
  });
});
