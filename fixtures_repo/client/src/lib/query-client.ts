import { QueryClient, type QueryFunction, type QueryKey } from "@tanstack/react-query";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One validation problem as reported by the server (a Zod issue). */
export interface ApiIssue {
  path: Array<string | number>;
  message: string;
}

/** An API failure: HTTP status plus the server's message and any validation issues. */
export class ApiError extends Error {
  readonly status: number;
  readonly issues: ApiIssue[];

  constructor(status: number, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.issues = issues;
  }

  /** First message per top-level field, for showing next to form inputs. */
  fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const issue of this.issues) {
      const field = issue.path[0];
      if (typeof field === "string" && !(field in errors)) {
        errors[field] = issue.message;
      }
    }
    return errors;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toIssues(value: unknown): ApiIssue[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.flatMap((item: unknown): ApiIssue[] => {
    if (!isRecord(item) || typeof item.message !== "string" || !Array.isArray(item.path)) {
      return [];
    }
    const path = item.path.filter((part: unknown): part is string | number =>
      typeof part === "string" || typeof part === "number",
    );
    return [{ path, message: item.message }];
  });
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Most endpoints answer errors as { error, details }, a few (contact, newsletter,
// admin portfolio, the global error handler) as { message, errors }. Accept both.
function toApiError(res: Response, body: unknown): ApiError {
  if (isRecord(body)) {
    const message = body.error ?? body.message;
    return new ApiError(
      res.status,
      typeof message === "string" ? message : res.statusText || "Request failed",
      toIssues(body.details ?? body.errors),
    );
  }
  return new ApiError(res.status, typeof body === "string" && body ? body : res.statusText || "Request failed");
}

async function handleResponse(res: Response): Promise<unknown> {
  const body = await readBody(res);
  if (!res.ok) {
    throw toApiError(res, body);
  }
  return body;
}

/** Sends a JSON request to the API with the session cookie; throws ApiError on failure. */
export async function apiRequest(method: HttpMethod, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    credentials: "include",
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return handleResponse(res);
}

/**
 * Returns `data` from a `{ success, data }` envelope. Bare payloads (the endpoints that
 * don't use the envelope yet, see BUG-011) are returned unchanged.
 */
export function unwrap<T>(payload: unknown): T {
  if (isRecord(payload) && payload.success === true && "data" in payload) {
    return payload.data as T;
  }
  return payload as T;
}

/**
 * Turns a query key into a URL: the first part is the path, an optional second part is
 * an object of search params (undefined/empty values are skipped).
 * ["/api/portfolio", { service: "joinery" }] → "/api/portfolio?service=joinery"
 */
export function keyToUrl(queryKey: QueryKey): string {
  const [path, params] = queryKey;
  if (typeof path !== "string") {
    throw new Error("Query keys must start with a URL");
  }
  if (!isRecord(params)) {
    return path;
  }
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") {
      search.set(name, String(value));
    }
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

type UnauthorizedBehavior = "returnNull" | "throw";

export function getQueryFn(options: { on401: UnauthorizedBehavior }): QueryFunction<unknown> {
  return async ({ queryKey, signal }) => {
    const res = await fetch(keyToUrl(queryKey), { credentials: "include", signal });
    if (options.on401 === "returnNull" && res.status === 401) {
      return null;
    }
    return handleResponse(res);
  };
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      queryFn: getQueryFn({ on401: "throw" }),
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // Client errors (404, 401, 400) won't fix themselves on retry.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status < 500) && failureCount < 2,
    },
    mutations: { retry: false },
  },
});

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return "Something went wrong. Please try again.";
}
