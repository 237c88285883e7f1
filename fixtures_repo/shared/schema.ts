import { relations, sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  varchar,
} from "drizzle-orm/pg-core";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";

// ---------------------------------------------------------------------------
// Auth tables (used by server/replit_integrations/auth — do not rename or drop)
// ---------------------------------------------------------------------------

// Session storage for connect-pg-simple. Required by the auth integration.
export const sessions = pgTable(
  "sessions",
  {
    sid: varchar("sid").primaryKey(),
    sess: jsonb("sess").notNull(),
    expire: timestamp("expire").notNull(),
  },
  (table) => [index("IDX_session_expire").on(table.expire)],
);

export const userRoles = ["client", "admin"] as const;
export type UserRole = (typeof userRoles)[number];

export const users = pgTable("users", {
  id: varchar("id")
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  email: varchar("email").notNull().unique(),
  firstName: varchar("first_name"),
  lastName: varchar("last_name"),
  profileImageUrl: varchar("profile_image_url"),
  company: varchar("company", { length: 120 }),
  phone: varchar("phone", { length: 40 }),
  passwordHash: text("password_hash"),
  role: varchar("role", { enum: userRoles }).notNull().default("client"),
  createdAt: timestamp("created_at").notNull().defaultNow(),
  updatedAt: timestamp("updated_at").notNull().defaultNow(),
});

// ---------------------------------------------------------------------------
// Public site content
// ---------------------------------------------------------------------------

export const serviceCategories = ["design", "fabrication", "consulting"] as const;
export type ServiceCategory = (typeof serviceCategories)[number];

export const services = pgTable("services", {
  id: serial("id").primaryKey(),
  slug: varchar("slug", { length: 80 }).notNull().unique(),
  name: varchar("name", { length: 120 }).notNull(),
  category: varchar("category", { enum: serviceCategories }).notNull(),
  summary: text("summary").notNull(),
  description: text("description").notNull(),
  startingPriceCents: integer("starting_price_cents"),
  leadTimeWeeks: integer("lead_time_weeks"),
  isActive: boolean("is_active").notNull().default(true),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamp("created_at").notNull().defaultNow(),
});

export const portfolioProjects = pgTable(
  "portfolio_projects",
  {
    id: serial("id").primaryKey(),
    slug: varchar("slug", { length: 120 }).notNull().unique(),
    title: varchar("title", { length: 160 }).notNull(),
    clientName: varchar("client_name", { length: 120 }),
    serviceId: integer("service_id").references(() => services.id),
    summary: text("summary").notNull(),
    body: text("body").notNull(),
    materials: text("materials")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    coverImageUrl: varchar("cover_image_url"),
    year: integer("year").notNull(),
    isFeatured: boolean("is_featured").notNull().default(false),
    publishedAt: timestamp("published_at"),
    createdAt: timestamp("created_at").notNull().defaultNow(),
  },
  (table) => [index("portfolio_projects_service_id_idx").on(table.serviceId)],
);

export const testimonials = pgTable("testimonials", {
  id: serial("id").primaryKey(),
  authorName: varchar("author_name", { length: 120 }).notNull(),
  authorTitle: varchar("author_title", { length: 120 }),
  company: varchar("company", { length: 120 }),
  quote: text("quote").notNull(),
  rating: integer("rating").notNull(),
  portfolioProjectId: integer("portfolio_project_id").references(() => portfolioProjects.id, {
    onDelete: "set null",
  }),
  userId: varchar("user_id").references(() => users.id, { onDelete: "set null" }),
  isApproved: boolean("is_approved").notNull().default(false),
  createdAt: timestamp("created_at").notNull().defaultNow(),
});

// ---------------------------------------------------------------------------
// Inbound: contact form and newsletter
// ---------------------------------------------------------------------------

export const contactMessageStatuses = ["new", "read", "archived"] as const;
export type ContactMessageStatus = (typeof contactMessageStatuses)[number];

export const contactMessages = pgTable("contact_messages", {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 120 }).notNull(),
  email: varchar("email", { length: 254 }).notNull(),
  company: varchar("company", { length: 120 }),
  phone: varchar("phone", { length: 40 }),
  serviceInterest: varchar("service_interest", { length: 80 }),
  subject: varchar("subject", { length: 200 }).notNull(),
  message: text("message").notNull(),
  status: varchar("status", { enum: contactMessageStatuses }).notNull().default("new"),
  createdAt: timestamp("created_at").notNull().defaultNow(),
});

