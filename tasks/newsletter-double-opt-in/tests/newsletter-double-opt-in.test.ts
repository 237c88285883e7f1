// Hidden tests for the newsletter-double-opt-in task: sign-ups stay pending until confirmed from an e-mail.
// Everything is checked over HTTP; tokens are read from the e-mails in the dev outbox. Two things have no API
// and go through the database: making a link expire or reading its expiry (the request names the
// `confirmation_expires_at` column of `newsletter_subscribers`), and looking for the plain token in every
// table. Every test signs up addresses of its own; the seed's subscribers are only read.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { pool } from "../../server/db";
import { clearOutbox, getOutbox, type OutgoingEmail } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

/** The fields of a subscriber the admin list must show (declared here: the tests import no new types). */
interface SubscriberView {
  id: number;
  email: string;
  status: string;
  confirmedAt: string | null;
  subscribedAt: string;
}

const HOUR = 60 * 60 * 1000;
const BASE_URL = process.env.PUBLIC_BASE_URL ?? "";
const STUDIO_INBOX = process.env.STUDIO_INBOX_EMAIL ?? "";
const SEED_SUBSCRIBER = "reader.one@example.net"; // subscribed by the seed, before double opt-in

let admin: TestAgent;

before(async () => {
  assert.ok(BASE_URL, "PUBLIC_BASE_URL is set (.env)");
  admin = (await loginAs("admin")).agent;
});

async function subscribe(email: unknown, name?: string) {
  return request(await getApp()).post("/api/newsletter/subscribe").send(name === undefined ? { email } : { email, name });
}

async function confirm(token: unknown) {
  return request(await getApp()).post("/api/newsletter/confirm").send({ token });
}

function mailsTo(email: string): OutgoingEmail[] {
  return getOutbox().filter((mail) => mail.to === email);
}

/** The links in a mail that start with PUBLIC_BASE_URL and have this path. */
function linksIn(mail: OutgoingEmail, pathname: string): URL[] {
  const found = (mail.text.match(/https?:\/\/\S+/g) ?? []).map((text) => text.replace(/[).,>]+$/, ""));
  return found
    .filter((text) => text.startsWith(`${BASE_URL}/`))
    .map((text) => new URL(text))
    .filter((url) => url.pathname === pathname);
}

function confirmationMails(email: string): OutgoingEmail[] {
  return mailsTo(email).filter((mail) => linksIn(mail, "/newsletter/confirm").length > 0);
}

function welcomeMails(email: string): OutgoingEmail[] {
  return mailsTo(email).filter((mail) => linksIn(mail, "/newsletter/unsubscribe").length > 0);
}

/** The token of the newest confirmation e-mail to `email`. */
function confirmationToken(email: string): string {
  const mails = confirmationMails(email);
  assert.ok(mails.length > 0, `a confirmation e-mail with a ${BASE_URL}/newsletter/confirm link went to ${email}`);
  const token = linksIn(mails[mails.length - 1], "/newsletter/confirm")[0].searchParams.get("token");
  assert.ok(token, "the confirmation link carries a token");
  return token;
}

function unsubscribeToken(email: string): string {
  const mails = welcomeMails(email);
  assert.ok(mails.length > 0, "a welcome e-mail with an unsubscribe link was sent");
  const token = linksIn(mails[mails.length - 1], "/newsletter/unsubscribe")[0].searchParams.get("token");
  assert.ok(token, "the unsubscribe link carries a token");
  return token;
}

/** Signs up a fresh address; answers it and the token from its confirmation e-mail. */
async function signUp(prefix = "reader"): Promise<{ email: string; token: string }> {
  const email = uniqueEmail(prefix);
  const response = await subscribe(email);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { email, token: confirmationToken(email) };
}

/** Signs up and confirms a fresh address. */
async function confirmedSubscriber(): Promise<{ email: string; token: string }> {
  const { email, token } = await signUp();
  const response = await confirm(token);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return { email, token };
}

