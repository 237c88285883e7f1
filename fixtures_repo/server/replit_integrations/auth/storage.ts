import { eq } from "drizzle-orm";
import { users, type SafeUser, type UpsertUser, type User } from "@shared/schema";
import { db } from "../../db";

export interface IAuthStorage {
  getUser(id: string): Promise<User | undefined>;
  getUserByEmail(email: string): Promise<User | undefined>;
  createUser(user: UpsertUser): Promise<User>;
  upsertUser(user: UpsertUser): Promise<User>;
}

class AuthStorage implements IAuthStorage {
  async getUser(id: string): Promise<User | undefined> {
    const [user] = await db.select().from(users).where(eq(users.id, id));
    return user;
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
    return user;
  }

  async createUser(user: UpsertUser): Promise<User> {
    const [created] = await db
      .insert(users)
      .values({ ...user, email: user.email.toLowerCase() })
      .returning();
    return created;
  }

  async upsertUser(user: UpsertUser): Promise<User> {
    const [saved] = await db
      .insert(users)
      .values({ ...user, email: user.email.toLowerCase() })
      .onConflictDoUpdate({
        target: users.email,
        set: { ...user, email: user.email.toLowerCase(), updatedAt: new Date() },
      })
      .returning();
    return saved;
  }
}

export const authStorage = new AuthStorage();

/** The user as it may leave the server: never with its password hash. */
export function toSafeUser(user: User): SafeUser {
  const { passwordHash: _passwordHash, ...safe } = user;
  return safe;
}
