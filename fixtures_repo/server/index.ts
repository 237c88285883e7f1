import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { config, isProduction } from "./config";
import { log, requestLogger } from "./middleware";
import { registerRoutes } from "./routes";

export interface AppOptions {
  /** Serve the React client (Vite in development, dist/public in production). Off for tests. */
  serveClient?: boolean;
}

export interface AlloyApp {
  app: Express;
  server: Server;
}

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
}

/**
 * Builds the Express app. Middleware order matters:
 *   1. body parsers (JSON, urlencoded)
 *   2. request logger (API requests only)
 *   3. sessions + Passport (inside registerRoutes → setupAuth)
 *   4. API routes (auth, public, client, admin)
 *   5. JSON 404 for unknown /api paths
 *   6. error handler
 *   7. client (Vite or static) — last, so it never shadows an API route
 */
export async function createApp(options: AppOptions = {}): Promise<AlloyApp> {
  const app = express();
  app.disable("x-powered-by");

  app.use(express.json({ limit: "1mb" }));
  app.use(express.urlencoded({ extended: false }));
  app.use(requestLogger);

  const server = await registerRoutes(app);

  app.use("/api", (_req: Request, res: Response) => {
    res.status(404).json({ error: "Not found" });
  });

  // TODO(BUG-010): answers { message } instead of { error }.
  app.use((err: HttpError, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? err.statusCode ?? 500;
    const message = status >= 500 ? "Internal Server Error" : err.message;
    if (status >= 500) {
      console.error(err);
    }
    res.status(status).json({ message });
  });

  if (options.serveClient) {
    if (isProduction) {
      const { serveStatic } = await import("./vite");
      serveStatic(app);
    } else {
      const { setupVite } = await import("./vite");
      await setupVite(app, server);
    }
  }

  return { app, server };
}

async function start(): Promise<void> {
  const { server } = await createApp({ serveClient: process.env.SERVE_CLIENT !== "false" });
  server.listen({ port: config.port, host: config.host }, () => {
    log(`serving on http://${config.host}:${config.port}`);
  });
}

// Start listening only when run directly (npm run dev / start), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  start().catch((error: unknown) => {
    console.error("Failed to start server:", error);
    process.exit(1);
  });
}
