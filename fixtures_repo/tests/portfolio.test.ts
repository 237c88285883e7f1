import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { PortfolioProject, Service, Testimonial } from "@shared/schema";
import { closeApp, getApp } from "./helpers";

after(closeApp);

describe("portfolio", () => {
  it("lists published projects only, newest year first", async () => {
    const response = await request(await getApp()).get("/api/portfolio");
    assert.equal(response.status, 200);
    const projects: PortfolioProject[] = response.body.data;
    const slugs = projects.map((project) => project.slug);
    assert.ok(slugs.includes("northwind-cafe-counter"));
    assert.ok(!slugs.includes("gallery-screen-wall"), "unpublished draft must not be listed");
    const years = projects.map((project) => project.year);
    assert.deepEqual(years, [...years].sort((a, b) => b - a));
  });

  it("filters featured projects", async () => {
    const response = await request(await getApp()).get("/api/portfolio?featured=true");
    assert.equal(response.status, 200);
    const projects: PortfolioProject[] = response.body.data;
    assert.ok(projects.length >= 3);
    assert.ok(projects.every((project) => project.isFeatured));
  });

  it("rejects a malformed featured flag", async () => {
    const response = await request(await getApp()).get("/api/portfolio?featured=maybe");
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, "string");
    assert.ok(Array.isArray(response.body.details));
  });

  it("returns a project with its service and approved testimonials", async () => {
    const response = await request(await getApp()).get("/api/portfolio/northwind-cafe-counter");
    assert.equal(response.status, 200);
    const project: PortfolioProject & { service: Service; testimonials: Testimonial[] } = response.body.data;
    assert.equal(project.title, "Northwind Café Counter");
    assert.equal(project.service.slug, "retail-fitout");
    assert.ok(project.materials.includes("white oak"));
    assert.ok(project.testimonials.length >= 1);
    assert.ok(project.testimonials.every((testimonial) => testimonial.isApproved));
  });

  it("answers 404 for an unpublished project", async () => {
    const response = await request(await getApp()).get("/api/portfolio/gallery-screen-wall");
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
  });

  it("lists the services that have portfolio work", async () => {
    const response = await request(await getApp()).get("/api/portfolio/services");
    assert.equal(response.status, 200);
    const slugs = (response.body.data as Service[]).map((service) => service.slug);
    assert.ok(slugs.includes("metalwork"));
    assert.ok(!slugs.includes("design-consultation"));
  });
});
