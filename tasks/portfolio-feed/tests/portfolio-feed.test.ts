// Hidden tests for the portfolio-feed task: a public feed of the latest published portfolio projects.
// HTTP only, without a session (the feed is public). Projects are created through the existing admin API
// with publishedAt times later than every seed project and earlier than now. Other test files run at the
// same time and may publish projects of their own (with publishedAt = now), so the tests compare the order
// of their own projects within the feed rather than expecting them at fixed positions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject, Service } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a feed entry the tests read (declared here: the tests do not import new types). */
interface FeedItem {
  id: number;
  slug: string;
  title: string;
  summary: string;
  year: number;
  publishedAt: string | null;
  serviceId: number | null;
  serviceName: string | null;
}

let admin: TestAgent;

// Every created project is published one second after the previous one, starting ten minutes ago:
// later than all seed projects (2024 at the latest), never in the future.
let clock = Date.now() - 10 * 60_000;
function nextPublishedAt(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createProject(fields: { publishedAt?: string | null; serviceId?: number | null } = {}) {
  const response = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("feed"),
    title: "Feed test project",
    summary: "A project created by the portfolio feed tests.",
    body: "Body text for the portfolio feed tests.",
    year: 2025,
    publishedAt: fields.publishedAt === undefined ? nextPublishedAt() : fields.publishedAt,
    serviceId: fields.serviceId ?? null,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

async function feed(query = "") {
  return request(await getApp()).get(`/api/portfolio/feed${query}`);
}

async function feedItems(query = ""): Promise<FeedItem[]> {
  const response = await feed(query);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const items = dataOf<FeedItem[]>(response.body);
  assert.ok(Array.isArray(items), "the feed is a list");
  return items;
}

/** The ids of `projects` in the order the feed lists them (projects missing from the feed are left out). */
function orderIn(items: FeedItem[], projects: PortfolioProject[]): number[] {
  const mine = new Set(projects.map((project) => project.id));
  return items.filter((item) => mine.has(item.id)).map((item) => item.id);
}

async function activeService(): Promise<Service> {
  const response = await request(await getApp()).get("/api/services");
  assert.equal(response.status, 200);
  const services = dataOf<Service[]>(response.body).filter((service) => service.isActive);
  assert.ok(services.length > 0, "the seed has an active service");
  return services[0];
}

describe("portfolio feed: contents", () => {
  it("lists the latest published projects, newest first, without a session", async () => {
    const first = await createProject();
    const second = await createProject();
    const third = await createProject();
    const items = await feedItems("?limit=50");
    assert.deepEqual(orderIn(items, [first, second, third]), [third.id, second.id, first.id]);
    const entry = items.find((item) => item.id === third.id);
    assert.equal(entry?.slug, third.slug);
    assert.equal(entry?.title, "Feed test project");
    const newest = await feedItems("?limit=4");
    assert.ok(newest.some((item) => item.id === third.id), "the newest project is among the first entries");
  });

  it("orders by publication time, not by creation", async () => {
    const earlier = nextPublishedAt();
    const later = nextPublishedAt();
    const publishedLater = await createProject({ publishedAt: later });
    const publishedEarlier = await createProject({ publishedAt: earlier });
    const items = await feedItems("?limit=50");
    assert.deepEqual(orderIn(items, [publishedLater, publishedEarlier]), [publishedLater.id, publishedEarlier.id]);
  });

  it("includes the name of each project's service, or null without one", async () => {
    const service = await activeService();
    const withService = await createProject({ serviceId: service.id });
    const withoutService = await createProject();
    const items = await feedItems("?limit=50");
    assert.deepEqual(orderIn(items, [withService, withoutService]), [withoutService.id, withService.id]);
    assert.equal(items.find((item) => item.id === withService.id)?.serviceName, service.name);
    assert.equal(items.find((item) => item.id === withoutService.id)?.serviceName, null);
  });

  it("never lists drafts", async () => {
    const published = await createProject();
    const draft = await createProject({ publishedAt: null });
    const unpublished = await createProject();
    const patched = await admin.patch(`/api/admin/portfolio/${unpublished.id}`).send({ publishedAt: null });
    assert.equal(patched.status, 200);
    const ids = (await feedItems("?limit=50")).map((item) => item.id);
    assert.ok(ids.includes(published.id), "the published project is in the feed");
    assert.ok(!ids.includes(draft.id), "a draft is not in the feed");
    assert.ok(!ids.includes(unpublished.id), "an unpublished project is not in the feed");
    const seedDraft = (await feedItems("?limit=50")).find((item) => item.slug === "gallery-screen-wall");
    assert.equal(seedDraft, undefined);
  });
});

describe("portfolio feed: limit", () => {
  it("returns 10 projects by default", async () => {
    const created = [];
    for (let i = 0; i < 11; i += 1) {
      created.push(await createProject());
    }
    // The eleven are newer than everything else in the feed except, at most, one project another test
    // file publishes at this moment: the default ten hold the newest of them and never the oldest.
    const items = await feedItems();
    assert.equal(items.length, 10);
    const ids = items.map((item) => item.id);
    assert.ok(ids.includes(created[10].id), "the newest project is listed");
    assert.ok(!ids.includes(created[0].id), "the eleventh newest project is not");
    assert.deepEqual(orderIn(items, created), orderIn(items, created).toSorted((a, b) => b - a));
  });

  it("returns exactly limit projects for limits from 1 to 50", async () => {
    for (let i = 0; i < 3; i += 1) {
      await createProject();
    }
    assert.equal((await feedItems("?limit=1")).length, 1);
    assert.equal((await feedItems("?limit=7")).length, 7);
    const all = await feedItems("?limit=50");
    assert.ok(all.length > 10 && all.length <= 50, `limit=50 gave ${all.length} projects`);
  });

  it("answers 400 for a limit outside 1..50 or not a whole number", async () => {
    for (const limit of ["0", "51", "-1", "2.5", "abc", "1000"]) {
      const response = await feed(`?limit=${limit}`);
      assert.equal(response.status, 400, `limit=${limit} answered ${response.status}`);
    }
  });
});

describe("portfolio feed: neighbours", () => {
  it("keeps serving project details by slug", async () => {
    const response = await request(await getApp()).get("/api/portfolio/northwind-cafe-counter");
    assert.equal(response.status, 200);
    const project = dataOf<{ slug: string; service: { slug: string } }>(response.body);
    assert.equal(project.slug, "northwind-cafe-counter");
    assert.equal(project.service.slug, "retail-fitout");
  });
});
