// Prints the API route table of the app in the current directory as JSON:
//   [{ "method": "GET", "path": "/api/x", "handlers": ["isAuthenticated", "<anonymous>"] }, ...]
// Run from the app directory: node --import tsx <this file>
// Needs DATABASE_URL (the app connects lazily) and builds the app with createApp({ serveClient: false }).
import path from "node:path";
import { pathToFileURL } from "node:url";

interface Layer {
  name?: string;
  regexp?: RegExp & { fast_slash?: boolean };
  route?: { path: string | RegExp; methods: Record<string, boolean>; stack: Layer[] };
  handle?: { name?: string; stack?: Layer[] };
}

interface RouteRow {
  method: string;
  path: string;
  handlers: string[];
}

/** Best-effort mount path of a router layer (Express 4 keeps only the compiled regexp). */
function mountPath(layer: Layer): string {
  const regexp = layer.regexp;
  if (!regexp || regexp.fast_slash) {
    return "";
  }
  const source = regexp.source
    .replace(/^\^/, "")
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, "")
    .replace(/\(\?:\\\/\(\[\^\/\]\+\?\)\)/g, "/:param")
    .replace(/\\\//g, "/");
  return source.startsWith("/") ? source : `/${source}`;
}

function collect(stack: Layer[], prefix: string, rows: RouteRow[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const routePath = typeof layer.route.path === "string" ? layer.route.path : String(layer.route.path);
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && method !== "_all") {
          rows.push({
            method: method.toUpperCase(),
            path: `${prefix}${routePath}`,
            handlers: layer.route.stack.map((handler) => handler.handle?.name || handler.name || "<anonymous>"),
          });
        }
      }
    } else if (layer.handle?.stack) {
      collect(layer.handle.stack, `${prefix}${mountPath(layer)}`, rows);
    }
  }
}

const { createApp } = await import(pathToFileURL(path.resolve("server/index.ts")).href);
const { app } = await createApp({ serveClient: false });
const rows: RouteRow[] = [];
collect(app._router.stack, "", rows);
process.stdout.write(`${JSON.stringify(rows)}\n`);
const { pool } = await import(pathToFileURL(path.resolve("server/db.ts")).href);
await pool.end();