async function listSubscribers(query = ""): Promise<SubscriberView[]> {
  const response = await admin.get(`/api/admin/subscribers${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const list = dataOf<SubscriberView[]>(response.body);
  assert.ok(Array.isArray(list), "the subscribers are a list");
  return list;
}

async function listed(email: string): Promise<SubscriberView | undefined> {
  return (await listSubscribers()).find((subscriber) => subscriber.email === email);
}

/** Moves an address's confirmation link past its expiry (no API can do that). */
async function expireLinkOf(email: string): Promise<void> {
  const result = await pool.query(
    "UPDATE newsletter_subscribers SET confirmation_expires_at = '2000-01-01' WHERE email = $1",
    [email],
  );
  assert.equal(result.rowCount, 1, "the subscriber row exists");
}

async function activeSubscribers(): Promise<number> {
  const response = await admin.get("/api/admin/stats");
  assert.equal(response.status, 200);
  const stats = dataOf<{ activeSubscribers: number }>(response.body);
  return Number(stats.activeSubscribers);
}

function tokenForms(token: string): string[] {
  const digest = createHash("sha256").update(token).digest();
  return [token, digest.toString("hex"), digest.toString("base64"), digest.toString("base64url")];
}

describe("double opt-in: signing up", () => {
  it("stores a new sign-up as pending and answers 201", async () => {
    const email = uniqueEmail("reader");
    const response = await subscribe(email, "Pending Reader");
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(response.body, { success: true, data: { email, status: "pending" } });
    assert.equal((await listed(email))?.status, "pending");
  });

  it("sends a confirmation e-mail with a /newsletter/confirm link built from PUBLIC_BASE_URL, and no welcome e-mail", async () => {
    const email = uniqueEmail("reader");
    assert.equal((await subscribe(email)).status, 201);
    assert.equal(getOutbox().length, 1, "one e-mail in all");
    assert.equal(confirmationMails(email).length, 1);
    assert.equal(welcomeMails(email).length, 0, "no unsubscribe link before the address is confirmed");
    const token = confirmationToken(email);
    assert.ok(token.length >= 32, `the token is long enough to be unguessable: ${token}`);
  });

  it("lets replies to the confirmation e-mail reach the studio inbox", async () => {
    assert.ok(STUDIO_INBOX, "STUDIO_INBOX_EMAIL is set (.env)");
    const { email } = await signUp();
    const [mail] = confirmationMails(email);
    assert.equal(mail.replyTo, STUDIO_INBOX);
  });

  it("sends a new link to an address that is still pending and answers 200; the old link stops working", async () => {
    const { email, token: first } = await signUp();
    clearOutbox();
    const again = await subscribe(email);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body, { success: true, data: { email, status: "pending" } });
    const second = confirmationToken(email);
    assert.notEqual(second, first);
    const old = await confirm(first);
    assert.equal(old.status, 404, JSON.stringify(old.body));
    assert.equal((await listed(email))?.status, "pending");
    const fresh = await confirm(second);
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  });

  it("answers 409 with an error for an address that is subscribed, and sends nothing", async () => {
    const { email } = await confirmedSubscriber();
    clearOutbox();
    const response = await subscribe(email);
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.equal(getOutbox().length, 0);
  });

  it("answers 400 with an error for an invalid address", async () => {
    for (const email of ["nope", "", 42]) {
      const response = await subscribe(email);
      assert.equal(response.status, 400, `${JSON.stringify(email)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(getOutbox().length, 0);
  });

  it("stores the confirmation token nowhere in the database in plain text", async () => {
    const { token } = await signUp();
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    for (const { table_name: table } of tables.rows) {
      const found = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table}" AS row WHERE strpos(row::text, $1) > 0`,
        [token],
      );
      assert.equal(found.rows[0].n, 0, `table ${table} holds the plain token`);
    }
  });

  it("makes the link valid for 48 hours", async () => {
    const before = Date.now();
    const { email } = await signUp();
    const result = await pool.query<{ seconds: number }>(
      "SELECT extract(epoch FROM confirmation_expires_at::timestamptz - now())::float8 AS seconds FROM newsletter_subscribers WHERE email = $1",
      [email],
    );
    const hours = (result.rows[0].seconds * 1000 + (Date.now() - before)) / HOUR;
    assert.ok(Math.abs(hours - 48) < 0.2, `the link expires in ${hours.toFixed(2)} hours`);
  });
});

