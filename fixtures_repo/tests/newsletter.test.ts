import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { NewsletterSubscriber } from "@shared/schema";
import { clearOutbox, getOutbox } from "../server/services/email-service";
import { closeApp, getApp, loginAs, uniqueEmail } from "./helpers";

after(closeApp);
beforeEach(clearOutbox);

function tokenFromWelcome(): string {
  const welcome = getOutbox().at(-1);
  assert.ok(welcome, "a welcome email was sent");
  const match = /token=([0-9a-f]+)/.exec(welcome.text);
  assert.ok(match, "the welcome email carries an unsubscribe link");
  return match[1];
}

describe("newsletter", () => {
  it("subscribes a new address and sends a welcome email", async () => {
    const email = uniqueEmail("reader");
    const response = await request(await getApp()).post("/api/newsletter/subscribe").send({ email, name: "Reader" });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { success: true, data: { email, status: "subscribed" } });
    assert.equal(getOutbox().length, 1);
    assert.equal(getOutbox()[0].to, email);
  });

  it("refuses the same address twice", async () => {
    const email = uniqueEmail("reader");
    const app = await getApp();
    await request(app).post("/api/newsletter/subscribe").send({ email });
    const again = await request(app).post("/api/newsletter/subscribe").send({ email });
    assert.equal(again.status, 409);
  });

  it("rejects an invalid address", async () => {
    const response = await request(await getApp()).post("/api/newsletter/subscribe").send({ email: "nope" });
    assert.equal(response.status, 400);
  });

  it("unsubscribes with the token from the welcome email", async () => {
    const email = uniqueEmail("reader");
    const app = await getApp();
    await request(app).post("/api/newsletter/subscribe").send({ email });
    const response = await request(app).post("/api/newsletter/unsubscribe").send({ token: tokenFromWelcome() });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { success: true, data: { email, status: "unsubscribed" } });
  });

  it("answers 404 for an unknown token", async () => {
    const response = await request(await getApp())
      .post("/api/newsletter/unsubscribe")
      .send({ token: "0123456789abcdef0123456789abcdef" });
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
  });

  it("lets admins list subscribers", async () => {
    const email = uniqueEmail("reader");
    await request(await getApp()).post("/api/newsletter/subscribe").send({ email });
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/subscribers");
    assert.equal(response.status, 200);
    const subscribers: NewsletterSubscriber[] = response.body.data;
    assert.ok(subscribers.some((subscriber) => subscriber.email === email));
  });
});
