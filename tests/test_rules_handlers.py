"""Unit tests of the Express route discovery (scorers/express.py) and of the tricky helpers of the
success-format, zod-validation and no-new-auth rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Node

from scorers import express, ts
from scorers.changes import ChangeSet, FileChange
from scorers.rules.context import RuleContext
from scorers.rules.no_new_auth import auth_header, findings, no_new_auth
from scorers.rules.success_format import judge_body, success_format
from scorers.rules.zod_validation import Read, reads, validated, zod_validation

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures_repo"


def root_of(source: str) -> Node:
    return ts.parse(source).root_node


def first(root: Node, node_type: str, containing: str = "") -> Node:
    return next(n for n in ts.walk(root) if n.type == node_type and containing in ts.text(n))


def context(files: dict[str, str], template: Path) -> RuleContext:
    changes = [FileChange(path=p, status="added", content=c) for p, c in files.items()]
    return RuleContext(changes=ChangeSet(fixture_version="t", changes=changes), template=template)


# ---- express.routes ---------------------------------------------------------------------------------------

ROUTES = """
import { isAuthenticated } from "./replit_integrations/auth";
export function registerWidgetRoutes(app: Express, router: Router): void {
  const adminOnly = [isAuthenticated, requireAdmin];
  app.get("env");
  app.set("trust proxy", 1);
  app.get("/api/widgets", isAuthenticated, async (req, res) => { res.json({ success: true, data: [] }); });
  router.post(`/api/widgets/:id`, ...adminOnly, validateBody(schema), saveWidget);
  app.delete(`/api/widgets/${id}`, isAuthenticated, handler);
  app.route("/api/parts").get(isAuthenticated, listParts).patch(isAuthenticated, asyncHandler(async (req, res) => {}));
  app.use("/api/admin", adminRouter);
}
async function saveWidget(req: Request, res: Response) { res.status(201).json({ success: true, data: req.body }); }
const listParts = (req, res) => res.json({ success: true, data: [] });
"""


def test_routes_finds_registrations_with_literal_paths() -> None:
    found = express.routes(root_of(ROUTES))
    assert [r.key for r in found] == [
        "GET /api/widgets",
        "POST /api/widgets/:id",
        "PATCH /api/parts",
        "GET /api/parts",
    ]  # source order of the calls: a chain's outer call (.patch) comes before its receiver (.get)
    widgets = found[0]
    assert widgets.receiver == "app" and widgets.method == "get" and widgets.start_line == 7
    assert [express.handler_name(h) for h in widgets.handlers] == ["isAuthenticated", None]
    post = next(r for r in found if r.method == "post")
    assert post.receiver == "router"
    assert [express.handler_name(h) for h in post.handlers] == ["...adminOnly", "validateBody", "saveWidget"]


def test_route_chains_take_the_path_of_route() -> None:
    found = {r.key: r for r in express.routes(root_of(ROUTES))}
    assert found["GET /api/parts"].receiver == "app"
    assert [express.handler_name(h) for h in found["GET /api/parts"].handlers] == ["isAuthenticated", "listParts"]


def test_spreads_of_local_arrays_are_expanded() -> None:
    root = root_of(ROUTES)
    post = next(r for r in express.routes(root) if r.method == "post")
    names = [express.handler_name(h) for h in express.expanded_handlers(post, root)]
    assert names == ["isAuthenticated", "requireAdmin", "validateBody", "saveWidget"]


def test_final_handler_resolution() -> None:
    root = root_of(ROUTES)
    found = {r.key: r for r in express.routes(root)}
    inline = express.final_handler(found["GET /api/widgets"], root)
    assert inline is not None and inline.type == "arrow_function"
    declared = express.final_handler(found["POST /api/widgets/:id"], root)
    assert declared is not None and declared.type == "function_declaration"
    const_arrow = express.final_handler(found["GET /api/parts"], root)
    assert const_arrow is not None and ts.text(const_arrow).startswith("(req, res) =>")
    wrapped = express.final_handler(found["PATCH /api/parts"], root)
    assert wrapped is not None and wrapped.type == "arrow_function"
    body = express.handler_body(found["POST /api/widgets/:id"], root)
    assert body is not None and body.type == "statement_block"


def test_imported_final_handler_is_not_resolved() -> None:
    root = root_of('import { h } from "./h";\napp.post("/api/x", isAuthenticated, h);\n')
    (route,) = express.routes(root)
    assert express.final_handler(route, root) is None


def test_mounts() -> None:
    (mount,) = express.mounts(root_of(ROUTES))
    assert (mount.receiver, mount.prefix, [express.handler_name(h) for h in mount.handlers]) == (
        "app",
        "/api/admin",
        ["adminRouter"],
    )


def test_routes_of_the_fixture() -> None:
    routes_ts = root_of((FIXTURE / "server/routes.ts").read_text())
    admin_ts = root_of((FIXTURE / "server/admin-routes.ts").read_text())
    keys = [r.key for r in express.routes(routes_ts)]
    assert "GET /api/testimonials" in keys and "PATCH /api/client/projects/:id" in keys and len(keys) == 19
    admin = express.routes(admin_ts)
    guards = {tuple(express.handler_name(h) for h in express.expanded_handlers(r, admin_ts)[:2]) for r in admin}
    assert guards == {("isAuthenticated", "requireAdmin")} and len(admin) == 17
    assert all(express.final_handler(r, admin_ts) is not None for r in admin)


# ---- express.responses / handlers ---------------------------------------------------------------------------


def test_responses_status_and_body() -> None:
    root = root_of(
        """
        app.get("/a", (req, reply) => { reply.status(201).set("X-A", "1").json({ success: true, data: 1 }); });
        app.get("/b", (req, res) => res.sendStatus(204));
        it("posts", async () => { await agent.post("/api/x").send({ email: "e" }); });
        const response = await fetch(url); const payload = await response.json();
        """
    )
    found = express.responses(root)
    assert [(r.receiver, r.method, r.status_code()) for r in found] == [
        ("reply", "json", 201),
        ("res", "sendStatus", 204),
        ("response", "json", None),
    ]
    assert found[2].body is None


def test_handlers_include_typed_functions_but_not_route_registrars() -> None:
    root = root_of(
        """
        export function registerRoutes(app: Express, options: Options) { app.get("/x", isAuthenticated, (q, s) => 1); }
        export async function createThing(req: express.Request<{ id: string }>, res: Response) {}
        export const guard: RequestHandler = (req, res, next) => next();
        function helper(value: string) {}
        """
    )
    kinds = [(h.function.type, h.route.key if h.route else None, h.final) for h in express.handlers(root)]
    assert kinds == [
        ("arrow_function", "GET /x", True),
        ("function_declaration", None, False),
        ("arrow_function", None, False),
    ]
    app = first(root, "identifier", "app")
    assert not express.is_request(app)
    req = next(n for n in ts.walk(root) if n.type == "identifier" and ts.text(n) == "q")
    assert express.is_request(req)


def test_binding_of_respects_blocks() -> None:
    root = root_of(
        """
        const items = 1;
        function f() {
          if (x) { const items = [1]; }
          use(items);
          const later = 2;
        }
        """
    )
    use = first(root, "call_expression", "use(items)")
    identifier = ts.call_arguments(use)[0]
    declarator = ts.binding_of(identifier)
    assert declarator is not None and ts.text(declarator) == "items = 1"


# ---- success-format -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ("{ success: true, data }", "ok"),
        ("{ success: true as const, data: rows, pagination: { page } }", "ok"),
        ("{ success: true, data: { message: 'hi' } }", "ok"),
        ("{ success: true }", "bad"),
        ("{ data: rows }", "bad"),
        ("{ success: false, data: null }", "bad"),
        ("{ success: ok, data }", "bad"),
        ("{ ...project, images }", "bad"),
        ("[1, 2]", "bad"),
        ("null", "bad"),
        ("await storage.getServices()", "bad"),
        ("cond ? { success: true, data: 1 } : { success: true, data: 2 }", "ok"),
        ("cond ? { success: true, data: 1 } : [2]", "bad"),
        ("rows.map((row) => row.id)", "bad"),
        ("Object.values(byId)", "bad"),
        ("toSafeUser(user)", "unknown"),
        ("parsed.data", "unknown"),
    ],
)
def test_judge_body(body: str, outcome: str) -> None:
    root = root_of(f"res.json({body});")
    call = first(root, "call_expression", "res.json")
    assert judge_body(ts.call_arguments(call)[0]).outcome == outcome


def test_judge_body_resolves_locals() -> None:
    source = """
    async function h(req, res) {
      const base = { success: true };
      const envelope = { ...base, data: 1 };
      const list = [1];
      const { items } = await storage.getContactMessages(filter);
      const other = await compute();
      res.json(envelope); res.json(list); res.json(items); res.json(other); res.send("pong");
    }
    """
    root = root_of(source)
    outcomes = [judge_body(r.body, text_ok=r.method == "send").outcome for r in express.responses(root) if r.body]
    assert outcomes == ["ok", "bad", "bad", "unknown", "unknown"]


def test_success_format_ignores_errors_no_content_and_fetch(tmp_path: Path) -> None:
    source = """
    export async function h(req: Request, res: Response) {
      const r = await fetch(url); await r.json();
      if (!ok) { return res.status(404).json({ message: "missing" }); }
      res.status(code).json({ error: "x" });
      res.status(204).end();
      res.send("plain text");
    }
    """
    result = success_format(context({"server/x.ts": source}, tmp_path))
    assert result.verdict == "pass", result.evidence


# ---- zod-validation -------------------------------------------------------------------------------------------


def _reads(source: str) -> list[tuple[str, bool]]:
    root = root_of(source)
    function = next(n for n in ts.walk(root) if n.type in ts.FUNCTION_TYPES)
    return [(ts.text(r.node), validated(r)) for r in reads(function)]


def test_reads_through_parse_and_parse_id() -> None:
    found = _reads(
        """(req, res) => {
          s.safeParse(req.body); s.parse({ ...req.body, id: req.params.id }); s.safeParse(req.query ?? {});
          parseId(req.params.id); parseId(req.query.page); JSON.parse(req.body); Number(req.params.id);
          req.body = parsed.data; req.user!.id;
        }"""
    )
    assert found == [
        ("req.body", True),
        ("req.body", True),
        ("req.params", True),
        ("req.query", True),
        ("req.params", True),
        ("req.query", False),
        ("req.body", False),
        ("req.params", False),
    ]


def test_reads_follow_destructured_requests() -> None:
    assert _reads("({ body, query: q }, res) => { s.safeParse(body); use(q.page); }") == [
        ("body", True),
        ("q", False),
    ]
    assert _reads("(req, res) => { const { params } = req; parseId(params.id); }") == [("params", True)]


def test_read_part() -> None:
    root = root_of('(request, response) => { s.parse(request["query"]); }')
    function = next(n for n in ts.walk(root) if n.type in ts.FUNCTION_TYPES)
    (read,) = reads(function)
    assert read == Read(read.node, "query") and validated(read)


def test_zod_validation_credits_a_validation_middleware_across_files(tmp_path: Path) -> None:
    middleware = """
    export function validateBody(schema: ZodTypeAny): RequestHandler {
      return (req, res, next) => { const parsed = schema.safeParse(req.body); req.body = parsed.data; next(); };
    }
    export async function saveNote(req: Request, res: Response) { res.json({ success: true, data: req.body.note }); }
    """
    routes = 'app.post("/api/notes", isAuthenticated, validateBody(noteSchema), saveNote);\n'
    ok = zod_validation(context({"server/validate.ts": middleware, "server/note-routes.ts": routes}, tmp_path))
    assert ok.verdict == "pass", ok.evidence
    without = zod_validation(context({"server/validate.ts": middleware}, tmp_path))
    assert without.verdict == "fail" and "req.body" in without.evidence[0]


# ---- no-new-auth ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "auth"),
    [("Authorization", True), ("x-api-key", True), ("X-Auth-Token", True), ("cookie", True), ("user-agent", False)],
)
def test_auth_header(name: str, auth: bool) -> None:
    assert auth_header(name) is auth


def test_findings_cover_imports_headers_sessions_and_401() -> None:
    source = """
    import jwt from "jsonwebtoken";
    const bcrypt = require("bcryptjs");
    const { SignJWT } = await import("jose");
    export function gate(req: Request, res: Response, next: NextFunction) {
      const { authorization } = req.headers;
      if (req.cookies.token || req.signedCookies["sid"]) { res.statusCode = 401; }
      if (!timingSafeEqual(a, b)) { return res.set("WWW-Authenticate", "Bearer").sendStatus(401); }
      passport.authenticate("local");
      next();
    }
    """
    reasons = [why for _node, why in findings(root_of(source))]
    assert sum("imports" in why for why in reasons) == 3
    assert any("'authorization' header" in why for why in reasons)
    assert sum("401" in why for why in reasons) == 2
    assert any("req.cookies" in why for why in reasons) and any("req.signedCookies" in why for why in reasons)
    assert any("compares credentials" in why for why in reasons)
    assert any("passport.authenticate" in why for why in reasons)


def test_findings_allow_authorisation_and_config_checks() -> None:
    source = """
    export const requireOwner: RequestHandler = (req, res, next) => {
      if (!req.isAuthenticated() || req.user?.role !== "admin") { return res.status(403).json({ error: "Forbidden" }); }
      if (process.env.ADMIN_API_KEY === undefined) { return res.status(404).json({ error: "Not found" }); }
      const agent = req.get("User-Agent");
      req.logout(() => req.session.destroy(() => next()));
    };
    app.get("/api/auth/tokens", isAuthenticated, list);
    """
    assert findings(root_of(source)) == []


def test_no_new_auth_skips_the_integration(tmp_path: Path) -> None:
    strategy = 'import { Strategy } from "passport-local";\npassport.use(new Strategy(verify));\n'
    inside = no_new_auth(context({"server/replit_integrations/auth/extra.ts": strategy}, tmp_path))
    assert inside.verdict == "not-applicable"
    outside = no_new_auth(context({"server/extra-auth.ts": strategy}, tmp_path))
    assert outside.verdict == "fail" and len(outside.evidence) == 3
