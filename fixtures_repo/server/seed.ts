// Loads demo content and accounts into the database named by DATABASE_URL.
// Safe to run more than once: rows are matched on their natural keys (slug, email).
//
//   npm run db:push && npm run db:seed
import { pathToFileURL } from "node:url";
import { and, eq } from "drizzle-orm";
import {
  clientProjects,
  contactMessages,
  newsletterSubscribers,
  portfolioProjects,
  projectUpdates,
  services,
  testimonials,
  users,
  type InsertPortfolioProject,
  type InsertService,
  type UserRole,
} from "@shared/schema";
import { db, pool } from "./db";
import { hashPassword } from "./replit_integrations/auth";

const seedServices: InsertService[] = [
  {
    slug: "product-design",
    name: "Product Design",
    category: "design",
    summary: "From sketch to production-ready CAD for furniture, fixtures and small products.",
    description:
      "We take an idea from napkin sketch to a fully dimensioned, manufacturable design. Includes concept sketches, two rounds of 3D iterations, material selection and a drawing package your fabricator can quote from.",
    startingPriceCents: 350_000,
    leadTimeWeeks: 4,
    sortOrder: 1,
  },
  {
    slug: "cnc-fabrication",
    name: "CNC Fabrication",
    category: "fabrication",
    summary: "Precision CNC milling in hardwood, plywood, aluminium and HDPE.",
    description:
      "Our 3-axis router and 4-axis mill handle sheet goods up to 1500 × 3000 mm and solid stock up to 150 mm thick. We cut, finish and assemble in-house.",
    startingPriceCents: 120_000,
    leadTimeWeeks: 3,
    sortOrder: 2,
  },
  {
    slug: "metalwork",
    name: "Architectural Metalwork",
    category: "fabrication",
    summary: "Stairs, railings, screens and structural details in steel and brass.",
    description:
      "TIG and MIG welding, bending and powder-coat finishing for interior and exterior architectural elements, from a single handrail to a full feature staircase.",
    startingPriceCents: 480_000,
    leadTimeWeeks: 6,
    sortOrder: 3,
  },
  {
    slug: "retail-fitout",
    name: "Retail & Hospitality Fit-out",
    category: "design",
    summary: "Counters, shelving and display systems designed and built as one package.",
    description:
      "A single team for design, fabrication and installation of shop and restaurant interiors. We coordinate with your contractor and handle site measurements.",
    startingPriceCents: 1_500_000,
    leadTimeWeeks: 10,
    sortOrder: 4,
  },
  {
    slug: "design-consultation",
    name: "Design Consultation",
    category: "consulting",
    summary: "A focused session to review drawings, materials or manufacturability.",
    description:
      "Bring your drawings, samples or a half-finished prototype. We review feasibility, cost drivers and material choices, and send written notes afterwards.",
    startingPriceCents: 25_000,
    leadTimeWeeks: 1,
    sortOrder: 5,
  },
  {
    slug: "laser-engraving",
    name: "Laser Engraving",
    category: "fabrication",
    summary: "Small-batch engraving and cutting. Paused while the laser is replaced.",
    description:
      "CO2 laser cutting and engraving for signage and small parts. This service is paused until the new machine is commissioned.",
    startingPriceCents: 15_000,
    leadTimeWeeks: 2,
    isActive: false,
    sortOrder: 6,
  },
];

type SeedProject = Omit<InsertPortfolioProject, "serviceId"> & { serviceSlug: string };

