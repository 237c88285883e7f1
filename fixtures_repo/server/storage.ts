import { randomBytes } from "node:crypto";
import { and, asc, avg, count, desc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import {
  clientProjects,
  contactMessages,
  newsletterSubscribers,
  portfolioProjects,
  projectUpdates,
  services,
  testimonials,
  users,
  type ClientProject,
  type ClientProjectStatus,
  type ContactMessage,
  type ContactMessageStatus,
  type DashboardStats,
  type InsertClientProject,
  type InsertContactMessage,
  type InsertNewsletterSubscriber,
  type InsertPortfolioProject,
  type InsertProjectUpdate,
  type InsertService,
  type InsertTestimonial,
  type NewsletterSubscriber,
  type PortfolioProject,
  type PortfolioProjectWithService,
  type ProjectUpdate,
  type Service,
  type Testimonial,
  type User,
} from "@shared/schema";
import { db } from "./db";

export interface PortfolioFilter {
  featured?: boolean;
  serviceSlug?: string;
}

export interface Page {
  page: number;
  pageSize: number;
}

export interface ContactMessageFilter extends Page {
  status?: ContactMessageStatus;
}

export interface ProfileChanges {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  phone?: string | null;
  profileImageUrl?: string | null;
  role?: User["role"];
}

export interface AdminProjectChanges {
  status?: ClientProjectStatus;
  budgetCents?: number | null;
  dueDate?: string | null;
}

export interface IStorage {
  // Services
  getServices(options?: { includeInactive?: boolean }): Promise<Service[]>;
  getService(id: number): Promise<Service | undefined>;
  getServiceBySlug(slug: string): Promise<Service | undefined>;
  createService(service: InsertService): Promise<Service>;
  updateService(id: number, changes: Partial<InsertService>): Promise<Service | undefined>;
  deleteService(id: number): Promise<boolean>;

  // Portfolio
  getPortfolioProjects(filter?: PortfolioFilter): Promise<PortfolioProject[]>;
  getPortfolioProjectBySlug(slug: string): Promise<PortfolioProjectWithService | undefined>;
  getServicesWithPortfolio(): Promise<Service[]>;
  createPortfolioProject(project: InsertPortfolioProject): Promise<PortfolioProject>;
  updatePortfolioProject(
    id: number,
    changes: Partial<InsertPortfolioProject>,
  ): Promise<PortfolioProject | undefined>;
  deletePortfolioProject(id: number): Promise<boolean>;

  // Testimonials
  getApprovedTestimonials(): Promise<Testimonial[]>;
  getTestimonialsForProject(portfolioProjectId: number): Promise<Testimonial[]>;
  getAllTestimonials(): Promise<Testimonial[]>;
  createTestimonial(testimonial: InsertTestimonial, userId: string | null): Promise<Testimonial>;
  setTestimonialApproval(id: number, isApproved: boolean): Promise<Testimonial | undefined>;

  // Contact messages
  createContactMessage(message: InsertContactMessage): Promise<ContactMessage>;
  getContactMessages(filter: ContactMessageFilter): Promise<{ items: ContactMessage[]; total: number }>;
  updateContactMessageStatus(id: number, status: ContactMessageStatus): Promise<ContactMessage | undefined>;
  deleteContactMessage(id: number): Promise<boolean>;

  // Newsletter
  getSubscriberByEmail(email: string): Promise<NewsletterSubscriber | undefined>;
  createSubscriber(subscriber: InsertNewsletterSubscriber): Promise<NewsletterSubscriber>;
  unsubscribe(token: string): Promise<NewsletterSubscriber | undefined>;
  getSubscribers(): Promise<NewsletterSubscriber[]>;

  // Users (profile data; credentials live in the auth integration)
  getUser(id: string): Promise<User | undefined>;
  updateUserProfile(id: string, changes: ProfileChanges): Promise<User | undefined>;

  // Client projects
  getClientProjectsForUser(userId: string): Promise<ClientProject[]>;
  getAllClientProjects(): Promise<ClientProject[]>;
  getClientProject(id: number): Promise<ClientProject | undefined>;
  createClientProject(userId: string, project: InsertClientProject): Promise<ClientProject>;
  updateClientProject(id: number, changes: Partial<InsertClientProject>): Promise<ClientProject | undefined>;
  updateClientProjectAdmin(id: number, changes: AdminProjectChanges): Promise<ClientProject | undefined>;

  // Project updates
  getProjectUpdates(clientProjectId: number): Promise<ProjectUpdate[]>;
  createProjectUpdate(
    clientProjectId: number,
    authorId: string,
    update: InsertProjectUpdate,
  ): Promise<ProjectUpdate>;

  // Admin dashboard
  getDashboardStats(): Promise<DashboardStats>;

  // Health
  checkDatabase(): Promise<void>;
}

export class DatabaseStorage implements IStorage {
  // ---- Services -----------------------------------------------------------

  async getServices(_options: { includeInactive?: boolean } = {}): Promise<Service[]> {
    return db.select().from(services).orderBy(asc(services.sortOrder), asc(services.name));
  }

  async getService(id: number): Promise<Service | undefined> {
    const [service] = await db.select().from(services).where(eq(services.id, id));
    return service;
  }

  async getServiceBySlug(slug: string): Promise<Service | undefined> {
    const [service] = await db.select().from(services).where(eq(services.slug, slug));
    return service;
  }

  async createService(service: InsertService): Promise<Service> {
    const [created] = await db.insert(services).values(service).returning();
    return created;
  }

  async updateService(id: number, changes: Partial<InsertService>): Promise<Service | undefined> {
    const [updated] = await db.update(services).set(changes).where(eq(services.id, id)).returning();
    return updated;
  }

  async deleteService(id: number): Promise<boolean> {
    const deleted = await db.delete(services).where(eq(services.id, id)).returning({ id: services.id });
    return deleted.length > 0;
  }

  // ---- Portfolio ----------------------------------------------------------

  async getPortfolioProjects(filter: PortfolioFilter = {}): Promise<PortfolioProject[]> {
    const conditions = [isNotNull(portfolioProjects.publishedAt)];
    if (filter.featured) {
      conditions.push(eq(portfolioProjects.isFeatured, true));
    }
    return db
      .select()
      .from(portfolioProjects)
      .where(and(...conditions))
      .orderBy(desc(portfolioProjects.year), asc(portfolioProjects.title));
  }

  async getPortfolioProjectBySlug(slug: string): Promise<PortfolioProjectWithService | undefined> {
    const project = await db.query.portfolioProjects.findFirst({
      where: and(eq(portfolioProjects.slug, slug), isNotNull(portfolioProjects.publishedAt)),
      with: { service: true },
    });
    return project ?? undefined;
  }

  async createPortfolioProject(project: InsertPortfolioProject): Promise<PortfolioProject> {
    const [created] = await db.insert(portfolioProjects).values(project).returning();
    return created;
  }

  async updatePortfolioProject(
    id: number,
    changes: Partial<InsertPortfolioProject>,
  ): Promise<PortfolioProject | undefined> {
    const [updated] = await db
      .update(portfolioProjects)
      .set(changes)
      .where(eq(portfolioProjects.id, id))
      .returning();
    return updated;
  }

  async deletePortfolioProject(id: number): Promise<boolean> {
    const deleted = await db
      .delete(portfolioProjects)
      .where(eq(portfolioProjects.id, id))
      .returning({ id: portfolioProjects.id });
    return deleted.length > 0;
  }

  // ---- Testimonials -------------------------------------------------------

  async getApprovedTestimonials(): Promise<Testimonial[]> {
    return db
      .select()
      .from(testimonials)
      .where(eq(testimonials.isApproved, true))
      .orderBy(desc(testimonials.rating), desc(testimonials.createdAt));
  }

  async getTestimonialsForProject(portfolioProjectId: number): Promise<Testimonial[]> {
    return db
      .select()
      .from(testimonials)
      .where(and(eq(testimonials.portfolioProjectId, portfolioProjectId), eq(testimonials.isApproved, true)))
      .orderBy(desc(testimonials.createdAt));
  }

  async getAllTestimonials(): Promise<Testimonial[]> {
    return db.select().from(testimonials).orderBy(desc(testimonials.createdAt));
  }

  async createTestimonial(testimonial: InsertTestimonial, userId: string | null): Promise<Testimonial> {
    const [created] = await db
      .insert(testimonials)
      .values({ ...testimonial, userId, isApproved: false })
      .returning();
    return created;
  }

  async setTestimonialApproval(id: number, isApproved: boolean): Promise<Testimonial | undefined> {
    const [updated] = await db
      .update(testimonials)
      .set({ isApproved })
      .where(eq(testimonials.id, id))
      .returning();
    return updated;
  }

  // ---- Contact messages ---------------------------------------------------

  async createContactMessage(message: InsertContactMessage): Promise<ContactMessage> {
    const [created] = await db.insert(contactMessages).values(message).returning();
    return created;
  }

  async getContactMessages(filter: ContactMessageFilter): Promise<{ items: ContactMessage[]; total: number }> {
    const where = filter.status ? eq(contactMessages.status, filter.status) : undefined;
    const items = await db
      .select()
      .from(contactMessages)
      .where(where)
      .orderBy(desc(contactMessages.createdAt), desc(contactMessages.id))
      .limit(filter.pageSize);
    const [{ total }] = await db.select({ total: count() }).from(contactMessages).where(where);
    return { items, total };
  }

  async updateContactMessageStatus(
    id: number,
    status: ContactMessageStatus,
  ): Promise<ContactMessage | undefined> {
    const [updated] = await db
      .update(contactMessages)
      .set({ status })
      .where(eq(contactMessages.id, id))
      .returning();
    return updated;
  }

  async deleteContactMessage(id: number): Promise<boolean> {
    const deleted = await db
      .delete(contactMessages)
      .where(eq(contactMessages.id, id))
      .returning({ id: contactMessages.id });
    return deleted.length > 0;
  }

  // ---- Newsletter ---------------------------------------------------------

  async getSubscriberByEmail(email: string): Promise<NewsletterSubscriber | undefined> {
    const [subscriber] = await db
      .select()
      .from(newsletterSubscribers)
      .where(eq(newsletterSubscribers.email, email));
    return subscriber;
  }

  async createSubscriber(subscriber: InsertNewsletterSubscriber): Promise<NewsletterSubscriber> {
    const [created] = await db
      .insert(newsletterSubscribers)
      .values({ ...subscriber, unsubscribeToken: randomBytes(24).toString("hex") })
      .returning();
    return created;
  }

  async unsubscribe(token: string): Promise<NewsletterSubscriber | undefined> {
    const [updated] = await db
      .update(newsletterSubscribers)
      .set({ status: "unsubscribed", unsubscribedAt: new Date() })
      .where(eq(newsletterSubscribers.unsubscribeToken, token))
      .returning();
    return updated;
  }

  async getSubscribers(): Promise<NewsletterSubscriber[]> {
    return db.select().from(newsletterSubscribers).orderBy(desc(newsletterSubscribers.subscribedAt));
  }

  // ---- Users --------------------------------------------------------------

  async getUser(id: string): Promise<User | undefined> {
    const [user] = await db.select().from(users).where(eq(users.id, id));
    return user;
  }

  async updateUserProfile(id: string, changes: ProfileChanges): Promise<User | undefined> {
    const [updated] = await db
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return updated;
  }

  // ---- Client projects ----------------------------------------------------

  async getClientProjectsForUser(userId: string): Promise<ClientProject[]> {
    return db
      .select()
      .from(clientProjects)
      .where(eq(clientProjects.userId, userId))
      .orderBy(desc(clientProjects.updatedAt));
  }

  async getAllClientProjects(): Promise<ClientProject[]> {
    return db.select().from(clientProjects).orderBy(desc(clientProjects.updatedAt));
  }

  async getClientProject(id: number): Promise<ClientProject | undefined> {
    const [project] = await db.select().from(clientProjects).where(eq(clientProjects.id, id));
    return project;
  }

  async createClientProject(userId: string, project: InsertClientProject): Promise<ClientProject> {
    const [created] = await db
      .insert(clientProjects)
      .values({ ...project, userId })
      .returning();
    return created;
  }

  async updateClientProject(
    id: number,
    changes: Partial<InsertClientProject>,
  ): Promise<ClientProject | undefined> {
    return this.patchClientProject(id, changes);
  }

  async updateClientProjectAdmin(
    id: number,
    changes: AdminProjectChanges,
  ): Promise<ClientProject | undefined> {
    return this.patchClientProject(id, changes);
  }

  private async patchClientProject(
    id: number,
    changes: Partial<InsertClientProject> | AdminProjectChanges,
  ): Promise<ClientProject | undefined> {
    const [updated] = await db
      .update(clientProjects)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(clientProjects.id, id))
      .returning();
    return updated;
  }

  // ---- Project updates ----------------------------------------------------

  async getProjectUpdates(clientProjectId: number): Promise<ProjectUpdate[]> {
    return db
      .select()
      .from(projectUpdates)
      .where(eq(projectUpdates.clientProjectId, clientProjectId))
      .orderBy(asc(projectUpdates.createdAt), asc(projectUpdates.id));
  }

  async createProjectUpdate(
    clientProjectId: number,
    authorId: string,
    update: InsertProjectUpdate,
  ): Promise<ProjectUpdate> {
    const [created] = await db
      .insert(projectUpdates)
      .values({ ...update, clientProjectId, authorId })
      .returning();
    // Touch the project so it sorts to the top of both dashboards.
    await db
      .update(clientProjects)
      .set({ updatedAt: new Date() })
      .where(eq(clientProjects.id, clientProjectId));
    return created;
  }

  // ---- Admin dashboard ----------------------------------------------------

  async getDashboardStats(): Promise<DashboardStats> {
    const [[messages], [subscribers], [openProjects], [pending], [rating]] = await Promise.all([
      db.select({ value: count() }).from(contactMessages).where(eq(contactMessages.status, "new")),
      db
        .select({ value: count() })
        .from(newsletterSubscribers)
        .where(eq(newsletterSubscribers.status, "subscribed")),
      db
        .select({ value: count() })
        .from(clientProjects)
        .where(
          and(
            ne(clientProjects.status, "completed"),
            ne(clientProjects.status, "cancelled"),
          ),
        ),
      db.select({ value: count() }).from(testimonials).where(eq(testimonials.isApproved, false)),
      db.select({ value: avg(testimonials.rating) }).from(testimonials),
    ]);
    return {
      newContactMessages: messages.value,
      activeSubscribers: subscribers.value,
      openClientProjects: openProjects.value,
      pendingTestimonials: pending.value,
      averageRating: rating.value === null ? null : Math.round(Number(rating.value) * 10) / 10,
    };
  }

  // ---- Health ---------------------------------------------------------------

  /** Throws when the database cannot answer a trivial query. */
  async checkDatabase(): Promise<void> {
    await db.select({ id: services.id }).from(services).limit(1);
  }

  /** Services referenced by any published portfolio project (used by the portfolio filter chips). */
  async getServicesWithPortfolio(): Promise<Service[]> {
    const rows = await db
      .selectDistinct({ serviceId: portfolioProjects.serviceId })
      .from(portfolioProjects)
      .where(isNotNull(portfolioProjects.serviceId));
    const ids = rows.map((row) => row.serviceId).filter((id): id is number => id !== null);
    if (ids.length === 0) {
      return [];
    }
    return db.select().from(services).where(inArray(services.id, ids)).orderBy(asc(services.sortOrder));
  }
}

export const storage = new DatabaseStorage();
