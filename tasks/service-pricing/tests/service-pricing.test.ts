// Hidden tests for the service-pricing task: a price range and a currency on services.
// HTTP only. Tests that change data create their own services through the admin API.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

/** The pricing fields a service must carry (declared here: the tests do not rely on new types). */
interface PricedService {
  id: number;
  slug: string;
  name: string;
  startingPriceCents: number | null;
  priceToCents: number | null;
  currency: string;
  leadTimeWeeks: number | null;
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

function newService(overrides: Record<string, unknown> = {}) {
  return {
    slug: uniqueSlug("priced"),
    name: "Pricing test service",
    category: "fabrication",
    summary: "A service created by the pricing tests.",
    description: "Description text for the pricing tests.",
    ...overrides,
  };
}

async function create(overrides: Record<string, unknown> = {}) {
  return admin.post("/api/admin/services").send(newService(overrides));
}

async function createOk(overrides: Record<string, unknown> = {}): Promise<PricedService> {
  const response = await create(overrides);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PricedService>(response.body);
}

async function publicService(slug: string): Promise<PricedService> {
  const response = await request(await getApp()).get(`/api/services/${slug}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<PricedService>(response.body);
}

async function adminSlugs(): Promise<string[]> {
  const response = await admin.get("/api/admin/services");
  assert.equal(response.status, 200);
  return dataOf<PricedService[]>(response.body).map((service) => service.slug);
}

describe("service pricing: public responses", () => {
  it("shows existing services in EUR with no upper price", async () => {
    const service = await publicService("product-design");
    assert.equal(service.currency, "EUR");
    assert.equal(service.priceToCents, null);
    assert.equal(service.startingPriceCents, 350_000);
  });

  it("includes currency and priceToCents in the public list", async () => {
    const created = await createOk({ startingPriceCents: 50_000, priceToCents: 90_000, currency: "GBP" });
    const response = await request(await getApp()).get("/api/services");
    assert.equal(response.status, 200);
    const services = dataOf<PricedService[]>(response.body);
    for (const service of services) {
      assert.match(service.currency, /^[A-Z]{3}$/, `${service.slug} has a currency`);
      assert.ok("priceToCents" in service, `${service.slug} has priceToCents`);
    }
    const listed = services.find((service) => service.id === created.id);
    assert.ok(listed, "the new service is listed");
    assert.equal(listed.currency, "GBP");
    assert.equal(listed.priceToCents, 90_000);
  });

  it("includes currency and priceToCents in the public detail", async () => {
    const created = await createOk({ startingPriceCents: 120_000, priceToCents: 300_000, currency: "USD" });
    const service = await publicService(created.slug);
    assert.equal(service.currency, "USD");
    assert.equal(service.startingPriceCents, 120_000);
    assert.equal(service.priceToCents, 300_000);
  });
});

describe("service pricing: admin create", () => {
  it("stores a price range and a currency", async () => {
    const service = await createOk({ startingPriceCents: 40_000, priceToCents: 75_000, currency: "CHF" });
    assert.equal(service.startingPriceCents, 40_000);
    assert.equal(service.priceToCents, 75_000);
    assert.equal(service.currency, "CHF");
  });

  it("defaults currency to EUR and priceToCents to null", async () => {
    const service = await createOk({ startingPriceCents: 40_000 });
    assert.equal(service.currency, "EUR");
    assert.equal(service.priceToCents, null);
  });

  it("rejects a currency that is not three capital letters with 400", async () => {
    for (const currency of ["eur", "EURO", "EU", "E1R", "", 978, null]) {
      const slug = uniqueSlug("bad-currency");
      const response = await create({ slug, currency });
      assert.equal(response.status, 400, `currency ${JSON.stringify(currency)}`);
      assert.equal(typeof response.body.error, "string");
      assert.ok(!(await adminSlugs()).includes(slug), "nothing was created");
    }
  });

  it("rejects a negative, fractional or non-numeric priceToCents with 400", async () => {
    for (const priceToCents of [-1, 100.5, "90000"]) {
      const response = await create({ priceToCents });
      assert.equal(response.status, 400, `priceToCents ${JSON.stringify(priceToCents)}`);
    }
  });

  it("rejects a priceToCents below startingPriceCents with 400", async () => {
    const slug = uniqueSlug("upside-down");
    const response = await create({ slug, startingPriceCents: 50_000, priceToCents: 49_999 });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.ok(!(await adminSlugs()).includes(slug), "nothing was created");
  });

  it("accepts a priceToCents equal to startingPriceCents, or without a starting price", async () => {
    const fixed = await createOk({ startingPriceCents: 50_000, priceToCents: 50_000 });
    assert.equal(fixed.priceToCents, 50_000);
    const upTo = await createOk({ startingPriceCents: null, priceToCents: 80_000 });
    assert.equal(upTo.startingPriceCents, null);
    assert.equal(upTo.priceToCents, 80_000);
  });
});

describe("service pricing: admin update", () => {
  it("changes the currency", async () => {
    const service = await createOk({ startingPriceCents: 40_000 });
    const response = await admin.patch(`/api/admin/services/${service.id}`).send({ currency: "GBP" });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(dataOf<PricedService>(response.body).currency, "GBP");
    assert.equal((await publicService(service.slug)).currency, "GBP");
  });

  it("rejects an invalid currency with 400 and keeps the old one", async () => {
    const service = await createOk({ currency: "USD" });
    for (const currency of ["usd", "DOLLAR", null]) {
      const response = await admin.patch(`/api/admin/services/${service.id}`).send({ currency });
      assert.equal(response.status, 400, `currency ${JSON.stringify(currency)}`);
    }
    assert.equal((await publicService(service.slug)).currency, "USD");
  });

  it("sets and clears priceToCents", async () => {
    const service = await createOk({ startingPriceCents: 40_000 });
    const set = await admin.patch(`/api/admin/services/${service.id}`).send({ priceToCents: 60_000 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(dataOf<PricedService>(set.body).priceToCents, 60_000);
    const cleared = await admin.patch(`/api/admin/services/${service.id}`).send({ priceToCents: null });
    assert.equal(cleared.status, 200);
    assert.equal(dataOf<PricedService>(cleared.body).priceToCents, null);
  });

  it("rejects a priceToCents below the stored startingPriceCents with 400", async () => {
    const service = await createOk({ startingPriceCents: 40_000, priceToCents: 60_000 });
    const response = await admin.patch(`/api/admin/services/${service.id}`).send({ priceToCents: 30_000 });
    assert.equal(response.status, 400);
    const stored = await publicService(service.slug);
    assert.equal(stored.priceToCents, 60_000);
  });

  it("rejects a startingPriceCents above the stored priceToCents with 400", async () => {
    const service = await createOk({ startingPriceCents: 40_000, priceToCents: 60_000 });
    const response = await admin.patch(`/api/admin/services/${service.id}`).send({ startingPriceCents: 70_000 });
    assert.equal(response.status, 400);
    const stored = await publicService(service.slug);
    assert.equal(stored.startingPriceCents, 40_000);
  });

  it("accepts moving both ends of the range together", async () => {
    const service = await createOk({ startingPriceCents: 40_000, priceToCents: 60_000 });
    const response = await admin
      .patch(`/api/admin/services/${service.id}`)
      .send({ startingPriceCents: 70_000, priceToCents: 95_000 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const stored = await publicService(service.slug);
    assert.equal(stored.startingPriceCents, 70_000);
    assert.equal(stored.priceToCents, 95_000);
  });

  it("keeps updating other fields as before", async () => {
    const service = await createOk({ startingPriceCents: 40_000, leadTimeWeeks: 2 });
    const response = await admin.patch(`/api/admin/services/${service.id}`).send({ leadTimeWeeks: 5 });
    assert.equal(response.status, 200);
    assert.equal(dataOf<PricedService>(response.body).leadTimeWeeks, 5);
    assert.equal(dataOf<PricedService>(response.body).startingPriceCents, 40_000);
  });

  it("answers 404 for an unknown service", async () => {
    const response = await admin.patch("/api/admin/services/2147483647").send({ leadTimeWeeks: 5 });
    assert.equal(response.status, 404);
  });
});

describe("service pricing: access", () => {
  it("still answers 401 without a session and 403 to a client", async () => {
    const service = await createOk();
    const anonymous = await request(await getApp())
      .patch(`/api/admin/services/${service.id}`)
      .send({ currency: "GBP" });
    assert.equal(anonymous.status, 401);
    const { agent } = await loginAs("client");
    const client = await agent.patch(`/api/admin/services/${service.id}`).send({ currency: "GBP" });
    assert.equal(client.status, 403);
    assert.equal((await publicService(service.slug)).currency, "EUR");
  });
});