const seedPortfolio: SeedProject[] = [
  {
    slug: "northwind-cafe-counter",
    title: "Northwind Café Counter",
    clientName: "Northwind Café",
    serviceSlug: "retail-fitout",
    summary: "A 6-metre oak and blackened-steel service counter with integrated display case.",
    body: "The café wanted a counter that could take a decade of daily abuse. We paired solid white oak with blackened steel edging and hid the cabling in a removable plinth.",
    materials: ["white oak", "blackened steel", "low-iron glass"],
    year: 2024,
    isFeatured: true,
    publishedAt: new Date("2024-05-14T09:00:00Z"),
  },
  {
    slug: "harbour-house-stair",
    title: "Harbour House Stair",
    clientName: "Private residence",
    serviceSlug: "metalwork",
    summary: "A folded-plate steel stair with brass handrail for a converted boathouse.",
    body: "Each tread was laser-cut and folded from a single 8 mm plate, then welded to a central stringer. The brass handrail will patina with the sea air.",
    materials: ["mild steel", "brass"],
    year: 2023,
    isFeatured: true,
    publishedAt: new Date("2023-11-02T09:00:00Z"),
  },
  {
    slug: "modular-library-shelving",
    title: "Modular Library Shelving",
    clientName: "Eastfield Public Library",
    serviceSlug: "cnc-fabrication",
    summary: "Flat-pack birch plywood shelving that volunteers assembled in a weekend.",
    body: "CNC-cut birch plywood with tool-free joinery. 140 bays, every part labelled and nested to keep waste under 8%.",
    materials: ["birch plywood"],
    year: 2024,
    isFeatured: false,
    publishedAt: new Date("2024-02-20T09:00:00Z"),
  },
  {
    slug: "lumen-desk-lamp",
    title: "Lumen Desk Lamp",
    clientName: "Lumen Lighting Co.",
    serviceSlug: "product-design",
    summary: "A die-cast aluminium task lamp, designed for a production run of 2,000.",
    body: "We developed the lamp from concept sketches to tooling-ready CAD, including thermal testing of three LED housings.",
    materials: ["aluminium", "silicone"],
    year: 2023,
    isFeatured: true,
    publishedAt: new Date("2023-06-08T09:00:00Z"),
  },
  {
    slug: "orchard-bakery-display",
    title: "Orchard Bakery Display",
    clientName: "Orchard Bakery",
    serviceSlug: "retail-fitout",
    summary: "Tiered bread display and wall shelving in ash with powder-coated brackets.",
    body: "A compact fit-out for a 30 m² shop: tiered display, wall shelving and a bench for the queue.",
    materials: ["ash", "powder-coated steel"],
    year: 2022,
    isFeatured: false,
    publishedAt: new Date("2022-09-30T09:00:00Z"),
  },
  {
    slug: "studio-workbench-series",
    title: "Studio Workbench Series",
    clientName: null,
    serviceSlug: "cnc-fabrication",
    summary: "Our own line of maple-topped workbenches, now in three lengths.",
    body: "Developed in-house for our shop and now built to order. Each bench has a replaceable sacrificial top.",
    materials: ["hard maple", "steel"],
    year: 2022,
    isFeatured: false,
    publishedAt: new Date("2022-03-11T09:00:00Z"),
  },
  {
    slug: "gallery-screen-wall",
    title: "Gallery Screen Wall",
    clientName: "Quayside Gallery",
    serviceSlug: "metalwork",
    summary: "A perforated brass screen dividing the gallery shop from the exhibition space.",
    body: "Unpublished draft: photography is scheduled for next month.",
    materials: ["brass"],
    year: 2025,
    isFeatured: false,
    publishedAt: null,
  },
];

