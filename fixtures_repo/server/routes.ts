import { createServer, type Server } from "node:http";
import type { Express } from "express";
import { z } from "zod";
import {
  insertClientProjectSchema,
  insertContactMessageSchema,
  insertNewsletterSubscriberSchema,
  insertProjectUpdateSchema,
  insertTestimonialSchema,
  userRoles,
} from "@shared/schema";
import { registerAdminRoutes } from "./admin-routes";
import { isAuthenticated, registerAuthRoutes, setupAuth } from "./replit_integrations/auth";
import { toSafeUser } from "./replit_integrations/auth/storage";
import { notifyStudioOfContact, sendNewsletterWelcome } from "./services/email-service";
import { storage } from "./storage";

const startedAt = Date.now();

const portfolioQuerySchema = z.object({
  featured: z.enum(["true", "false"]).optional(),
  service: z.string().min(1).max(80).optional(),
});

const unsubscribeSchema = z.object({
  token: z.string().min(16).max(64),
});

const profileUpdateSchema = z
  .object({
    firstName: z.string().min(1).max(80).nullable(),
    lastName: z.string().min(1).max(80).nullable(),
    company: z.string().max(120).nullable(),
    phone: z.string().max(40).nullable(),
    profileImageUrl: z.string().url().nullable(),
    role: z.enum(userRoles),
  })
  .partial();

const clientProjectUpdateSchema = insertClientProjectSchema
  .pick({ title: true, description: true, budgetCents: true, dueDate: true })
  .partial();

