// Hidden tests for the portfolio-scheduled-publishing task: admins schedule a portfolio project with a local
// wall-clock time in the studio's time zone (STUDIO_TIMEZONE) or a zone they name; it is stored as a UTC
// instant in publishedAt, and the public site shows a project only once that instant has passed.
//
// STUDIO_TIMEZONE is not in the fixture's .env: this file sets it to Europe/Lisbon (UTC+0 in winter, UTC+1
// in summer) before the app and its configuration are loaded, by importing the app modules dynamically after
// the assignment. portfolio-scheduled-publishing-default.test.ts covers the default (UTC).
//
// Tests control "now" only through data: every schedule lies in 2041 or later (DST changes in 2041:
// Lisbon 31 March 01:00→02:00 and 27 October 02:00→01:00; New York 10 March 02:00→03:00 and 3 November
// 02:00→01:00). Every test creates projects of its own with unique slugs, so the shared database may hold
// anything else.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";

process.env.STUDIO_TIMEZONE = "Europe/Lisbon";

const { clearOutbox, getOutbox } = await import("../../server/services/email-service");
const { closeApp, dataOf, getApp, loginAs, uniqueSlug } = await import("../helpers");
type TestAgent = Awaited<ReturnType<typeof loginAs>>["agent"];

after(closeApp);
beforeEach(clearOutbox);

const STUDIO_ZONE = "Europe/Lisbon";
const UNKNOWN_ID = 2_147_483_647; // the largest int4: a valid id that no row has
const MINUTE = 60_000;

/** The fields of a project the tests read (declared here: the tests do not import new types). */
interface ProjectView {
  id: number;
  slug: string;
  title: string;
  serviceId: number | null;
  publishedAt: string | null;
}

interface Publication {
  status: string;
  publishAt: string | null;
  localTime: string | null;
  timeZone: string | null;
}

type AdminProjectView = ProjectView & { publication: Publication };

let admin: TestAgent;

before(async () => {
  admin = (await loginAs("admin")).agent;
});

