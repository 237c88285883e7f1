// Hidden tests for the portfolio-scheduled-publishing task without STUDIO_TIMEZONE (it is not in the fixture's
// .env): local times are then UTC wall-clock times. The variable is removed before the app and its
// configuration are loaded, whatever the environment says.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

delete process.env.STUDIO_TIMEZONE;

const { closeApp, dataOf, loginAs, uniqueSlug } = await import("../helpers");
type TestAgent = Awaited<ReturnType<typeof loginAs>>["agent"];

after(closeApp);

interface AdminProjectView {
  id: number;
  publishedAt: string | null;
  publication: { status: string; publishAt: string | null; localTime: string | null; timeZone: string | null };
}

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function scheduleNewProject(body: Record<string, unknown>): Promise<AdminProjectView> {
  const created = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("utc-scheduled"),
    title: "Riverside Bench Series",
    summary: "Cast-iron and larch benches for a riverside park.",
    body: "Twelve benches, fabricated in two batches.",
    materials: ["larch", "cast iron"],
    year: 2041,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { id } = dataOf<{ id: number }>(created.body);
  const response = await admin.put(`/api/admin/portfolio/${id}/schedule`).send(body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return dataOf<AdminProjectView>(response.body);
}

describe("portfolio schedule: default studio time zone", () => {
  it("reads local times as UTC when STUDIO_TIMEZONE is not set", async () => {
    const project = await scheduleNewProject({ publishAt: "2041-07-15T10:00" });
    assert.equal(Date.parse(project.publication.publishAt ?? ""), Date.parse("2041-07-15T10:00:00Z"));
    assert.equal(project.publication.localTime, "2041-07-15T10:00");
    assert.equal(project.publication.timeZone, "UTC");
    assert.equal(project.publication.status, "scheduled");
  });

  it("still honours a time zone given with the schedule", async () => {
    const project = await scheduleNewProject({ publishAt: "2041-07-15T10:00", timeZone: "Europe/Lisbon" });
    assert.equal(Date.parse(project.publication.publishAt ?? ""), Date.parse("2041-07-15T09:00:00Z"));
    assert.equal(project.publication.localTime, "2041-07-15T10:00");
    assert.equal(project.publication.timeZone, "Europe/Lisbon");
  });
});
