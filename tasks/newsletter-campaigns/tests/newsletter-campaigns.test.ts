// Hidden tests for the newsletter-campaigns task: admins write a campaign, preview it and send it once
// to every active subscriber, each with their own unsubscribe link, in batches of NEWSLETTER_BATCH_SIZE.
//
// This file sets NEWSLETTER_BATCH_SIZE, MAIL_FROM and PUBLIC_BASE_URL to values of its own before the
// app (and its configuration) is loaded, by importing the app modules dynamically after the assignment,
// so that a sender address or a base URL written into the code shows. Most tests read the development
// outbox; the "mail provider" tests point MAIL_PROVIDER_API_URL at a small HTTP server in this process
// that stands in for the provider (it can refuse chosen recipients and measures how many requests are
// open at once). Sends go to every active subscriber in the shared database, and other test files run
// at the same time (subscribing and unsubscribing addresses of their own), so tests make exact claims
// only about the subscribers they create themselves, and check totals against the campaign's counts.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import request from "supertest";

const BATCH_SIZE = 3;
const MAIL_FROM = "Alloy Notes <notes@campaign-tests.example>";
const PUBLIC_BASE_URL = "https://www.campaign-tests.example";
process.env.NEWSLETTER_BATCH_SIZE = String(BATCH_SIZE);
process.env.MAIL_FROM = MAIL_FROM;
process.env.PUBLIC_BASE_URL = PUBLIC_BASE_URL;
delete process.env.MAIL_PROVIDER_API_KEY;
delete process.env.MAIL_PROVIDER_API_URL;

const { clearOutbox, getOutbox } = await import("../../server/services/email-service");
const { closeApp, dataOf, getApp, loginAs, uniqueEmail } = await import("../helpers");
type TestAgent = Awaited<ReturnType<typeof loginAs>>["agent"];

after(closeApp);
beforeEach(clearOutbox);

/** The fields of a campaign the API must return (declared here: the tests do not import new types). */
interface CampaignView {
  id: number;
  subject: string;
  body: string;
  status: string;
  recipientCount: number;
  sentCount: number;
  failedCount: number;
  sentAt: string | null;
}

interface PreviewView {
  from: string;
  subject: string;
  text: string;
}

interface Subscriber {
  email: string;
  token: string;
}

interface ProviderMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

let counter = 0;
function uniqueText(label: string): string {
  counter += 1;
  return `${label} ${counter} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Subscribes a new address through the public form; its token comes from the welcome email (in the
 * outbox, or at the stand-in provider while one runs).
 */
async function subscribe(prefix = "reader"): Promise<Subscriber> {
  const email = uniqueEmail(prefix);
  const response = await request(await getApp()).post("/api/newsletter/subscribe").send({ email });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const welcome = [...getOutbox(), ...received].find((message) => message.to === email);
  assert.ok(welcome, "the welcome email carries the unsubscribe token");
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(welcome.text);
  assert.ok(match, `no unsubscribe token in: ${welcome.text}`);
  clearOutbox();
  received.length = 0;
  return { email, token: match[1] };
}

async function unsubscribe(subscriber: Subscriber): Promise<void> {
  const response = await request(await getApp()).post("/api/newsletter/unsubscribe").send({ token: subscriber.token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

/** The addresses subscribed right now, from the admin subscriber list. */
async function subscribedAddresses(): Promise<Set<string>> {
  const response = await admin.get("/api/admin/subscribers");
  assert.equal(response.status, 200);
  const rows = dataOf<{ email: string; status: string }[]>(response.body);
  return new Set(rows.filter((row) => row.status === "subscribed").map((row) => row.email));
}

/** Addresses subscribed both before and after a send: whoever else comes or goes meanwhile, these must get it. */
function stayedSubscribed(before: Set<string>, after: Set<string>): string[] {
  return [...before].filter((email) => after.has(email));
}

async function createCampaign(overrides: Record<string, unknown> = {}): Promise<CampaignView> {
  const response = await admin
    .post("/api/admin/campaigns")
    .send({ subject: uniqueText("Studio notes"), body: uniqueText("This month in the workshop:"), ...overrides });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<CampaignView>(response.body);
}

async function getCampaign(id: number): Promise<CampaignView> {
  const response = await admin.get(`/api/admin/campaigns/${id}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<CampaignView>(response.body);
}

async function send(id: number) {
  return admin.post(`/api/admin/campaigns/${id}/send`).send();
}

async function sendOk(id: number): Promise<CampaignView> {
  const response = await send(id);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<CampaignView>(response.body);
}

