// Hidden tests for the contact-autoreply task, without CONTACT_REPLY_FROM (as in the fixture's .env):
// the acknowledgement then comes from the regular sender, MAIL_FROM.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, getApp, uniqueEmail } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

before(() => {
  assert.ok(!process.env.CONTACT_REPLY_FROM, "these tests expect CONTACT_REPLY_FROM to be unset");
  assert.ok(process.env.MAIL_FROM, "MAIL_FROM is set in .env");
});

describe("contact autoreply: default sender", () => {
  it("sends the acknowledgement from MAIL_FROM when CONTACT_REPLY_FROM is not set", async () => {
    const email = uniqueEmail("sender");
    const response = await request(await getApp())
      .post("/api/contact")
      .send({
        name: "Kit Marsh",
        email,
        subject: `Shop fit-out ${randomUUID().slice(0, 8)}`,
        message: "Could you help with a small shop fit-out next spring?",
      });
    assert.equal(response.status, 201);
    const sent = (getOutbox() as readonly { to: string; from?: string }[]).filter((message) => message.to === email);
    assert.equal(sent.length, 1, `expected one email to ${email}, got ${sent.length}`);
    assert.equal(sent[0].from, process.env.MAIL_FROM);
  });
});
