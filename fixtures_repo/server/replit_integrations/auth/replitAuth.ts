import connectPg from "connect-pg-simple";
import type { Express, RequestHandler } from "express";
import session from "express-session";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { User, UserRole } from "@shared/schema";
import { pool } from "../../db";
import { verifyPassword } from "./password";
import { authStorage } from "./storage";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User {
      id: string;
      email: string;
      role: UserRole;
      firstName: string | null;
      lastName: string | null;
    }
  }
}

const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000; // one week

/** The fields of a user that live on `req.user`. */
export function toSessionUser(user: User): Express.User {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    firstName: user.firstName,
    lastName: user.lastName,
  };
}

export function getSession(): RequestHandler {
  const secret = process.env.SESSION_SECRET;
  if (!secret) {
    throw new Error("SESSION_SECRET must be set (see .env)");
  }
  const PgStore = connectPg(session);
  const store = new PgStore({
    pool,
    tableName: "sessions",
    createTableIfMissing: false,
    ttl: SESSION_TTL_MS / 1000,
    pruneSessionInterval: process.env.NODE_ENV === "test" ? false : 15 * 60,
  });
  return session({
    name: "alloy.sid",
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: "lax",
      secure: process.env.NODE_ENV === "production",
      maxAge: SESSION_TTL_MS,
    },
  });
}

passport.use(
  new LocalStrategy({ usernameField: "email", passwordField: "password" }, (email, password, done) => {
    authStorage
      .getUserByEmail(email)
      .then(async (user) => {
        if (!user || !(await verifyPassword(password, user.passwordHash))) {
          return done(null, false, { message: "Invalid email or password" });
        }
        return done(null, toSessionUser(user));
      })
      .catch((error: unknown) => done(error));
  }),
);

passport.serializeUser((user, done) => done(null, user.id));

passport.deserializeUser((id: string, done) => {
  authStorage
    .getUser(id)
    .then((user) => {
      if (!user) {
        return done(null, false);
      }
      return done(null, toSessionUser(user));
    })
    .catch((error: unknown) => done(error));
});

/** Mounts sessions and Passport on the app. Call before any route that reads `req.user`. */
export async function setupAuth(app: Express): Promise<void> {
  app.set("trust proxy", 1);
  app.use(getSession());
  app.use(passport.initialize());
  app.use(passport.session());
}

/** Lets the request through when it carries a signed-in session, else answers 401. */
export const isAuthenticated: RequestHandler = (req, res, next) => {
  if (req.isAuthenticated() && req.user) {
    return next();
  }
  return res.status(401).json({ error: "Unauthorized" });
};
