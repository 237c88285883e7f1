import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { ContactMessage } from "@shared/schema";
import { config } from "../server/config";
import { clearOutbox, getOutbox } from "../server/services/email-service";
import { closeApp, getApp, loginAs, uniqueEmail } from "./helpers";

after(closeApp);
beforeEach(clearOutbox);

function contactForm(overrides: Record<string, unknown> = {}) {
  return {
    name: "Jordan Blake",
    email: uniqueEmail("contact"),
    company: "Blake Studio",
    subject: `Shelving quote ${randomUUID().slice(0, 6)}`,
    message: "Could you quote for six bays of plywood shelving, roughly 2.4 m tall?",
    serviceInterest: "cnc-fabrication",
    ...overrides,
  };
}

describe("contact form", () => {
  it("stores a message and notifies the studio inbox", async () => {
    const form = contactForm();
    const response = await request(await getApp()).post("/api/contact").send(form);
    assert.equal(response.status, 201);
    assert.equal(response.body.success, true);
    assert.equal(typeof response.body.data.id, "number");

    const sent = getOutbox();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].to, config.mail.studioInbox);
    assert.equal(sent[0].replyTo, form.email);
    assert.ok(sent[0].subject.includes(form.subject));
  });

  it("rejects an invalid email address", async () => {
    const response = await request(await getApp()).post("/api/contact").send(contactForm({ email: "not-an-email" }));
    assert.equal(response.status, 400);
    assert.equal(getOutbox().length, 0);
  });

  it("rejects a form without a message", async () => {
    const { message: _message, ...form } = contactForm();
    const response = await request(await getApp()).post("/api/contact").send(form);
    assert.equal(response.status, 400);
  });
});

describe("admin: contact messages", () => {
  it("lists new messages with pagination info", async () => {
    const form = contactForm();
    await request(await getApp()).post("/api/contact").send(form);
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/contact-messages?status=new&pageSize=100");
    assert.equal(response.status, 200);
    const messages: ContactMessage[] = response.body.data;
    assert.ok(messages.some((message) => message.subject === form.subject));
    assert.ok(messages.every((message) => message.status === "new"));
    assert.equal(response.body.pagination.pageSize, 100);
    assert.ok(response.body.pagination.total >= 1);
  });

  it("limits a page to pageSize", async () => {
    const app = await getApp();
    await request(app).post("/api/contact").send(contactForm());
    await request(app).post("/api/contact").send(contactForm());
    const { agent } = await loginAs("admin");
    const response = await agent.get("/api/admin/contact-messages?pageSize=2");
    assert.equal(response.status, 200);
    assert.equal(response.body.data.length, 2);
    assert.ok(response.body.pagination.total >= 2);
  });

  it("marks a message as read and deletes it", async () => {
    const created = await request(await getApp()).post("/api/contact").send(contactForm());
    const id: number = created.body.data.id;
    const { agent } = await loginAs("admin");

    const read = await agent.patch(`/api/admin/contact-messages/${id}`).send({ status: "read" });
    assert.equal(read.status, 200);
    assert.equal(read.body.data.status, "read");

    const invalid = await agent.patch(`/api/admin/contact-messages/${id}`).send({ status: "spam" });
    assert.equal(invalid.status, 400);
    assert.ok(Array.isArray(invalid.body.details));

    const deleted = await agent.delete(`/api/admin/contact-messages/${id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, { success: true, data: { id } });

    const again = await agent.delete(`/api/admin/contact-messages/${id}`);
    assert.equal(again.status, 404);
    assert.equal(typeof again.body.error, "string");
  });
});
