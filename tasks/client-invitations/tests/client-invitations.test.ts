// Hidden tests for the client-invitations task: admins invite clients by e-mail, the invitee accepts with a
// password. Everything is checked over HTTP; the token is read from the invitation e-mail in the dev outbox,
// and accounts are checked by signing in. Two things have no API and go through the database: making an
// invitation expire (the request names the `client_invitations` table and its `email` / `expires_at`
// columns), and looking for the plain token in every table. Every test uses addresses of its own.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import { pool } from "../../server/db";
import { clearOutbox, getOutbox, type OutgoingEmail } from "../../server/services/email-service";
import { closeApp, createTestUser, dataOf, getApp, loginAs, uniqueEmail, type TestAgent } from "../helpers";

after(closeApp);
beforeEach(clearOutbox);

/** The fields of an invitation the API must return (declared here: the tests import no new types). */
interface InvitationView {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  company: string | null;
  status: string;
  expiresAt: string;
  createdAt: string;
}

interface UserView {
  id: string;
  email: string;
  role: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
}

const DAY = 24 * 60 * 60 * 1000;
const BASE_URL = process.env.PUBLIC_BASE_URL ?? "";
const STUDIO_INBOX = process.env.STUDIO_INBOX_EMAIL ?? "";
const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  assert.ok(BASE_URL, "PUBLIC_BASE_URL is set (.env)");
  admin = (await loginAs("admin")).agent;
});

function invitationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email: uniqueEmail("invitee"),
    firstName: "Nadia",
    lastName: "Okafor",
    company: "Okafor Bakery",
    ...overrides,
  };
}

async function invite(body: Record<string, unknown>) {
  return admin.post("/api/admin/invitations").send(body);
}

function mailsTo(email: string): OutgoingEmail[] {
  return getOutbox().filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()));
}

/** The accept link of an invitation e-mail: `<PUBLIC_BASE_URL>/accept-invitation?token=...`. */
function acceptLink(mail: OutgoingEmail): URL {
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  const link = links.map((text) => text.replace(/[).,>]+$/, "")).find((text) => text.startsWith(`${BASE_URL}/`));
  assert.ok(link, `the e-mail holds a link starting with ${BASE_URL}/: ${mail.text}`);
  const url = new URL(link);
  assert.equal(url.pathname, "/accept-invitation");
  return url;
}

function tokenOf(mail: OutgoingEmail): string {
  const token = acceptLink(mail).searchParams.get("token");
  assert.ok(token, "the link carries a token");
  return token;
}

