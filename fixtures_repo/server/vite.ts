import fs from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import { log } from "./middleware";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Development: serve the React client through Vite's middleware (with HMR on the same server). */
export async function setupVite(app: Express, server: Server): Promise<void> {
  const { createServer: createViteServer } = await import("vite");
  const vite = await createViteServer({
    configFile: path.resolve(rootDir, "vite.config.ts"),
    server: { middlewareMode: true, hmr: { server } },
    appType: "custom",
  });
  app.use(vite.middlewares);
  app.use("*", async (req, res, next) => {
    try {
      const template = await fs.promises.readFile(path.resolve(rootDir, "client", "index.html"), "utf-8");
      const page = await vite.transformIndexHtml(req.originalUrl, template);
      res.status(200).set({ "Content-Type": "text/html" }).end(page);
    } catch (error) {
      vite.ssrFixStacktrace(error as Error);
      next(error);
    }
  });
  log("client served by vite (development)", "vite");
}

/** Production: serve the built client from dist/public, falling back to index.html for client routes. */
export function serveStatic(app: Express): void {
  const distPath = path.resolve(rootDir, "dist", "public");
  if (!fs.existsSync(distPath)) {
    throw new Error(`Could not find the client build in ${distPath}; run "npm run build" first.`);
  }
  app.use(express.static(distPath));
  app.use("*", (_req, res) => {
    res.sendFile(path.resolve(distPath, "index.html"));
  });
}
