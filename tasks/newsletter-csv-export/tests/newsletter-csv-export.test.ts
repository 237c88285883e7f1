// Hidden tests for the newsletter-csv-export task: GET /api/admin/subscribers/export answers the
// subscriber list as an RFC 4180 CSV file. The tests parse the file with their own RFC 4180 reader
// (quoted fields, doubled quotes, line breaks inside quotes; CRLF or LF between records), so any correct
// quoting style passes.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

const HEADER = ["email", "name", "status", "subscribedAt", "unsubscribedAt"];
const EXPORT = "/api/admin/subscribers/export";

/** Parses an RFC 4180 document into records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        field += ch;
        i += 1;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
      i += 1;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      i += 1;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (ch === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 1;
    } else {
      field += ch;
      i += 1;
    }
  }
  assert.ok(!quoted, "the CSV ends inside a quoted field");
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

interface Row {
  email: string;
  name: string;
  status: string;
  subscribedAt: string;
  unsubscribedAt: string;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function exportCsv(query = ""): Promise<{ text: string; rows: Row[] }> {
  const response = await admin.get(`${EXPORT}${query}`).buffer(true).parse((res, callback) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      body += chunk;
    });
    res.on("end", () => callback(null, body));
  });
  assert.equal(response.status, 200, `GET ${EXPORT}${query} answered ${response.status}`);
  const text = response.body as string;
  const records = parseCsv(text);
  assert.deepEqual(records[0], HEADER, "the first line is the header row");
  const rows = records.slice(1).map((fields) => {
    assert.equal(fields.length, HEADER.length, `a row with ${fields.length} fields: ${JSON.stringify(fields)}`);
    const [email, name, status, subscribedAt, unsubscribedAt] = fields;
    return { email, name, status, subscribedAt, unsubscribedAt };
  });
  return { text, rows };
}

function rowFor(rows: Row[], email: string): Row {
  const matching = rows.filter((row) => row.email === email);
  assert.equal(matching.length, 1, `expected one row for ${email}, found ${matching.length}`);
  return matching[0];
}

async function subscribe(email: string, name?: string): Promise<void> {
  const response = await request(await getApp())
    .post("/api/newsletter/subscribe")
    .send(name === undefined ? { email } : { email, name });
  assert.equal(response.status, 201, JSON.stringify(response.body));
}

async function subscribeThenUnsubscribe(email: string): Promise<void> {
  await subscribe(email);
  const welcome = getOutbox().filter((message) => message.to === email).at(-1);
  assert.ok(welcome, "a welcome email was sent");
  const token = /token=([0-9a-f]+)/.exec(welcome.text)?.[1];
  assert.ok(token, "the welcome email carries an unsubscribe link");
  const response = await request(await getApp()).post("/api/newsletter/unsubscribe").send({ token });
  assert.equal(response.status, 200);
}

function assertIsoTimestamp(value: string): void {
  assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/, `${JSON.stringify(value)} is not ISO 8601 UTC`);
  assert.ok(!Number.isNaN(Date.parse(value)));
}

describe("subscriber export: file", () => {
  it("answers a CSV file that starts with the header row", async () => {
    const response = await admin.get(EXPORT);
    assert.equal(response.status, 200);
    assert.match(String(response.headers["content-type"]), /^text\/csv\b/);
    await exportCsv();
  });

  it("offers the file as a download named newsletter-subscribers.csv", async () => {
    const response = await admin.get(EXPORT);
    assert.equal(response.status, 200);
    const disposition = String(response.headers["content-disposition"] ?? "");
    assert.match(disposition, /^attachment\b/);
    assert.match(disposition, /filename="?newsletter-subscribers\.csv"?/);
  });
});

describe("subscriber export: rows", () => {
  it("lists a subscriber with email, name, status and subscription time", async () => {
    const email = uniqueEmail("csv");
    const startedAt = Date.now();
    await subscribe(email, "Ines Duarte");
    const row = rowFor((await exportCsv()).rows, email);
    assert.equal(row.name, "Ines Duarte");
    assert.equal(row.status, "subscribed");
    assertIsoTimestamp(row.subscribedAt);
    assert.ok(Math.abs(Date.parse(row.subscribedAt) - startedAt) < 60_000, "subscribedAt is the time of sign-up");
    assert.equal(row.unsubscribedAt, "");
  });

  it("leaves the name empty for a subscriber without one", async () => {
    const email = uniqueEmail("csv");
    await subscribe(email);
    assert.equal(rowFor((await exportCsv()).rows, email).name, "");
  });

  it("lists an unsubscribed subscriber with the time they left", async () => {
    const email = uniqueEmail("csv");
    await subscribeThenUnsubscribe(email);
    const row = rowFor((await exportCsv()).rows, email);
    assert.equal(row.status, "unsubscribed");
    assertIsoTimestamp(row.unsubscribedAt);
    assert.ok(Date.parse(row.unsubscribedAt) >= Date.parse(row.subscribedAt));
  });

  it("keeps commas, double quotes and line breaks in names intact", async () => {
    const names = [
      "Duarte, Ines",
      'Ines "Nessa" Duarte',
      "Ines\nDuarte",
      'Studio "North", Ltd.\r\nAccounts',
      `"${randomUUID().slice(0, 6)}"`,
    ];
    const emails = names.map(() => uniqueEmail("csv"));
    for (const [index, name] of names.entries()) {
      await subscribe(emails[index], name);
    }
    const { rows } = await exportCsv();
    for (const [index, name] of names.entries()) {
      assert.equal(rowFor(rows, emails[index]).name, name);
    }
  });

  it("lists the newest subscription first", async () => {
    const older = uniqueEmail("csv-older");
    const newer = uniqueEmail("csv-newer");
    await subscribe(older);
    await subscribe(newer);
    const emails = (await exportCsv()).rows.map((row) => row.email);
    assert.ok(emails.indexOf(newer) >= 0 && emails.indexOf(older) >= 0);
    assert.ok(emails.indexOf(newer) < emails.indexOf(older), "the newer subscriber comes first");
  });
});

describe("subscriber export: status filter", () => {
  it("exports only current subscribers with status=subscribed", async () => {
    const stays = uniqueEmail("csv-stays");
    const leaves = uniqueEmail("csv-leaves");
    await subscribe(stays);
    await subscribeThenUnsubscribe(leaves);
    const { rows } = await exportCsv("?status=subscribed");
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => row.status === "subscribed"));
    rowFor(rows, stays);
    assert.ok(!rows.some((row) => row.email === leaves));
  });

  it("exports only former subscribers with status=unsubscribed", async () => {
    const stays = uniqueEmail("csv-stays");
    const leaves = uniqueEmail("csv-leaves");
    await subscribe(stays);
    await subscribeThenUnsubscribe(leaves);
    const { rows } = await exportCsv("?status=unsubscribed");
    assert.ok(rows.every((row) => row.status === "unsubscribed"));
    rowFor(rows, leaves);
    assert.ok(!rows.some((row) => row.email === stays));
  });

  it("exports everyone without a status", async () => {
    const stays = uniqueEmail("csv-stays");
    const leaves = uniqueEmail("csv-leaves");
    await subscribe(stays);
    await subscribeThenUnsubscribe(leaves);
    const { rows } = await exportCsv();
    rowFor(rows, stays);
    rowFor(rows, leaves);
  });

  it("answers 400 with an error for any other status", async () => {
    for (const status of ["pending", "SUBSCRIBED", "all", ""]) {
      const response = await admin.get(`${EXPORT}?status=${status}`);
      assert.equal(response.status, 400, `status=${status} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string", `status=${status}: ${JSON.stringify(response.body)}`);
    }
  });
});

describe("subscriber export: access", () => {
  it("answers 401 without a session", async () => {
    const response = await request(await getApp()).get(EXPORT);
    assert.equal(response.status, 401);
  });

  it("answers 403 to a client", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get(EXPORT);
    assert.equal(response.status, 403);
  });
});

describe("subscriber export: unchanged behaviour", () => {
  it("keeps the JSON subscriber list", async () => {
    const email = uniqueEmail("csv");
    await subscribe(email, "List Reader");
    const response = await admin.get("/api/admin/subscribers");
    assert.equal(response.status, 200);
    const subscribers = dataOf<{ email: string; name: string | null }[]>(response.body);
    assert.ok(Array.isArray(subscribers));
    assert.equal(subscribers.find((subscriber) => subscriber.email === email)?.name, "List Reader");
  });
});
