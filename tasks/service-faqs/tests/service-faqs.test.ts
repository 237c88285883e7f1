// Hidden tests for the service-faqs task: frequently asked questions on service pages.
// HTTP only. Every test creates its own service through the existing admin API, so nothing depends on
// seed services having (or not having) FAQs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of an FAQ the API must return (declared here: the tests do not import new types). */
interface Faq {
  id: number;
  serviceId: number;
  question: string;
  answer: string;
  sortOrder: number;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createService(overrides: Record<string, unknown> = {}): Promise<Service> {
  const response = await admin.post("/api/admin/services").send({
    slug: uniqueSlug("faq-service"),
    name: "FAQ test service",
    category: "design",
    summary: "A service created by the FAQ tests.",
    description: "Description text for the FAQ tests.",
    ...overrides,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Service>(response.body);
}

async function addFaq(serviceId: number | string, body: Record<string, unknown>) {
  return admin.post(`/api/admin/services/${serviceId}/faqs`).send(body);
}

async function addFaqOk(serviceId: number, body: Record<string, unknown>): Promise<Faq> {
  const response = await addFaq(serviceId, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<Faq>(response.body);
}

async function publicFaqs(slug: string): Promise<Faq[]> {
  const response = await request(await getApp()).get(`/api/services/${slug}`);
  assert.equal(response.status, 200);
  const service = dataOf<{ faqs?: Faq[] }>(response.body);
  assert.ok(Array.isArray(service.faqs), "the service detail has a faqs array");
  return service.faqs;
}

const question = { question: "How long does it take?", answer: "About four weeks from sign-off." };

describe("service faqs: public detail", () => {
  it("includes an empty faqs array for a service without FAQs", async () => {
    const service = await createService();
    assert.deepEqual(await publicFaqs(service.slug), []);
  });

  it("lists FAQs ordered by sortOrder, then by creation", async () => {
    const service = await createService();
    const late = await addFaqOk(service.id, { question: "Late?", answer: "Late.", sortOrder: 2 });
    const firstZero = await addFaqOk(service.id, { question: "Zero A?", answer: "A.", sortOrder: 0 });
    const secondZero = await addFaqOk(service.id, { question: "Zero B?", answer: "B." });
    const middle = await addFaqOk(service.id, { question: "Middle?", answer: "Middle.", sortOrder: 1 });
    const faqs = await publicFaqs(service.slug);
    assert.deepEqual(
      faqs.map((faq) => faq.id),
      [firstZero.id, secondZero.id, middle.id, late.id],
    );
    assert.deepEqual(
      faqs.map((faq) => [faq.question, faq.answer]),
      [
        ["Zero A?", "A."],
        ["Zero B?", "B."],
        ["Middle?", "Middle."],
        ["Late?", "Late."],
      ],
    );
  });

  it("shows only the service's own FAQs", async () => {
    const mine = await createService();
    const other = await createService();
    const faq = await addFaqOk(mine.id, { question: "Mine?", answer: "Yes." });
    await addFaqOk(other.id, { question: "Other?", answer: "No." });
    assert.deepEqual(
      (await publicFaqs(mine.slug)).map((entry) => entry.id),
      [faq.id],
    );
  });

  it("keeps the existing fields of a seed service", async () => {
    const response = await request(await getApp()).get("/api/services/cnc-fabrication");
    assert.equal(response.status, 200);
    const service = dataOf<Service>(response.body);
    assert.equal(service.name, "CNC Fabrication");
    assert.equal(service.category, "fabrication");
    assert.equal(service.startingPriceCents, 120_000);
  });

  it("still hides an inactive service, FAQs included", async () => {
    const service = await createService({ isActive: false });
    const response = await addFaq(service.id, question);
    assert.equal(response.status, 201);
    const detail = await request(await getApp()).get(`/api/services/${service.slug}`);
    assert.equal(detail.status, 404);
    assert.ok(!JSON.stringify(detail.body).includes(question.answer));
  });
});

describe("service faqs: admin add", () => {
  it("adds an FAQ and answers 201 with it", async () => {
    const service = await createService();
    const response = await addFaq(service.id, { ...question, sortOrder: 3 });
    assert.equal(response.status, 201);
    const faq = dataOf<Faq>(response.body);
    assert.equal(typeof faq.id, "number");
    assert.equal(faq.serviceId, service.id);
    assert.equal(faq.question, question.question);
    assert.equal(faq.answer, question.answer);
    assert.equal(faq.sortOrder, 3);
  });

  it("defaults sortOrder to 0", async () => {
    const service = await createService();
    const faq = await addFaqOk(service.id, question);
    assert.equal(faq.sortOrder, 0);
  });

  it("rejects a missing or empty question or answer with 400", async () => {
    const service = await createService();
    assert.equal((await addFaq(service.id, { answer: "No question." })).status, 400);
    assert.equal((await addFaq(service.id, { question: "No answer?" })).status, 400);
    assert.equal((await addFaq(service.id, { question: "", answer: "Empty question." })).status, 400);
    assert.equal((await addFaq(service.id, { question: "Blank answer?", answer: "   " })).status, 400);
    assert.deepEqual(await publicFaqs(service.slug), []);
  });

  it("rejects a question over 300 or an answer over 2000 characters with 400", async () => {
    const service = await createService();
    assert.equal((await addFaq(service.id, { question: "q".repeat(301), answer: "Fine." })).status, 400);
    assert.equal((await addFaq(service.id, { question: "Fine?", answer: "a".repeat(2001) })).status, 400);
    const ok = await addFaq(service.id, { question: "q".repeat(300), answer: "a".repeat(2000) });
    assert.equal(ok.status, 201);
  });

  it("rejects a negative or non-integer sortOrder with 400", async () => {
    const service = await createService();
    assert.equal((await addFaq(service.id, { ...question, sortOrder: -1 })).status, 400);
    assert.equal((await addFaq(service.id, { ...question, sortOrder: 0.5 })).status, 400);
    assert.equal((await addFaq(service.id, { ...question, sortOrder: "first" })).status, 400);
  });

  it("rejects a non-numeric service id with 400", async () => {
    const response = await addFaq("abc", question);
    assert.equal(response.status, 400);
  });

  it("answers 404 for an unknown service", async () => {
    const response = await addFaq(UNKNOWN_ID, question);
    assert.equal(response.status, 404);
  });
});

describe("service faqs: admin delete", () => {
  it("deletes an FAQ", async () => {
    const service = await createService();
    const keep = await addFaqOk(service.id, { question: "Keep?", answer: "Keep." });
    const drop = await addFaqOk(service.id, { question: "Drop?", answer: "Drop." });
    const response = await admin.delete(`/api/admin/services/${service.id}/faqs/${drop.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      (await publicFaqs(service.slug)).map((faq) => faq.id),
      [keep.id],
    );
    const again = await admin.delete(`/api/admin/services/${service.id}/faqs/${drop.id}`);
    assert.equal(again.status, 404);
  });

  it("answers 404 when the FAQ belongs to another service, and keeps it", async () => {
    const owner = await createService();
    const other = await createService();
    const faq = await addFaqOk(owner.id, question);
    const response = await admin.delete(`/api/admin/services/${other.id}/faqs/${faq.id}`);
    assert.equal(response.status, 404);
    assert.deepEqual(
      (await publicFaqs(owner.slug)).map((entry) => entry.id),
      [faq.id],
    );
  });

  it("answers 404 for an unknown FAQ", async () => {
    const service = await createService();
    const response = await admin.delete(`/api/admin/services/${service.id}/faqs/${UNKNOWN_ID}`);
    assert.equal(response.status, 404);
  });

  it("rejects a non-numeric FAQ id with 400", async () => {
    const service = await createService();
    const response = await admin.delete(`/api/admin/services/${service.id}/faqs/abc`);
    assert.equal(response.status, 400);
  });

  it("deletes a service that has FAQs, and its FAQs with it", async () => {
    const service = await createService();
    await addFaqOk(service.id, question);
    const response = await admin.delete(`/api/admin/services/${service.id}`);
    assert.equal(response.status, 200);
    const gone = await request(await getApp()).get(`/api/services/${service.slug}`);
    assert.equal(gone.status, 404);
  });
});

describe("service faqs: access", () => {
  it("answers 401 without a session", async () => {
    const service = await createService();
    const app = await getApp();
    const add = await request(app).post(`/api/admin/services/${service.id}/faqs`).send(question);
    assert.equal(add.status, 401);
    const faq = await addFaqOk(service.id, { question: "Target?", answer: "Target." });
    const remove = await request(app).delete(`/api/admin/services/${service.id}/faqs/${faq.id}`);
    assert.equal(remove.status, 401);
    assert.equal((await publicFaqs(service.slug)).length, 1);
  });

  it("answers 403 to a client and changes nothing", async () => {
    const service = await createService();
    const { agent } = await loginAs("client");
    const add = await agent.post(`/api/admin/services/${service.id}/faqs`).send(question);
    assert.equal(add.status, 403);
    const faq = await addFaqOk(service.id, { question: "Target?", answer: "Target." });
    const remove = await agent.delete(`/api/admin/services/${service.id}/faqs/${faq.id}`);
    assert.equal(remove.status, 403);
    assert.deepEqual(
      (await publicFaqs(service.slug)).map((entry) => entry.id),
      [faq.id],
    );
  });

  it("serves the FAQs without a session", async () => {
    const service = await createService();
    await addFaqOk(service.id, question);
    const response = await request(await getApp()).get(`/api/services/${service.slug}`);
    assert.equal(response.status, 200);
    assert.equal(dataOf<{ faqs: Faq[] }>(response.body).faqs[0].question, question.question);
  });
});
