// Hidden tests for the health-database-status task with an unreachable database.
// Node's test runner runs each file in its own process, so this file points DATABASE_URL at a database
// that does not exist (same server, unknown name) BEFORE the app is loaded; every query then fails.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";

// Swap only the database name (the URL may use a socket host: postgresql://user@/name?host=/run/pg).
process.env.DATABASE_URL = (process.env.DATABASE_URL ?? "").replace(
  /\/[^/?]*(\?|$)/,
  "/alloy_health_missing_database$1",
);

const { closeApp, getApp } = await import("../helpers");

after(closeApp);

describe("health: database down", () => {
  it("answers 200 with database down, status degraded and latencyMs null", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.equal(response.body.data.database, "down");
    assert.equal(response.body.data.status, "degraded");
    assert.equal(response.body.data.latencyMs, null);
  });

  it("still reports uptimeSeconds when the database is down", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    assert.equal(typeof response.body.data.uptimeSeconds, "number");
  });

  it("keeps answering unknown API paths with a JSON 404", async () => {
    const response = await request(await getApp()).get("/api/does-not-exist");
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, { error: "Not found" });
  });
});