export async function registerRoutes(app: Express): Promise<Server> {
  // Sessions + Passport must be mounted before any route that reads req.user.
  await setupAuth(app);
  registerAuthRoutes(app);

  // ---- Health (public) ------------------------------------------------------

  app.get("/api/health", async (_req, res) => {
    try {
      await storage.checkDatabase();
      res.json({
        success: true,
        data: { status: "ok", database: "up", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) },
      });
    } catch {
      res.status(503).json({ error: "Database unavailable" });
    }
  });

  // ---- Services (public) ----------------------------------------------------

  app.get("/api/services", async (_req, res, next) => {
    try {
      const services = await storage.getServices({ includeInactive: false });
      res.json({ success: true, data: services });
    } catch (error) {
      next(error);
    }
  });

  app.get("/api/services/:slug", async (req, res, next) => {
    try {
      const service = await storage.getServiceBySlug(req.params.slug);
      if (!service || !service.isActive) {
        return res.status(404).json({ error: "Service not found" });
      }
      res.json({ success: true, data: service });
    } catch (error) {
      next(error);
    }
  });

  // ---- Portfolio (public) ---------------------------------------------------

  app.get("/api/portfolio", async (req, res, next) => {
    const parsed = portfolioQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid query", details: parsed.error.errors });
    }
    try {
      const projects = await storage.getPortfolioProjects({
        featured: parsed.data.featured === "true",
        serviceSlug: parsed.data.service,
      });
      res.json({ success: true, data: projects });
    } catch (error) {
      next(error);
    }
  });

  app.get("/api/portfolio/services", async (_req, res, next) => {
    try {
      res.json({ success: true, data: await storage.getServicesWithPortfolio() });
    } catch (error) {
      next(error);
    }
  });

  app.get("/api/portfolio/:slug", async (req, res, next) => {
    try {
      const project = await storage.getPortfolioProjectBySlug(req.params.slug);
      if (!project) {
        return res.status(404).json({ error: "Project not found" });
      }
      const testimonials = await storage.getTestimonialsForProject(project.id);
      res.json({ success: true, data: { ...project, testimonials } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Testimonials -----------------------------------------------------------

  // Public list for the home page carousel.
  // TODO(BUG-011): wrap in { success, data } once the carousel reads `data`.
  app.get("/api/testimonials", async (_req, res, next) => {
    try {
      const testimonials = await storage.getApprovedTestimonials();
      res.json(testimonials);
    } catch (error) {
      next(error);
    }
  });

  // Signed-in clients can leave a testimonial; it shows once an admin approves it.
  app.post("/api/testimonials", isAuthenticated, async (req, res, next) => {
    const parsed = insertTestimonialSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid testimonial", details: parsed.error.errors });
    }
    try {
      const testimonial = await storage.createTestimonial(parsed.data, req.user!.id);
      res.status(201).json({ success: true, data: testimonial });
    } catch (error) {
      next(error);
    }
  });

  // ---- Contact form (public) --------------------------------------------------

  app.post("/api/contact", async (req, res, next) => {
    const parsed = insertContactMessageSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ message: "Please check the form and try again", errors: parsed.error.errors });
    }
    try {
      const message = await storage.createContactMessage(parsed.data);
      await notifyStudioOfContact(message);
      res.status(201).json({ success: true, data: { id: message.id, receivedAt: message.createdAt } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Newsletter (public) ----------------------------------------------------

  app.post("/api/newsletter/subscribe", async (req, res, next) => {
    const parsed = insertNewsletterSubscriberSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ message: "A valid email address is required" });
    }
    try {
      const existing = await storage.getSubscriberByEmail(parsed.data.email);
      if (existing) {
        return res.status(409).json({ message: "This email is already subscribed" });
      }
      const subscriber = await storage.createSubscriber(parsed.data);
      await sendNewsletterWelcome(subscriber.email, subscriber.unsubscribeToken);
      res.status(201).json({ success: true, data: { email: subscriber.email, status: subscriber.status } });
    } catch (error) {
      next(error);
    }
  });

  app.post("/api/newsletter/unsubscribe", async (req, res, next) => {
    const parsed = unsubscribeSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid unsubscribe link", details: parsed.error.errors });
    }
    try {
      const subscriber = await storage.unsubscribe(parsed.data.token);
      if (!subscriber) {
        return res.status(404).json({ error: "Subscription not found" });
      }
      res.json({ success: true, data: { email: subscriber.email, status: subscriber.status } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Profile (signed-in users) ----------------------------------------------

  app.get("/api/profile", isAuthenticated, async (req, res, next) => {
    try {
      const user = await storage.getUser(req.user!.id);
      if (!user) {
        return res.status(404).json({ error: "User not found" });
      }
      res.json({ success: true, data: toSafeUser(user) });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/profile", isAuthenticated, async (req, res, next) => {
    const parsed = profileUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid profile", details: parsed.error.errors });
    }
    try {
      const user = await storage.updateUserProfile(req.user!.id, parsed.data);
      if (!user) {
        return res.status(404).json({ error: "User not found" });
      }
      res.json({ success: true, data: toSafeUser(user) });
    } catch (error) {
      next(error);
    }
  });

  // ---- Client portal: projects ------------------------------------------------

  app.get("/api/client/projects", isAuthenticated, async (req, res, next) => {
    try {
      const projects = await storage.getClientProjectsForUser(req.user!.id);
      res.json({ success: true, data: projects });
    } catch (error) {
      next(error);
    }
  });

  app.post("/api/client/projects", isAuthenticated, async (req, res, next) => {
    const parsed = insertClientProjectSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid project request", details: parsed.error.errors });
    }
    try {
      if (parsed.data.serviceId != null && !(await storage.getService(parsed.data.serviceId))) {
        return res.status(400).json({ error: "Unknown service" });
      }
      const project = await storage.createClientProject(req.user!.id, parsed.data);
      res.status(201).json({ success: true, data: project });
    } catch (error) {
      next(error);
    }
  });

  app.get("/api/client/projects/:id", isAuthenticated, async (req, res, next) => {
    try {
      const project = await storage.getClientProject(Number(req.params.id));
      if (!project || (project.userId !== req.user!.id && req.user!.role !== "admin")) {
        return res.status(404).json({ error: "Project not found" });
      }
      res.json({ success: true, data: project });
    } catch (error) {
      next(error);
    }
  });

  // Clients may edit the brief until the studio starts work.
  app.patch("/api/client/projects/:id", isAuthenticated, async (req, res, next) => {
    const parsed = clientProjectUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid changes", details: parsed.error.errors });
    }
    try {
      const id = Number(req.params.id);
      const project = await storage.getClientProject(id);
      if (!project) {
        return res.status(404).json({ error: "Project not found" });
      }
      if (project.status !== "inquiry" && project.status !== "quoted") {
        return res.status(409).json({ error: "This project can no longer be edited" });
      }
      const updated = await storage.updateClientProject(id, parsed.data);
      res.json({ success: true, data: updated });
    } catch (error) {
      next(error);
    }
  });

  app.get("/api/client/projects/:id/updates", isAuthenticated, async (req, res, next) => {
    try {
      const project = await storage.getClientProject(Number(req.params.id));
      if (!project || (project.userId !== req.user!.id && req.user!.role !== "admin")) {
        return res.status(404).json({ error: "Project not found" });
      }
      const updates = await storage.getProjectUpdates(project.id);
      res.json({ success: true, data: updates });
    } catch (error) {
      next(error);
    }
  });

  app.post("/api/client/projects/:id/updates", isAuthenticated, async (req, res, next) => {
    const parsed = insertProjectUpdateSchema.pick({ body: true }).safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid update", details: parsed.error.errors });
    }
    try {
      const project = await storage.getClientProject(Number(req.params.id));
      if (!project || project.userId !== req.user!.id) {
        return res.status(404).json({ error: "Project not found" });
      }
      const update = await storage.createProjectUpdate(project.id, req.user!.id, {
        body: parsed.data.body,
        isInternal: false,
      });
      res.status(201).json({ success: true, data: update });
    } catch (error) {
      next(error);
    }
  });

  // ---- Admin ------------------------------------------------------------------

  registerAdminRoutes(app);

  return createServer(app);
}