function linkFor(token: string): string {
  return `${PUBLIC_BASE_URL}/newsletter/unsubscribe?token=${token}`;
}

function outboxTo(email: string) {
  return getOutbox().filter((message) => message.to === email);
}

// ---- a stand-in for the mail provider --------------------------------------------------------------

let provider: Server | undefined;
const received: ProviderMessage[] = [];
const refused = new Set<string>();
let open = 0;
let maxOpen = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function startProvider(): Promise<void> {
  received.length = 0;
  refused.clear();
  open = 0;
  maxOpen = 0;
  provider = createServer(async (req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    const message = JSON.parse(await readBody(req)) as ProviderMessage;
    // Hold every answer a while, so that requests sent together are open together.
    await new Promise((resolve) => setTimeout(resolve, 100));
    open -= 1;
    if (refused.has(message.to)) {
      res.writeHead(503, { "Content-Type": "application/json" }).end('{"error":"unavailable"}');
      return;
    }
    received.push(message);
    res.writeHead(202, { "Content-Type": "application/json" }).end('{"queued":true}');
  });
  await new Promise<void>((resolve) => provider!.listen(0, "127.0.0.1", resolve));
  const { port } = provider.address() as AddressInfo;
  process.env.MAIL_PROVIDER_API_KEY = "campaign-tests-provider-key";
  process.env.MAIL_PROVIDER_API_URL = `http://127.0.0.1:${port}/send`;
}

async function stopProvider(): Promise<void> {
  delete process.env.MAIL_PROVIDER_API_KEY;
  delete process.env.MAIL_PROVIDER_API_URL;
  if (provider) {
    await new Promise<void>((resolve) => provider!.close(() => resolve()));
    provider = undefined;
  }
}

function receivedBy(email: string): ProviderMessage[] {
  return received.filter((message) => message.to === email);
}

// ---- tests ---------------------------------------------------------------------------------------

