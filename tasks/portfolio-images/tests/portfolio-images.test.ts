// Hidden tests for the portfolio-images task: an image gallery on portfolio projects.
// HTTP only. Every test creates its own published portfolio project through the existing admin API,
// so nothing depends on seed projects having (or not having) images.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject } from "@shared/schema";
import { closeApp, dataOf, getApp, loginAs, uniqueSlug, type TestAgent } from "../helpers";

after(closeApp);

/** The fields of a gallery image the API must return (declared here: the tests do not import new types). */
interface GalleryImage {
  id: number;
  portfolioProjectId: number;
  url: string;
  altText: string;
  sortOrder: number;
}

const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createProject(): Promise<PortfolioProject> {
  const response = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("gallery"),
    title: "Gallery test project",
    summary: "A project created by the gallery tests.",
    body: "Body text for the gallery tests.",
    year: 2025,
    publishedAt: new Date("2025-01-15T09:00:00Z").toISOString(),
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<PortfolioProject>(response.body);
}

function imageUrl(name: string): string {
  return `https://assets.alloy-tests.example/portfolio/${name}.jpg`;
}

async function addImage(projectId: number, body: Record<string, unknown>) {
  return admin.post(`/api/admin/portfolio/${projectId}/images`).send(body);
}

async function addImageOk(projectId: number, body: Record<string, unknown>): Promise<GalleryImage> {
  const response = await addImage(projectId, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<GalleryImage>(response.body);
}

async function publicImages(slug: string): Promise<GalleryImage[]> {
  const response = await request(await getApp()).get(`/api/portfolio/${slug}`);
  assert.equal(response.status, 200);
  const project = dataOf<{ images?: GalleryImage[] }>(response.body);
  assert.ok(Array.isArray(project.images), "the project detail has an images array");
  return project.images;
}

describe("portfolio images: public detail", () => {
  it("includes an empty images array for a project without images", async () => {
    const project = await createProject();
    assert.deepEqual(await publicImages(project.slug), []);
  });

  it("lists images ordered by sortOrder, then by creation", async () => {
    const project = await createProject();
    const late = await addImageOk(project.id, { url: imageUrl("late"), altText: "Late", sortOrder: 2 });
    const firstZero = await addImageOk(project.id, { url: imageUrl("zero-a"), altText: "Zero A", sortOrder: 0 });
    const secondZero = await addImageOk(project.id, { url: imageUrl("zero-b"), altText: "Zero B" });
    const middle = await addImageOk(project.id, { url: imageUrl("middle"), altText: "Middle", sortOrder: 1 });
    const images = await publicImages(project.slug);
    assert.deepEqual(
      images.map((image) => image.id),
      [firstZero.id, secondZero.id, middle.id, late.id],
    );
    assert.deepEqual(
      images.map((image) => image.altText),
      ["Zero A", "Zero B", "Middle", "Late"],
    );
  });

  it("shows only the project's own images", async () => {
    const mine = await createProject();
    const other = await createProject();
    const image = await addImageOk(mine.id, { url: imageUrl("mine"), altText: "Mine" });
    await addImageOk(other.id, { url: imageUrl("other"), altText: "Other" });
    const images = await publicImages(mine.slug);
    assert.deepEqual(
      images.map((entry) => entry.id),
      [image.id],
    );
    assert.equal(images[0].url, imageUrl("mine"));
  });

  it("keeps the service and testimonials on a seed project", async () => {
    const response = await request(await getApp()).get("/api/portfolio/northwind-cafe-counter");
    assert.equal(response.status, 200);
    const project = dataOf<{ service: { slug: string }; testimonials: unknown[] }>(response.body);
    assert.equal(project.service.slug, "retail-fitout");
    assert.ok(project.testimonials.length >= 1);
  });
});

describe("portfolio images: admin add", () => {
  it("adds an image and answers 201 with it", async () => {
    const project = await createProject();
    const response = await addImage(project.id, { url: imageUrl("front"), altText: "Counter, front view", sortOrder: 3 });
    assert.equal(response.status, 201);
    const image = dataOf<GalleryImage>(response.body);
    assert.equal(typeof image.id, "number");
    assert.equal(image.portfolioProjectId, project.id);
    assert.equal(image.url, imageUrl("front"));
    assert.equal(image.altText, "Counter, front view");
    assert.equal(image.sortOrder, 3);
  });

  it("defaults sortOrder to 0", async () => {
    const project = await createProject();
    const image = await addImageOk(project.id, { url: imageUrl("default"), altText: "Default order" });
    assert.equal(image.sortOrder, 0);
  });

  it("can add images to an unpublished project", async () => {
    const project = await createProject();
    const unpublished = await admin.patch(`/api/admin/portfolio/${project.id}`).send({ publishedAt: null });
    assert.equal(unpublished.status, 200);
    const response = await addImage(project.id, { url: imageUrl("draft"), altText: "Draft shot" });
    assert.equal(response.status, 201);
  });

  it("rejects a url that is not a URL with 400", async () => {
    const project = await createProject();
    const response = await addImage(project.id, { url: "not a url", altText: "Broken" });
    assert.equal(response.status, 400);
  });

  it("rejects a missing or empty altText with 400", async () => {
    const project = await createProject();
    assert.equal((await addImage(project.id, { url: imageUrl("no-alt") })).status, 400);
    assert.equal((await addImage(project.id, { url: imageUrl("empty-alt"), altText: "" })).status, 400);
  });

  it("rejects an altText longer than 200 characters with 400", async () => {
    const project = await createProject();
    const response = await addImage(project.id, { url: imageUrl("long-alt"), altText: "a".repeat(201) });
    assert.equal(response.status, 400);
    const ok = await addImage(project.id, { url: imageUrl("max-alt"), altText: "a".repeat(200) });
    assert.equal(ok.status, 201);
  });

  it("rejects a non-integer sortOrder with 400", async () => {
    const project = await createProject();
    assert.equal((await addImage(project.id, { url: imageUrl("bad-order"), altText: "Bad", sortOrder: "first" })).status, 400);
    assert.equal((await addImage(project.id, { url: imageUrl("frac-order"), altText: "Bad", sortOrder: 1.5 })).status, 400);
  });

  it("rejects a non-numeric project id with 400", async () => {
    const response = await admin.post("/api/admin/portfolio/abc/images").send({ url: imageUrl("abc"), altText: "Abc" });
    assert.equal(response.status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    const response = await addImage(UNKNOWN_ID, { url: imageUrl("nowhere"), altText: "Nowhere" });
    assert.equal(response.status, 404);
  });
});

describe("portfolio images: admin delete", () => {
  it("deletes an image", async () => {
    const project = await createProject();
    const keep = await addImageOk(project.id, { url: imageUrl("keep"), altText: "Keep" });
    const drop = await addImageOk(project.id, { url: imageUrl("drop"), altText: "Drop" });
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/images/${drop.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      (await publicImages(project.slug)).map((image) => image.id),
      [keep.id],
    );
    const again = await admin.delete(`/api/admin/portfolio/${project.id}/images/${drop.id}`);
    assert.equal(again.status, 404);
  });

  it("answers 404 when the image belongs to another project, and keeps it", async () => {
    const owner = await createProject();
    const other = await createProject();
    const image = await addImageOk(owner.id, { url: imageUrl("owned"), altText: "Owned" });
    const response = await admin.delete(`/api/admin/portfolio/${other.id}/images/${image.id}`);
    assert.equal(response.status, 404);
    assert.deepEqual(
      (await publicImages(owner.slug)).map((entry) => entry.id),
      [image.id],
    );
  });

  it("answers 404 for an unknown image", async () => {
    const project = await createProject();
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/images/${UNKNOWN_ID}`);
    assert.equal(response.status, 404);
  });

  it("rejects a non-numeric image id with 400", async () => {
    const project = await createProject();
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/images/abc`);
    assert.equal(response.status, 400);
  });

  it("deletes a project that has images, and its images with it", async () => {
    const project = await createProject();
    await addImageOk(project.id, { url: imageUrl("cascade"), altText: "Cascade" });
    const response = await admin.delete(`/api/admin/portfolio/${project.id}`);
    assert.equal(response.status, 200);
    const gone = await request(await getApp()).get(`/api/portfolio/${project.slug}`);
    assert.equal(gone.status, 404);
  });
});

describe("portfolio images: access", () => {
  it("answers 401 without a session", async () => {
    const project = await createProject();
    const app = await getApp();
    const add = await request(app)
      .post(`/api/admin/portfolio/${project.id}/images`)
      .send({ url: imageUrl("anon"), altText: "Anonymous" });
    assert.equal(add.status, 401);
    const image = await addImageOk(project.id, { url: imageUrl("anon-target"), altText: "Target" });
    const remove = await request(app).delete(`/api/admin/portfolio/${project.id}/images/${image.id}`);
    assert.equal(remove.status, 401);
  });

  it("answers 403 to a client", async () => {
    const project = await createProject();
    const { agent } = await loginAs("client");
    const add = await agent
      .post(`/api/admin/portfolio/${project.id}/images`)
      .send({ url: imageUrl("client"), altText: "Client" });
    assert.equal(add.status, 403);
    const image = await addImageOk(project.id, { url: imageUrl("client-target"), altText: "Target" });
    const remove = await agent.delete(`/api/admin/portfolio/${project.id}/images/${image.id}`);
    assert.equal(remove.status, 403);
    assert.equal((await publicImages(project.slug)).length, 1);
  });
});
