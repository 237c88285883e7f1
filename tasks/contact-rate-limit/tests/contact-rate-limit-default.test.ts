// Hidden tests for the contact-rate-limit task without CONTACT_RATE_LIMIT_PER_HOUR (as in the fixture's
// .env): the limit is then 5 messages per client IP and hour. Clients are told apart by X-Forwarded-For.
import assert from "node:assert/strict";
import { randomInt, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { closeApp, getApp, uniqueEmail } from "../helpers";

after(closeApp);

before(() => {
  assert.ok(!process.env.CONTACT_RATE_LIMIT_PER_HOUR, "these tests expect CONTACT_RATE_LIMIT_PER_HOUR to be unset");
});

describe("contact rate limit: default", () => {
  it("accepts 5 messages an hour from one address and refuses the 6th with 429", async () => {
    const ip = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const app = await getApp();
    const send = () =>
      request(app)
        .post("/api/contact")
        .set("X-Forwarded-For", ip)
        .send({
          name: "Ada Quill",
          email: uniqueEmail("default-limit"),
          subject: `Shelving ${randomUUID().slice(0, 8)}`,
          message: "Could you quote for a run of oak shelving?",
        });
    for (let sent = 1; sent <= 5; sent++) {
      const response = await send();
      assert.equal(response.status, 201, `message ${sent} answered ${response.status}`);
    }
    const refused = await send();
    assert.equal(refused.status, 429);
    assert.equal(typeof refused.body.error, "string");
  });
});
