// Shared helpers for the API test suite (node:test + supertest).
//
// Tests run in-process against the database named by DATABASE_URL, which must have the
// schema pushed (`npm run db:push`) and the seed loaded (`npm run db:seed`). Tests never
// rely on a clean database: they create their own rows with unique values and only read
// seed rows.
import { randomUUID } from "node:crypto";
import type { Express } from "express";
import request from "supertest";
import type { User, UserRole } from "@shared/schema";
import { pool } from "../server/db";
import { createApp } from "../server/index";
import { authStorage, hashPassword } from "../server/replit_integrations/auth";

export type TestAgent = ReturnType<typeof request.agent>;

export interface TestUser {
  user: User;
  email: string;
  password: string;
}

let appPromise: Promise<Express> | undefined;

/** The app under test, built once per test file (API only, no client). */
export function getApp(): Promise<Express> {
  appPromise ??= createApp({ serveClient: false }).then(({ app }) => app);
  return appPromise;
}

/** An email address no other test uses. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}.${randomUUID().slice(0, 8)}@alloy-tests.example`;
}

/** A unique kebab-case slug. */
export function uniqueSlug(prefix = "item"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a user with a known password directly in the database. */
export async function createTestUser(role: UserRole = "client"): Promise<TestUser> {
  const email = uniqueEmail(role);
  const password = `pw-${randomUUID()}`;
  const user = await authStorage.createUser({
    email,
    role,
    firstName: role === "admin" ? "Test" : "Client",
    lastName: "User",
    passwordHash: await hashPassword(password),
  });
  return { user, email, password };
}

/** A supertest agent that holds the session cookie of a freshly created, signed-in user. */
export async function loginAs(role: UserRole = "client"): Promise<{ agent: TestAgent } & TestUser> {
  const testUser = await createTestUser(role);
  const agent = request.agent(await getApp());
  const response = await agent.post("/api/login").send({ email: testUser.email, password: testUser.password });
  if (response.status !== 200) {
    throw new Error(`login as ${role} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { agent, ...testUser };
}

/** Closes the database pool so the test process can exit. Call from `after()`. */
export async function closeApp(): Promise<void> {
  await pool.end();
}

/**
 * The payload of a JSON response. Most endpoints wrap it as `{ success: true, data }`; a few older
 * ones still answer bare (BUG-011). Tests read through this so they hold either way.
 */
export function dataOf<T = unknown>(body: unknown): T {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && "success" in body && "data" in body) {
    return (body as { data: T }).data;
  }
  return body as T;
}