describe("campaigns: drafts", () => {
  it("creates a draft with no deliveries yet", async () => {
    const subject = uniqueText("Spring commissions");
    const body = uniqueText("We have two openings in April.");
    const response = await admin.post("/api/admin/campaigns").send({ subject, body });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const campaign = dataOf<CampaignView>(response.body);
    assert.equal(typeof campaign.id, "number");
    assert.equal(campaign.subject, subject);
    assert.equal(campaign.body, body);
    assert.equal(campaign.status, "draft");
    assert.equal(campaign.recipientCount, 0);
    assert.equal(campaign.sentCount, 0);
    assert.equal(campaign.failedCount, 0);
    assert.equal(campaign.sentAt, null);
    assert.equal(getOutbox().length, 0, "creating a draft sends nothing");
  });

  it("answers 400 for a missing or blank subject or body", async () => {
    for (const body of [
      {},
      { subject: "Studio notes" },
      { body: "Hello" },
      { subject: "   ", body: "Hello" },
      { subject: "Studio notes", body: "  \n " },
      { subject: 42, body: "Hello" },
      { subject: "x".repeat(201), body: "Hello" },
    ]) {
      const response = await admin.post("/api/admin/campaigns").send(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });

  it("lists campaigns, newest first", async () => {
    const first = await createCampaign();
    const second = await createCampaign();
    const response = await admin.get("/api/admin/campaigns");
    assert.equal(response.status, 200);
    const ids = dataOf<CampaignView[]>(response.body).map((campaign) => campaign.id);
    assert.ok(ids.includes(first.id) && ids.includes(second.id));
    assert.ok(ids.indexOf(second.id) < ids.indexOf(first.id), "the newer campaign comes first");
  });

  it("shows one campaign, 404 for an unknown one and 400 for a non-numeric id", async () => {
    const campaign = await createCampaign();
    assert.equal((await getCampaign(campaign.id)).subject, campaign.subject);
    assert.equal((await admin.get(`/api/admin/campaigns/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await admin.get("/api/admin/campaigns/abc")).status, 400);
  });

  it("edits the subject and body of a draft", async () => {
    const campaign = await createCampaign();
    const response = await admin.patch(`/api/admin/campaigns/${campaign.id}`).send({ subject: "New subject line" });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(dataOf<CampaignView>(response.body).subject, "New subject line");
    assert.equal(dataOf<CampaignView>(response.body).body, campaign.body);
    const again = await admin.patch(`/api/admin/campaigns/${campaign.id}`).send({ body: "A new body." });
    assert.equal(again.status, 200);
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.subject, "New subject line");
    assert.equal(stored.body, "A new body.");
    assert.equal(stored.status, "draft");
  });

  it("answers 400 to an edit without a valid change, and 404 for an unknown campaign", async () => {
    const campaign = await createCampaign();
    for (const body of [{}, { subject: "" }, { body: "   " }, { subject: 7 }]) {
      const response = await admin.patch(`/api/admin/campaigns/${campaign.id}`).send(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
    }
    assert.equal((await getCampaign(campaign.id)).subject, campaign.subject);
    const unknown = await admin.patch(`/api/admin/campaigns/${UNKNOWN_ID}`).send({ subject: "Anything" });
    assert.equal(unknown.status, 404);
  });
});

describe("campaigns: preview", () => {
  it("shows the email as subscribers will get it, from MAIL_FROM, without sending it", async () => {
    await subscribe();
    const campaign = await createCampaign();
    const response = await admin.get(`/api/admin/campaigns/${campaign.id}/preview`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const preview = dataOf<PreviewView>(response.body);
    assert.equal(preview.from, MAIL_FROM);
    assert.equal(preview.subject, campaign.subject);
    assert.ok(preview.text.includes(campaign.body), "the preview holds the body");
    assert.ok(
      preview.text.includes(`${PUBLIC_BASE_URL}/newsletter/unsubscribe?token=`),
      `the preview shows the unsubscribe link on PUBLIC_BASE_URL: ${preview.text}`,
    );
    assert.equal(getOutbox().length, 0, "a preview sends nothing");
    assert.equal((await getCampaign(campaign.id)).status, "draft");
  });

  it("answers 404 for an unknown campaign and 400 for a non-numeric id", async () => {
    assert.equal((await admin.get(`/api/admin/campaigns/${UNKNOWN_ID}/preview`)).status, 404);
    assert.equal((await admin.get("/api/admin/campaigns/abc/preview")).status, 400);
  });
});

describe("campaigns: sending", () => {
  it("sends the campaign once to every active subscriber, each with their own unsubscribe link", async () => {
    const readers = [await subscribe(), await subscribe(), await subscribe()];
    const campaign = await createCampaign();
    const before = await subscribedAddresses();
    const sent = await sendOk(campaign.id);
    const after = await subscribedAddresses();
    for (const reader of readers) {
      const mine = outboxTo(reader.email);
      assert.equal(mine.length, 1, `${reader.email} got ${mine.length} emails`);
      assert.equal(mine[0].subject, campaign.subject);
      assert.ok(mine[0].text.includes(campaign.body), "the email holds the body");
      assert.ok(mine[0].text.includes(linkFor(reader.token)), `no personal unsubscribe link in: ${mine[0].text}`);
    }
    const recipients = getOutbox().map((message) => message.to);
    assert.equal(new Set(recipients).size, recipients.length, "nobody is mailed twice");
    const missed = stayedSubscribed(before, after).filter((email) => !recipients.includes(email));
    assert.deepEqual(missed, [], "every subscriber gets the campaign");
    assert.equal(recipients.length, sent.sentCount, "sentCount counts the emails sent");
  });

  it("does not mail people who have unsubscribed", async () => {
    const gone = await subscribe("gone");
    const staying = await subscribe("staying");
    await unsubscribe(gone);
    const campaign = await createCampaign();
    await sendOk(campaign.id);
    assert.equal(outboxTo(gone.email).length, 0);
    assert.equal(outboxTo(staying.email).length, 1);
  });

  it("records the send: status sent, recipient, sent and failed counts, sentAt", async () => {
    await subscribe();
    await subscribe();
    const campaign = await createCampaign();
    const subscribedBefore = await subscribedAddresses();
    const before = Date.now();
    const sent = await sendOk(campaign.id);
    const steady = stayedSubscribed(subscribedBefore, await subscribedAddresses());
    assert.equal(sent.status, "sent");
    assert.equal(sent.sentCount, getOutbox().length, "sentCount counts the emails sent");
    assert.ok(sent.sentCount >= steady.length, `sentCount ${sent.sentCount} < ${steady.length} subscribers`);
    assert.ok(sent.recipientCount >= sent.sentCount, "recipientCount is the whole audience");
    assert.ok(sent.recipientCount <= subscribedBefore.size + 10, "recipientCount is the audience, not more");
    assert.equal(sent.failedCount, 0);
    assert.ok(sent.sentAt, "sentAt is set");
    assert.ok(Math.abs(Date.parse(sent.sentAt) - before) < 60_000, `sentAt ${sent.sentAt} is not now`);
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.status, "sent");
    assert.equal(stored.sentCount, sent.sentCount);
    assert.equal(stored.recipientCount, sent.recipientCount);
    assert.equal(stored.failedCount, 0);
  });

  it("mails nobody on a second send and keeps the counts", async () => {
    await subscribe();
    const campaign = await createCampaign();
    const first = await sendOk(campaign.id);
    clearOutbox();
    const second = await sendOk(campaign.id);
    assert.equal(getOutbox().length, 0, "the second send mailed somebody");
    assert.equal(second.status, "sent");
    assert.equal(second.sentCount, first.sentCount);
    assert.equal(second.recipientCount, first.recipientCount);
    assert.equal(second.failedCount, 0);
  });

  it("mails each subscriber once when two sends run at the same time", async () => {
    const reader = await subscribe();
    const campaign = await createCampaign();
    const responses = await Promise.all([send(campaign.id), send(campaign.id), send(campaign.id)]);
    for (const response of responses) {
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }
    const recipients = getOutbox().map((message) => message.to);
    assert.equal(new Set(recipients).size, recipients.length, "nobody is mailed twice");
    assert.equal(outboxTo(reader.email).length, 1);
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.status, "sent");
    assert.equal(stored.sentCount, recipients.length, "sentCount counts every email sent, once");
  });

  it("keeps the audience of the first send: people who subscribe later do not get it", async () => {
    const campaign = await createCampaign();
    const first = await sendOk(campaign.id);
    const late = await subscribe("late");
    const again = await sendOk(campaign.id);
    assert.equal(outboxTo(late.email).length, 0);
    assert.equal(again.recipientCount, first.recipientCount);
  });

  it("refuses to edit a sent campaign with 409 and keeps its content", async () => {
    const campaign = await createCampaign();
    await sendOk(campaign.id);
    const response = await admin.patch(`/api/admin/campaigns/${campaign.id}`).send({ subject: "Too late" });
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.subject, campaign.subject);
    assert.equal(stored.body, campaign.body);
  });

  it("lets a subscriber leave with the link from the campaign email", async () => {
    const reader = await subscribe();
    const first = await createCampaign();
    await sendOk(first.id);
    const [email] = outboxTo(reader.email);
    assert.ok(email);
    const token = new URL(/https?:\/\/\S+/.exec(email.text.slice(email.text.indexOf(`${PUBLIC_BASE_URL}/newsletter/unsubscribe`)))![0]).searchParams.get("token");
    assert.equal(token, reader.token);
    await unsubscribe({ ...reader, token });
    clearOutbox();
    const second = await createCampaign();
    await sendOk(second.id);
    assert.equal(outboxTo(reader.email).length, 0, "an unsubscribed reader got the next campaign");
  });

  it("answers 404 for an unknown campaign and 400 for a non-numeric id", async () => {
    assert.equal((await send(UNKNOWN_ID)).status, 404);
    assert.equal((await admin.post("/api/admin/campaigns/abc/send").send()).status, 400);
    assert.equal(getOutbox().length, 0);
  });
});

describe("campaigns: mail provider", () => {
  beforeEach(startProvider);
  afterEach(stopProvider);

  it("sends every campaign email from MAIL_FROM", async () => {
    const reader = await subscribe();
    received.length = 0;
    const campaign = await createCampaign();
    await sendOk(campaign.id);
    const mine = receivedBy(reader.email);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].from, MAIL_FROM);
    assert.ok(received.every((message) => message.from === MAIL_FROM), "every email comes from MAIL_FROM");
  });

  it("hands emails to the provider in parallel batches of NEWSLETTER_BATCH_SIZE", async () => {
    for (let i = 0; i < BATCH_SIZE + 1; i++) {
      await subscribe();
    }
    received.length = 0;
    maxOpen = 0;
    const campaign = await createCampaign();
    const sent = await sendOk(campaign.id);
    assert.equal(received.length, sent.sentCount);
    assert.ok(received.length > BATCH_SIZE);
    assert.ok(maxOpen <= BATCH_SIZE, `${maxOpen} requests were open at once (batch size ${BATCH_SIZE})`);
    assert.equal(maxOpen, BATCH_SIZE, "the emails of a batch go out together");
  });

  it("records deliveries the provider refuses as failed", async () => {
    const bounced = [await subscribe("bounce"), await subscribe("bounce")];
    const fine = await subscribe("fine");
    bounced.forEach((reader) => refused.add(reader.email));
    received.length = 0;
    const campaign = await createCampaign();
    const sent = await sendOk(campaign.id);
    assert.equal(sent.status, "sent");
    assert.equal(sent.failedCount, 2);
    assert.equal(sent.sentCount, received.length, "sentCount counts what the provider accepted");
    assert.ok(sent.recipientCount >= sent.sentCount + 2);
    assert.equal(receivedBy(fine.email).length, 1);
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.failedCount, 2);
    assert.equal(stored.sentCount, sent.sentCount);
  });

  it("retries only the failed deliveries on the next send, and mails nobody twice", async () => {
    const bounced = [await subscribe("bounce"), await subscribe("bounce")];
    const fine = await subscribe("fine");
    bounced.forEach((reader) => refused.add(reader.email));
    const campaign = await createCampaign();
    const first = await sendOk(campaign.id);
    assert.equal(first.failedCount, 2);
    refused.clear();
    received.length = 0;
    const retried = await sendOk(campaign.id);
    assert.deepEqual(received.map((message) => message.to).sort(), bounced.map((reader) => reader.email).sort());
    assert.equal(receivedBy(fine.email).length, 0, "a delivered email was sent again");
    assert.equal(retried.status, "sent");
    assert.equal(retried.failedCount, 0);
    assert.equal(retried.sentCount, first.sentCount + 2);
    assert.equal(retried.recipientCount, first.recipientCount);
    received.length = 0;
    const third = await sendOk(campaign.id);
    assert.equal(received.length, 0, "a third send mailed somebody");
    assert.equal(third.sentCount, retried.sentCount);
  });

  it("does not retry someone who unsubscribed after their delivery failed", async () => {
    const leaving = await subscribe("bounce");
    const retrying = await subscribe("bounce");
    refused.add(leaving.email);
    refused.add(retrying.email);
    const campaign = await createCampaign();
    const first = await sendOk(campaign.id);
    assert.equal(first.failedCount, 2);
    await unsubscribe(leaving);
    refused.clear();
    received.length = 0;
    const retried = await sendOk(campaign.id);
    assert.equal(receivedBy(leaving.email).length, 0, "an unsubscribed reader was mailed");
    assert.equal(receivedBy(retrying.email).length, 1);
    assert.equal(received.length, 1);
    assert.equal(retried.failedCount, 0, "the unsubscribed reader is not counted as failed");
    assert.equal(retried.sentCount, first.sentCount + 1);
  });

  it("keeps a partly failed campaign closed to edits", async () => {
    const bounced = await subscribe("bounce");
    refused.add(bounced.email);
    const campaign = await createCampaign();
    const sent = await sendOk(campaign.id);
    assert.ok(sent.failedCount >= 1);
    const response = await admin.patch(`/api/admin/campaigns/${campaign.id}`).send({ body: "Fixed a typo" });
    assert.equal(response.status, 409);
    assert.equal((await getCampaign(campaign.id)).body, campaign.body);
  });
});

describe("campaigns: access", () => {
  it("answers 401 without a session", async () => {
    const app = await getApp();
    const campaign = await createCampaign();
    const calls = [
      request(app).get("/api/admin/campaigns"),
      request(app).post("/api/admin/campaigns").send({ subject: "Hi", body: "Hello" }),
      request(app).get(`/api/admin/campaigns/${campaign.id}`),
      request(app).patch(`/api/admin/campaigns/${campaign.id}`).send({ subject: "Hijacked" }),
      request(app).get(`/api/admin/campaigns/${campaign.id}/preview`),
      request(app).post(`/api/admin/campaigns/${campaign.id}/send`).send(),
    ];
    for (const [index, call] of calls.entries()) {
      const response = await call;
      assert.equal(response.status, 401, `call ${index + 1} answered ${response.status}`);
    }
    assert.equal(getOutbox().length, 0);
    const stored = await getCampaign(campaign.id);
    assert.equal(stored.status, "draft");
    assert.equal(stored.subject, campaign.subject);
  });

  it("answers 403 to a client, who can neither write nor send a campaign", async () => {
    const { agent } = await loginAs("client");
    const campaign = await createCampaign();
    assert.equal((await agent.get("/api/admin/campaigns")).status, 403);
    assert.equal((await agent.post("/api/admin/campaigns").send({ subject: "Hi", body: "Hello" })).status, 403);
    assert.equal((await agent.patch(`/api/admin/campaigns/${campaign.id}`).send({ subject: "Mine" })).status, 403);
    assert.equal((await agent.get(`/api/admin/campaigns/${campaign.id}/preview`)).status, 403);
    assert.equal((await agent.post(`/api/admin/campaigns/${campaign.id}/send`).send()).status, 403);
    assert.equal(getOutbox().length, 0, "a client's send mailed somebody");
    assert.equal((await getCampaign(campaign.id)).status, "draft");
  });
});
