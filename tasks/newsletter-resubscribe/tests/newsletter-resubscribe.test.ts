// Hidden tests for the newsletter-resubscribe task (BUG-002 and BUG-003).
// They talk to the API over HTTP only and read outgoing mail from the dev outbox.
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { NewsletterSubscriber } from "@shared/schema";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, uniqueEmail } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

interface SubscriptionResult {
  email: string;
  status: string;
}

/** A unique address with upper-case letters in both the local part and the domain. */
function mixedCaseEmail(): string {
  return uniqueEmail("Reader.Mixed").replace("@alloy-tests.", "@Alloy-Tests.");
}

/** The unsubscribe token from the newest welcome email sent to `email`. */
function tokenFromWelcome(email: string): string {
  const welcome = getOutbox()
    .filter((message) => message.to.toLowerCase() === email.toLowerCase())
    .at(-1);
  assert.ok(welcome, `a welcome email was sent to ${email}`);
  const match = /token=([0-9a-f]+)/.exec(welcome.text);
  assert.ok(match, "the welcome email carries an unsubscribe link");
  return match[1];
}

async function subscribe(email: string, name?: string) {
  return request(await getApp()).post("/api/newsletter/subscribe").send(name ? { email, name } : { email });
}

async function unsubscribe(token: string) {
  return request(await getApp()).post("/api/newsletter/unsubscribe").send({ token });
}

/** Subscribes `email`, then unsubscribes it with the token from the welcome email. */
async function subscribeThenUnsubscribe(email: string): Promise<string> {
  assert.equal((await subscribe(email)).status, 201);
  const token = tokenFromWelcome(email);
  assert.equal((await unsubscribe(token)).status, 200);
  clearOutbox();
  return token;
}

async function subscribersMatching(email: string): Promise<NewsletterSubscriber[]> {
  const { agent } = await loginAs("admin");
  const response = await agent.get("/api/admin/subscribers");
  assert.equal(response.status, 200);
  const subscribers = dataOf<NewsletterSubscriber[]>(response.body);
  return subscribers.filter((subscriber) => subscriber.email.toLowerCase() === email.toLowerCase());
}

describe("newsletter: email case (BUG-002)", () => {
  it("stores a new address in lower case", async () => {
    const email = mixedCaseEmail();
    const response = await subscribe(email);
    assert.equal(response.status, 201);
    assert.equal(dataOf<SubscriptionResult>(response.body).email, email.toLowerCase());
    const rows = await subscribersMatching(email);
    assert.deepEqual(
      rows.map((row) => row.email),
      [email.toLowerCase()],
    );
  });

  it("answers 409 for a case variant of a subscribed address", async () => {
    const email = mixedCaseEmail();
    assert.equal((await subscribe(email)).status, 201);
    clearOutbox();
    const again = await subscribe(email.toLowerCase());
    assert.equal(again.status, 409);
    assert.equal(getOutbox().length, 0, "no second welcome email");
    assert.equal((await subscribersMatching(email)).length, 1, "still one subscriber row");
  });

  it("answers 409 when a lower-case address is sent again in upper case", async () => {
    const email = uniqueEmail("reader");
    assert.equal((await subscribe(email)).status, 201);
    const again = await subscribe(email.toUpperCase());
    assert.equal(again.status, 409);
    assert.equal((await subscribersMatching(email)).length, 1);
  });
});

describe("newsletter: re-subscribing (BUG-003)", () => {
  it("reactivates an unsubscribed address with 200", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    const response = await subscribe(email);
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<SubscriptionResult>(response.body), { email, status: "subscribed" });
  });

  it("marks the subscriber subscribed again and clears unsubscribedAt", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    const [before] = await subscribersMatching(email);
    assert.equal(before.status, "unsubscribed");
    assert.notEqual(before.unsubscribedAt, null);
    assert.equal((await subscribe(email)).status, 200);
    const rows = await subscribersMatching(email);
    assert.equal(rows.length, 1, "the existing subscriber is reused, not duplicated");
    assert.equal(rows[0].status, "subscribed");
    assert.equal(rows[0].unsubscribedAt, null);
  });

  it("sends the welcome email again", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    assert.equal((await subscribe(email)).status, 200);
    const sent = getOutbox().filter((message) => message.to === email);
    assert.equal(sent.length, 1);
    assert.match(sent[0].text, /token=[0-9a-f]+/);
  });

  it("gives a working unsubscribe link after re-subscribing", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    assert.equal((await subscribe(email)).status, 200);
    const response = await unsubscribe(tokenFromWelcome(email));
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<SubscriptionResult>(response.body), { email, status: "unsubscribed" });
  });

  it("reactivates when the address is re-entered in a different case", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    const response = await subscribe(email.toUpperCase());
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<SubscriptionResult>(response.body), { email, status: "subscribed" });
    const rows = await subscribersMatching(email);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, "subscribed");
  });

  it("still answers 409 for a reactivated address", async () => {
    const email = uniqueEmail("again");
    await subscribeThenUnsubscribe(email);
    assert.equal((await subscribe(email)).status, 200);
    assert.equal((await subscribe(email)).status, 409);
  });
});

describe("newsletter: unchanged behaviour", () => {
  it("subscribes a new lower-case address with 201 and one welcome email", async () => {
    const email = uniqueEmail("reader");
    const response = await subscribe(email, "Reader");
    assert.equal(response.status, 201);
    assert.deepEqual(dataOf<SubscriptionResult>(response.body), { email, status: "subscribed" });
    const sent = getOutbox().filter((message) => message.to === email);
    assert.equal(sent.length, 1);
  });

  it("refuses the same address twice with 409", async () => {
    const email = uniqueEmail("reader");
    assert.equal((await subscribe(email)).status, 201);
    assert.equal((await subscribe(email)).status, 409);
  });

  it("rejects an invalid address with 400", async () => {
    const response = await subscribe("not-an-email");
    assert.equal(response.status, 400);
  });

  it("unsubscribes with the token from the welcome email", async () => {
    const email = uniqueEmail("reader");
    assert.equal((await subscribe(email)).status, 201);
    const response = await unsubscribe(tokenFromWelcome(email));
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<SubscriptionResult>(response.body), { email, status: "unsubscribed" });
    const [row] = await subscribersMatching(email);
    assert.equal(row.status, "unsubscribed");
  });
});