/** Invites a fresh address; answers the invitation as returned and the token from the e-mail. */
async function inviteOk(overrides: Record<string, unknown> = {}) {
  const body = invitationBody(overrides);
  const response = await invite(body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const invitation = dataOf<InvitationView>(response.body);
  const mails = mailsTo(String(body.email));
  assert.ok(mails.length > 0, "an invitation e-mail was sent");
  return { body, invitation, token: tokenOf(mails[mails.length - 1]), response };
}

async function accept(token: unknown, password: unknown) {
  return request(await getApp()).post("/api/invitations/accept").send({ token, password });
}

async function signIn(email: string, password: string): Promise<number> {
  const response = await request(await getApp()).post("/api/login").send({ email, password });
  return response.status;
}

async function listInvitations(query = ""): Promise<InvitationView[]> {
  const response = await admin.get(`/api/admin/invitations${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const list = dataOf<InvitationView[]>(response.body);
  assert.ok(Array.isArray(list), "the invitations are a list");
  return list;
}

async function statusOf(id: number): Promise<string | undefined> {
  return (await listInvitations()).find((invitation) => invitation.id === id)?.status;
}

/** Moves an address's invitations past their expiry (no API can do that). */
async function expireInvitationsOf(email: string): Promise<void> {
  const result = await pool.query("UPDATE client_invitations SET expires_at = '2000-01-01' WHERE email = $1", [
    email.toLowerCase(),
  ]);
  assert.ok((result.rowCount ?? 0) > 0, "the invitation row exists");
}

function tokenForms(token: string): string[] {
  const digest = createHash("sha256").update(token).digest();
  return [token, digest.toString("hex"), digest.toString("base64"), digest.toString("base64url")];
}

function assertNoToken(body: unknown, token: string): void {
  const text = JSON.stringify(body);
  for (const form of tokenForms(token)) {
    assert.ok(!text.includes(form), "the response holds neither the token nor its hash");
  }
}

const PASSWORD = "a-long-enough-password";

describe("client invitations: inviting", () => {
  it("creates a pending invitation valid for 7 days", async () => {
    const before = Date.now();
    const { body, invitation, response } = await inviteOk();
    assert.equal(response.body.success, true);
    assert.equal(typeof invitation.id, "number");
    assert.equal(invitation.email, body.email);
    assert.equal(invitation.firstName, "Nadia");
    assert.equal(invitation.lastName, "Okafor");
    assert.equal(invitation.company, "Okafor Bakery");
    assert.equal(invitation.status, "pending");
    assert.ok(!Number.isNaN(Date.parse(invitation.createdAt)), "createdAt is a timestamp");
    const expiresAt = Date.parse(invitation.expiresAt);
    assert.ok(Math.abs(expiresAt - (before + 7 * DAY)) < 10 * 60 * 1000, `expires 7 days from now: ${invitation.expiresAt}`);
  });

  it("stores the email lower-case", async () => {
    const email = uniqueEmail("Mixed.Case").replace("alloy-tests", "Alloy-Tests");
    const { invitation } = await inviteOk({ email });
    assert.equal(invitation.email, email.toLowerCase());
    const listed = (await listInvitations()).find((entry) => entry.id === invitation.id);
    assert.equal(listed?.email, email.toLowerCase());
  });

  it("e-mails the invitee a link to /accept-invitation built from PUBLIC_BASE_URL", async () => {
    const { body } = await inviteOk();
    const mails = mailsTo(String(body.email));
    assert.equal(mails.length, 1);
    assert.equal(getOutbox().length, 1, "one e-mail in all");
    const token = tokenOf(mails[0]);
    assert.ok(token.length >= 32, `the token is long enough to be unguessable: ${token}`);
  });

  it("tells the invitee to write to the studio inbox if they weren't expecting it", async () => {
    assert.ok(STUDIO_INBOX, "STUDIO_INBOX_EMAIL is set (.env)");
    const { body } = await inviteOk();
    const [mail] = mailsTo(String(body.email));
    assert.ok(mail.text.includes(STUDIO_INBOX), `the text names the studio inbox: ${mail.text}`);
  });

  it("sends a different token for every invitation", async () => {
    const first = await inviteOk();
    const second = await inviteOk();
    assert.notEqual(first.token, second.token);
  });

  it("never returns the token or its hash", async () => {
    const { token, response } = await inviteOk();
    assertNoToken(response.body, token);
    const list = await admin.get("/api/admin/invitations");
    assertNoToken(list.body, token);
  });

  it("stores no invitation token in plain text anywhere in the database", async () => {
    const { token } = await inviteOk();
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

  it("answers 400 for an invalid body, and stores and sends nothing", async () => {
    const before = (await listInvitations()).length;
    const invalid = [
      {},
      { firstName: "Nadia", lastName: "Okafor" },
      invitationBody({ email: "not-an-email" }),
      invitationBody({ email: `${"a".repeat(250)}@x.io` }),
      invitationBody({ firstName: "" }),
      invitationBody({ lastName: undefined }),
      invitationBody({ firstName: "N".repeat(81) }),
      invitationBody({ company: "C".repeat(121) }),
      invitationBody({ email: 42 }),
    ];
    for (const body of invalid) {
      const response = await invite(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(getOutbox().length, 0, "no e-mail was sent");
    assert.equal((await listInvitations()).length, before, "nothing was stored");
  });

  it("answers 409 when an account with the email exists (in any case), and sends nothing", async () => {
    const { email } = await createTestUser("client");
    for (const address of [email, email.toUpperCase()]) {
      const response = await invite(invitationBody({ email: address }));
      assert.equal(response.status, 409, JSON.stringify(response.body));
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(getOutbox().length, 0);
    const listed = (await listInvitations()).filter((invitation) => invitation.email === email.toLowerCase());
    assert.equal(listed.length, 0, "nothing was stored");
  });

  it("replaces a pending invitation for the same address: only the newest link works", async () => {
    const first = await inviteOk();
    const again = await inviteOk({ email: String(first.body.email).toUpperCase(), firstName: "Nadia B." });
    assert.notEqual(again.invitation.id, first.invitation.id);
    assert.equal(again.invitation.status, "pending");
    assert.equal(await statusOf(first.invitation.id), "revoked");
    const old = await accept(first.token, PASSWORD);
    assert.equal(old.status, 410, JSON.stringify(old.body));
    const fresh = await accept(again.token, PASSWORD);
    assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
    assert.equal(dataOf<UserView>(fresh.body).firstName, "Nadia B.");
  });
});

describe("client invitations: listing", () => {
  it("lists invitations newest first", async () => {
    const older = await inviteOk();
    const newer = await inviteOk();
    const ids = (await listInvitations()).map((invitation) => invitation.id);
    assert.ok(ids.includes(older.invitation.id) && ids.includes(newer.invitation.id));
    assert.ok(ids.indexOf(newer.invitation.id) < ids.indexOf(older.invitation.id), "the newer one comes first");
  });

  it("shows each invitation's status: pending, accepted, revoked or expired", async () => {
    const pending = await inviteOk();
    const accepted = await inviteOk();
    const revoked = await inviteOk();
    const expired = await inviteOk();
    assert.equal((await accept(accepted.token, PASSWORD)).status, 201);
    assert.equal((await admin.post(`/api/admin/invitations/${revoked.invitation.id}/revoke`)).status, 200);
    await expireInvitationsOf(String(expired.body.email));
    const list = await listInvitations();
    const statusById = new Map(list.map((invitation) => [invitation.id, invitation.status]));
    assert.equal(statusById.get(pending.invitation.id), "pending");
    assert.equal(statusById.get(accepted.invitation.id), "accepted");
    assert.equal(statusById.get(revoked.invitation.id), "revoked");
    assert.equal(statusById.get(expired.invitation.id), "expired");
  });

  it("keeps only the requested status with the status filter", async () => {
    const pending = await inviteOk();
    const accepted = await inviteOk();
    const revoked = await inviteOk();
    const expired = await inviteOk();
    assert.equal((await accept(accepted.token, PASSWORD)).status, 201);
    assert.equal((await admin.post(`/api/admin/invitations/${revoked.invitation.id}/revoke`)).status, 200);
    await expireInvitationsOf(String(expired.body.email));
    const expected: Record<string, number> = {
      pending: pending.invitation.id,
      accepted: accepted.invitation.id,
      revoked: revoked.invitation.id,
      expired: expired.invitation.id,
    };
    for (const [status, id] of Object.entries(expected)) {
      const list = await listInvitations(`?status=${status}`);
      assert.ok(list.length > 0);
      assert.ok(list.every((invitation) => invitation.status === status), `?status=${status} holds only ${status}`);
      assert.ok(list.some((invitation) => invitation.id === id), `?status=${status} holds invitation ${id}`);
      for (const [other, otherId] of Object.entries(expected)) {
        if (other !== status) {
          assert.ok(!list.some((invitation) => invitation.id === otherId), `?status=${status} leaves out ${other}`);
        }
      }
    }
  });

  it("answers 400 for an unknown status filter", async () => {
    for (const query of ["?status=open", "?status=", "?status=PENDING"]) {
      const response = await admin.get(`/api/admin/invitations${query}`);
      assert.equal(response.status, 400, `${query} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });
});

