// Hidden tests for the contact-rate-limit task: POST /api/contact accepts at most
// CONTACT_RATE_LIMIT_PER_HOUR valid messages per client IP in an hour, then answers 429.
//
// The app trusts one proxy hop (`trust proxy` is set by the auth integration), so req.ip is taken from
// X-Forwarded-For: every test sends from an address of its own. CONTACT_RATE_LIMIT_PER_HOUR is not in
// the fixture's .env; this file sets it to 3 before the app (and its configuration) is loaded, by
// importing the app modules dynamically after the assignment. contact-rate-limit-default.test.ts covers
// the default of 5.
import assert from "node:assert/strict";
import { randomInt, randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";

const LIMIT = 3;
process.env.CONTACT_RATE_LIMIT_PER_HOUR = String(LIMIT);

const { clearOutbox, getOutbox } = await import("../../server/services/email-service");
const { closeApp, getApp, loginAs, uniqueEmail } = await import("../helpers");
type TestAgent = Awaited<ReturnType<typeof loginAs>>["agent"];

after(closeApp);
beforeEach(clearOutbox);

const usedAddresses = new Set<string>();

/** A client address no other test in this file uses. */
function freshIp(): string {
  for (;;) {
    const ip = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    if (!usedAddresses.has(ip)) {
      usedAddresses.add(ip);
      return ip;
    }
  }
}

function contactForm(overrides: Record<string, unknown> = {}) {
  return {
    name: "Lou Brennan",
    email: uniqueEmail("limited"),
    subject: `Bench seating ${randomUUID().slice(0, 8)}`,
    message: "Could you quote for built-in bench seating along a 6 m wall?",
    ...overrides,
  };
}

async function sendFrom(ip: string, form: Record<string, unknown> = contactForm()) {
  return request(await getApp()).post("/api/contact").set("X-Forwarded-For", ip).send(form);
}

/** Sends `count` valid messages from `ip`, each of which must be accepted. */
async function useUp(ip: string, count: number = LIMIT): Promise<void> {
  for (let sent = 0; sent < count; sent++) {
    const response = await sendFrom(ip);
    assert.equal(response.status, 201, `message ${sent + 1} of ${count} answered ${response.status}`);
  }
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function storedSubjects(): Promise<string[]> {
  const response = await admin.get("/api/admin/contact-messages?pageSize=100");
  assert.equal(response.status, 200);
  return (response.body.data as { subject: string }[]).map((message) => message.subject);
}

describe("contact rate limit: refusing", () => {
  it("accepts the configured number of messages from one address", async () => {
    await useUp(freshIp());
  });

  it("answers 429 with an error to the next message from that address", async () => {
    const ip = freshIp();
    await useUp(ip);
    const response = await sendFrom(ip);
    assert.equal(response.status, 429);
    assert.equal(typeof response.body.error, "string", JSON.stringify(response.body));
  });

  it("neither stores nor emails a refused message", async () => {
    const ip = freshIp();
    await useUp(ip);
    clearOutbox();
    const refused = contactForm();
    assert.equal((await sendFrom(ip, refused)).status, 429);
    assert.equal(getOutbox().length, 0, "a refused message sends no email");
    assert.ok(!(await storedSubjects()).includes(refused.subject), "a refused message is not stored");
  });

  it("keeps refusing further messages from that address", async () => {
    const ip = freshIp();
    await useUp(ip);
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.equal((await sendFrom(ip)).status, 429);
    }
  });

  it("says when to retry, in seconds within the hour", async () => {
    const ip = freshIp();
    await useUp(ip);
    const response = await sendFrom(ip);
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers["retry-after"]);
    assert.ok(Number.isInteger(retryAfter), `Retry-After is ${response.headers["retry-after"]}`);
    assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After is ${retryAfter}`);
  });

  it("refuses a sender who changes their email address but not their IP", async () => {
    const ip = freshIp();
    await useUp(ip);
    const response = await sendFrom(ip, contactForm({ email: uniqueEmail("other"), name: "Someone Else" }));
    assert.equal(response.status, 429);
  });
});

describe("contact rate limit: per address", () => {
  it("still accepts messages from another address", async () => {
    const blocked = freshIp();
    await useUp(blocked);
    assert.equal((await sendFrom(blocked)).status, 429);
    const other = freshIp();
    const response = await sendFrom(other);
    assert.equal(response.status, 201);
  });

  it("does not count forms that fail validation", async () => {
    const ip = freshIp();
    for (let attempt = 0; attempt < LIMIT + 2; attempt++) {
      const response = await sendFrom(ip, contactForm({ email: "not-an-email" }));
      assert.equal(response.status, 400);
    }
    await useUp(ip);
    assert.equal((await sendFrom(ip)).status, 429, "the valid messages still count");
  });
});

describe("contact rate limit: unchanged behaviour", () => {
  it("stores a message, notifies the studio and answers 201", async () => {
    const form = contactForm();
    const response = await sendFrom(freshIp(), form);
    assert.equal(response.status, 201);
    assert.equal(response.body.success, true);
    assert.equal(typeof response.body.data.id, "number");
    assert.ok(getOutbox().some((message) => message.to === process.env.STUDIO_INBOX_EMAIL));
    assert.ok((await storedSubjects()).includes(form.subject));
  });

  it("rejects an invalid form with 400", async () => {
    const response = await sendFrom(freshIp(), contactForm({ message: "" }));
    assert.equal(response.status, 400);
  });
});
