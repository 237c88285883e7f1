import type { Express } from "express";
import { z } from "zod";
import {
  clientProjectStatuses,
  contactMessageStatuses,
  insertPortfolioProjectSchema,
  insertProjectUpdateSchema,
  insertServiceSchema,
} from "@shared/schema";
import { config } from "./config";
import { parseId, requireAdmin } from "./middleware";
import { isAuthenticated } from "./replit_integrations/auth";
import { notifyClientOfUpdate } from "./services/email-service";
import { storage } from "./storage";

const contactListQuerySchema = z.object({
  status: z.enum(contactMessageStatuses).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(config.pagination.maxPageSize).default(config.pagination.defaultPageSize),
});

const contactStatusSchema = z.object({ status: z.enum(contactMessageStatuses) });

const testimonialApprovalSchema = z.object({ isApproved: z.boolean() });

const adminProjectChangesSchema = z
  .object({
    status: z.enum(clientProjectStatuses),
    budgetCents: z.number().int().positive().nullable(),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
      .nullable(),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: "Nothing to change" });

/** Routes for the studio's admin dashboard. Every route here requires an admin session. */
export function registerAdminRoutes(app: Express): void {
  const adminOnly = [isAuthenticated, requireAdmin];

  // ---- Dashboard --------------------------------------------------------------

  // TODO(BUG-011): the dashboard widget reads the bare object; move to { success, data } together.
  app.get("/api/admin/stats", ...adminOnly, async (_req, res, next) => {
    try {
      res.json(await storage.getDashboardStats());
    } catch (error) {
      next(error);
    }
  });

  // ---- Contact messages -------------------------------------------------------

  app.get("/api/admin/contact-messages", ...adminOnly, async (req, res, next) => {
    const parsed = contactListQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid query", details: parsed.error.errors });
    }
    try {
      const { items, total } = await storage.getContactMessages(parsed.data);
      res.json({
        success: true,
        data: items,
        pagination: { page: parsed.data.page, pageSize: parsed.data.pageSize, total },
      });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/admin/contact-messages/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = contactStatusSchema.safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ error: "Invalid message id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid status", details: parsed.error.errors });
    }
    try {
      const message = await storage.updateContactMessageStatus(id, parsed.data.status);
      if (!message) {
        return res.status(404).json({ error: "Message not found" });
      }
      res.json({ success: true, data: message });
    } catch (error) {
      next(error);
    }
  });

  app.delete("/api/admin/contact-messages/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    if (id === null) {
      return res.status(400).json({ error: "Invalid message id" });
    }
    try {
      if (!(await storage.deleteContactMessage(id))) {
        return res.status(404).json({ error: "Message not found" });
      }
      res.json({ success: true, data: { id } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Newsletter ---------------------------------------------------------------

  app.get("/api/admin/subscribers", ...adminOnly, async (_req, res, next) => {
    try {
      res.json({ success: true, data: await storage.getSubscribers() });
    } catch (error) {
      next(error);
    }
  });

  // ---- Services -----------------------------------------------------------------

  app.get("/api/admin/services", ...adminOnly, async (_req, res, next) => {
    try {
      res.json({ success: true, data: await storage.getServices({ includeInactive: true }) });
    } catch (error) {
      next(error);
    }
  });

  app.post("/api/admin/services", ...adminOnly, async (req, res, next) => {
    const parsed = insertServiceSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid service", details: parsed.error.errors });
    }
    try {
      if (await storage.getServiceBySlug(parsed.data.slug)) {
        return res.status(409).json({ error: "A service with this slug already exists" });
      }
      res.status(201).json({ success: true, data: await storage.createService(parsed.data) });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/admin/services/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = insertServiceSchema.partial().safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ error: "Invalid service id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid service", details: parsed.error.errors });
    }
    try {
      const service = await storage.updateService(id, parsed.data);
      if (!service) {
        return res.status(404).json({ error: "Service not found" });
      }
      res.json({ success: true, data: service });
    } catch (error) {
      next(error);
    }
  });

  app.delete("/api/admin/services/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    if (id === null) {
      return res.status(400).json({ error: "Invalid service id" });
    }
    try {
      if (!(await storage.deleteService(id))) {
        return res.status(404).json({ error: "Service not found" });
      }
      res.json({ success: true, data: { id } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Portfolio ------------------------------------------------------------------

  app.post("/api/admin/portfolio", ...adminOnly, async (req, res, next) => {
    const parsed = insertPortfolioProjectSchema.safeParse(req.body);
    if (!parsed.success) {
      return res.status(400).json({ message: "Invalid portfolio project", errors: parsed.error.errors });
    }
    try {
      const project = await storage.createPortfolioProject(parsed.data);
      res.status(201).json({ success: true, data: project });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/admin/portfolio/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = insertPortfolioProjectSchema.partial().safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ message: "Invalid project id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ message: "Invalid portfolio project", errors: parsed.error.errors });
    }
    try {
      const project = await storage.updatePortfolioProject(id, parsed.data);
      if (!project) {
        return res.status(404).json({ message: "Project not found" });
      }
      res.json({ success: true, data: project });
    } catch (error) {
      next(error);
    }
  });

  app.delete("/api/admin/portfolio/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    if (id === null) {
      return res.status(400).json({ error: "Invalid project id" });
    }
    try {
      if (!(await storage.deletePortfolioProject(id))) {
        return res.status(404).json({ error: "Project not found" });
      }
      res.json({ success: true, data: { id } });
    } catch (error) {
      next(error);
    }
  });

  // ---- Testimonials -----------------------------------------------------------------

  app.get("/api/admin/testimonials", ...adminOnly, async (_req, res, next) => {
    try {
      res.json({ success: true, data: await storage.getAllTestimonials() });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/admin/testimonials/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = testimonialApprovalSchema.safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ error: "Invalid testimonial id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid approval", details: parsed.error.errors });
    }
    try {
      const testimonial = await storage.setTestimonialApproval(id, parsed.data.isApproved);
      if (!testimonial) {
        return res.status(404).json({ error: "Testimonial not found" });
      }
      res.json({ success: true, data: testimonial });
    } catch (error) {
      next(error);
    }
  });

  // ---- Client projects ----------------------------------------------------------------

  app.get("/api/admin/client-projects", ...adminOnly, async (_req, res, next) => {
    try {
      res.json({ success: true, data: await storage.getAllClientProjects() });
    } catch (error) {
      next(error);
    }
  });

  app.patch("/api/admin/client-projects/:id", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = adminProjectChangesSchema.safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ error: "Invalid project id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid changes", details: parsed.error.errors });
    }
    try {
      const project = await storage.updateClientProjectAdmin(id, parsed.data);
      if (!project) {
        return res.status(404).json({ error: "Project not found" });
      }
      res.json({ success: true, data: project });
    } catch (error) {
      next(error);
    }
  });

  // Studio notes on a client project. Internal notes are for the studio only.
  app.post("/api/admin/client-projects/:id/updates", ...adminOnly, async (req, res, next) => {
    const id = parseId(req.params.id);
    const parsed = insertProjectUpdateSchema.safeParse(req.body);
    if (id === null) {
      return res.status(400).json({ error: "Invalid project id" });
    }
    if (!parsed.success) {
      return res.status(400).json({ error: "Invalid update", details: parsed.error.errors });
    }
    try {
      const project = await storage.getClientProject(id);
      if (!project) {
        return res.status(404).json({ error: "Project not found" });
      }
      const update = await storage.createProjectUpdate(id, req.user!.id, parsed.data);
      if (!update.isInternal) {
        const owner = await storage.getUser(project.userId);
        if (owner) {
          await notifyClientOfUpdate(owner.email, project.title);
        }
      }
      res.status(201).json({ success: true, data: update });
    } catch (error) {
      next(error);
    }
  });
}
