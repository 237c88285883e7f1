// Hidden tests for the health-database-status task: GET /api/health reports the database check's latency.
// The database is up in this file; health-database-status-down.test.ts covers an unreachable database.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import { closeApp, dataOf, getApp, loginAs } from "../helpers";

after(closeApp);

interface Health {
  status: string;
  database: string;
  latencyMs: number | null;
  uptimeSeconds: number;
}

describe("health: database latency", () => {
  it("reports latencyMs as a non-negative number when the database is up", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    const health = dataOf<Health>(response.body);
    assert.equal(typeof health.latencyMs, "number");
    assert.ok(Number.isFinite(health.latencyMs), "latencyMs is a finite number");
    assert.ok((health.latencyMs as number) >= 0, "latencyMs is not negative");
  });

  it("measures no longer than the whole request took", async () => {
    const app = await getApp();
    await request(app).get("/api/health"); // warm the pool
    const started = performance.now();
    const response = await request(app).get("/api/health");
    const elapsedMs = performance.now() - started;
    assert.equal(response.status, 200);
    const { latencyMs } = dataOf<Health>(response.body);
    assert.equal(typeof latencyMs, "number");
    assert.ok((latencyMs as number) <= elapsedMs + 1, `latencyMs ${latencyMs} exceeds the round trip ${elapsedMs}`);
  });

  it("reports latencyMs on every check", async () => {
    const app = await getApp();
    for (let i = 0; i < 3; i += 1) {
      const response = await request(app).get("/api/health");
      assert.equal(response.status, 200);
      assert.equal(typeof dataOf<Health>(response.body).latencyMs, "number");
    }
  });
});

describe("health: unchanged behaviour", () => {
  it("still reports status ok, database up and uptimeSeconds", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    const health = dataOf<Health>(response.body);
    assert.equal(health.status, "ok");
    assert.equal(health.database, "up");
    assert.equal(typeof health.uptimeSeconds, "number");
    assert.ok(Number.isInteger(health.uptimeSeconds) && health.uptimeSeconds >= 0);
  });

  it("answers without a session", async () => {
    const response = await request(await getApp()).get("/api/health");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
  });

  it("answers a signed-in admin the same way", async () => {
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/health");
    assert.equal(response.status, 200);
    const health = dataOf<Health>(response.body);
    assert.equal(health.status, "ok");
    assert.equal(health.database, "up");
  });
});
