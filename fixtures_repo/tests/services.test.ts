import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import request from "supertest";
import type { Service } from "@shared/schema";
import { closeApp, getApp } from "./helpers";

after(closeApp);

describe("GET /api/services", () => {
  it("lists the studio's services in display order", async () => {
    const response = await request(await getApp()).get("/api/services");
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    const services: Service[] = response.body.data;
    const slugs = services.map((service) => service.slug);
    for (const slug of ["product-design", "cnc-fabrication", "metalwork", "design-consultation"]) {
      assert.ok(slugs.includes(slug), `missing ${slug}`);
    }
    const orders = services.map((service) => service.sortOrder);
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b));
  });

  it("returns one service by slug", async () => {
    const response = await request(await getApp()).get("/api/services/cnc-fabrication");
    assert.equal(response.status, 200);
    assert.equal(response.body.data.name, "CNC Fabrication");
    assert.equal(response.body.data.category, "fabrication");
  });

  it("answers 404 with an error for an unknown slug", async () => {
    const response = await request(await getApp()).get("/api/services/underwater-welding");
    assert.equal(response.status, 404);
    assert.equal(typeof response.body.error, "string");
  });

  it("hides an inactive service's detail page", async () => {
    const response = await request(await getApp()).get("/api/services/laser-engraving");
    assert.equal(response.status, 404);
  });
});
