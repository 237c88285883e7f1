// Hidden tests for the contact-blank-message task (BUG-007): the contact form trims name, subject and
// message, and refuses them when nothing but whitespace is left. HTTP only; stored messages are read
// back through the admin inbox, outgoing mail from the dev outbox.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ContactMessage } from "@shared/schema";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

function contactForm(overrides: Record<string, unknown> = {}) {
  return {
    name: "Robin Hale",
    email: uniqueEmail("contact"),
    subject: `Counter quote ${randomUUID().slice(0, 8)}`,
    message: "Could you quote for a steel-topped counter, about 3 m long?",
    ...overrides,
  };
}

async function send(form: Record<string, unknown>) {
  return request(await getApp()).post("/api/contact").send(form);
}

/** Stored contact messages from the given sender, read through the admin inbox (newest first). */
async function storedFrom(email: string): Promise<ContactMessage[]> {
  const { agent } = await loginAs("admin");
  const response = await agent.get("/api/admin/contact-messages?status=new&pageSize=100");
  assert.equal(response.status, 200);
  return dataOf<ContactMessage[]>(response.body).filter((message) => message.email === email);
}

async function assertRefused(form: Record<string, unknown> & { email: string }, what: string): Promise<void> {
  const response = await send(form);
  assert.equal(response.status, 400, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(getOutbox().length, 0, `${what}: no email to the studio`);
  assert.deepEqual(await storedFrom(form.email), [], `${what}: nothing stored`);
}

describe("contact form: blank fields (BUG-007)", () => {
  it("refuses a message of spaces only", async () => {
    await assertRefused(contactForm({ message: "   " }), "message of spaces");
  });

  it("refuses a message of other whitespace only", async () => {
    await assertRefused(contactForm({ message: "\n\t \r\n" }), "message of newlines and tabs");
  });

  it("refuses a blank name", async () => {
    await assertRefused(contactForm({ name: "   " }), "blank name");
  });

  it("refuses a blank subject", async () => {
    await assertRefused(contactForm({ subject: " \t " }), "blank subject");
  });

  it("stores name, subject and message without surrounding whitespace", async () => {
    const form = contactForm();
    const response = await send({
      ...form,
      name: `  ${form.name}  `,
      subject: `\t${form.subject} `,
      message: `\n  ${form.message}  \n`,
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const [stored] = await storedFrom(form.email);
    assert.ok(stored, "the message is stored");
    assert.equal(stored.name, form.name);
    assert.equal(stored.subject, form.subject);
    assert.equal(stored.message, form.message);
  });
});

describe("contact form: unchanged behaviour", () => {
  it("accepts a normal message with 201 and notifies the studio", async () => {
    const form = contactForm();
    const response = await send(form);
    assert.equal(response.status, 201);
    const data = dataOf<{ id: number }>(response.body);
    assert.equal(typeof data.id, "number");
    assert.equal(getOutbox().length, 1);
    const [stored] = await storedFrom(form.email);
    assert.equal(stored.message, form.message);
  });

  it("accepts a one-character message", async () => {
    const form = contactForm({ message: "?" });
    assert.equal((await send(form)).status, 201);
  });

  it("keeps inner whitespace and line breaks of the message", async () => {
    const message = "Line one.\n\n  Indented line two.";
    const form = contactForm({ message });
    assert.equal((await send(form)).status, 201);
    const [stored] = await storedFrom(form.email);
    assert.equal(stored.message, message);
  });

  it("refuses an empty message and a missing subject", async () => {
    await assertRefused(contactForm({ message: "" }), "empty message");
    const { subject: _subject, ...withoutSubject } = contactForm();
    await assertRefused(withoutSubject, "missing subject");
  });

  it("refuses a message longer than 5000 characters", async () => {
    await assertRefused(contactForm({ message: "x".repeat(5001) }), "5001 characters");
  });
});
