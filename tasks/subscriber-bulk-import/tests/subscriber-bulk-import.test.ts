// Hidden tests for the subscriber-bulk-import task: POST /api/admin/subscribers/import.
// They talk to the API over HTTP only and read outgoing mail from the dev outbox.
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { NewsletterSubscriber } from "@shared/schema";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

interface ImportResult {
  added: number;
  skipped: number;
  invalid: number;
}

let adminAgent: TestAgent | undefined;

async function admin(): Promise<TestAgent> {
  adminAgent ??= (await loginAs("admin")).agent;
  return adminAgent;
}

async function importEmails(body: unknown) {
  return (await admin()).post("/api/admin/subscribers/import").send(body as object);
}

async function subscribers(): Promise<NewsletterSubscriber[]> {
  const response = await (await admin()).get("/api/admin/subscribers");
  assert.equal(response.status, 200);
  return dataOf<NewsletterSubscriber[]>(response.body);
}

async function rowsFor(email: string): Promise<NewsletterSubscriber[]> {
  const all = await subscribers();
  return all.filter((row) => row.email.toLowerCase() === email.toLowerCase());
}

async function publicSubscribe(email: string) {
  return request(await getApp()).post("/api/newsletter/subscribe").send({ email });
}

describe("subscriber import: adding", () => {
  it("adds new addresses as subscribed and answers the counts", async () => {
    const emails = [uniqueEmail("import"), uniqueEmail("import"), uniqueEmail("import")];
    const response = await importEmails({ emails });
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 3, skipped: 0, invalid: 0 });
    for (const email of emails) {
      const rows = await rowsFor(email);
      assert.equal(rows.length, 1, `${email} was added once`);
      assert.equal(rows[0].status, "subscribed");
      assert.equal(rows[0].unsubscribedAt, null);
    }
  });

  it("stores addresses in lower case", async () => {
    const email = uniqueEmail("Import.Upper").replace("@alloy-tests.", "@Alloy-Tests.");
    const response = await importEmails({ emails: [email] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 1, skipped: 0, invalid: 0 });
    const rows = await rowsFor(email);
    assert.deepEqual(
      rows.map((row) => row.email),
      [email.toLowerCase()],
    );
  });

  it("adds an address repeated in the list once and counts the repeats as skipped", async () => {
    const email = uniqueEmail("import.dup");
    const response = await importEmails({ emails: [email, email.toUpperCase(), email] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 1, skipped: 2, invalid: 0 });
    assert.equal((await rowsFor(email)).length, 1);
  });

  it("sends no welcome emails", async () => {
    const emails = [uniqueEmail("import.quiet"), uniqueEmail("import.quiet")];
    const response = await importEmails({ emails });
    assert.equal(response.status, 200);
    assert.equal(dataOf<ImportResult>(response.body).added, 2);
    assert.equal(getOutbox().length, 0, "no email was sent");
  });

  it("gives each imported subscriber a working unsubscribe token", async () => {
    const emails = [uniqueEmail("import.token"), uniqueEmail("import.token")];
    assert.equal((await importEmails({ emails })).status, 200);
    const rows = (await Promise.all(emails.map(rowsFor))).flat();
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].unsubscribeToken, rows[1].unsubscribeToken);
    const response = await request(await getApp())
      .post("/api/newsletter/unsubscribe")
      .send({ token: rows[0].unsubscribeToken });
    assert.equal(response.status, 200);
    const [after] = await rowsFor(emails[0]);
    assert.equal(after.status, "unsubscribed");
  });

  it("accepts a list of exactly 1000 entries", async () => {
    const emails = Array.from({ length: 1000 }, () => uniqueEmail("import.bulk"));
    const response = await importEmails({ emails });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 1000, skipped: 0, invalid: 0 });
  });
});

