// Hidden tests for the contact-spam-filter task with SPAM_MAX_LINKS=4. The variable is not in the
// fixture's .env; this file sets it before the app (and its configuration) is loaded, by importing the
// app modules dynamically after the assignment.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";

process.env.SPAM_MAX_LINKS = "4";

const { clearOutbox, getOutbox } = await import("../../server/services/email-service");
const { closeApp, getApp, loginAs, uniqueEmail } = await import("../helpers");

after(closeApp);
beforeEach(clearOutbox);

function links(count: number): string {
  return Array.from({ length: count }, (_, index) => `https://site-${index}.example/page`).join(" and ");
}

async function send(message: string): Promise<number> {
  const response = await request(await getApp())
    .post("/api/contact")
    .send({
      name: "Rene Ortiz",
      email: uniqueEmail("spam-limit"),
      subject: `Links ${randomUUID().slice(0, 8)}`,
      message: `Please have a look at ${message}.`,
    });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.data.id as number;
}

async function spamIds(): Promise<number[]> {
  const { agent } = await loginAs("admin");
  const response = await agent.get("/api/admin/contact-messages?spam=true&pageSize=100");
  assert.equal(response.status, 200);
  return (response.body.data as { id: number }[]).map((entry) => entry.id);
}

function studioNotices(): number {
  return getOutbox().filter((message) => message.to === process.env.STUDIO_INBOX_EMAIL).length;
}

describe("spam filter: SPAM_MAX_LINKS", () => {
  it("accepts up to SPAM_MAX_LINKS links as a normal message", async () => {
    const id = await send(links(4));
    assert.equal(studioNotices(), 1);
    assert.ok(!(await spamIds()).includes(id));
  });

  it("flags a message with more than SPAM_MAX_LINKS links as spam", async () => {
    const id = await send(links(5));
    assert.equal(studioNotices(), 0);
    assert.ok((await spamIds()).includes(id));
  });
});
