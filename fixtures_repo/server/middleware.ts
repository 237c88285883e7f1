import type { NextFunction, Request, RequestHandler, Response } from "express";
import { isTest } from "./config";

/**
 * Lets signed-in admins through; everyone else gets 403. Mount after `isAuthenticated`,
 * which answers 401 for requests without a session.
 */
export const requireAdmin: RequestHandler = (req, res, next) => {
  if (req.user?.role === "admin") {
    return next();
  }
  return res.status(403).json({ error: "Forbidden" });
};

/** Parses a positive integer route parameter; returns null for anything else. */
export function parseId(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) {
    return null;
  }
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Logs one line per API request: method, path, status, duration and a preview of the JSON body. */
export function requestLogger(req: Request, res: Response, next: NextFunction): void {
  if (isTest) {
    return next();
  }
  const start = Date.now();
  const path = req.path;
  let capturedJson: unknown;
  const originalJson = res.json.bind(res);
  res.json = (body: unknown) => {
    capturedJson = body;
    return originalJson(body);
  };
  res.on("finish", () => {
    if (!path.startsWith("/api")) {
      return;
    }
    let line = `${req.method} ${path} ${res.statusCode} in ${Date.now() - start}ms`;
    if (capturedJson !== undefined) {
      line += ` :: ${JSON.stringify(capturedJson)}`;
    }
    if (line.length > 120) {
      line = `${line.slice(0, 119)}…`;
    }
    log(line);
  });
  next();
}

/** Prints a timestamped server log line. */
export function log(message: string, source = "express"): void {
  const time = new Date().toLocaleTimeString("en-GB", { hour12: false });
  console.log(`${time} [${source}] ${message}`);
}
