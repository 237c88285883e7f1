import type { Express } from "express";
import passport from "passport";
import { z } from "zod";
import { hashPassword } from "./password";
import { isAuthenticated, toSessionUser } from "./replitAuth";
import { authStorage, toSafeUser } from "./storage";

const registerSchema = z.object({
  email: z.string().email().max(254),
  password: z.string().min(10, "Password must be at least 10 characters").max(200),
  firstName: z.string().min(1).max(80),
  lastName: z.string().min(1).max(80),
  company: z.string().max(120).optional(),
});

const loginSchema = z.object({
  email: z.string().email(),
  password: z.string().min(1),
});

export function registerAuthRoutes(app: Express): void {
  // Create a client account and sign it in.
  app.post("/api/register", async (req, res, next) => {
    const parsed = registerSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid registration", details: parsed.error.errors });
    }
    try {
      const { password, ...profile } = parsed.data;
      if (await authStorage.getUserByEmail(profile.email)) {
        return res.status(409).json({ error: "An account with this email already exists" });
      }
      const user = await authStorage.createUser({
        ...profile,
        role: "client",
        passwordHash: await hashPassword(password),
      });
      req.login(toSessionUser(user), (error) => {
        if (error) {
          return next(error);
        }
        return res.status(201).json({ success: true, data: toSafeUser(user) });
      });
    } catch (error) {
      return next(error);
    }
  });

  app.post("/api/login", (req, res, next) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Email and password are required", details: parsed.error.errors });
    }
    passport.authenticate("local", (error: unknown, user: Express.User | false) => {
      if (error) {
        return next(error);
      }
      if (!user) {
        return res.status(401).json({ error: "Invalid email or password" });
      }
      req.login(user, (loginError) => {
        if (loginError) {
          return next(loginError);
        }
        return res.json({ success: true, data: user });
      });
    })(req, res, next);
  });

  app.post("/api/logout", (req, res, next) => {
    req.logout((error) => {
      if (error) {
        return next(error);
      }
      req.session.destroy(() => {
        res.clearCookie("alloy.sid");
        res.json({ success: true, data: null });
      });
    });
  });

  // Kept for the template's logout link in the client header.
  app.get("/api/logout", (req, res, next) => {
    req.logout((error) => {
      if (error) {
        return next(error);
      }
      req.session.destroy(() => {
        res.clearCookie("alloy.sid");
        res.redirect("/");
      });
    });
  });

  // Returns the signed-in user (the template returns the bare user object).
  app.get("/api/auth/user", isAuthenticated, async (req, res, next) => {
    try {
      const user = await authStorage.getUser(req.user!.id);
      if (!user) {
        return res.status(401).json({ error: "Unauthorized" });
      }
      return res.json(toSafeUser(user));
    } catch (error) {
      return next(error);
    }
  });
}