const demoClients = [
  { email: "maya.chen@northwind-cafe.example", firstName: "Maya", lastName: "Chen", company: "Northwind Café" },
  { email: "tom.okafor@eastfield-library.example", firstName: "Tom", lastName: "Okafor", company: "Eastfield Public Library" },
];

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set to seed accounts (see .env)`);
  }
  return value;
}

async function seedUser(
  email: string,
  password: string,
  role: UserRole,
  profile: { firstName: string; lastName: string; company?: string },
): Promise<string> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (existing) {
    return existing.id;
  }
  const [created] = await db
    .insert(users)
    .values({ email, role, passwordHash: await hashPassword(password), ...profile })
    .returning({ id: users.id });
  return created.id;
}

/** Inserts the demo data set; existing rows with the same natural keys are left as they are. */
export async function seed(): Promise<void> {
  await db.insert(services).values(seedServices).onConflictDoNothing({ target: services.slug });
  const serviceRows = await db.select({ id: services.id, slug: services.slug }).from(services);
  const serviceIds = new Map(serviceRows.map((row) => [row.slug, row.id]));

  await db
    .insert(portfolioProjects)
    .values(seedPortfolio.map(({ serviceSlug, ...project }) => ({ ...project, serviceId: serviceIds.get(serviceSlug) })))
    .onConflictDoNothing({ target: portfolioProjects.slug });
  const projectRows = await db.select({ id: portfolioProjects.id, slug: portfolioProjects.slug }).from(portfolioProjects);
  const projectIds = new Map(projectRows.map((row) => [row.slug, row.id]));

  const [anyTestimonial] = await db.select({ id: testimonials.id }).from(testimonials).limit(1);
  if (!anyTestimonial) {
    await db.insert(testimonials).values([
      {
        authorName: "Maya Chen",
        authorTitle: "Owner",
        company: "Northwind Café",
        quote: "The counter has survived three years of espresso spills and still looks new. Alloy sweated every detail.",
        rating: 5,
        portfolioProjectId: projectIds.get("northwind-cafe-counter"),
        isApproved: true,
      },
      {
        authorName: "Tom Okafor",
        authorTitle: "Facilities Manager",
        company: "Eastfield Public Library",
        quote: "Our volunteers built 140 bays in a weekend without a single missing part. Remarkable planning.",
        rating: 5,
        portfolioProjectId: projectIds.get("modular-library-shelving"),
        isApproved: true,
      },
      {
        authorName: "Priya Raman",
        authorTitle: "Head of Product",
        company: "Lumen Lighting Co.",
        quote: "Alloy took us from sketches to tooling in eleven weeks and caught two costly issues before we cut steel.",
        rating: 4,
        portfolioProjectId: projectIds.get("lumen-desk-lamp"),
        isApproved: true,
      },
      {
        authorName: "Jonas Weber",
        authorTitle: "Architect",
        company: "Weber Atelier",
        quote: "The stair is the first thing every visitor photographs. The brass rail is already getting a lovely patina.",
        rating: 5,
        portfolioProjectId: projectIds.get("harbour-house-stair"),
        isApproved: true,
      },
      {
        authorName: "Sam Ellis",
        authorTitle: null,
        company: null,
        quote: "Lead time slipped by two weeks and nobody told us until we asked. The work itself was fine.",
        rating: 2,
        portfolioProjectId: null,
        isApproved: false,
      },
    ]);
  }

  const adminId = await seedUser(requireEnv("SEED_ADMIN_EMAIL"), requireEnv("SEED_ADMIN_PASSWORD"), "admin", {
    firstName: "Studio",
    lastName: "Admin",
  });
  const clientPassword = requireEnv("SEED_CLIENT_PASSWORD");
  const clientIds: string[] = [];
  for (const client of demoClients) {
    const { email, ...profile } = client;
    clientIds.push(await seedUser(email, clientPassword, "client", profile));
  }

  const [mayaProject] = await db
    .select({ id: clientProjects.id })
    .from(clientProjects)
    .where(and(eq(clientProjects.userId, clientIds[0]), eq(clientProjects.title, "Second location counter")));
  if (!mayaProject) {
    const [counter] = await db
      .insert(clientProjects)
      .values({
        userId: clientIds[0],
        serviceId: serviceIds.get("retail-fitout"),
        title: "Second location counter",
        description: "A shorter version of the Northwind counter for our new Harbour Street shop, same materials.",
        status: "in_progress",
        budgetCents: 2_200_000,
        dueDate: "2026-03-01",
      })
      .returning({ id: clientProjects.id });
    await db.insert(clientProjects).values({
      userId: clientIds[0],
      serviceId: serviceIds.get("design-consultation"),
      title: "Menu board ideas",
      description: "We would like to talk through options for a changeable menu board behind the counter.",
      status: "inquiry",
    });
    await db.insert(projectUpdates).values([
      {
        clientProjectId: counter.id,
        authorId: adminId,
        body: "Site measurements done. Drawings for your sign-off will follow by Friday.",
        isInternal: false,
      },
      {
        clientProjectId: counter.id,
        authorId: adminId,
        body: "Internal: oak supplier quoted 12% over last year; absorb it, do not re-quote.",
        isInternal: true,
      },
    ]);
    await db.insert(clientProjects).values({
      userId: clientIds[1],
      serviceId: serviceIds.get("cnc-fabrication"),
      title: "Children's corner benches",
      description: "Six low benches for the children's corner, matching the existing birch shelving.",
      status: "quoted",
      budgetCents: 480_000,
    });
  }

  const [anyMessage] = await db.select({ id: contactMessages.id }).from(contactMessages).limit(1);
  if (!anyMessage) {
    await db.insert(contactMessages).values([
      {
        name: "Leah Morris",
        email: "leah@morris-interiors.example",
        company: "Morris Interiors",
        serviceInterest: "retail-fitout",
        subject: "Boutique fit-out in spring",
        message: "We are opening a 45 m² boutique in April and would like a quote for shelving and a cash desk.",
        status: "new",
      },
      {
        name: "Dev Patel",
        email: "dev.patel@example.net",
        subject: "Replacement workbench top",
        message: "Do you sell replacement maple tops for the studio workbench?",
        status: "read",
      },
      {
        name: "Ana Souza",
        email: "ana@souza.example",
        subject: "Press enquiry",
        message: "I write for a design magazine and would love to feature the Harbour House stair.",
        status: "archived",
      },
    ]);
  }

  await db
    .insert(newsletterSubscribers)
    .values([
      { email: "reader.one@example.net", name: "Reader One", unsubscribeToken: "seed-token-reader-one-0000000000000001" },
      { email: "reader.two@example.net", name: null, unsubscribeToken: "seed-token-reader-two-0000000000000002" },
      {
        email: "former.reader@example.net",
        name: "Former Reader",
        status: "unsubscribed",
        unsubscribeToken: "seed-token-former-reader-00000000000003",
        unsubscribedAt: new Date("2025-01-15T12:00:00Z"),
      },
    ])
    .onConflictDoNothing({ target: newsletterSubscribers.email });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  seed()
    .then(() => console.log("Seed complete."))
    .catch((error: unknown) => {
      console.error("Seed failed:", error);
      process.exitCode = 1;
    })
    .finally(() => pool.end());
}
