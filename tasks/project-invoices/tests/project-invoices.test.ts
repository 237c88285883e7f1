// Hidden tests for the project-invoices task: invoices with line items on client projects, managed by admins
// (draft → sent → paid / void) and read by the project's owner. HTTP only, plus the dev outbox for the
// invoice email. Every test creates its own client project, so nothing depends on other invoices, except
// the numbering tests, which only compare numbers they allocate themselves.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ClientProject } from "@shared/schema";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

/** The fields of an invoice the API must return (declared here: the tests do not import new types). */
interface LineItem {
  id: number;
  description: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

interface Invoice {
  id: number;
  clientProjectId: number;
  number: string | null;
  status: string;
  dueDate: string;
  notes: string | null;
  taxRateBps: number;
  issuedAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  lineItems: LineItem[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  overdue: boolean;
}

interface LineInput {
  description: string;
  quantity: number;
  unitPriceCents: number;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has
const TAX_RATE_BPS = 2500; // the documented default of INVOICE_TAX_RATE_BPS (not set in the test .env)
const NUMBER = /^INV-(\d{4})-(\d{4,})$/;

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

/** A UTC calendar day `offset` days from today, as YYYY-MM-DD. */
function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

const LINES: LineInput[] = [
  { description: "Design drawings", quantity: 3, unitPriceCents: 12_500 },
  { description: "Walnut shelving, per metre", quantity: 4, unitPriceCents: 8_999 },
];

async function clientProject(): Promise<{ owner: TestAgent; email: string; project: ClientProject }> {
  const { agent, email } = await loginAs("client");
  const response = await agent.post("/api/client/projects").send({
    title: "Invoice test project",
    description: "A project created by the invoice tests, for a set of walnut shelves.",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { owner: agent, email, project: dataOf<ClientProject>(response.body) };
}

async function projectId(): Promise<number> {
  return (await clientProject()).project.id;
}

function createInvoice(id: number | string, body: Record<string, unknown>) {
  return admin.post(`/api/admin/client-projects/${id}/invoices`).send(body);
}

async function draft(id: number, body: Record<string, unknown> = {}): Promise<Invoice> {
  const response = await createInvoice(id, { dueDate: day(30), lineItems: LINES, ...body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Invoice>(response.body);
}

function act(invoiceId: number | string, action: "send" | "pay" | "void") {
  return admin.post(`/api/admin/invoices/${invoiceId}/${action}`).send({});
}

async function actOk(invoiceId: number, action: "send" | "pay" | "void"): Promise<Invoice> {
  const response = await act(invoiceId, action);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<Invoice>(response.body);
}

async function sent(id: number, body: Record<string, unknown> = {}): Promise<Invoice> {
  return actOk((await draft(id, body)).id, "send");
}

async function fetchInvoice(invoiceId: number): Promise<Invoice> {
  const response = await admin.get(`/api/admin/invoices/${invoiceId}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<Invoice>(response.body);
}

async function adminList(query: string): Promise<Invoice[]> {
  const response = await admin.get(`/api/admin/invoices?${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const invoices = dataOf<Invoice[]>(response.body);
  assert.ok(Array.isArray(invoices), "the invoice list is an array");
  return invoices;
}

function sequenceOf(invoice: Invoice): number {
  const match = NUMBER.exec(invoice.number ?? "");
  assert.ok(match, `invoice number ${JSON.stringify(invoice.number)} is INV-YYYY-NNNN`);
  assert.equal(Number(match[1]), new Date().getUTCFullYear());
  return Number(match[2]);
}

describe("invoices: creating drafts", () => {
  it("creates a draft with line items and answers 201 with its totals", async () => {
    const id = await projectId();
    const response = await createInvoice(id, { dueDate: "2026-09-30", notes: "Half on order", lineItems: LINES });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const invoice = dataOf<Invoice>(response.body);
    assert.equal(typeof invoice.id, "number");
    assert.equal(invoice.clientProjectId, id);
    assert.equal(invoice.status, "draft");
    assert.equal(invoice.number, null);
    assert.equal(invoice.dueDate, "2026-09-30");
    assert.equal(invoice.notes, "Half on order");
    assert.equal(invoice.taxRateBps, TAX_RATE_BPS);
    assert.equal(invoice.issuedAt, null);
    assert.equal(invoice.paidAt, null);
    assert.equal(invoice.voidedAt, null);
    assert.deepEqual(
      invoice.lineItems.map(({ description, quantity, unitPriceCents, lineTotalCents }) => ({
        description,
        quantity,
        unitPriceCents,
        lineTotalCents,
      })),
      [
        { description: "Design drawings", quantity: 3, unitPriceCents: 12_500, lineTotalCents: 37_500 },
        { description: "Walnut shelving, per metre", quantity: 4, unitPriceCents: 8_999, lineTotalCents: 35_996 },
      ],
    );
    assert.equal(invoice.subtotalCents, 73_496);
    assert.equal(invoice.taxCents, 18_374);
    assert.equal(invoice.totalCents, 91_870);
    assert.equal(invoice.overdue, false);
  });

  it("creates a draft without line items, with zero totals and null notes", async () => {
    const invoice = await draft(await projectId(), { lineItems: undefined });
    assert.deepEqual(invoice.lineItems, []);
    assert.equal(invoice.notes, null);
    assert.equal(invoice.subtotalCents, 0);
    assert.equal(invoice.taxCents, 0);
    assert.equal(invoice.totalCents, 0);
  });

  it("keeps the line items in the order given", async () => {
    const lines = ["Survey", "Drawings", "Fabrication", "Fitting"].map((description, index) => ({
      description,
      quantity: 1,
      unitPriceCents: 1000 - index,
    }));
    const invoice = await draft(await projectId(), { lineItems: lines });
    assert.deepEqual(
      (await fetchInvoice(invoice.id)).lineItems.map((item) => item.description),
      ["Survey", "Drawings", "Fabrication", "Fitting"],
    );
  });

  it("ignores a status, number or tax rate in the body: a new invoice is always a draft", async () => {
    const invoice = await draft(await projectId(), { status: "paid", number: "INV-1999-0001", taxRateBps: 0 });
    assert.equal(invoice.status, "draft");
    assert.equal(invoice.number, null);
    assert.equal(invoice.taxRateBps, TAX_RATE_BPS);
  });

  it("rejects a missing or impossible dueDate with 400 and creates nothing", async () => {
    const id = await projectId();
    for (const dueDate of [undefined, "2026-02-30", "30/09/2026", "2026-9-30", 20260930]) {
      const response = await createInvoice(id, { dueDate, lineItems: LINES });
      assert.equal(response.status, 400, `dueDate ${JSON.stringify(dueDate)}`);
    }
    assert.deepEqual(await adminList(`clientProjectId=${id}`), []);
  });

  it("rejects invalid line items with 400 and creates nothing", async () => {
    const id = await projectId();
    const bad: unknown[] = [
      { description: "Zero", quantity: 0, unitPriceCents: 100 },
      { description: "Fraction", quantity: 1.5, unitPriceCents: 100 },
      { description: "Too many", quantity: 1001, unitPriceCents: 100 },
      { description: "Negative", quantity: 1, unitPriceCents: -100 },
      { description: "Fractional cents", quantity: 1, unitPriceCents: 10.5 },
      { description: "Too dear", quantity: 1, unitPriceCents: 1_000_001 },
      { description: "   ", quantity: 1, unitPriceCents: 100 },
      { description: "d".repeat(201), quantity: 1, unitPriceCents: 100 },
      { quantity: 1, unitPriceCents: 100 },
      "Design drawings",
    ];
    for (const line of bad) {
      const response = await createInvoice(id, { dueDate: day(30), lineItems: [LINES[0], line] });
      assert.equal(response.status, 400, `line ${JSON.stringify(line)}`);
    }
    const tooMany = Array.from({ length: 51 }, (_, index) => ({ description: `Line ${index}`, quantity: 1, unitPriceCents: 1 }));
    assert.equal((await createInvoice(id, { dueDate: day(30), lineItems: tooMany })).status, 400);
    assert.equal((await createInvoice(id, { dueDate: day(30), lineItems: tooMany.slice(0, 50) })).status, 201);
    assert.equal((await adminList(`clientProjectId=${id}`)).length, 1);
  });

  it("rejects a non-numeric project id with 400", async () => {
    assert.equal((await createInvoice("abc", { dueDate: day(30), lineItems: LINES })).status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    assert.equal((await createInvoice(UNKNOWN_ID, { dueDate: day(30), lineItems: LINES })).status, 404);
  });
});

describe("invoices: totals", () => {
  it("rounds the tax half-up to whole cents", async () => {
    const id = await projectId();
    // At 25%: 1001 → 250.25, 1002 → 250.5, 1003 → 250.75, 1006 → 251.5, 1 → 0.25, 2 → 0.5
    const cases: Array<[number, number]> = [[1001, 250], [1002, 251], [1003, 251], [1006, 252], [1, 0], [2, 1]];
    for (const [subtotal, tax] of cases) {
      const invoice = await draft(id, { lineItems: [{ description: "Fee", quantity: 1, unitPriceCents: subtotal }] });
      assert.equal(invoice.subtotalCents, subtotal);
      assert.equal(invoice.taxCents, tax, `tax on ${subtotal}`);
      assert.equal(invoice.totalCents, subtotal + tax);
    }
  });

  it("computes the tax once on the subtotal, not line by line", async () => {
    const invoice = await draft(await projectId(), {
      lineItems: [
        { description: "Fixing A", quantity: 1, unitPriceCents: 2 },
        { description: "Fixing B", quantity: 1, unitPriceCents: 2 },
        { description: "Fixing C", quantity: 1, unitPriceCents: 2 },
      ],
    });
    // Per line: 0.5 → 1 each, 3 in all. On the subtotal of 6: 1.5 → 2.
    assert.equal(invoice.subtotalCents, 6);
    assert.equal(invoice.taxCents, 2);
    assert.equal(invoice.totalCents, 8);
  });

  it("computes large invoices exactly", async () => {
    const lines = Array.from({ length: 50 }, (_, index) => ({
      description: `Panel ${index + 1}`,
      quantity: 1000,
      unitPriceCents: 999_999,
    }));
    const invoice = await draft(await projectId(), { lineItems: lines });
    assert.equal(invoice.lineItems[0].lineTotalCents, 999_999_000);
    assert.equal(invoice.subtotalCents, 49_999_950_000);
    assert.equal(invoice.taxCents, 12_499_987_500);
    assert.equal(invoice.totalCents, 62_499_937_500);
  });
});

describe("invoices: editing drafts", () => {
  it("changes the due date and notes of a draft and replaces its line items", async () => {
    const invoice = await draft(await projectId(), { notes: "First version" });
    const response = await admin.patch(`/api/admin/invoices/${invoice.id}`).send({
      dueDate: "2026-12-01",
      notes: null,
      lineItems: [{ description: "Revised fee", quantity: 2, unitPriceCents: 501 }],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const changed = dataOf<Invoice>(response.body);
    assert.equal(changed.dueDate, "2026-12-01");
    assert.equal(changed.notes, null);
    assert.deepEqual(changed.lineItems.map((item) => [item.description, item.lineTotalCents]), [["Revised fee", 1002]]);
    assert.equal(changed.subtotalCents, 1002);
    assert.equal(changed.taxCents, 251);
    assert.equal(changed.totalCents, 1253);
    const stored = await fetchInvoice(invoice.id);
    assert.equal(stored.dueDate, "2026-12-01");
    assert.equal(stored.lineItems.length, 1);
    assert.equal(stored.totalCents, 1253);
  });

  it("keeps the line items when only other fields change", async () => {
    const invoice = await draft(await projectId());
    const response = await admin.patch(`/api/admin/invoices/${invoice.id}`).send({ notes: "Pay by transfer" });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const stored = await fetchInvoice(invoice.id);
    assert.equal(stored.notes, "Pay by transfer");
    assert.equal(stored.lineItems.length, 2);
    assert.equal(stored.totalCents, invoice.totalCents);
  });

  it("rejects an empty or invalid body with 400 and changes nothing", async () => {
    const invoice = await draft(await projectId());
    const url = `/api/admin/invoices/${invoice.id}`;
    assert.equal((await admin.patch(url).send({})).status, 400);
    assert.equal((await admin.patch(url).send({ dueDate: "2026-02-30" })).status, 400);
    assert.equal(
      (await admin.patch(url).send({ lineItems: [{ description: "Bad", quantity: -1, unitPriceCents: 5 }] })).status,
      400,
    );
    const stored = await fetchInvoice(invoice.id);
    assert.equal(stored.dueDate, invoice.dueDate);
    assert.equal(stored.totalCents, invoice.totalCents);
    assert.equal(stored.lineItems.length, 2);
  });

  it("answers 409 to changing or deleting an invoice that is no longer a draft, and changes nothing", async () => {
    const invoice = await sent(await projectId());
    const url = `/api/admin/invoices/${invoice.id}`;
    assert.equal((await admin.patch(url).send({ notes: "Too late" })).status, 409);
    assert.equal(
      (await admin.patch(url).send({ lineItems: [{ description: "Extra", quantity: 1, unitPriceCents: 1 }] })).status,
      409,
    );
    assert.equal((await admin.delete(url)).status, 409);
    const stored = await fetchInvoice(invoice.id);
    assert.equal(stored.status, "sent");
    assert.equal(stored.notes, invoice.notes);
    assert.equal(stored.totalCents, invoice.totalCents);
  });

  it("deletes a draft", async () => {
    const id = await projectId();
    const invoice = await draft(id);
    const response = await admin.delete(`/api/admin/invoices/${invoice.id}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal((await admin.get(`/api/admin/invoices/${invoice.id}`)).status, 404);
    assert.deepEqual(await adminList(`clientProjectId=${id}`), []);
  });

  it("rejects non-numeric invoice ids with 400", async () => {
    assert.equal((await admin.get("/api/admin/invoices/abc")).status, 400);
    assert.equal((await admin.patch("/api/admin/invoices/abc").send({ notes: "x" })).status, 400);
    assert.equal((await admin.delete("/api/admin/invoices/abc")).status, 400);
    for (const action of ["send", "pay", "void"] as const) {
      assert.equal((await act("abc", action)).status, 400, action);
    }
  });

  it("answers 404 for an unknown invoice", async () => {
    assert.equal((await admin.get(`/api/admin/invoices/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await admin.patch(`/api/admin/invoices/${UNKNOWN_ID}`).send({ notes: "x" })).status, 404);
    assert.equal((await admin.delete(`/api/admin/invoices/${UNKNOWN_ID}`)).status, 404);
    for (const action of ["send", "pay", "void"] as const) {
      assert.equal((await act(UNKNOWN_ID, action)).status, 404, action);
    }
  });
});

describe("invoices: sending and numbering", () => {
  it("sends a draft: gives it a number of this year, sets issuedAt and emails the project's owner", async () => {
    const { email, project } = await clientProject();
    const before = Date.now();
    const invoice = await sent(project.id);
    assert.equal(invoice.status, "sent");
    sequenceOf(invoice);
    assert.ok(invoice.issuedAt, "issuedAt is set");
    assert.ok(Date.parse(invoice.issuedAt!) >= before - 5_000, "issuedAt is the time of sending");
    assert.equal(invoice.totalCents, 91_870);
    const mails = getOutbox().filter((mail) => mail.to === email);
    assert.equal(mails.length, 1, "one email to the owner");
    assert.ok(`${mails[0].subject}\n${mails[0].text}`.includes(invoice.number!), "the email names the invoice number");
    assert.equal(mails[0].replyTo, process.env.STUDIO_INBOX_EMAIL, "replies go to the studio inbox by default");
    assert.equal((await fetchInvoice(invoice.id)).number, invoice.number);
  });

  it("numbers invoices consecutively, without gaps, whatever happens in between", async () => {
    const id = await projectId();
    const first = sequenceOf(await sent(id));
    const empty = await draft(id, { lineItems: [] });
    assert.equal((await act(empty.id, "send")).status, 409, "an invoice without line items can't be sent");
    const deleted = await draft(id);
    assert.equal((await admin.delete(`/api/admin/invoices/${deleted.id}`)).status, 200);
    const second = await sent(id);
    assert.equal(sequenceOf(second), first + 1);
    await actOk(second.id, "void");
    const third = await sent(id);
    assert.equal(sequenceOf(third), first + 2, "voiding keeps the number used");
  });

  it("gives concurrent sends distinct, consecutive numbers", async () => {
    const id = await projectId();
    const drafts = await Promise.all(Array.from({ length: 6 }, () => draft(id)));
    const responses = await Promise.all(drafts.map((invoice) => act(invoice.id, "send")));
    for (const response of responses) {
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }
    const sequences = responses.map((response) => sequenceOf(dataOf<Invoice>(response.body))).sort((a, b) => a - b);
    assert.equal(new Set(sequences).size, 6, `numbers are distinct: ${sequences}`);
    assert.equal(sequences[5] - sequences[0], 5, `numbers are consecutive: ${sequences}`);
  });

  it("sends an invoice only once, even when two sends race", async () => {
    const { email, project } = await clientProject();
    const invoice = await draft(project.id);
    const responses = await Promise.all([act(invoice.id, "send"), act(invoice.id, "send")]);
    assert.deepEqual(responses.map((response) => response.status).sort(), [200, 409]);
    const winner = dataOf<Invoice>(responses.find((response) => response.status === 200)!.body);
    assert.equal(getOutbox().filter((mail) => mail.to === email).length, 1, "one email");
    const next = await sent(project.id);
    assert.equal(sequenceOf(next), sequenceOf(winner) + 1, "the losing send used no number");
  });

  it("refuses to send an invoice without line items: 409, still a draft, no email", async () => {
    const { email, project } = await clientProject();
    const empty = await draft(project.id, { lineItems: [] });
    assert.equal((await act(empty.id, "send")).status, 409);
    const stored = await fetchInvoice(empty.id);
    assert.equal(stored.status, "draft");
    assert.equal(stored.number, null);
    assert.equal(getOutbox().filter((mail) => mail.to === email).length, 0);
  });

  it("answers 409 to sending an invoice that is sent, paid or void, and keeps its number", async () => {
    const id = await projectId();
    const once = await sent(id);
    assert.equal((await act(once.id, "send")).status, 409);
    const paid = await sent(id);
    await actOk(paid.id, "pay");
    assert.equal((await act(paid.id, "send")).status, 409);
    const voided = await sent(id);
    await actOk(voided.id, "void");
    assert.equal((await act(voided.id, "send")).status, 409);
    for (const invoice of [once, paid, voided]) {
      assert.equal((await fetchInvoice(invoice.id)).number, invoice.number);
    }
  });
});

describe("invoices: paying and voiding", () => {
  it("marks a sent invoice paid", async () => {
    const invoice = await sent(await projectId(), { dueDate: day(-10) });
    assert.equal(invoice.overdue, true);
    const paid = await actOk(invoice.id, "pay");
    assert.equal(paid.status, "paid");
    assert.ok(paid.paidAt, "paidAt is set");
    assert.equal(paid.overdue, false, "a paid invoice is not overdue");
    assert.equal(paid.number, invoice.number);
    assert.equal((await fetchInvoice(invoice.id)).status, "paid");
  });

  it("voids a sent invoice and keeps its number", async () => {
    const invoice = await sent(await projectId(), { dueDate: day(-10) });
    const voided = await actOk(invoice.id, "void");
    assert.equal(voided.status, "void");
    assert.ok(voided.voidedAt, "voidedAt is set");
    assert.equal(voided.number, invoice.number);
    assert.equal(voided.overdue, false, "a void invoice is not overdue");
  });

  it("answers 409 to paying or voiding a draft, a paid or a void invoice, and changes nothing", async () => {
    const id = await projectId();
    const unsent = await draft(id);
    const paid = await sent(id);
    await actOk(paid.id, "pay");
    const voided = await sent(id);
    await actOk(voided.id, "void");
    for (const [invoice, status] of [[unsent, "draft"], [paid, "paid"], [voided, "void"]] as const) {
      assert.equal((await act(invoice.id, "pay")).status, 409, `pay a ${status} invoice`);
      assert.equal((await act(invoice.id, "void")).status, 409, `void a ${status} invoice`);
      assert.equal((await fetchInvoice(invoice.id)).status, status);
    }
    assert.equal((await fetchInvoice(unsent.id)).paidAt, null);
  });
});

describe("invoices: overdue and the admin list", () => {
  it("counts a sent invoice as overdue only after its due date", async () => {
    const id = await projectId();
    const late = await sent(id, { dueDate: day(-1) });
    const dueToday = await sent(id, { dueDate: day(0) });
    const unsentLate = await draft(id, { dueDate: day(-30) });
    assert.equal(late.overdue, true);
    assert.equal(dueToday.overdue, false);
    assert.equal(unsentLate.overdue, false);
    assert.equal((await fetchInvoice(late.id)).overdue, true);
    assert.equal((await fetchInvoice(late.id)).status, "sent", "overdue is not a stored status");
  });

  it("lists a project's invoices newest first, filtered by status and overdue", async () => {
    const id = await projectId();
    const a = await draft(id);
    const b = await sent(id, { dueDate: day(-5) });
    const c = await sent(id, { dueDate: day(5) });
    const d = await sent(id, { dueDate: day(-5) });
    await actOk(d.id, "pay");
    const ids = (invoices: Invoice[]) => invoices.map((invoice) => invoice.id);
    assert.deepEqual(ids(await adminList(`clientProjectId=${id}`)), [d.id, c.id, b.id, a.id]);
    assert.deepEqual(ids(await adminList(`clientProjectId=${id}&status=sent`)), [c.id, b.id]);
    assert.deepEqual(ids(await adminList(`clientProjectId=${id}&status=draft`)), [a.id]);
    assert.deepEqual(ids(await adminList(`clientProjectId=${id}&overdue=true`)), [b.id]);
    assert.deepEqual(ids(await adminList(`clientProjectId=${id}&overdue=false`)), [d.id, c.id, a.id]);
    const all = await adminList(`clientProjectId=${id}`);
    assert.equal(all.find((invoice) => invoice.id === b.id)!.totalCents, 91_870, "list entries carry their totals");
  });

  it("lists overdue invoices across projects", async () => {
    const late = await sent(await projectId(), { dueDate: day(-3) });
    const onTime = await sent(await projectId(), { dueDate: day(3) });
    const overdue = (await adminList("overdue=true")).map((invoice) => invoice.id);
    assert.ok(overdue.includes(late.id));
    assert.ok(!overdue.includes(onTime.id));
  });

  it("rejects invalid list filters with 400", async () => {
    for (const query of ["status=overdue", "status=", "overdue=yes", "clientProjectId=abc", "clientProjectId=-1"]) {
      assert.equal((await admin.get(`/api/admin/invoices?${query}`)).status, 400, query);
    }
  });
});

describe("invoices: client portal", () => {
  it("shows the owner their project's sent, paid and void invoices, but no drafts", async () => {
    const { owner, project } = await clientProject();
    await draft(project.id);
    const open = await sent(project.id, { dueDate: day(-2) });
    const paid = await sent(project.id);
    await actOk(paid.id, "pay");
    const voided = await sent(project.id);
    await actOk(voided.id, "void");
    const response = await owner.get(`/api/client/projects/${project.id}/invoices`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const invoices = dataOf<Invoice[]>(response.body);
    assert.deepEqual(
      invoices.map((invoice) => [invoice.id, invoice.status]),
      [[voided.id, "void"], [paid.id, "paid"], [open.id, "sent"]],
    );
    const shown = invoices.find((invoice) => invoice.id === open.id)!;
    assert.equal(shown.number, open.number);
    assert.equal(shown.overdue, true);
    assert.equal(shown.totalCents, 91_870);
    assert.equal(shown.lineItems.length, 2);
  });

  it("shows an empty list while the project has only drafts", async () => {
    const { owner, project } = await clientProject();
    await draft(project.id);
    const response = await owner.get(`/api/client/projects/${project.id}/invoices`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(dataOf(response.body), []);
  });

  it("answers 404 to another client and shows nothing", async () => {
    const { project } = await clientProject();
    await sent(project.id);
    const { agent: stranger } = await loginAs("client");
    const response = await stranger.get(`/api/client/projects/${project.id}/invoices`);
    assert.equal(response.status, 404);
    assert.ok(!("data" in response.body), "no invoices in the answer");
  });

  it("lets an admin read a client's invoices through the client route", async () => {
    const { project } = await clientProject();
    const invoice = await sent(project.id);
    const response = await admin.get(`/api/client/projects/${project.id}/invoices`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(dataOf<Invoice[]>(response.body).map((item) => item.id), [invoice.id]);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const { owner } = await clientProject();
    assert.equal((await owner.get("/api/client/projects/abc/invoices")).status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    const { owner } = await clientProject();
    assert.equal((await owner.get(`/api/client/projects/${UNKNOWN_ID}/invoices`)).status, 404);
  });
});

describe("invoices: access", () => {
  it("answers 401 without a session", async () => {
    const { project } = await clientProject();
    const invoice = await draft(project.id);
    const visitor = request(await getApp());
    const calls = [
      visitor.get("/api/admin/invoices"),
      visitor.post(`/api/admin/client-projects/${project.id}/invoices`).send({ dueDate: day(30), lineItems: LINES }),
      visitor.get(`/api/admin/invoices/${invoice.id}`),
      visitor.patch(`/api/admin/invoices/${invoice.id}`).send({ notes: "x" }),
      visitor.delete(`/api/admin/invoices/${invoice.id}`),
      visitor.post(`/api/admin/invoices/${invoice.id}/send`),
      visitor.post(`/api/admin/invoices/${invoice.id}/pay`),
      visitor.post(`/api/admin/invoices/${invoice.id}/void`),
      visitor.get(`/api/client/projects/${project.id}/invoices`),
    ];
    for (const response of await Promise.all(calls)) {
      assert.equal(response.status, 401, `${response.request.method} ${response.request.url}`);
    }
    assert.equal((await fetchInvoice(invoice.id)).status, "draft");
  });

  it("answers 403 to a client on the admin routes, even for their own project, and changes nothing", async () => {
    const { owner, project } = await clientProject();
    const invoice = await draft(project.id);
    const calls = [
      owner.get("/api/admin/invoices"),
      owner.post(`/api/admin/client-projects/${project.id}/invoices`).send({ dueDate: day(30), lineItems: LINES }),
      owner.get(`/api/admin/invoices/${invoice.id}`),
      owner.patch(`/api/admin/invoices/${invoice.id}`).send({ notes: "Discount please" }),
      owner.delete(`/api/admin/invoices/${invoice.id}`),
      owner.post(`/api/admin/invoices/${invoice.id}/send`),
      owner.post(`/api/admin/invoices/${invoice.id}/pay`),
      owner.post(`/api/admin/invoices/${invoice.id}/void`),
    ];
    for (const call of calls) {
      const response = await call;
      assert.equal(response.status, 403, `${response.request.method} ${response.request.url}`);
    }
    const stored = await fetchInvoice(invoice.id);
    assert.equal(stored.status, "draft");
    assert.equal(stored.notes, null);
    assert.equal((await adminList(`clientProjectId=${project.id}`)).length, 1);
  });
});