describe("subscriber import: existing and invalid addresses", () => {
  it("skips an address that is already subscribed", async () => {
    const existing = uniqueEmail("import.known");
    assert.equal((await publicSubscribe(existing)).status, 201);
    clearOutbox();
    const fresh = uniqueEmail("import.new");
    const response = await importEmails({ emails: [existing, fresh] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 1, skipped: 1, invalid: 0 });
    assert.equal((await rowsFor(existing)).length, 1);
    assert.equal(getOutbox().length, 0);
  });

  it("skips an unsubscribed address and leaves it unsubscribed", async () => {
    const email = uniqueEmail("import.left");
    assert.equal((await importEmails({ emails: [email] })).status, 200);
    const [created] = await rowsFor(email);
    assert.ok(created, "the address was imported");
    const left = await request(await getApp())
      .post("/api/newsletter/unsubscribe")
      .send({ token: created.unsubscribeToken });
    assert.equal(left.status, 200);
    const response = await importEmails({ emails: [email] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 0, skipped: 1, invalid: 0 });
    const rows = await rowsFor(email);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, "unsubscribed");
  });

  it("matches an existing address stored with capitals case-insensitively", async () => {
    const mixed = uniqueEmail("Import.Mixed").replace("@alloy-tests.", "@Alloy-Tests.");
    assert.equal((await publicSubscribe(mixed)).status, 201);
    const response = await importEmails({ emails: [mixed.toLowerCase()] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 0, skipped: 1, invalid: 0 });
    assert.equal((await rowsFor(mixed)).length, 1, "no second row for the same person");
  });

  it("counts entries that are not email addresses as invalid and imports the rest", async () => {
    const email = uniqueEmail("import.mixed-list");
    const response = await importEmails({ emails: ["not-an-email", "", "two@@alloy-tests.example", email] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 1, skipped: 0, invalid: 3 });
    assert.equal((await rowsFor(email)).length, 1);
  });

  it("answers 200 with nothing added when every entry is invalid", async () => {
    const response = await importEmails({ emails: ["nope", "still nope"] });
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<ImportResult>(response.body), { added: 0, skipped: 0, invalid: 2 });
  });
});

describe("subscriber import: validation and access", () => {
  it("rejects a body without a list of emails with 400", async () => {
    for (const body of [{}, { emails: "someone@alloy-tests.example" }, { emails: null }]) {
      const response = await importEmails(body);
      assert.equal(response.status, 400, `body ${JSON.stringify(body)}`);
    }
  });

  it("rejects an empty list with 400", async () => {
    const response = await importEmails({ emails: [] });
    assert.equal(response.status, 400);
  });

  it("rejects more than 1000 entries with 400 and adds nothing", async () => {
    const emails = Array.from({ length: 1001 }, () => uniqueEmail("import.toomany"));
    const response = await importEmails({ emails });
    assert.equal(response.status, 400);
    assert.equal((await rowsFor(emails[0])).length, 0);
  });

  it("rejects entries that are not strings with 400", async () => {
    const response = await importEmails({ emails: [uniqueEmail("import"), 42] });
    assert.equal(response.status, 400);
  });

  it("requires a session (401) and the admin role (403)", async () => {
    const body = { emails: [uniqueEmail("import.anon")] };
    const anonymous = await request(await getApp()).post("/api/admin/subscribers/import").send(body);
    assert.equal(anonymous.status, 401);
    const { agent } = await loginAs("client");
    const client = await agent.post("/api/admin/subscribers/import").send(body);
    assert.equal(client.status, 403);
    assert.equal((await rowsFor(body.emails[0])).length, 0);
  });
});

describe("subscriber import: unchanged behaviour", () => {
  it("public sign-up still answers 201 and sends a welcome email", async () => {
    const email = uniqueEmail("reader");
    const response = await publicSubscribe(email);
    assert.equal(response.status, 201);
    assert.equal(getOutbox().filter((message) => message.to === email).length, 1);
  });

  it("the admin subscriber list still answers 200 with a list", async () => {
    const response = await (await admin()).get("/api/admin/subscribers");
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(dataOf(response.body)));
  });
});
