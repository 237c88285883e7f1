// Hidden tests for the error-format-cleanup task (BUG-010): every error answer of the API is
// { error: "<sentence>" } (plus `details` with the Zod issues for validation errors), never { message }
// or { errors }; status codes and success bodies stay as they were. HTTP only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has
const OUT_OF_RANGE_ID = "99999999999"; // a positive whole number, but too large for the int4 id column

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

/** `{ error: "<non-empty string>" }`, optionally with `details`, and none of the old keys. */
function assertErrorShape(response: request.Response, status: number, what: string): void {
  assert.equal(response.status, status, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body.error, "string", `${what}: error is a string`);
  assert.ok(response.body.error.length > 0, `${what}: error is not empty`);
  assert.equal(response.body.message, undefined, `${what}: no message key`);
  assert.equal(response.body.errors, undefined, `${what}: no errors key`);
  assert.equal(response.body.success, undefined, `${what}: no success key`);
}

/** A validation error: the error shape plus `details`, the Zod issues. */
function assertValidationError(response: request.Response, what: string): void {
  assertErrorShape(response, 400, what);
  assert.ok(Array.isArray(response.body.details), `${what}: details is an array`);
  assert.ok(response.body.details.length > 0, `${what}: details lists the problems`);
  for (const issue of response.body.details as { path?: unknown; message?: unknown }[]) {
    assert.ok(Array.isArray(issue.path), `${what}: each issue has a path`);
    assert.equal(typeof issue.message, "string", `${what}: each issue has a message`);
  }
}

function portfolioProject(overrides: Record<string, unknown> = {}) {
  return {
    slug: uniqueSlug("errors"),
    title: "Error format project",
    summary: "A project created by the error format tests.",
    body: "Body text for the error format tests.",
    year: 2025,
    ...overrides,
  };
}

describe("errors: contact and newsletter (BUG-010)", () => {
  it("answers an invalid contact form with 400 { error, details }", async () => {
    const response = await request(await getApp()).post("/api/contact").send({});
    assertValidationError(response, "POST /api/contact {}");
    const fields = (response.body.details as { path: unknown[] }[]).map((issue) => issue.path[0]);
    assert.ok(fields.includes("message"), "the missing message is among the details");
  });

  it("answers an invalid newsletter address with 400 { error }", async () => {
    const response = await request(await getApp()).post("/api/newsletter/subscribe").send({ email: "not-an-email" });
    assertErrorShape(response, 400, "POST /api/newsletter/subscribe (invalid email)");
  });

  it("answers an address that is already subscribed with 409 { error }", async () => {
    const app = await getApp();
    const email = uniqueEmail("errors");
    assert.equal((await request(app).post("/api/newsletter/subscribe").send({ email })).status, 201);
    const again = await request(app).post("/api/newsletter/subscribe").send({ email });
    assertErrorShape(again, 409, "POST /api/newsletter/subscribe (duplicate)");
  });
});

describe("errors: admin portfolio (BUG-010)", () => {
  it("answers an invalid new project with 400 { error, details }", async () => {
    const response = await admin.post("/api/admin/portfolio").send(portfolioProject({ slug: "Not A Slug", year: 1800 }));
    assertValidationError(response, "POST /api/admin/portfolio (invalid)");
  });

  it("answers an invalid project change with 400 { error, details }", async () => {
    const created = await admin.post("/api/admin/portfolio").send(portfolioProject());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const project = dataOf<PortfolioProject>(created.body);
    const response = await admin.patch(`/api/admin/portfolio/${project.id}`).send({ year: "soon" });
    assertValidationError(response, "PATCH /api/admin/portfolio/:id (invalid)");
  });

  it("answers a non-numeric project id with 400 { error }", async () => {
    const response = await admin.patch("/api/admin/portfolio/abc").send({ title: "A new title" });
    assertErrorShape(response, 400, "PATCH /api/admin/portfolio/abc");
  });

  it("answers an unknown project with 404 { error }", async () => {
    const response = await admin.patch(`/api/admin/portfolio/${UNKNOWN_ID}`).send({ title: "A new title" });
    assertErrorShape(response, 404, "PATCH /api/admin/portfolio/<unknown>");
  });
});

describe("errors: the global error handler (BUG-010)", () => {
  it("answers a malformed JSON body with 400 { error }", async () => {
    const response = await request(await getApp())
      .post("/api/contact")
      .set("Content-Type", "application/json")
      .send('{"name": ');
    assertErrorShape(response, 400, "malformed JSON");
  });

  it("answers a body over the size limit with 413 { error }", async () => {
    const response = await request(await getApp())
      .post("/api/contact")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ message: "x".repeat(1_100_000) }));
    assertErrorShape(response, 413, "body over 1 MB");
  });

  it("answers an unexpected failure with 500 { error } and no database details", async () => {
    const response = await admin.patch(`/api/admin/contact-messages/${OUT_OF_RANGE_ID}`).send({ status: "read" });
    assertErrorShape(response, 500, "database error");
    const text = JSON.stringify(response.body);
    assert.ok(!/out of range|failed query|contact_messages|params/i.test(text), `no internals in ${text}`);
  });
});

describe("errors and successes that were already right", () => {
  it("keeps the success bodies of the contact form and the newsletter", async () => {
    const app = await getApp();
    const contact = await request(app).post("/api/contact").send({
      name: "Sam Reyes",
      email: uniqueEmail("errors"),
      subject: "Bench quote",
      message: "Could you quote for two oak benches?",
    });
    assert.equal(contact.status, 201);
    assert.equal(contact.body.success, true);
    assert.deepEqual(Object.keys(contact.body.data).sort(), ["id", "receivedAt"]);
    const email = uniqueEmail("errors");
    const subscribed = await request(app).post("/api/newsletter/subscribe").send({ email });
    assert.equal(subscribed.status, 201);
    assert.deepEqual(subscribed.body, { success: true, data: { email, status: "subscribed" } });
  });

  it("keeps the success bodies of the admin portfolio routes", async () => {
    const created = await admin.post("/api/admin/portfolio").send(portfolioProject());
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    const project = dataOf<PortfolioProject>(created.body);
    const updated = await admin.patch(`/api/admin/portfolio/${project.id}`).send({ title: "Renamed project" });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.success, true);
    assert.equal(dataOf<PortfolioProject>(updated.body).title, "Renamed project");
  });

  it("answers 401, 403 and unknown API paths with { error } as before", async () => {
    const app = await getApp();
    assertErrorShape(await request(app).get("/api/admin/services"), 401, "no session");
    const client = await loginAs("client");
    assertErrorShape(await client.agent.get("/api/admin/services"), 403, "client on an admin route");
    assertErrorShape(await request(app).get("/api/no-such-endpoint"), 404, "unknown /api path");
  });

  it("answers other validation errors with { error, details } as before", async () => {
    const response = await admin.post("/api/admin/services").send({ slug: "Not A Slug" });
    assertValidationError(response, "POST /api/admin/services (invalid)");
  });
});