export const subscriberStatuses = ["subscribed", "unsubscribed"] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

export const newsletterSubscribers = pgTable("newsletter_subscribers", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 254 }).notNull().unique(),
  name: varchar("name", { length: 120 }),
  status: varchar("status", { enum: subscriberStatuses }).notNull().default("subscribed"),
  unsubscribeToken: varchar("unsubscribe_token", { length: 64 }).notNull().unique(),
  subscribedAt: timestamp("subscribed_at").notNull().defaultNow(),
  unsubscribedAt: timestamp("unsubscribed_at"),
});

// ---------------------------------------------------------------------------
// Client portal
// ---------------------------------------------------------------------------

export const clientProjectStatuses = [
  "inquiry",
  "quoted",
  "in_progress",
  "review",
  "completed",
  "cancelled",
] as const;
export type ClientProjectStatus = (typeof clientProjectStatuses)[number];

export const clientProjects = pgTable(
  "client_projects",
  {
    id: serial("id").primaryKey(),
    userId: varchar("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serviceId: integer("service_id").references(() => services.id),
    title: varchar("title", { length: 160 }).notNull(),
    description: text("description").notNull(),
    status: varchar("status", { enum: clientProjectStatuses }).notNull().default("inquiry"),
    budgetCents: integer("budget_cents"),
    dueDate: date("due_date", { mode: "string" }),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow(),
  },
  (table) => [index("client_projects_user_id_idx").on(table.userId)],
);

export const projectUpdates = pgTable(
  "project_updates",
  {
    id: serial("id").primaryKey(),
    clientProjectId: integer("client_project_id")
      .notNull()
      .references(() => clientProjects.id, { onDelete: "cascade" }),
    authorId: varchar("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    isInternal: boolean("is_internal").notNull().default(false),
    createdAt: timestamp("created_at").notNull().defaultNow(),
  },
  (table) => [index("project_updates_client_project_id_idx").on(table.clientProjectId)],
);

// ---------------------------------------------------------------------------
// Consultation bookings (IN PROGRESS — table only; see DEVELOPMENT_MANIFEST.md §4)
// ---------------------------------------------------------------------------

export const bookingStatuses = ["pending", "confirmed", "cancelled"] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

export const consultationBookings = pgTable(
  "consultation_bookings",
  {
    id: serial("id").primaryKey(),
    userId: varchar("user_id").references(() => users.id, { onDelete: "set null" }),
    serviceId: integer("service_id").references(() => services.id),
    name: varchar("name", { length: 120 }).notNull(),
    email: varchar("email", { length: 254 }).notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    durationMinutes: integer("duration_minutes").notNull().default(30),
    status: varchar("status", { enum: bookingStatuses }).notNull().default("pending"),
    notes: text("notes"),
    createdAt: timestamp("created_at").notNull().defaultNow(),
  },
  (table) => [index("consultation_bookings_starts_at_idx").on(table.startsAt)],
);

// ---------------------------------------------------------------------------
// Relations
// ---------------------------------------------------------------------------

export const servicesRelations = relations(services, ({ many }) => ({
  portfolioProjects: many(portfolioProjects),
}));

export const portfolioProjectsRelations = relations(portfolioProjects, ({ one, many }) => ({
  service: one(services, {
    fields: [portfolioProjects.serviceId],
    references: [services.id],
  }),
  testimonials: many(testimonials),
}));

export const testimonialsRelations = relations(testimonials, ({ one }) => ({
  portfolioProject: one(portfolioProjects, {
    fields: [testimonials.portfolioProjectId],
    references: [portfolioProjects.id],
  }),
}));

export const clientProjectsRelations = relations(clientProjects, ({ one, many }) => ({
  owner: one(users, { fields: [clientProjects.userId], references: [users.id] }),
  service: one(services, { fields: [clientProjects.serviceId], references: [services.id] }),
  updates: many(projectUpdates),
}));

export const projectUpdatesRelations = relations(projectUpdates, ({ one }) => ({
  clientProject: one(clientProjects, {
    fields: [projectUpdates.clientProjectId],
    references: [clientProjects.id],
  }),
  author: one(users, { fields: [projectUpdates.authorId], references: [users.id] }),
}));

// ---------------------------------------------------------------------------
// Insert schemas (Zod) and types
// ---------------------------------------------------------------------------

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Refinement callbacks are used for NOT NULL columns only; nullable columns are
// refined with .extend() so that their inferred types stay optional.
export const insertUserSchema = createInsertSchema(users, {
  email: (schema) => schema.email().max(254),
})
  .omit({ id: true, passwordHash: true, createdAt: true, updatedAt: true })
  .extend({
    firstName: z.string().max(80).nullish(),
    lastName: z.string().max(80).nullish(),
  });

export const insertServiceSchema = createInsertSchema(services, {
  slug: (schema) => schema.regex(slugPattern, "Slug must be kebab-case"),
  name: (schema) => schema.min(2),
  summary: (schema) => schema.min(10).max(280),
})
  .omit({ id: true, createdAt: true })
  .extend({
    startingPriceCents: z.number().int().nonnegative().nullish(),
    leadTimeWeeks: z.number().int().min(1).max(52).nullish(),
  });

export const insertPortfolioProjectSchema = createInsertSchema(portfolioProjects, {
  slug: (schema) => schema.regex(slugPattern, "Slug must be kebab-case"),
  title: (schema) => schema.min(3),
  summary: (schema) => schema.min(10).max(280),
  year: (schema) => schema.int().min(2000).max(2100),
})
  .omit({ id: true, createdAt: true })
  .extend({
    coverImageUrl: z.string().url().nullish(),
    // JSON carries dates as ISO strings.
    publishedAt: z.coerce.date().nullish(),
  });

export const insertTestimonialSchema = createInsertSchema(testimonials, {
  authorName: (schema) => schema.min(2),
  quote: (schema) => schema.min(20).max(1200),
  rating: (schema) => schema.int().min(1).max(5),
}).omit({ id: true, userId: true, isApproved: true, createdAt: true });

export const insertContactMessageSchema = createInsertSchema(contactMessages, {
  name: (schema) => schema.min(1),
  email: (schema) => schema.email(),
  subject: (schema) => schema.min(1),
  message: (schema) => schema.min(1).max(5000),
}).omit({ id: true, status: true, createdAt: true });

export const insertNewsletterSubscriberSchema = createInsertSchema(newsletterSubscribers, {
  email: (schema) => schema.email(),
}).pick({ email: true, name: true });

export const insertClientProjectSchema = createInsertSchema(clientProjects, {
  title: (schema) => schema.min(3),
  description: (schema) => schema.min(10).max(5000),
})
  .omit({ id: true, userId: true, status: true, createdAt: true, updatedAt: true })
  .extend({
    budgetCents: z.number().int().positive().nullish(),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
      .nullish(),
  });

export const insertProjectUpdateSchema = createInsertSchema(projectUpdates, {
  body: (schema) => schema.min(1).max(5000),
}).pick({ body: true, isInternal: true });

export const insertConsultationBookingSchema = createInsertSchema(consultationBookings, {
  email: (schema) => schema.email(),
  durationMinutes: (schema) => schema.int().positive(),
}).omit({ id: true, userId: true, status: true, createdAt: true });

export type User = typeof users.$inferSelect;
export type UpsertUser = typeof users.$inferInsert;
export type InsertUser = z.infer<typeof insertUserSchema>;
export type SafeUser = Omit<User, "passwordHash">;

export type Service = typeof services.$inferSelect;
export type InsertService = z.infer<typeof insertServiceSchema>;

export type PortfolioProject = typeof portfolioProjects.$inferSelect;
export type InsertPortfolioProject = z.infer<typeof insertPortfolioProjectSchema>;
export type PortfolioProjectWithService = PortfolioProject & { service: Service | null };

export type Testimonial = typeof testimonials.$inferSelect;
export type InsertTestimonial = z.infer<typeof insertTestimonialSchema>;

export type ContactMessage = typeof contactMessages.$inferSelect;
export type InsertContactMessage = z.infer<typeof insertContactMessageSchema>;

export type NewsletterSubscriber = typeof newsletterSubscribers.$inferSelect;
export type InsertNewsletterSubscriber = z.infer<typeof insertNewsletterSubscriberSchema>;

export type ClientProject = typeof clientProjects.$inferSelect;
export type InsertClientProject = z.infer<typeof insertClientProjectSchema>;

export type ProjectUpdate = typeof projectUpdates.$inferSelect;
export type InsertProjectUpdate = z.infer<typeof insertProjectUpdateSchema>;

export type ConsultationBooking = typeof consultationBookings.$inferSelect;
export type InsertConsultationBooking = z.infer<typeof insertConsultationBookingSchema>;

export interface DashboardStats {
  newContactMessages: number;
  activeSubscribers: number;
  openClientProjects: number;
  pendingTestimonials: number;
  averageRating: number | null;
}
