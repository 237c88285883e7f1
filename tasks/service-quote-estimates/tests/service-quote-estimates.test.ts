// Hidden tests for the service-quote-estimates task: admins keep one pricing rule per service; visitors get
// an instant estimate (integer cents, half-up rounding, a minimum, the total rounded up to a whole euro),
// saved under a short public reference for 30 days; admins list the saved quotes.
//
// Every test creates services of its own (unique slugs) and their rules, so the shared database may hold
// anything else. "Now" is controlled through data only: a quote is made to expire by moving its
// `expires_at` (a column the request names) into the past with a query on the test's own row.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { pool } from "../../server/db";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

const DAY = 24 * 60 * 60 * 1000;
const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has
const REFERENCE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;

/** The fields of a saved quote the API must return (declared here: the tests do not import new types). */
interface QuoteView {
  reference: string;
  serviceId: number;
  size: string;
  rush: boolean;
  install: boolean;
  notes: string | null;
  sizeCents: number;
  rushCents: number;
  installCents: number;
  totalCents: number;
  minimumApplied: boolean;
  createdAt: string;
  expiresAt: string;
  status: string;
  name?: string;
  email?: string;
}

interface RuleView {
  id: number;
  serviceId: number;
  baseCents: number;
  mediumMultiplierBps: number;
  largeMultiplierBps: number;
  rushSurchargeBps: number;
  installFeeCents: number | null;
  minimumCents: number;
}