describe("client invitations: revoking", () => {
  it("revokes a pending invitation, whose link then answers 410", async () => {
    const { invitation, token } = await inviteOk();
    const response = await admin.post(`/api/admin/invitations/${invitation.id}/revoke`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.success, true);
    const revoked = dataOf<InvitationView>(response.body);
    assert.equal(revoked.id, invitation.id);
    assert.equal(revoked.status, "revoked");
    assertNoToken(response.body, token);
    const attempt = await accept(token, PASSWORD);
    assert.equal(attempt.status, 410, JSON.stringify(attempt.body));
    assert.equal(typeof attempt.body.error, "string");
  });

  it("answers 200 again for an invitation that is already revoked", async () => {
    const { invitation } = await inviteOk();
    assert.equal((await admin.post(`/api/admin/invitations/${invitation.id}/revoke`)).status, 200);
    const again = await admin.post(`/api/admin/invitations/${invitation.id}/revoke`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(dataOf<InvitationView>(again.body).status, "revoked");
  });

  it("revokes an expired invitation", async () => {
    const { body, invitation } = await inviteOk();
    await expireInvitationsOf(String(body.email));
    const response = await admin.post(`/api/admin/invitations/${invitation.id}/revoke`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(dataOf<InvitationView>(response.body).status, "revoked");
  });

  it("answers 409 for an accepted invitation, which stays accepted", async () => {
    const { invitation, token } = await inviteOk();
    assert.equal((await accept(token, PASSWORD)).status, 201);
    const response = await admin.post(`/api/admin/invitations/${invitation.id}/revoke`);
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.equal(await statusOf(invitation.id), "accepted");
  });

  it("answers 400 for a non-numeric id and 404 for an unknown one", async () => {
    const bad = await admin.post("/api/admin/invitations/abc/revoke");
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.error, "string");
    const unknown = await admin.post(`/api/admin/invitations/${UNKNOWN_ID}/revoke`);
    assert.equal(unknown.status, 404);
    assert.equal(typeof unknown.body.error, "string");
  });
});

describe("client invitations: accepting", () => {
  it("creates a client account from the invitation that signs in with the chosen password", async () => {
    const { body, token } = await inviteOk({ email: uniqueEmail("Accept.Me") });
    const email = String(body.email).toLowerCase();
    const response = await accept(token, PASSWORD);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.success, true);
    const user = dataOf<UserView>(response.body);
    assert.equal(user.email, email);
    assert.equal(user.role, "client");
    assert.equal(user.firstName, "Nadia");
    assert.equal(user.lastName, "Okafor");
    assert.equal(user.company, "Okafor Bakery");
    assert.ok(!("passwordHash" in user), "no password hash in the answer");
    assert.ok(!JSON.stringify(response.body).includes("scrypt$"), "no password hash in the answer");
    const agent = request.agent(await getApp());
    const login = await agent.post("/api/login").send({ email, password: PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const profile = await agent.get("/api/profile");
    assert.equal(profile.status, 200);
    assert.equal(dataOf<UserView>(profile.body).company, "Okafor Bakery");
    assert.equal(dataOf<UserView>(profile.body).role, "client");
  });

  it("does not sign the invitee in", async () => {
    const { token } = await inviteOk();
    const agent = request.agent(await getApp());
    const response = await agent.post("/api/invitations/accept").send({ token, password: PASSWORD });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal((await agent.get("/api/auth/user")).status, 401);
  });

  it("marks the invitation accepted", async () => {
    const { invitation, token } = await inviteOk();
    assert.equal((await accept(token, PASSWORD)).status, 201);
    assert.equal(await statusOf(invitation.id), "accepted");
  });

  it("works only once: a second use answers 409 and changes nothing", async () => {
    const { body, token } = await inviteOk();
    assert.equal((await accept(token, PASSWORD)).status, 201);
    const again = await accept(token, "another-long-password");
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(typeof again.body.error, "string");
    assert.equal(await signIn(String(body.email), PASSWORD), 200, "the first password still works");
    assert.equal(await signIn(String(body.email), "another-long-password"), 401);
  });

  it("creates exactly one account when the same token is submitted twice at once", async () => {
    const { body, token } = await inviteOk();
    const [first, second] = await Promise.all([accept(token, "first-click-password"), accept(token, "second-click-password")]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [201, 409], `${JSON.stringify(first.body)} / ${JSON.stringify(second.body)}`);
    const winner = first.status === 201 ? "first-click-password" : "second-click-password";
    const loser = first.status === 201 ? "second-click-password" : "first-click-password";
    assert.equal(await signIn(String(body.email), winner), 200);
    assert.equal(await signIn(String(body.email), loser), 401);
  });

  it("answers 410 for an expired invitation and creates no account", async () => {
    const { body, token } = await inviteOk();
    await expireInvitationsOf(String(body.email));
    const response = await accept(token, PASSWORD);
    assert.equal(response.status, 410, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.equal(await signIn(String(body.email), PASSWORD), 401);
    assert.equal((await invite(invitationBody({ email: body.email }))).status, 201, "the address has no account");
  });

  it("answers 410 for a revoked invitation and creates no account", async () => {
    const { body, invitation, token } = await inviteOk();
    assert.equal((await admin.post(`/api/admin/invitations/${invitation.id}/revoke`)).status, 200);
    const response = await accept(token, PASSWORD);
    assert.equal(response.status, 410, JSON.stringify(response.body));
    assert.equal(await signIn(String(body.email), PASSWORD), 401);
  });

  it("answers 409 when an account with the email was registered in the meantime", async () => {
    const { body, token } = await inviteOk();
    const registered = await request(await getApp())
      .post("/api/register")
      .send({ email: body.email, password: "registered-myself-meanwhile", firstName: "Nadia", lastName: "Okafor" });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const response = await accept(token, PASSWORD);
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
    assert.equal(await signIn(String(body.email), PASSWORD), 401, "the invitation did not change the password");
    assert.equal(await signIn(String(body.email), "registered-myself-meanwhile"), 200);
  });

  it("answers 400 for a missing token or a password outside 10-200 characters, and the invitation stays usable", async () => {
    const { body, invitation, token } = await inviteOk();
    const invalid: Record<string, unknown>[] = [
      {},
      { password: PASSWORD },
      { token },
      { token, password: "short-pw1" },
      { token, password: "p".repeat(201) },
      { token: 12345, password: PASSWORD },
      { token, password: 1234567890123 },
    ];
    for (const payload of invalid) {
      const response = await request(await getApp()).post("/api/invitations/accept").send(payload);
      assert.equal(response.status, 400, `${JSON.stringify(payload).slice(0, 80)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal(await statusOf(invitation.id), "pending");
    assert.equal(await signIn(String(body.email), "short-pw1"), 401);
    const ok = await accept(token, "p".repeat(200));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it("answers 404 for a token that matches no invitation", async () => {
    const response = await accept(randomBytes(32).toString("base64url"), PASSWORD);
    assert.equal(response.status, 404, JSON.stringify(response.body));
    assert.equal(typeof response.body.error, "string");
  });

  it("answers 404 for a token one character off a real one", async () => {
    const { token, invitation } = await inviteOk();
    const last = token.slice(-1);
    const off = token.slice(0, -1) + (last === "A" ? "B" : "A");
    const response = await accept(off, PASSWORD);
    assert.equal(response.status, 404, JSON.stringify(response.body));
    assert.equal(await statusOf(invitation.id), "pending");
  });
});

describe("client invitations: access", () => {
  it("answers 401 to the admin endpoints without a session", async () => {
    const app = await getApp();
    const calls: [string, Promise<request.Response>][] = [
      ["POST /api/admin/invitations", request(app).post("/api/admin/invitations").send(invitationBody())],
      ["GET /api/admin/invitations", request(app).get("/api/admin/invitations")],
      ["POST /api/admin/invitations/1/revoke", request(app).post("/api/admin/invitations/1/revoke")],
    ];
    for (const [name, call] of calls) {
      const response = await call;
      assert.equal(response.status, 401, `${name} answered ${response.status}`);
      assert.deepEqual(response.body, { error: "Unauthorized" });
    }
    assert.equal(getOutbox().length, 0);
  });

  it("answers 403 to a signed-in client, and invites or revokes nothing", async () => {
    const { invitation } = await inviteOk();
    clearOutbox();
    const { agent } = await loginAs("client");
    const body = invitationBody();
    const created = await agent.post("/api/admin/invitations").send(body);
    assert.equal(created.status, 403);
    const listed = await agent.get("/api/admin/invitations");
    assert.equal(listed.status, 403);
    const revoked = await agent.post(`/api/admin/invitations/${invitation.id}/revoke`);
    assert.equal(revoked.status, 403);
    assert.equal(getOutbox().length, 0, "no e-mail was sent");
    assert.equal(await statusOf(invitation.id), "pending");
    assert.ok(!(await listInvitations()).some((entry) => entry.email === String(body.email).toLowerCase()));
  });

  it("accepts without a session", async () => {
    const { token } = await inviteOk();
    const response = await request(await getApp()).post("/api/invitations/accept").send({ token, password: PASSWORD });
    assert.equal(response.status, 201, JSON.stringify(response.body));
  });
});

describe("client invitations: unchanged", () => {
  it("still lets visitors register and sign in", async () => {
    const email = uniqueEmail("self-signup");
    const registered = await request(await getApp())
      .post("/api/register")
      .send({ email, password: "self-signup-password", firstName: "Sam", lastName: "Reyes" });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.equal(await signIn(email, "self-signup-password"), 200);
  });
});
