// Hidden tests for the consultation-bookings task (DEVELOPMENT_MANIFEST.md §4). HTTP only.
//
// Studio hours are Monday–Friday 10:00–16:00 in BOOKING_TIMEZONE, which is UTC in the fixture's .env,
// so slots start at 10:00Z, 10:30Z, ... 15:30Z. Read-only checks use fixed days in 2041 that no test
// books; every test that books takes a day of its own from a random run window in 2070–2098, so tests
// neither collide with each other nor (in practice) with bookings left by earlier runs on the same DB.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { clearOutbox, getOutbox } from "../../server/services/email-service";
import { closeApp, dataOf, getApp, loginAs, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

before(() => {
  assert.equal(process.env.BOOKING_TIMEZONE ?? "UTC", "UTC", "these tests expect BOOKING_TIMEZONE=UTC (.env)");
});

/** The fields of a booking the API must return (declared here: the tests do not import new types). */
interface BookingView {
  id: number;
  name: string;
  email: string;
  startsAt: string;
  status: string;
  serviceId: number | null;
  notes: string | null;
}

interface SlotView {
  startsAt: string;
  endsAt: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SLOT_MINUTES = Number(process.env.BOOKING_SLOT_MINUTES || 30);
const SLOTS_PER_DAY = Math.floor((6 * 60) / SLOT_MINUTES);
const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

const QUIET_WEDNESDAY = "2041-03-06"; // never booked by these tests
const SATURDAY = "2041-03-09";
const SUNDAY = "2041-03-10";
const PAST_WEDNESDAY = "2020-03-04";

const windowStart = Date.UTC(2070, 0, 1) + randomInt(0, 28 * 365) * DAY;
let daysUsed = 0;

/** A future weekday that no other test in this run books. */
function freshWeekday(): string {
  for (;;) {
    const day = new Date(windowStart + daysUsed++ * DAY);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) {
      return day.toISOString().slice(0, 10);
    }
  }
}

/** The ISO start of slot `index` (0 = 10:00) on `date`. */
function slotStart(date: string, index: number): string {
  return new Date(Date.parse(`${date}T10:00:00.000Z`) + index * SLOT_MINUTES * MINUTE).toISOString();
}

/** A free slot on a fresh weekday, at a random time of day. */
function freshSlot(): { date: string; startsAt: string } {
  const date = freshWeekday();
  return { date, startsAt: slotStart(date, randomInt(0, SLOTS_PER_DAY)) };
}

function sameInstant(a: string, b: string): boolean {
  return Date.parse(a) === Date.parse(b);
}

async function freeSlots(date: string): Promise<SlotView[]> {
  const response = await request(await getApp()).get(`/api/bookings/slots?date=${date}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const slots = dataOf<SlotView[]>(response.body);
  assert.ok(Array.isArray(slots), "the slots are a list");
  return slots;
}

function listsSlot(slots: SlotView[], startsAt: string): boolean {
  return slots.some((slot) => sameInstant(slot.startsAt, startsAt));
}

async function book(agent: TestAgent, body: Record<string, unknown>) {
  return agent.post("/api/bookings").send(body);
}

async function bookOk(agent: TestAgent, body: Record<string, unknown>): Promise<BookingView> {
  const response = await book(agent, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<BookingView>(response.body);
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

describe("bookings: free slots", () => {
  it("lists every slot of a weekday from 10:00 to 16:00", async () => {
    const slots = await freeSlots(QUIET_WEDNESDAY);
    assert.equal(slots.length, SLOTS_PER_DAY);
    slots.forEach((slot, index) => {
      assert.ok(sameInstant(slot.startsAt, slotStart(QUIET_WEDNESDAY, index)), `slot ${index} starts at ${slot.startsAt}`);
      assert.equal(Date.parse(slot.endsAt) - Date.parse(slot.startsAt), SLOT_MINUTES * MINUTE);
    });
    assert.ok(sameInstant(slots[0].startsAt, `${QUIET_WEDNESDAY}T10:00:00Z`));
    assert.ok(sameInstant(slots[slots.length - 1].endsAt, `${QUIET_WEDNESDAY}T16:00:00Z`));
  });

  it("lists no slots on a Saturday or a Sunday", async () => {
    assert.deepEqual(await freeSlots(SATURDAY), []);
    assert.deepEqual(await freeSlots(SUNDAY), []);
  });

  it("lists no slots on a past day", async () => {
    assert.deepEqual(await freeSlots(PAST_WEDNESDAY), []);
  });

  it("never lists a slot that has already started today", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const slots = await freeSlots(today);
    const now = Date.now();
    const dayStart = Date.parse(`${today}T10:00:00Z`);
    for (const slot of slots) {
      const start = Date.parse(slot.startsAt);
      assert.ok(start > now - 5_000, `${slot.startsAt} is in the past`);
      assert.ok(start >= dayStart && start < dayStart + 6 * 60 * MINUTE, `${slot.startsAt} is outside studio hours`);
    }
  });

  it("answers 400 for a missing, malformed or impossible date", async () => {
    const app = await getApp();
    for (const query of ["", "?date=", "?date=tomorrow", "?date=2041-3-6", "?date=06-03-2041", "?date=2041-02-30", "?date=2041-13-01"]) {
      const response = await request(app).get(`/api/bookings/slots${query}`);
      assert.equal(response.status, 400, `GET /api/bookings/slots${query} answered ${response.status}`);
    }
  });
});

describe("bookings: booking a slot", () => {
  it("books a free slot for the signed-in user with status pending", async () => {
    const { agent, email } = await loginAs("client");
    const { startsAt } = freshSlot();
    const response = await book(agent, { startsAt });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const booking = dataOf<BookingView>(response.body);
    assert.equal(typeof booking.id, "number");
    assert.equal(booking.status, "pending");
    assert.ok(sameInstant(booking.startsAt, startsAt));
    assert.equal(booking.email, email);
    assert.equal(typeof booking.name, "string");
    assert.ok(booking.name.length > 0);
  });

  it("records the chosen service and the notes", async () => {
    const serviceResponse = await request(await getApp()).get("/api/services/design-consultation");
    assert.equal(serviceResponse.status, 200);
    const service = dataOf<{ id: number }>(serviceResponse.body);
    const { agent } = await loginAs("client");
    const booking = await bookOk(agent, {
      startsAt: freshSlot().startsAt,
      serviceId: service.id,
      notes: "We would like to talk about a new counter.",
    });
    assert.equal(booking.serviceId, service.id);
    assert.equal(booking.notes, "We would like to talk about a new counter.");
  });

  it("sends a confirmation to the client and a notice to the studio inbox", async () => {
    const { agent, email } = await loginAs("client");
    await bookOk(agent, { startsAt: freshSlot().startsAt });
    const recipients = getOutbox().map((message) => message.to);
    assert.ok(recipients.includes(email), `no email to the client; sent to: ${recipients.join(", ")}`);
    const studio = process.env.STUDIO_INBOX_EMAIL;
    assert.ok(studio, "STUDIO_INBOX_EMAIL is set in .env");
    assert.ok(recipients.includes(studio), `no email to the studio inbox; sent to: ${recipients.join(", ")}`);
  });

  it("takes the booked slot out of the day's free slots", async () => {
    const { date, startsAt } = freshSlot();
    const before = await freeSlots(date);
    assert.ok(listsSlot(before, startsAt), "the slot is free before it is booked");
    const { agent } = await loginAs("client");
    await bookOk(agent, { startsAt });
    const after = await freeSlots(date);
    assert.ok(!listsSlot(after, startsAt), "a booked slot is not listed");
    assert.equal(after.length, before.length - 1, "the other slots stay free");
  });

  it("answers 409 when the slot is already booked, and sends no email", async () => {
    const { startsAt } = freshSlot();
    const first = await loginAs("client");
    await bookOk(first.agent, { startsAt });
    clearOutbox();
    const second = await loginAs("client");
    const response = await book(second.agent, { startsAt });
    assert.equal(response.status, 409);
    assert.equal(getOutbox().length, 0);
  });

  it("answers 409 to the same user booking the same slot twice", async () => {
    const { startsAt } = freshSlot();
    const { agent } = await loginAs("client");
    await bookOk(agent, { startsAt });
    assert.equal((await book(agent, { startsAt })).status, 409);
  });

  it("answers 400 for a time outside studio hours", async () => {
    const { agent } = await loginAs("client");
    const date = freshWeekday();
    for (const time of ["09:00", "09:30", "16:00", "16:30", "21:00", "00:00"]) {
      const response = await book(agent, { startsAt: `${date}T${time}:00.000Z` });
      assert.equal(response.status, 400, `${time} answered ${response.status}`);
    }
  });

  it("answers 400 for a time that is not the start of a slot", async () => {
    const { agent } = await loginAs("client");
    const date = freshWeekday();
    for (const time of ["10:15:00", "10:00:30", "15:45:00"]) {
      const response = await book(agent, { startsAt: `${date}T${time}.000Z` });
      assert.equal(response.status, 400, `${time} answered ${response.status}`);
    }
  });

  it("answers 400 for a weekend", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await book(agent, { startsAt: slotStart(SATURDAY, 0) })).status, 400);
    assert.equal((await book(agent, { startsAt: slotStart(SUNDAY, 4) })).status, 400);
  });

  it("answers 400 for a slot in the past", async () => {
    const { agent } = await loginAs("client");
    assert.equal((await book(agent, { startsAt: slotStart(PAST_WEDNESDAY, 0) })).status, 400);
  });

  it("answers 400 for a missing or malformed startsAt", async () => {
    const { agent } = await loginAs("client");
    for (const body of [{}, { startsAt: "next tuesday" }, { startsAt: "" }, { startsAt: 1_900_000_000_000 }]) {
      const response = await book(agent, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
    }
  });

  it("answers 400 for an unknown service and keeps the slot free", async () => {
    const { date, startsAt } = freshSlot();
    const { agent } = await loginAs("client");
    const response = await book(agent, { startsAt, serviceId: UNKNOWN_ID });
    assert.equal(response.status, 400);
    assert.ok(listsSlot(await freeSlots(date), startsAt));
  });
});

describe("bookings: my bookings", () => {
  it("lists the signed-in user's bookings only", async () => {
    const mine = await loginAs("client");
    const theirs = await loginAs("client");
    const first = await bookOk(mine.agent, { startsAt: freshSlot().startsAt });
    const second = await bookOk(mine.agent, { startsAt: freshSlot().startsAt });
    const other = await bookOk(theirs.agent, { startsAt: freshSlot().startsAt });
    const response = await mine.agent.get("/api/bookings/mine");
    assert.equal(response.status, 200);
    const bookings = dataOf<BookingView[]>(response.body);
    assert.deepEqual(
      bookings.map((booking) => booking.id).sort((a, b) => a - b),
      [first.id, second.id].sort((a, b) => a - b),
    );
    assert.ok(!bookings.some((booking) => booking.id === other.id));
    assert.ok(bookings.every((booking) => booking.email === mine.email));
  });

  it("lists nothing for a user without bookings", async () => {
    const { agent } = await loginAs("client");
    const response = await agent.get("/api/bookings/mine");
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf<BookingView[]>(response.body), []);
  });
});

describe("bookings: admin status changes", () => {
  it("confirms a booking, which keeps its slot taken", async () => {
    const { date, startsAt } = freshSlot();
    const client = await loginAs("client");
    const booking = await bookOk(client.agent, { startsAt });
    const response = await admin.patch(`/api/admin/bookings/${booking.id}`).send({ status: "confirmed" });
    assert.equal(response.status, 200);
    assert.equal(dataOf<BookingView>(response.body).status, "confirmed");
    assert.ok(!listsSlot(await freeSlots(date), startsAt));
    const other = await loginAs("client");
    assert.equal((await book(other.agent, { startsAt })).status, 409);
    const mine = dataOf<BookingView[]>((await client.agent.get("/api/bookings/mine")).body);
    assert.equal(mine.find((entry) => entry.id === booking.id)?.status, "confirmed");
  });

  it("cancels a booking and frees its slot", async () => {
    const { date, startsAt } = freshSlot();
    const client = await loginAs("client");
    const booking = await bookOk(client.agent, { startsAt });
    const response = await admin.patch(`/api/admin/bookings/${booking.id}`).send({ status: "cancelled" });
    assert.equal(response.status, 200);
    assert.equal(dataOf<BookingView>(response.body).status, "cancelled");
    assert.ok(listsSlot(await freeSlots(date), startsAt), "a cancelled booking's slot is free again");
    const other = await loginAs("client");
    const rebooked = await book(other.agent, { startsAt });
    assert.equal(rebooked.status, 201);
  });

  it("answers 400 for an invalid status", async () => {
    const client = await loginAs("client");
    const booking = await bookOk(client.agent, { startsAt: freshSlot().startsAt });
    for (const body of [{}, { status: "pending" }, { status: "done" }, { status: 1 }]) {
      const response = await admin.patch(`/api/admin/bookings/${booking.id}`).send(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
    }
  });

  it("answers 400 for a non-numeric id", async () => {
    const response = await admin.patch("/api/admin/bookings/abc").send({ status: "confirmed" });
    assert.equal(response.status, 400);
  });

  it("answers 404 for an unknown booking", async () => {
    const response = await admin.patch(`/api/admin/bookings/${UNKNOWN_ID}`).send({ status: "confirmed" });
    assert.equal(response.status, 404);
  });
});

describe("bookings: access", () => {
  it("serves free slots without a session", async () => {
    const response = await request(await getApp()).get(`/api/bookings/slots?date=${QUIET_WEDNESDAY}`);
    assert.equal(response.status, 200);
  });

  it("answers 401 to booking without a session", async () => {
    const response = await request(await getApp()).post("/api/bookings").send({ startsAt: freshSlot().startsAt });
    assert.equal(response.status, 401);
  });

  it("answers 401 to my bookings without a session", async () => {
    const response = await request(await getApp()).get("/api/bookings/mine");
    assert.equal(response.status, 401);
  });

  it("answers 401 to a status change without a session", async () => {
    const client = await loginAs("client");
    const booking = await bookOk(client.agent, { startsAt: freshSlot().startsAt });
    const response = await request(await getApp()).patch(`/api/admin/bookings/${booking.id}`).send({ status: "cancelled" });
    assert.equal(response.status, 401);
  });

  it("answers 403 to a client changing a booking's status, and changes nothing", async () => {
    const client = await loginAs("client");
    const booking = await bookOk(client.agent, { startsAt: freshSlot().startsAt });
    const response = await client.agent.patch(`/api/admin/bookings/${booking.id}`).send({ status: "cancelled" });
    assert.equal(response.status, 403);
    const mine = dataOf<BookingView[]>((await client.agent.get("/api/bookings/mine")).body);
    assert.equal(mine.find((entry) => entry.id === booking.id)?.status, "pending");
  });
});
