// Non-secret runtime configuration, read once from the environment.
// Secrets (SESSION_SECRET, MAIL_PROVIDER_API_KEY, ...) are read where they are used
// and are never given defaults here.

function readInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") {
    return fallback;
  }
  const value = Number.parseInt(raw, 10);
  if (Number.isNaN(value)) {
    throw new Error(`${name} must be an integer, got "${raw}"`);
  }
  return value;
}

export const config = {
  env: process.env.NODE_ENV ?? "development",
  port: readInt("PORT", 5000),
  host: process.env.HOST ?? "0.0.0.0",
  publicBaseUrl: process.env.PUBLIC_BASE_URL ?? "http://localhost:5000",
  assetBucketUrl: process.env.ASSET_BUCKET_URL ?? "",
  mail: {
    from: process.env.MAIL_FROM ?? "",
    studioInbox: process.env.STUDIO_INBOX_EMAIL ?? "",
  },
  booking: {
    timezone: process.env.BOOKING_TIMEZONE ?? "UTC",
    slotMinutes: readInt("BOOKING_SLOT_MINUTES", 30),
  },
  pagination: {
    defaultPageSize: 20,
    maxPageSize: 100,
  },
} as const;

export const isProduction = config.env === "production";
export const isTest = config.env === "test";
