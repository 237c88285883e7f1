// Hidden tests for the contact-idempotency task: POST /api/contact with an Idempotency-Key header.
// They talk to the API over HTTP only, count stored messages through the admin inbox and read outgoing
// mail from the dev outbox. Every test uses its own keys and subjects.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ContactMessage } from "@shared/schema";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

interface Receipt {
  id: number;
  receivedAt: string;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

function contactForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Robin Vale",
    email: uniqueEmail("retry"),
    company: "Vale & Daughters",
    subject: `Stair balustrade ${randomUUID().slice(0, 8)}`,
    message: "Could you quote for a steel balustrade on a 14-step stair?",
    serviceInterest: "metalwork",
    ...overrides,
  };
}

function newKey(): string {
  return `contact-${randomUUID()}`;
}

async function send(form: Record<string, unknown>, key?: string) {
  const call = request(await getApp()).post("/api/contact");
  return (key === undefined ? call : call.set("Idempotency-Key", key)).send(form);
}

function receiptOf(response: { status: number; body: { success?: boolean; data?: Receipt } }): Receipt {
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.ok(response.body.data, "the answer has data");
  assert.equal(typeof response.body.data.id, "number");
  return response.body.data;
}

/** Stored messages with this subject, read through the admin inbox (newest 100). */
async function storedWithSubject(subject: unknown): Promise<ContactMessage[]> {
  const response = await admin.get("/api/admin/contact-messages?pageSize=100");
  assert.equal(response.status, 200);
  return (response.body.data as ContactMessage[]).filter((message) => message.subject === subject);
}

function mailsAbout(subject: unknown) {
  return getOutbox().filter((mail) => mail.subject.includes(String(subject)));
}

describe("contact idempotency: without a key", () => {
  it("stores the message and notifies the studio as before", async () => {
    const form = contactForm();
    receiptOf(await send(form));
    assert.equal((await storedWithSubject(form.subject)).length, 1);
    assert.equal(mailsAbout(form.subject).length, 1);
  });

  it("stores the same form twice when it is sent twice", async () => {
    const form = contactForm();
    const first = receiptOf(await send(form));
    const second = receiptOf(await send(form));
    assert.notEqual(first.id, second.id);
    assert.equal((await storedWithSubject(form.subject)).length, 2);
    assert.equal(mailsAbout(form.subject).length, 2);
  });

  it("stores two messages for the same form under two different keys", async () => {
    const form = contactForm();
    const first = receiptOf(await send(form, newKey()));
    const second = receiptOf(await send(form, newKey()));
    assert.notEqual(first.id, second.id);
    assert.equal((await storedWithSubject(form.subject)).length, 2);
  });
});

describe("contact idempotency: repeated key", () => {
  it("answers the original 201 again for the same key and form", async () => {
    const form = contactForm();
    const key = newKey();
    const first = receiptOf(await send(form, key));
    const again = receiptOf(await send(form, key));
    assert.deepEqual(again, first);
    const third = receiptOf(await send(form, key));
    assert.deepEqual(third, first);
  });

  it("stores the message and emails the studio only once", async () => {
    const form = contactForm();
    const key = newKey();
    receiptOf(await send(form, key));
    receiptOf(await send(form, key));
    receiptOf(await send(form, key));
    const stored = await storedWithSubject(form.subject);
    assert.equal(stored.length, 1);
    assert.equal(mailsAbout(form.subject).length, 1);
    assert.equal(getOutbox().length, 1);
  });

  it("treats the same fields sent in a different order as the same form", async () => {
    const form = contactForm();
    const key = newKey();
    const first = receiptOf(await send(form, key));
    const reordered = Object.fromEntries(Object.entries(form).reverse());
    const again = receiptOf(await send(reordered, key));
    assert.equal(again.id, first.id);
    assert.equal((await storedWithSubject(form.subject)).length, 1);
  });

  it("stores one message when two requests with the same key arrive together", async () => {
    const form = contactForm();
    const key = newKey();
    const [one, two] = await Promise.all([send(form, key), send(form, key)]);
    const first = receiptOf(one);
    const second = receiptOf(two);
    assert.equal(second.id, first.id);
    assert.equal((await storedWithSubject(form.subject)).length, 1);
    assert.equal(mailsAbout(form.subject).length, 1);
  });
});

describe("contact idempotency: conflicts and invalid input", () => {
  it("answers 409 with an error for the same key with a different form, and stores nothing", async () => {
    const form = contactForm();
    const key = newKey();
    const first = receiptOf(await send(form, key));
    clearOutbox();
    const changed = { ...form, message: "Actually, make that a glass balustrade, please." };
    const conflict = await send(changed, key);
    assert.equal(conflict.status, 409);
    assert.equal(typeof conflict.body.error, "string");
    assert.equal(getOutbox().length, 0, "no email for the conflicting request");
    const stored = await storedWithSubject(form.subject);
    assert.deepEqual(
      stored.map((message) => message.id),
      [first.id],
    );
    assert.equal(stored[0].message, form.message, "the original message is kept");
    const otherSubject = await send({ ...form, subject: `${String(form.subject)} (v2)` }, key);
    assert.equal(otherSubject.status, 409);
    assert.equal((await storedWithSubject(`${String(form.subject)} (v2)`)).length, 0);
  });

  it("still replays the original form after a conflict", async () => {
    const form = contactForm();
    const key = newKey();
    const first = receiptOf(await send(form, key));
    assert.equal((await send({ ...form, name: "Someone Else" }, key)).status, 409);
    assert.deepEqual(receiptOf(await send(form, key)), first);
  });

  it("does not use up a key on an invalid form", async () => {
    const form = contactForm();
    const key = newKey();
    const invalid = await send({ ...form, email: "not-an-email" }, key);
    assert.equal(invalid.status, 400);
    const first = receiptOf(await send(form, key));
    const again = receiptOf(await send(form, key));
    assert.equal(again.id, first.id);
    assert.equal((await storedWithSubject(form.subject)).length, 1);
  });

  it("answers 400 for a key longer than 200 characters, and stores nothing", async () => {
    const form = contactForm();
    const response = await send(form, "k".repeat(201));
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.equal((await storedWithSubject(form.subject)).length, 0);
    assert.equal(getOutbox().length, 0);
    receiptOf(await send(form, "k".repeat(200)));
  });
});