async function createProject(fields: Record<string, unknown> = {}): Promise<ProjectView> {
  const response = await admin.post("/api/admin/portfolio").send({
    slug: uniqueSlug("scheduled"),
    title: "Harbour Kiosk Refit",
    summary: "A compact oak-and-steel kiosk for the harbour front.",
    body: "Designed and fabricated in the studio over six weeks.",
    materials: ["oak", "steel"],
    year: 2041,
    ...fields,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return dataOf<ProjectView>(response.body);
}

function schedule(id: number | string, body: unknown) {
  return admin.put(`/api/admin/portfolio/${id}/schedule`).send(body as object);
}

async function scheduleOk(id: number, body: Record<string, unknown>): Promise<AdminProjectView> {
  const response = await schedule(id, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const project = dataOf<AdminProjectView>(response.body);
  assert.equal(project.id, id);
  return project;
}

async function adminList(query = ""): Promise<AdminProjectView[]> {
  const response = await admin.get(`/api/admin/portfolio${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const projects = dataOf<AdminProjectView[]>(response.body);
  assert.ok(Array.isArray(projects), "the admin list is a list");
  return projects;
}

async function adminView(id: number): Promise<AdminProjectView> {
  const project = (await adminList()).find((entry) => entry.id === id);
  assert.ok(project, `project ${id} is in the admin list`);
  return project;
}

async function publicSlugs(query = ""): Promise<string[]> {
  const response = await request(await getApp()).get(`/api/portfolio${query}`);
  assert.equal(response.status, 200);
  return dataOf<ProjectView[]>(response.body).map((project) => project.slug);
}

async function publicPageStatus(slug: string): Promise<number> {
  return (await request(await getApp()).get(`/api/portfolio/${slug}`)).status;
}

function sameInstant(actual: string | null | undefined, expected: string): boolean {
  return typeof actual === "string" && Date.parse(actual) === Date.parse(expected);
}

function assertScheduledAt(project: AdminProjectView, utc: string, localTime: string, timeZone: string): void {
  const { publication } = project;
  assert.ok(publication, "the project carries its publication");
  assert.equal(publication.status, "scheduled");
  assert.ok(sameInstant(publication.publishAt, utc), `publishAt ${publication.publishAt}, expected ${utc}`);
  assert.ok(sameInstant(project.publishedAt, utc), `publishedAt ${project.publishedAt}, expected ${utc}`);
  assert.equal(publication.localTime, localTime);
  assert.equal(publication.timeZone, timeZone);
}

/** The wall-clock time (YYYY-MM-DDTHH:mm) that `instant` shows in `timeZone`. */
function localTimeOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value;
  return `${field("year")}-${field("month")}-${field("day")}T${field("hour")}:${field("minute")}`;
}

describe("portfolio schedule: local time to UTC", () => {
  it("converts a winter time in the studio's zone (UTC+0)", async () => {
    const project = await createProject();
    const scheduled = await scheduleOk(project.id, { publishAt: "2041-01-15T10:00" });
    assertScheduledAt(scheduled, "2041-01-15T10:00:00Z", "2041-01-15T10:00", STUDIO_ZONE);
  });

  it("converts a summer time in the studio's zone (UTC+1)", async () => {
    const project = await createProject();
    const scheduled = await scheduleOk(project.id, { publishAt: "2041-07-15T10:00" });
    assertScheduledAt(scheduled, "2041-07-15T09:00:00Z", "2041-07-15T10:00", STUDIO_ZONE);
  });

  it("answers 400 for a local time skipped when the clocks go forward, and leaves the project a draft", async () => {
    const project = await createProject();
    for (const publishAt of ["2041-03-31T01:00", "2041-03-31T01:30", "2041-03-31T01:59"]) {
      const response = await schedule(project.id, { publishAt });
      assert.equal(response.status, 400, `${publishAt} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    const view = await adminView(project.id);
    assert.equal(view.publication.status, "draft");
    assert.equal(view.publishedAt, null);
    assert.equal(getOutbox().length, 0, "no email for a refused schedule");
  });

  it("converts the minutes either side of the spring gap", async () => {
    const before = await createProject();
    const afterGap = await createProject();
    assertScheduledAt(
      await scheduleOk(before.id, { publishAt: "2041-03-31T00:59" }),
      "2041-03-31T00:59:00Z",
      "2041-03-31T00:59",
      STUDIO_ZONE,
    );
    assertScheduledAt(
      await scheduleOk(afterGap.id, { publishAt: "2041-03-31T02:00" }),
      "2041-03-31T01:00:00Z",
      "2041-03-31T02:00",
      STUDIO_ZONE,
    );
  });

  it("takes the earlier instant for a local time that happens twice when the clocks go back", async () => {
    const project = await createProject();
    const scheduled = await scheduleOk(project.id, { publishAt: "2041-10-27T01:30" });
    assertScheduledAt(scheduled, "2041-10-27T00:30:00Z", "2041-10-27T01:30", STUDIO_ZONE);
  });

  it("converts the minutes around the autumn overlap", async () => {
    const cases: [string, string][] = [
      ["2041-10-27T00:59", "2041-10-26T23:59:00Z"],
      ["2041-10-27T01:00", "2041-10-27T00:00:00Z"],
      ["2041-10-27T01:59", "2041-10-27T00:59:00Z"],
      ["2041-10-27T02:00", "2041-10-27T02:00:00Z"],
    ];
    for (const [publishAt, utc] of cases) {
      const project = await createProject();
      assertScheduledAt(await scheduleOk(project.id, { publishAt }), utc, publishAt, STUDIO_ZONE);
    }
  });

  it("uses the time zone given with the schedule", async () => {
    const project = await createProject();
    const scheduled = await scheduleOk(project.id, { publishAt: "2041-07-04T09:00", timeZone: "America/New_York" });
    assertScheduledAt(scheduled, "2041-07-04T13:00:00Z", "2041-07-04T09:00", "America/New_York");
  });

  it("applies the given zone's own daylight-saving changes", async () => {
    const gap = await createProject();
    const response = await schedule(gap.id, { publishAt: "2041-03-10T02:30", timeZone: "America/New_York" });
    assert.equal(response.status, 400, "02:30 does not exist in New York on 10 March 2041");
    const overlap = await createProject();
    assertScheduledAt(
      await scheduleOk(overlap.id, { publishAt: "2041-11-03T01:30", timeZone: "America/New_York" }),
      "2041-11-03T05:30:00Z",
      "2041-11-03T01:30",
      "America/New_York",
    );
    const lisbon = await createProject();
    assertScheduledAt(
      await scheduleOk(lisbon.id, { publishAt: "2041-03-10T02:30" }),
      "2041-03-10T02:30:00Z",
      "2041-03-10T02:30",
      STUDIO_ZONE,
    );
  });

  it("converts a zone whose offset is not a whole hour", async () => {
    const project = await createProject();
    const scheduled = await scheduleOk(project.id, { publishAt: "2041-05-01T12:00", timeZone: "Asia/Kathmandu" });
    assertScheduledAt(scheduled, "2041-05-01T06:15:00Z", "2041-05-01T12:00", "Asia/Kathmandu");
  });
});

describe("portfolio schedule: refusals", () => {
  it("answers 400 for a missing or malformed publishAt", async () => {
    const project = await createProject();
    const bodies: unknown[] = [
      {},
      { publishAt: "" },
      { publishAt: "2041-01-15" },
      { publishAt: "2041-01-15 10:00" },
      { publishAt: "2041-01-15T10:00:00" },
      { publishAt: "2041-01-15T10:00Z" },
      { publishAt: "2041-01-15T10:00:00.000Z" },
      { publishAt: "2041-01-15T10:00+01:00" },
      { publishAt: "15/01/2041 10:00" },
      { publishAt: "2041-1-15T10:00" },
      { publishAt: 2_241_000_000_000 },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const response = await schedule(project.id, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal((await adminView(project.id)).publication.status, "draft");
  });

  it("answers 400 for an impossible date or time", async () => {
    const project = await createProject();
    for (const publishAt of [
      "2041-02-29T10:00",
      "2041-04-31T10:00",
      "2041-13-01T10:00",
      "2041-00-10T10:00",
      "2041-01-15T24:00",
      "2041-01-15T10:60",
    ]) {
      const response = await schedule(project.id, { publishAt });
      assert.equal(response.status, 400, `${publishAt} answered ${response.status}`);
    }
    assert.equal((await adminView(project.id)).publication.status, "draft");
  });

  it("answers 400 for an unknown time zone", async () => {
    const project = await createProject();
    for (const timeZone of ["Mars/Olympus_Mons", "Europe/Lisbonn", "", 42]) {
      const response = await schedule(project.id, { publishAt: "2041-07-15T10:00", timeZone });
      assert.equal(response.status, 400, `${JSON.stringify(timeZone)} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
    assert.equal((await adminView(project.id)).publication.status, "draft");
  });

  it("answers 400 for a time that is not in the future, and sends no email", async () => {
    const project = await createProject();
    const tenMinutesAgo = localTimeOf(new Date(Date.now() - 10 * MINUTE), STUDIO_ZONE);
    for (const publishAt of ["2020-05-01T10:00", tenMinutesAgo]) {
      const response = await schedule(project.id, { publishAt });
      assert.equal(response.status, 400, `${publishAt} answered ${response.status}`);
    }
    assert.equal((await adminView(project.id)).publication.status, "draft");
    assert.equal(getOutbox().length, 0);
  });

  it("answers 409 for a project that is already live, and leaves it live", async () => {
    const publishedAt = new Date(Date.now() - 60 * MINUTE).toISOString();
    const project = await createProject({ publishedAt });
    const response = await schedule(project.id, { publishAt: "2041-07-15T10:00" });
    assert.equal(response.status, 409);
    assert.equal(typeof response.body.error, "string");
    const view = await adminView(project.id);
    assert.equal(view.publication.status, "published");
    assert.ok(sameInstant(view.publishedAt, publishedAt));
    assert.equal(await publicPageStatus(project.slug), 200);
    assert.equal(getOutbox().length, 0);
  });

  it("answers 400 for a non-numeric project id", async () => {
    const response = await schedule("abc", { publishAt: "2041-07-15T10:00" });
    assert.equal(response.status, 400);
    assert.equal((await admin.delete("/api/admin/portfolio/abc/schedule")).status, 400);
  });

  it("answers 404 for an unknown project", async () => {
    assert.equal((await schedule(UNKNOWN_ID, { publishAt: "2041-07-15T10:00" })).status, 404);
    assert.equal((await admin.delete(`/api/admin/portfolio/${UNKNOWN_ID}/schedule`)).status, 404);
  });
});

describe("portfolio schedule: rescheduling, cancelling and the studio notice", () => {
  it("emails the studio inbox when a project is scheduled", async () => {
    const project = await createProject();
    await scheduleOk(project.id, { publishAt: "2041-07-15T10:00" });
    const studio = process.env.STUDIO_INBOX_EMAIL;
    assert.ok(studio, "STUDIO_INBOX_EMAIL is set in .env");
    const recipients = getOutbox().map((message) => message.to);
    assert.deepEqual(recipients, [studio]);
  });

  it("replaces the time and zone of a scheduled project when it is rescheduled", async () => {
    const project = await createProject();
    await scheduleOk(project.id, { publishAt: "2041-07-04T09:00", timeZone: "America/New_York" });
    const rescheduled = await scheduleOk(project.id, { publishAt: "2041-12-01T18:30" });
    assertScheduledAt(rescheduled, "2041-12-01T18:30:00Z", "2041-12-01T18:30", STUDIO_ZONE);
    assertScheduledAt(await adminView(project.id), "2041-12-01T18:30:00Z", "2041-12-01T18:30", STUDIO_ZONE);
    assert.equal(getOutbox().length, 2, "one notice per schedule");
  });

  it("cancels a schedule, which makes the project a draft again", async () => {
    const project = await createProject();
    await scheduleOk(project.id, { publishAt: "2041-07-15T10:00" });
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/schedule`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const cancelled = dataOf<AdminProjectView>(response.body);
    assert.equal(cancelled.id, project.id);
    assert.equal(cancelled.publishedAt, null);
    assert.deepEqual(cancelled.publication, { status: "draft", publishAt: null, localTime: null, timeZone: null });
    const drafts = await adminList("?status=draft");
    assert.ok(drafts.some((entry) => entry.id === project.id));
    assertScheduledAt(
      await scheduleOk(project.id, { publishAt: "2041-08-01T08:00" }),
      "2041-08-01T07:00:00Z",
      "2041-08-01T08:00",
      STUDIO_ZONE,
    );
  });

  it("answers 200 to cancelling the schedule of a draft, which stays a draft", async () => {
    const project = await createProject();
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/schedule`);
    assert.equal(response.status, 200);
    assert.equal(dataOf<AdminProjectView>(response.body).publication.status, "draft");
  });

  it("answers 409 to cancelling the schedule of a live project, and leaves it live", async () => {
    const project = await createProject({ publishedAt: new Date(Date.now() - 60 * MINUTE).toISOString() });
    const response = await admin.delete(`/api/admin/portfolio/${project.id}/schedule`);
    assert.equal(response.status, 409);
    assert.equal(typeof response.body.error, "string");
    assert.equal(await publicPageStatus(project.slug), 200);
  });
});

describe("portfolio schedule: public site", () => {
  it("keeps a scheduled project off the public list and its page", async () => {
    const project = await createProject({ isFeatured: true });
    await scheduleOk(project.id, { publishAt: "2041-07-15T10:00" });
    assert.ok(!(await publicSlugs()).includes(project.slug));
    assert.ok(!(await publicSlugs("?featured=true")).includes(project.slug));
    assert.equal(await publicPageStatus(project.slug), 404);
  });

  it("treats a future publishedAt set through the existing admin routes as scheduled", async () => {
    const created = await createProject({ publishedAt: "2042-02-01T12:00:00.000Z" });
    const patched = await createProject();
    const response = await admin.patch(`/api/admin/portfolio/${patched.id}`).send({ publishedAt: "2042-06-01T12:00:00.000Z" });
    assert.equal(response.status, 200);
    const slugs = await publicSlugs();
    for (const project of [created, patched]) {
      assert.ok(!slugs.includes(project.slug), `${project.slug} is not listed before its time`);
      assert.equal(await publicPageStatus(project.slug), 404);
    }
    assertScheduledAt(await adminView(created.id), "2042-02-01T12:00:00Z", "2042-02-01T12:00", STUDIO_ZONE);
    assertScheduledAt(await adminView(patched.id), "2042-06-01T12:00:00Z", "2042-06-01T13:00", STUDIO_ZONE);
  });

  it("shows a project whose publish time has passed", async () => {
    const project = await createProject();
    const response = await admin
      .patch(`/api/admin/portfolio/${project.id}`)
      .send({ publishedAt: new Date(Date.now() - MINUTE).toISOString() });
    assert.equal(response.status, 200);
    assert.ok((await publicSlugs()).includes(project.slug));
    assert.equal(await publicPageStatus(project.slug), 200);
  });

  it("lists a service among those with portfolio work only once one of its projects is live", async () => {
    const serviceSlug = uniqueSlug("scheduled-service");
    const created = await admin.post("/api/admin/services").send({
      slug: serviceSlug,
      name: "Kiosk Fit-out",
      category: "fabrication",
      summary: "Small retail kiosks, designed and built in the studio.",
      description: "From sketch to installation.",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const serviceId = dataOf<{ id: number }>(created.body).id;
    const servicesWithWork = async () => {
      const response = await request(await getApp()).get("/api/portfolio/services");
      assert.equal(response.status, 200);
      return dataOf<{ slug: string }[]>(response.body).map((service) => service.slug);
    };
    const scheduled = await createProject({ serviceId });
    await scheduleOk(scheduled.id, { publishAt: "2041-07-15T10:00" });
    assert.ok(!(await servicesWithWork()).includes(serviceSlug), "a scheduled project does not count yet");
    await createProject({ serviceId, publishedAt: new Date(Date.now() - MINUTE).toISOString() });
    assert.ok((await servicesWithWork()).includes(serviceSlug), "a live project counts");
  });
});

describe("portfolio schedule: admin list", () => {
  it("lists drafts, scheduled and published projects with their publication", async () => {
    const draft = await createProject();
    const scheduled = await createProject();
    await scheduleOk(scheduled.id, { publishAt: "2041-10-27T01:30" });
    const publishedAt = new Date(Date.now() - 90 * MINUTE);
    const published = await createProject({ publishedAt: publishedAt.toISOString() });
    const list = await adminList();
    const find = (id: number) => {
      const entry = list.find((project) => project.id === id);
      assert.ok(entry, `project ${id} is listed`);
      return entry;
    };
    assert.deepEqual(find(draft.id).publication, { status: "draft", publishAt: null, localTime: null, timeZone: null });
    assertScheduledAt(find(scheduled.id), "2041-10-27T00:30:00Z", "2041-10-27T01:30", STUDIO_ZONE);
    const live = find(published.id).publication;
    assert.equal(live.status, "published");
    assert.ok(sameInstant(live.publishAt, publishedAt.toISOString()));
    assert.equal(live.localTime, localTimeOf(publishedAt, STUDIO_ZONE));
    assert.equal(live.timeZone, STUDIO_ZONE);
    assert.equal(find(draft.id).slug, draft.slug, "items carry the project's fields");
  });

  it("filters by publication status", async () => {
    const draft = await createProject();
    const scheduled = await createProject();
    await scheduleOk(scheduled.id, { publishAt: "2041-07-15T10:00" });
    const published = await createProject({ publishedAt: new Date(Date.now() - MINUTE).toISOString() });
    const mine = [draft.id, scheduled.id, published.id];
    for (const [status, expected] of [
      ["draft", draft.id],
      ["scheduled", scheduled.id],
      ["published", published.id],
    ] as const) {
      const list = await adminList(`?status=${status}`);
      assert.ok(list.every((project) => project.publication.status === status), `only ${status} projects`);
      assert.deepEqual(
        list.filter((project) => mine.includes(project.id)).map((project) => project.id),
        [expected],
      );
    }
  });

  it("lists scheduled projects soonest first, then published most recent first, then drafts newest first", async () => {
    const later = await createProject();
    const sooner = await createProject();
    await scheduleOk(later.id, { publishAt: "2041-09-01T10:00" });
    await scheduleOk(sooner.id, { publishAt: "2041-08-31T10:00", timeZone: "Pacific/Auckland" });
    const older = await createProject({ publishedAt: new Date(Date.now() - 120 * MINUTE).toISOString() });
    const recent = await createProject({ publishedAt: new Date(Date.now() - 30 * MINUTE).toISOString() });
    const firstDraft = await createProject();
    const secondDraft = await createProject();
    const order = [sooner.id, later.id, recent.id, older.id, secondDraft.id, firstDraft.id];
    const listed = (await adminList()).map((project) => project.id).filter((id) => order.includes(id));
    assert.deepEqual(listed, order);
    const scheduledOnly = (await adminList("?status=scheduled")).map((project) => project.id);
    assert.deepEqual(
      scheduledOnly.filter((id) => order.includes(id)),
      [sooner.id, later.id],
    );
  });

  it("answers 400 for an unknown status filter", async () => {
    for (const query of ["?status=live", "?status=", "?status=SCHEDULED"]) {
      const response = await admin.get(`/api/admin/portfolio${query}`);
      assert.equal(response.status, 400, `${query} answered ${response.status}`);
      assert.equal(typeof response.body.error, "string");
    }
  });

  it("shows a publish time set through PATCH in the studio's zone, not the zone of an earlier schedule", async () => {
    const project = await createProject();
    await scheduleOk(project.id, { publishAt: "2041-07-04T09:00", timeZone: "America/New_York" });
    const response = await admin.patch(`/api/admin/portfolio/${project.id}`).send({ publishedAt: "2041-07-04T13:00:00.000Z" });
    assert.equal(response.status, 200);
    assertScheduledAt(await adminView(project.id), "2041-07-04T13:00:00Z", "2041-07-04T14:00", STUDIO_ZONE);
  });
});

describe("portfolio schedule: access", () => {
  it("answers 401 to every new route without a session", async () => {
    const project = await createProject();
    const anonymous = request(await getApp());
    assert.equal((await anonymous.get("/api/admin/portfolio")).status, 401);
    assert.equal(
      (await anonymous.put(`/api/admin/portfolio/${project.id}/schedule`).send({ publishAt: "2041-07-15T10:00" })).status,
      401,
    );
    assert.equal((await anonymous.delete(`/api/admin/portfolio/${project.id}/schedule`)).status, 401);
    assert.equal((await adminView(project.id)).publication.status, "draft");
  });

  it("answers 403 to a client on every new route, and changes nothing", async () => {
    const project = await createProject();
    await scheduleOk(project.id, { publishAt: "2041-07-15T10:00" });
    const { agent } = await loginAs("client");
    assert.equal((await agent.get("/api/admin/portfolio")).status, 403);
    assert.equal(
      (await agent.put(`/api/admin/portfolio/${project.id}/schedule`).send({ publishAt: "2041-12-15T10:00" })).status,
      403,
    );
    assert.equal((await agent.delete(`/api/admin/portfolio/${project.id}/schedule`)).status, 403);
    assertScheduledAt(await adminView(project.id), "2041-07-15T09:00:00Z", "2041-07-15T10:00", STUDIO_ZONE);
  });
});