describe("double opt-in: confirming", () => {
  it("confirms a pending sign-up and answers 200 with the subscription", async () => {
    const { email, token } = await signUp();
    const before = Date.now();
    const response = await confirm(token);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.success, true);
    const data = dataOf<{ email: string; status: string; confirmedAt: string }>(response.body);
    assert.equal(data.email, email);
    assert.equal(data.status, "subscribed");
    assert.ok(Math.abs(Date.parse(data.confirmedAt) - before) < 60_000, `confirmedAt is now: ${data.confirmedAt}`);
    const entry = await listed(email);
    assert.equal(entry?.status, "subscribed");
    assert.ok(entry?.confirmedAt && Math.abs(Date.parse(entry.confirmedAt) - before) < 60_000);
  });

  it("sends the welcome e-mail on confirmation, and its unsubscribe link works", async () => {
    const { email, token } = await signUp();
    clearOutbox();
    assert.equal((await confirm(token)).status, 200);
    assert.equal(welcomeMails(email).length, 1, "one welcome e-mail");
    const response = await request(await getApp())
      .post("/api/newsletter/unsubscribe")
      .send({ token: unsubscribeToken(email) });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { success: true, data: { email, status: "unsubscribed" } });
    assert.equal((await listed(email))?.status, "unsubscribed");
  });

  it("is idempotent: confirming again answers the same and sends nothing", async () => {
    const { email, token } = await signUp();
    clearOutbox();
    const first = await confirm(token);
    const second = await confirm(token);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(second.body, first.body);
    assert.equal(getOutbox().length, 1, "only the one welcome e-mail");
    assert.equal(welcomeMails(email).length, 1);
  });

  it("still answers 200 for a confirmed link after its 48 hours", async () => {
    const { email, token } = await confirmedSubscriber();
    await expireLinkOf(email);
    clearOutbox();
    const again = await confirm(token);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(dataOf<{ status: string }>(again.body).status, "subscribed");
    assert.equal(getOutbox().length, 0);
  });

  it("sends one welcome e-mail when the same link is confirmed twice at once", async () => {
    const { email, token } = await signUp();
    clearOutbox();
    const [first, second] = await Promise.all([confirm(token), confirm(token)]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(welcomeMails(email).length, 1, "one welcome e-mail");
    assert.equal((await listed(email))?.status, "subscribed");
  });

  it("answers 410 for an expired link and the sign-up stays pending", async () => {
    const { email, token } = await signUp();
    await expireLinkOf(email);
    clearOutbox();
    const response = await confirm(token);
    assert.equal(response.status, 410, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    const entry = await listed(email);
    assert.equal(entry?.status, "pending");
    assert.equal(entry?.confirmedAt, null);
    assert.equal(getOutbox().length, 0, "no welcome e-mail");
  });

  it("sends a working new link when a pending address signs up again after its link expired", async () => {
    const { email, token: old } = await signUp();
    await expireLinkOf(email);
    const again = await subscribe(email);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const fresh = confirmationToken(email);
    assert.notEqual(fresh, old);
    const response = await confirm(fresh);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal((await listed(email))?.status, "subscribed");
  });

  it("answers 410 for the link of an address that has unsubscribed since, and keeps it unsubscribed", async () => {
    const { email, token } = await confirmedSubscriber();
    const out = await request(await getApp()).post("/api/newsletter/unsubscribe").send({ token: unsubscribeToken(email) });
    assert.equal(out.status, 200);
    clearOutbox();
    const response = await confirm(token);
    assert.equal(response.status, 410, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.equal((await listed(email))?.status, "unsubscribed");
    assert.equal(getOutbox().length, 0);
  });

  it("answers 404 for a token that matches nothing and 400 for a missing or non-string token", async () => {
    const unknown = await confirm(randomBytes(32).toString("hex"));
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.equal(typeof unknown.body.error, "string");
    const app = await getApp();
    for (const body of [{}, { token: 12345 }, { token: null }, { token: ["a", "b"] }]) {
      const response = await request(app).post("/api/newsletter/confirm").send(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});

describe("double opt-in: admin", () => {
  it("lists a pending sign-up with its status, no confirmedAt, and never its token or hash", async () => {
    const { email, token } = await signUp();
    const response = await admin.get("/api/admin/subscribers");
    assert.equal(response.status, 200);
    const entry = dataOf<SubscriberView[]>(response.body).find((subscriber) => subscriber.email === email);
    assert.ok(entry, "the pending sign-up is listed");
    assert.equal(entry.status, "pending");
    assert.ok("confirmedAt" in entry, "each entry has confirmedAt");
    assert.equal(entry.confirmedAt, null);
    const text = JSON.stringify(response.body);
    for (const form of tokenForms(token)) {
      assert.ok(!text.includes(form), "the list holds neither the confirmation token nor its hash");
    }
  });

  it("keeps only the requested status with the status filter", async () => {
    const pending = (await signUp()).email;
    const subscribed = (await confirmedSubscriber()).email;
    const gone = (await confirmedSubscriber()).email;
    const out = await request(await getApp()).post("/api/newsletter/unsubscribe").send({ token: unsubscribeToken(gone) });
    assert.equal(out.status, 200);
    const expected: Record<string, string> = { pending, subscribed, unsubscribed: gone };
    for (const [status, email] of Object.entries(expected)) {
      const list = await listSubscribers(`?status=${status}`);
      assert.ok(list.every((subscriber) => subscriber.status === status), `?status=${status} holds only ${status}`);
      assert.ok(list.some((subscriber) => subscriber.email === email), `?status=${status} holds ${email}`);
      for (const [other, otherEmail] of Object.entries(expected)) {
        if (other !== status) {
          assert.ok(!list.some((subscriber) => subscriber.email === otherEmail), `?status=${status} leaves out ${other}`);
        }
      }
    }
  });

  it("answers 400 for an unknown status filter", async () => {
    for (const query of ["?status=confirmed", "?status=", "?status=PENDING"]) {
      const response = await admin.get(`/api/admin/subscribers${query}`);
      assert.equal(response.status, 400, `${query} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });

  it("shows the sign-up time as confirmedAt for subscribers from before double opt-in", async () => {
    const entry = await listed(SEED_SUBSCRIBER);
    assert.ok(entry, "the seed's subscriber is listed");
    assert.equal(entry.status, "subscribed");
    assert.ok(entry.confirmedAt, "confirmedAt is set");
    assert.equal(Date.parse(entry.confirmedAt), Date.parse(entry.subscribedAt));
  });

  it("counts confirmed subscribers only in the dashboard's activeSubscribers", async () => {
    const before = await activeSubscribers();
    const { token } = await signUp();
    assert.equal(await activeSubscribers(), before, "a pending sign-up does not count");
    assert.equal((await confirm(token)).status, 200);
    assert.equal(await activeSubscribers(), before + 1, "a confirmed one does");
  });
});
