// Hidden tests for the contact-autoreply task: the sender of a contact form message gets an
// acknowledgement email from CONTACT_REPLY_FROM, with replies going to the studio inbox.
//
// CONTACT_REPLY_FROM is not in the fixture's .env, so this file sets it before the app (and its
// configuration) is loaded: the app modules are imported dynamically, after the assignment.
// contact-autoreply-default.test.ts covers the fallback to MAIL_FROM when it is not set.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";

const REPLY_FROM = "Alloy Replies <replies@alloy-tests.example>";
process.env.CONTACT_REPLY_FROM = REPLY_FROM;

const { clearOutbox, getOutbox } = await import("../../server/services/email-service");
const { closeApp, getApp, uniqueEmail } = await import("../helpers");

after(closeApp);
beforeEach(clearOutbox);

/** An outbox message as the tests read it (`from` is the field the request adds). */
interface SentEmail {
  to: string;
  from?: string;
  replyTo?: string;
  subject: string;
  text: string;
}

function contactForm(overrides: Record<string, unknown> = {}) {
  return {
    name: "Robin Vale",
    email: uniqueEmail("sender"),
    company: "Vale & Daughters",
    subject: `Reception desk ${randomUUID().slice(0, 8)}`,
    message: "We are looking for a reception desk in oak and blackened steel, about 2.2 m wide.",
    ...overrides,
  };
}

async function sendForm(form: Record<string, unknown>) {
  return request(await getApp()).post("/api/contact").send(form);
}

function sentTo(address: string): SentEmail[] {
  return (getOutbox() as readonly SentEmail[]).filter((message) => message.to === address);
}

/** The one acknowledgement sent to the form's sender. */
async function acknowledgementFor(form: { email: string }): Promise<SentEmail> {
  const sent = sentTo(form.email);
  assert.equal(sent.length, 1, `expected one email to ${form.email}, got ${sent.length}`);
  return sent[0];
}

describe("contact autoreply: acknowledgement", () => {
  it("sends the sender one acknowledgement", async () => {
    const form = contactForm();
    const response = await sendForm(form);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    await acknowledgementFor(form);
  });

  it("sends the acknowledgement from CONTACT_REPLY_FROM", async () => {
    const form = contactForm();
    assert.equal((await sendForm(form)).status, 201);
    const acknowledgement = await acknowledgementFor(form);
    assert.equal(acknowledgement.from, REPLY_FROM);
  });

  it("lets the sender reply to the studio inbox", async () => {
    const form = contactForm();
    assert.equal((await sendForm(form)).status, 201);
    const acknowledgement = await acknowledgementFor(form);
    const studio = process.env.STUDIO_INBOX_EMAIL;
    assert.ok(studio, "STUDIO_INBOX_EMAIL is set in .env");
    assert.equal(acknowledgement.replyTo, studio);
  });

  it("mentions the subject of the message", async () => {
    const form = contactForm();
    assert.equal((await sendForm(form)).status, 201);
    const acknowledgement = await acknowledgementFor(form);
    assert.ok(
      acknowledgement.subject.includes(form.subject) || acknowledgement.text.includes(form.subject),
      `neither the subject nor the text of the acknowledgement mentions "${form.subject}"`,
    );
  });

  it("acknowledges each sender separately", async () => {
    const first = contactForm();
    const second = contactForm({ name: "Sam Okafor" });
    assert.equal((await sendForm(first)).status, 201);
    assert.equal((await sendForm(second)).status, 201);
    await acknowledgementFor(first);
    await acknowledgementFor(second);
  });
});

describe("contact autoreply: mail provider", () => {
  it("hands the provider the acknowledgement with CONTACT_REPLY_FROM as sender", async () => {
    const received: Record<string, unknown>[] = [];
    const provider: Server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(202, { "Content-Type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const { port } = provider.address() as AddressInfo;
    process.env.MAIL_PROVIDER_API_KEY = "test-provider-key";
    process.env.MAIL_PROVIDER_API_URL = `http://127.0.0.1:${port}/send`;
    try {
      const form = contactForm();
      assert.equal((await sendForm(form)).status, 201);
      for (let waited = 0; waited < 3000 && received.length < 2; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const acknowledgement = received.find((email) => email.to === form.email);
      assert.ok(acknowledgement, `the provider got no email to ${form.email}`);
      assert.equal(acknowledgement.from, REPLY_FROM);
      const notice = received.find((email) => email.to === process.env.STUDIO_INBOX_EMAIL);
      assert.ok(notice, "the provider got the studio notice");
      assert.equal(notice.from, process.env.MAIL_FROM, "the studio notice still comes from MAIL_FROM");
    } finally {
      delete process.env.MAIL_PROVIDER_API_KEY;
      delete process.env.MAIL_PROVIDER_API_URL;
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    }
  });
});

describe("contact autoreply: unchanged behaviour", () => {
  it("answers 201 with the message id and receipt time", async () => {
    const response = await sendForm(contactForm());
    assert.equal(response.status, 201);
    assert.equal(response.body.success, true);
    assert.equal(typeof response.body.data.id, "number");
    assert.ok(!Number.isNaN(Date.parse(response.body.data.receivedAt)));
  });

  it("still notifies the studio inbox once, with the sender as reply-to", async () => {
    const form = contactForm();
    assert.equal((await sendForm(form)).status, 201);
    const studio = process.env.STUDIO_INBOX_EMAIL ?? "";
    const notices = sentTo(studio);
    assert.equal(notices.length, 1);
    assert.equal(notices[0].replyTo, form.email);
  });

  it("sends no email for an invalid form", async () => {
    const response = await sendForm(contactForm({ email: "not-an-email" }));
    assert.equal(response.status, 400);
    assert.equal(getOutbox().length, 0);
  });
});