interface Priced {
  serviceId: number;
  slug: string;
  rule: RuleView;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createService(fields: Record<string, unknown> = {}): Promise<{ id: number; slug: string }> {
  const slug = uniqueSlug("quoted");
  const response = await admin.post("/api/admin/services").send({
    slug,
    name: "Quoted Joinery",
    category: "fabrication",
    summary: "Bespoke joinery, priced online from a simple rule.",
    description: "Cabinets, shelving and counters made in the studio.",
    ...fields,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { id: dataOf<{ id: number }>(response.body).id, slug };
}

const RULE = {
  baseCents: 120_000,
  mediumMultiplierBps: 15_000,
  largeMultiplierBps: 22_500,
  rushSurchargeBps: 2_500,
  installFeeCents: 25_000,
  minimumCents: 0,
};

function createRule(serviceId: number, fields: Record<string, unknown> = {}) {
  return admin.post("/api/admin/pricing-rules").send({ serviceId, ...RULE, ...fields });
}

/** A new active service with a pricing rule (RULE overridden by `fields`). */
async function pricedService(fields: Record<string, unknown> = {}): Promise<Priced> {
  const service = await createService();
  const response = await createRule(service.id, fields);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { serviceId: service.id, slug: service.slug, rule: dataOf<RuleView>(response.body) };
}

async function requestQuote(body: Record<string, unknown> | unknown[]) {
  return request(await getApp()).post("/api/quotes").send(body as object);
}

function visitor(slug: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { service: slug, size: "small", name: "Noor Haddad", email: uniqueEmail("quote"), ...fields };
}

async function quoteOk(slug: string, fields: Record<string, unknown> = {}): Promise<QuoteView> {
  const response = await requestQuote(visitor(slug, fields));
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<QuoteView>(response.body);
}

function amounts(quote: QuoteView) {
  const { sizeCents, rushCents, installCents, totalCents, minimumApplied } = quote;
  return { sizeCents, rushCents, installCents, totalCents, minimumApplied };
}

async function lookup(reference: string) {
  return request(await getApp()).get(`/api/quotes/${reference}`);
}

async function adminQuotes(query = ""): Promise<QuoteView[]> {
  const response = await admin.get(`/api/admin/quotes${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const quotes = dataOf<QuoteView[]>(response.body);
  assert.ok(Array.isArray(quotes));
  return quotes;
}

async function expire(reference: string): Promise<void> {
  const result = await pool.query("UPDATE quote_estimates SET expires_at = $1 WHERE reference = $2", [
    new Date(Date.now() - DAY),
    reference,
  ]);
  assert.equal(result.rowCount, 1, "the quote is stored in quote_estimates under its reference");
}

describe("quotes: the estimate", () => {
  it("prices a small job at the base price", async () => {
    const { slug } = await pricedService();
    const quote = await quoteOk(slug);
    assert.deepEqual(amounts(quote), {
      sizeCents: 120_000,
      rushCents: 0,
      installCents: 0,
      totalCents: 120_000,
      minimumApplied: false,
    });
    assert.equal(quote.size, "small");
    assert.equal(quote.rush, false);
    assert.equal(quote.install, false);
  });

  it("applies the size multipliers, rounding half a cent up", async () => {
    const { slug } = await pricedService({ baseCents: 3_333 });
    assert.deepEqual(amounts(await quoteOk(slug, { size: "medium" })), {
      sizeCents: 5_000, // 4999.5
      rushCents: 0,
      installCents: 0,
      totalCents: 5_000,
      minimumApplied: false,
    });
    assert.deepEqual(amounts(await quoteOk(slug, { size: "large" })), {
      sizeCents: 7_499, // 7499.25
      rushCents: 0,
      installCents: 0,
      totalCents: 7_500,
      minimumApplied: false,
    });
  });

  it("computes in exact integer cents where floating-point multiplication slips", async () => {
    const { slug } = await pricedService({ baseCents: 10_250, mediumMultiplierBps: 11_500, rushSurchargeBps: 3_500 });
    const medium = await quoteOk(slug, { size: "medium" });
    assert.equal(medium.sizeCents, 11_788, "10250 × 1.15 = 11787.5, rounded half up");
    const rush = await quoteOk(slug, { size: "small", rush: true });
    assert.equal(rush.sizeCents, 10_250);
    assert.equal(rush.rushCents, 3_588, "10250 × 0.35 = 3587.5, rounded half up");
    assert.equal(rush.totalCents, 13_900);
  });

  it("adds the rush surcharge on the sized price and the installation fee", async () => {
    const { slug } = await pricedService({ baseCents: 10_010, largeMultiplierBps: 15_000, installFeeCents: 4_321 });
    const quote = await quoteOk(slug, { size: "large", rush: true, install: true });
    assert.deepEqual(amounts(quote), {
      sizeCents: 15_015,
      rushCents: 3_754, // 3753.75
      installCents: 4_321,
      totalCents: 23_100, // 23090 rounded up to a whole euro
      minimumApplied: false,
    });
    assert.equal(quote.rush, true);
    assert.equal(quote.install, true);
  });

  it("rounds the total up to the next whole euro, and leaves whole euros alone", async () => {
    const odd = await pricedService({ baseCents: 12_301 });
    assert.equal((await quoteOk(odd.slug)).totalCents, 12_400);
    const even = await pricedService({ baseCents: 12_300 });
    assert.equal((await quoteOk(even.slug)).totalCents, 12_300);
  });

  it("charges the minimum when the job comes to less, rounded up to a whole euro", async () => {
    const { slug } = await pricedService({ baseCents: 20_000, minimumCents: 45_050 });
    assert.deepEqual(amounts(await quoteOk(slug)), {
      sizeCents: 20_000,
      rushCents: 0,
      installCents: 0,
      totalCents: 45_100,
      minimumApplied: true,
    });
    const large = await quoteOk(slug, { size: "large", rush: true, install: true });
    assert.deepEqual(amounts(large), {
      sizeCents: 45_000,
      rushCents: 11_250,
      installCents: 25_000,
      totalCents: 81_300, // 81250
      minimumApplied: false,
    });
  });

  it("ignores amounts sent by the client", async () => {
    const { slug } = await pricedService();
    const quote = await quoteOk(slug, { totalCents: 1, sizeCents: 1, minimumApplied: true });
    assert.equal(quote.totalCents, 120_000);
    assert.equal(quote.sizeCents, 120_000);
    assert.equal(quote.minimumApplied, false);
  });
});

describe("quotes: saving and notifying", () => {
  it("saves the quote under a short reference, valid for 30 days", async () => {
    const { slug, serviceId } = await pricedService();
    const quote = await quoteOk(slug, { size: "medium", notes: "Two counters, white oak." });
    assert.match(quote.reference, REFERENCE);
    assert.equal(quote.serviceId, serviceId);
    assert.equal(quote.notes, "Two counters, white oak.");
    assert.equal(quote.status, "active");
    const validFor = Date.parse(quote.expiresAt) - Date.parse(quote.createdAt);
    assert.ok(Math.abs(validFor - 30 * DAY) < 5_000, `valid for ${validFor} ms`);
    assert.ok(Math.abs(Date.parse(quote.createdAt) - Date.now()) < 60_000, "created now");
  });

  it("gives every quote a different reference", async () => {
    const { slug } = await pricedService();
    const references = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const quote = await quoteOk(slug);
      assert.match(quote.reference, REFERENCE);
      references.add(quote.reference);
    }
    assert.equal(references.size, 25);
  });

  it("emails the studio inbox about each new quote", async () => {
    const { slug } = await pricedService();
    await quoteOk(slug);
    const studio = process.env.STUDIO_INBOX_EMAIL;
    assert.ok(studio, "STUDIO_INBOX_EMAIL is set in .env");
    assert.deepEqual(
      getOutbox().map((message) => message.to),
      [studio],
    );
  });
});

describe("quotes: refusals", () => {
  it("answers 400 for an invalid request, and stores and sends nothing", async () => {
    const { slug, serviceId } = await pricedService();
    const bodies: (Record<string, unknown> | unknown[])[] = [
      {},
      visitor(slug, { size: undefined }),
      visitor(slug, { size: "huge" }),
      visitor(slug, { rush: "yes" }),
      visitor(slug, { install: 1 }),
      visitor(slug, { name: undefined }),
      visitor(slug, { name: "   " }),
      visitor(slug, { email: "not-an-email" }),
      visitor(slug, { notes: "x".repeat(2001) }),
      { size: "small", name: "Noor Haddad", email: uniqueEmail("quote") },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const response = await requestQuote(body);
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 80)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(getOutbox().length, 0);
    assert.deepEqual(await adminQuotes(`?serviceId=${serviceId}`), []);
  });

  it("answers 400 to on-site installation for a service that does not offer it", async () => {
    const { slug, serviceId } = await pricedService({ installFeeCents: null });
    const response = await requestQuote(visitor(slug, { install: true }));
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.equal(getOutbox().length, 0);
    assert.deepEqual(await adminQuotes(`?serviceId=${serviceId}`), []);
    assert.equal((await requestQuote(visitor(slug, { install: false }))).status, 201);
  });

  it("answers 404 for an unknown service, an inactive one, or one without a pricing rule", async () => {
    const inactive = await pricedService();
    const patched = await admin.patch(`/api/admin/services/${inactive.serviceId}`).send({ isActive: false });
    assert.equal(patched.status, 200);
    const unpriced = await createService();
    for (const service of [uniqueSlug("no-such-service"), inactive.slug, unpriced.slug]) {
      const response = await requestQuote(visitor(service));
      assert.equal(response.status, 404, `${service} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(getOutbox().length, 0);
  });
});

describe("quotes: lookup by reference", () => {
  it("shows the quote to anyone with its reference, without the visitor's name or email", async () => {
    const { slug } = await pricedService();
    const quote = await quoteOk(slug, { size: "large", rush: true });
    const response = await lookup(quote.reference);
    assert.equal(response.status, 200);
    const found = dataOf<QuoteView>(response.body);
    assert.equal(found.reference, quote.reference);
    assert.deepEqual(amounts(found), amounts(quote));
    assert.equal(found.status, "active");
    assert.equal(found.expiresAt, quote.expiresAt);
    assert.ok(!("email" in found), "no email in the public view");
    assert.ok(!("name" in found), "no name in the public view");
  });

  it("accepts the reference typed in lower case", async () => {
    const { slug } = await pricedService();
    const quote = await quoteOk(slug);
    const response = await lookup(quote.reference.toLowerCase());
    assert.equal(response.status, 200);
    assert.equal(dataOf<QuoteView>(response.body).reference, quote.reference);
  });

  it("answers 400 for something that cannot be a reference", async () => {
    for (const reference of ["ABC", "ABCDEFGHJ", "ABCD-EFG", "ABCDEF0O", "ABCDEF1I", "%20%20%20%20%20%20%20%20"]) {
      const response = await lookup(reference);
      assert.equal(response.status, 400, `${reference} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });

  it("answers 404 for an unknown reference", async () => {
    const response = await lookup("ZZZZZZZZ");
    assert.equal(response.status, 404);
  });

  it("marks a quote expired once its 30 days are over", async () => {
    const { slug } = await pricedService();
    const quote = await quoteOk(slug);
    await expire(quote.reference);
    const response = await lookup(quote.reference);
    assert.equal(response.status, 200);
    const found = dataOf<QuoteView>(response.body);
    assert.equal(found.status, "expired");
    assert.deepEqual(amounts(found), amounts(quote));
  });

  it("keeps a quote's amounts when the pricing rule changes later", async () => {
    const { slug, rule } = await pricedService();
    const quote = await quoteOk(slug, { size: "medium" });
    const changed = await admin.patch(`/api/admin/pricing-rules/${rule.id}`).send({ baseCents: 200_000 });
    assert.equal(changed.status, 200);
    const found = dataOf<QuoteView>((await lookup(quote.reference)).body);
    assert.deepEqual(amounts(found), amounts(quote));
    assert.equal((await quoteOk(slug, { size: "medium" })).sizeCents, 300_000, "new quotes use the new rule");
  });
});

describe("pricing rules: admin", () => {
  it("creates a rule with its defaults and lists it", async () => {
    const service = await createService();
    const response = await admin
      .post("/api/admin/pricing-rules")
      .send({ serviceId: service.id, baseCents: 50_000, mediumMultiplierBps: 14_000, largeMultiplierBps: 19_000 });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const rule = dataOf<RuleView>(response.body);
    assert.equal(typeof rule.id, "number");
    assert.equal(rule.serviceId, service.id);
    assert.equal(rule.baseCents, 50_000);
    assert.equal(rule.rushSurchargeBps, 0);
    assert.equal(rule.installFeeCents, null);
    assert.equal(rule.minimumCents, 0);
    const list = await admin.get("/api/admin/pricing-rules");
    assert.equal(list.status, 200);
    const listed = dataOf<RuleView[]>(list.body).find((entry) => entry.id === rule.id);
    assert.ok(listed, "the new rule is listed");
    assert.equal(listed.serviceId, service.id);
  });

  it("answers 409 to a second rule for the same service", async () => {
    const { serviceId, rule } = await pricedService();
    const response = await createRule(serviceId, { baseCents: 1_000 });
    assert.equal(response.status, 409);
    assert.equal(typeof response.body.error, "string");
    const listed = dataOf<RuleView[]>((await admin.get("/api/admin/pricing-rules")).body).filter(
      (entry) => entry.serviceId === serviceId,
    );
    assert.deepEqual(
      listed.map((entry) => [entry.id, entry.baseCents]),
      [[rule.id, RULE.baseCents]],
    );
  });

  it("answers 400 for a rule outside the limits or for an unknown service", async () => {
    const service = await createService();
    const invalid: Record<string, unknown>[] = [
      { baseCents: 0 },
      { baseCents: 100_000_001 },
      { baseCents: 1_500.5 },
      { baseCents: "120000" },
      { mediumMultiplierBps: 9_999 },
      { largeMultiplierBps: 100_001 },
      { mediumMultiplierBps: 20_000, largeMultiplierBps: 19_999 },
      { rushSurchargeBps: -1 },
      { rushSurchargeBps: 20_001 },
      { installFeeCents: -5 },
      { minimumCents: 100_000_001 },
      { baseCents: undefined },
    ];
    for (const fields of invalid) {
      const response = await createRule(service.id, fields);
      assert.equal(response.status, 400, `${JSON.stringify(fields)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal((await createRule(UNKNOWN_ID)).status, 400, "unknown service");
    assert.ok(
      !dataOf<RuleView[]>((await admin.get("/api/admin/pricing-rules")).body).some((r) => r.serviceId === service.id),
    );
  });

  it("changes a rule, and later quotes use it", async () => {
    const { slug, rule } = await pricedService();
    const response = await admin
      .patch(`/api/admin/pricing-rules/${rule.id}`)
      .send({ rushSurchargeBps: 5_000, installFeeCents: null, minimumCents: 150_000 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const updated = dataOf<RuleView>(response.body);
    assert.equal(updated.rushSurchargeBps, 5_000);
    assert.equal(updated.installFeeCents, null);
    assert.equal(updated.minimumCents, 150_000);
    assert.equal(updated.baseCents, RULE.baseCents, "fields not sent stay as they were");
    assert.deepEqual(amounts(await quoteOk(slug, { rush: true })), {
      sizeCents: 120_000,
      rushCents: 60_000,
      installCents: 0,
      totalCents: 180_000,
      minimumApplied: false,
    });
    assert.equal((await quoteOk(slug)).minimumApplied, true);
    assert.equal((await requestQuote(visitor(slug, { install: true }))).status, 400);
  });

  it("checks a change against the rule as it would stand, and then changes nothing", async () => {
    const { rule } = await pricedService();
    for (const changes of [
      { largeMultiplierBps: 14_999 },
      { mediumMultiplierBps: 22_501 },
      { baseCents: 0 },
      { serviceId: rule.serviceId },
    ]) {
      const response = await admin.patch(`/api/admin/pricing-rules/${rule.id}`).send(changes);
      assert.equal(response.status, 400, `${JSON.stringify(changes)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    const both = await admin
      .patch(`/api/admin/pricing-rules/${rule.id}`)
      .send({ mediumMultiplierBps: 30_000, largeMultiplierBps: 40_000 });
    assert.equal(both.status, 200, "changing both together is fine when the pair is valid");
    const stored = dataOf<RuleView[]>((await admin.get("/api/admin/pricing-rules")).body).find((r) => r.id === rule.id);
    assert.ok(stored);
    assert.equal(stored.mediumMultiplierBps, 30_000);
    assert.equal(stored.largeMultiplierBps, 40_000);
    assert.equal(stored.baseCents, RULE.baseCents);
  });

  it("deletes a rule: the service can no longer be quoted, and its quotes stay", async () => {
    const { slug, rule } = await pricedService();
    const quote = await quoteOk(slug);
    const response = await admin.delete(`/api/admin/pricing-rules/${rule.id}`);
    assert.equal(response.status, 200);
    assert.equal(dataOf<{ id: number }>(response.body).id, rule.id);
    assert.equal((await requestQuote(visitor(slug))).status, 404);
    assert.equal((await lookup(quote.reference)).status, 200);
    assert.equal((await admin.delete(`/api/admin/pricing-rules/${rule.id}`)).status, 404);
  });

  it("answers 400 for a non-numeric rule id", async () => {
    assert.equal((await admin.patch("/api/admin/pricing-rules/abc").send({ baseCents: 100 })).status, 400);
    assert.equal((await admin.delete("/api/admin/pricing-rules/abc")).status, 400);
  });

  it("answers 404 for an unknown rule", async () => {
    assert.equal((await admin.patch(`/api/admin/pricing-rules/${UNKNOWN_ID}`).send({ baseCents: 100 })).status, 404);
    assert.equal((await admin.delete(`/api/admin/pricing-rules/${UNKNOWN_ID}`)).status, 404);
  });
});

describe("quotes: admin list", () => {
  it("lists a service's quotes newest first, with the visitor's name and email", async () => {
    const { slug, serviceId } = await pricedService();
    const other = await pricedService();
    const first = await quoteOk(slug, { email: uniqueEmail("first") });
    const second = await quoteOk(slug, { size: "large" });
    const elsewhere = await quoteOk(other.slug);
    const quotes = await adminQuotes(`?serviceId=${serviceId}`);
    assert.deepEqual(
      quotes.map((quote) => quote.reference),
      [second.reference, first.reference],
    );
    assert.equal(quotes[1].email, first.email);
    assert.equal(quotes[1].name, "Noor Haddad");
    assert.equal(quotes[0].status, "active");
    const all = (await adminQuotes()).map((quote) => quote.reference);
    assert.ok(all.includes(elsewhere.reference) && all.includes(first.reference));
    assert.ok(all.indexOf(elsewhere.reference) < all.indexOf(first.reference), "newest first");
  });

  it("filters by status", async () => {
    const { slug, serviceId } = await pricedService();
    const active = await quoteOk(slug);
    const expired = await quoteOk(slug);
    await expire(expired.reference);
    const activeOnes = await adminQuotes(`?serviceId=${serviceId}&status=active`);
    assert.deepEqual(
      activeOnes.map((quote) => quote.reference),
      [active.reference],
    );
    const expiredOnes = await adminQuotes(`?serviceId=${serviceId}&status=expired`);
    assert.deepEqual(
      expiredOnes.map((quote) => [quote.reference, quote.status]),
      [[expired.reference, "expired"]],
    );
    assert.ok((await adminQuotes("?status=expired")).every((quote) => quote.status === "expired"));
  });

  it("answers 400 for an invalid filter", async () => {
    for (const query of ["?status=open", "?status=", "?serviceId=abc", "?serviceId=-1", "?serviceId=1.5"]) {
      const response = await admin.get(`/api/admin/quotes${query}`);
      assert.equal(response.status, 400, `${query} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});

describe("quotes: access", () => {
  it("serves estimates and lookups without a session", async () => {
    const { slug } = await pricedService();
    const created = await request(await getApp()).post("/api/quotes").send(visitor(slug));
    assert.equal(created.status, 201);
    const reference = dataOf<QuoteView>(created.body).reference;
    assert.equal((await request(await getApp()).get(`/api/quotes/${reference}`)).status, 200);
  });

  it("answers 401 to every admin route without a session", async () => {
    const { serviceId, rule } = await pricedService();
    const anonymous = request(await getApp());
    assert.equal((await anonymous.get("/api/admin/pricing-rules")).status, 401);
    assert.equal((await anonymous.post("/api/admin/pricing-rules").send({ serviceId, ...RULE })).status, 401);
    assert.equal((await anonymous.patch(`/api/admin/pricing-rules/${rule.id}`).send({ baseCents: 1 })).status, 401);
    assert.equal((await anonymous.delete(`/api/admin/pricing-rules/${rule.id}`)).status, 401);
    assert.equal((await anonymous.get("/api/admin/quotes")).status, 401);
  });

  it("answers 403 to a client on every admin route, and changes nothing", async () => {
    const { serviceId, rule } = await pricedService();
    const { agent } = await loginAs("client");
    assert.equal((await agent.get("/api/admin/pricing-rules")).status, 403);
    assert.equal((await agent.post("/api/admin/pricing-rules").send({ serviceId, ...RULE })).status, 403);
    assert.equal((await agent.patch(`/api/admin/pricing-rules/${rule.id}`).send({ baseCents: 1 })).status, 403);
    assert.equal((await agent.delete(`/api/admin/pricing-rules/${rule.id}`)).status, 403);
    assert.equal((await agent.get("/api/admin/quotes")).status, 403);
    const stored = dataOf<RuleView[]>((await admin.get("/api/admin/pricing-rules")).body).find((r) => r.id === rule.id);
    assert.equal(stored?.baseCents, RULE.baseCents);
  });
});
