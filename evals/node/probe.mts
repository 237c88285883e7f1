// Live probes of the agent's final app, run by the grader inside its own sandbox (never the agent's).
//
// Input (stdin, one JSON object): {"nonce", "base_routes": ["GET /api/x", ...], "changed_paths": ["/api/x", ...],
//   "public_routes": ["GET /api/x", ...], "examples": [{"method", "path", "body"?}]}
// Output (stdout): one line `<nonce> <JSON report>`; anything else on stdout is the app's own noise.
//
// The app is built in-process with createApp({ serveClient: false }) and served on an ephemeral port.
// Requests: without a session (auth), with an admin session and a body that no object schema accepts
// (validation), and with an admin session as given by the task's examples or, for GET routes without
// parameters, as is (success envelope).
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

interface Layer {
  name?: string;
  regexp?: RegExp & { fast_slash?: boolean };
  route?: { path: string | RegExp; methods: Record<string, boolean>; stack: Layer[] };
  handle?: { name?: string; stack?: Layer[] };
}

interface Route {
  method: string;
  path: string;
  handlers: string[];
}

interface Exchange {
  request: string;
  status: number | null;
  body: unknown;
  error?: string;
}

const input = JSON.parse(readFileSync(0, "utf8")) as {
  nonce: string;
  base_routes: string[];
  changed_paths: string[];
  public_routes: string[];
  examples: { method: string; path: string; url?: string; body?: unknown }[];
};
const report: Record<string, unknown> = { routes: [], targets: [], probes: {} };

function emit(): void {
  process.stdout.write(`${input.nonce} ${JSON.stringify(report)}\n`);
}

function mountPath(layer: Layer): string {
  const regexp = layer.regexp;
  if (!regexp || regexp.fast_slash) return "";
  const source = regexp.source
    .replace(/^\^/, "")
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, "")
    .replace(/\(\?:\\\/\(\[\^\/\]\+\?\)\)/g, "/:param")
    .replace(/\\\//g, "/");
  return source.startsWith("/") ? source : `/${source}`;
}

function collect(stack: Layer[], prefix: string, inherited: string[], rows: Route[]): void {
  const before = [...inherited];
  for (const layer of stack) {
    if (layer.route) {
      const routePath = typeof layer.route.path === "string" ? layer.route.path : String(layer.route.path);
      const names = layer.route.stack.map((h) => h.handle?.name || h.name || "<anonymous>");
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && method !== "_all") {
          rows.push({ method: method.toUpperCase(), path: `${prefix}${routePath}`, handlers: [...before, ...names] });
        }
      }
    } else if (layer.handle?.stack) {
      collect(layer.handle.stack, `${prefix}${mountPath(layer)}`, before, rows);
    } else if (layer.name && layer.name !== "<anonymous>") {
      before.push(layer.name); // router-level middleware (e.g. router.use(isAuthenticated))
    }
  }
}

function concrete(routePath: string): string {
  return routePath.replace(/:[A-Za-z0-9_]+\??/g, "1");
}

async function call(base: string, method: string, url: string, cookie?: string, body?: unknown): Promise<Exchange> {
  const request = `${method} ${url}${cookie ? " (admin session)" : ""}${body === undefined ? "" : ` body ${JSON.stringify(body)}`}`;
  try {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
    });
    const text = await response.text();
    let parsed: unknown = text.slice(0, 500);
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { request, status: response.status, body: parsed };
  } catch (error) {
    return { request, status: null, body: null, error: String(error) };
  }
}

async function adminCookie(base: string): Promise<string | undefined> {
  const auth = await import(pathToFileURL(path.resolve("server/replit_integrations/auth/index.ts")).href);
  const email = `probe-admin-${Date.now()}@probe.invalid`;
  const password = `probe-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  await auth.authStorage.createUser({
    email,
    role: "admin",
    firstName: "Probe",
    lastName: "Admin",
    passwordHash: await auth.hashPassword(password),
  });
  const response = await fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = response.headers.get("set-cookie");
  return setCookie ? setCookie.split(";")[0] : undefined;
}

async function main(): Promise<void> {
  let server: import("node:http").Server | undefined;
  try {
    const { createApp } = await import(pathToFileURL(path.resolve("server/index.ts")).href);
    const built = await createApp({ serveClient: false });
    const rows: Route[] = [];
    collect(built.app._router.stack, "", [], rows);
    report.routes = rows;
    const base = new Set(input.base_routes);
    const changed = new Set(input.changed_paths);
    const targets = rows.filter(
      (r) => r.path.startsWith("/api/") && (!base.has(`${r.method} ${r.path}`) || changed.has(r.path)),
    );
    report.targets = targets.map((r) => `${r.method} ${r.path}`);
    server = built.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server!.once("listening", resolve));
    const origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    let cookie: string | undefined;
    if (targets.length) {
      try {
        cookie = await adminCookie(origin);
      } catch (error) {
        report.admin_session_error = String(error);
      }
    }
    report.admin_session = Boolean(cookie);
    const publicRoutes = new Set(input.public_routes);
    const probes: Record<string, Record<string, Exchange>> = {};
    for (const route of targets) {
      const key = `${route.method} ${route.path}`;
      const url = concrete(route.path);
      const entry: Record<string, Exchange> = {};
      const sendsBody = ["POST", "PUT", "PATCH"].includes(route.method);
      if (!publicRoutes.has(key)) {
        entry.unauthenticated = await call(origin, route.method, url, undefined, sendsBody ? {} : undefined);
      }
      if (sendsBody && cookie) {
        entry.malformed = await call(origin, route.method, url, cookie, [1, 2, 3]);
      }
      const example = input.examples.find((e) => e.method === route.method && e.path === route.path);
      if (cookie && (example || (route.method === "GET" && !route.path.includes(":")))) {
        entry.valid = await call(origin, route.method, example?.url ?? url, cookie, example?.body);
      }
      probes[key] = entry;
    }
    report.probes = probes;
  } catch (error) {
    report.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    emit();
    server?.close();
    setTimeout(() => process.exit(0), 200).unref();
  }
}

void main();
