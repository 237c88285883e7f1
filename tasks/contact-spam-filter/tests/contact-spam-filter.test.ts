// Hidden tests for the contact-spam-filter task, with SPAM_MAX_LINKS unset (as in the fixture's .env):
// a contact message with more than 2 links is stored as spam, answered as usual, and not emailed to the
// studio; the admin inbox shows spam only with ?spam=true. contact-spam-filter-limit.test.ts covers a
// configured SPAM_MAX_LINKS.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

before(() => {
  assert.ok(!process.env.SPAM_MAX_LINKS, "these tests expect SPAM_MAX_LINKS to be unset (default 2)");
});

/** The fields of an inbox message the tests read (declared here: the tests do not import new types). */
interface InboxMessage {
  id: number;
  subject: string;
  status: string;
  isSpam: boolean;
}

interface InboxPage {
  data: InboxMessage[];
  pagination: { page: number; pageSize: number; total: number };
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

function contactForm(message: string, overrides: Record<string, unknown> = {}) {
  return {
    name: "Pat Lindqvist",
    email: uniqueEmail("spam-filter"),
    subject: `Enquiry ${randomUUID().slice(0, 8)}`,
    message,
    ...overrides,
  };
}

async function send(form: Record<string, unknown>): Promise<number> {
  const response = await request(await getApp()).post("/api/contact").send(form);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.equal(typeof response.body.data.id, "number");
  return response.body.data.id as number;
}

async function inbox(query = ""): Promise<InboxPage> {
  const response = await admin.get(`/api/admin/contact-messages?pageSize=100${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as InboxPage;
}

function studioNotices(): number {
  return getOutbox().filter((message) => message.to === process.env.STUDIO_INBOX_EMAIL).length;
}

const THREE_LINKS =
  "Best prices! https://cheap-seo.example/a and http://cheap-seo.example/b and www.cheap-seo.example/c";
const TWO_LINKS = "Our current shop is https://northwind.example/shop and the mood board is www.boards.example/123";

describe("spam filter: flagging", () => {
  it("answers a message with more than 2 links with the usual 201", async () => {
    await send(contactForm(THREE_LINKS));
  });

  it("does not email the studio about a spam message", async () => {
    await send(contactForm(THREE_LINKS));
    assert.equal(studioNotices(), 0);
  });

  it("stores a message with more than 2 links as spam", async () => {
    const form = contactForm(THREE_LINKS);
    const id = await send(form);
    const spam = (await inbox("&spam=true")).data.find((message) => message.id === id);
    assert.ok(spam, "the message is in the spam view");
    assert.equal(spam.isSpam, true);
    assert.equal(spam.subject, form.subject);
  });

  it("keeps a message with exactly 2 links out of spam and emails the studio", async () => {
    const id = await send(contactForm(TWO_LINKS));
    assert.equal(studioNotices(), 1);
    const message = (await inbox()).data.find((entry) => entry.id === id);
    assert.ok(message, "the message is in the inbox");
    assert.equal(message.isSpam, false);
  });

  it("counts https://www. addresses once", async () => {
    const id = await send(contactForm("See https://www.one.example and http://www.two.example/page for reference."));
    assert.equal(studioNotices(), 1);
    assert.ok((await inbox()).data.some((entry) => entry.id === id));
  });

  it("counts links regardless of case", async () => {
    const id = await send(contactForm("HTTPS://A.EXAMPLE/x HTTP://B.EXAMPLE/y WWW.C.EXAMPLE/z"));
    assert.equal(studioNotices(), 0);
    assert.ok((await inbox("&spam=true")).data.some((entry) => entry.id === id));
  });

  it("ignores an isSpam sent by the sender", async () => {
    const spamId = await send(contactForm(THREE_LINKS, { isSpam: false }));
    const cleanId = await send(contactForm("No links in this one, just a question about oak.", { isSpam: true }));
    const spam = await inbox("&spam=true");
    assert.ok(spam.data.some((entry) => entry.id === spamId), "a message with 3 links is spam whatever the body says");
    assert.ok(!spam.data.some((entry) => entry.id === cleanId), "a sender cannot put a message into spam");
    assert.ok((await inbox()).data.some((entry) => entry.id === cleanId));
  });
});

describe("spam filter: admin inbox", () => {
  it("hides spam from the inbox by default", async () => {
    const spamId = await send(contactForm(THREE_LINKS));
    const cleanId = await send(contactForm("A plain question about a walnut sideboard."));
    const page = await inbox();
    assert.ok(page.data.some((entry) => entry.id === cleanId));
    assert.ok(!page.data.some((entry) => entry.id === spamId));
    assert.ok(page.data.every((entry) => entry.isSpam === false));
  });

  it("hides spam with spam=false", async () => {
    const spamId = await send(contactForm(THREE_LINKS));
    const page = await inbox("&spam=false");
    assert.ok(!page.data.some((entry) => entry.id === spamId));
    assert.ok(page.data.every((entry) => entry.isSpam === false));
  });

  it("lists only spam with spam=true", async () => {
    const spamId = await send(contactForm(THREE_LINKS));
    const cleanId = await send(contactForm("Another plain question, about cherry."));
    const page = await inbox("&spam=true");
    assert.ok(page.data.some((entry) => entry.id === spamId));
    assert.ok(!page.data.some((entry) => entry.id === cleanId));
    assert.ok(page.data.every((entry) => entry.isSpam === true));
  });

  it("combines spam=true with the status filter", async () => {
    const readId = await send(contactForm(THREE_LINKS));
    const newId = await send(contactForm(THREE_LINKS));
    const marked = await admin.patch(`/api/admin/contact-messages/${readId}`).send({ status: "read" });
    assert.equal(marked.status, 200);
    const page = await inbox("&spam=true&status=new");
    assert.ok(page.data.some((entry) => entry.id === newId));
    assert.ok(!page.data.some((entry) => entry.id === readId));
    assert.ok(page.data.every((entry) => entry.isSpam === true && entry.status === "new"));
  });

  it("counts only the listed kind in pagination.total", async () => {
    await send(contactForm(THREE_LINKS));
    await send(contactForm("Just a plain question about lead times."));
    // Each view fits in one page of 100 here, so its total is the number of messages it lists.
    const spam = await inbox("&spam=true");
    assert.ok(spam.data.length >= 1 && spam.data.every((entry) => entry.isSpam === true));
    assert.ok(spam.pagination.total <= 100, "fewer than 100 spam messages in the test database");
    assert.equal(spam.pagination.total, spam.data.length);
    const clean = await inbox();
    assert.ok(clean.data.every((entry) => entry.isSpam === false));
    if (clean.pagination.total <= 100) {
      assert.equal(clean.pagination.total, clean.data.length);
    }
  });

  it("answers 400 for any other spam value", async () => {
    for (const value of ["yes", "1", "TRUE", ""]) {
      const response = await admin.get(`/api/admin/contact-messages?spam=${value}`);
      assert.equal(response.status, 400, `spam=${value} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});

describe("spam filter: unchanged behaviour", () => {
  it("stores a message without links and notifies the studio once", async () => {
    const form = contactForm("Could you quote for a birch plywood reception desk?");
    await send(form);
    const notices = getOutbox().filter((message) => message.to === process.env.STUDIO_INBOX_EMAIL);
    assert.equal(notices.length, 1);
    assert.ok(notices[0].subject.includes(form.subject));
  });

  it("lists new messages in the inbox with pagination", async () => {
    const form = contactForm("Is the studio open for visits on Saturdays?");
    await send(form);
    const response = await admin.get("/api/admin/contact-messages?status=new&pageSize=100");
    assert.equal(response.status, 200);
    assert.ok((response.body.data as InboxMessage[]).some((entry) => entry.subject === form.subject));
    assert.equal(response.body.pagination.pageSize, 100);
  });

  it("answers 403 to a client reading the inbox", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get("/api/admin/contact-messages?spam=true");
    assert.equal(response.status, 403);
  });
});
