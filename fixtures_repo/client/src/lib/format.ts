import type { ClientProjectStatus, ContactMessageStatus, ServiceCategory } from "@shared/schema";

const gbp = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
const gbpExact = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** Formats integer pence as pounds; whole pounds drop the ".00". */
export function formatMoney(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) {
    return "—";
  }
  return cents % 100 === 0 ? gbp.format(cents / 100) : gbpExact.format(cents / 100);
}

/** Parses a pounds amount typed by a user ("1,250" or "1250.50") into pence; blank → null. */
export function parsePoundsToCents(input: string): number | null {
  const cleaned = input.replace(/[£,\s]/g, "");
  if (cleaned === "") {
    return null;
  }
  const pounds = Number(cleaned);
  return Number.isFinite(pounds) ? Math.round(pounds * 100) : Number.NaN;
}

export function centsToPoundsInput(cents: number | null | undefined): string {
  return cents === null || cents === undefined ? "" : String(cents / 100);
}

// Dates arrive over JSON as ISO strings even though the shared types say Date.
function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") {
    return null;
  }
  // Plain "YYYY-MM-DD" (date columns) is a calendar day: read it as local time, not UTC.
  const dayOnly = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const date = dayOnly
    ? new Date(Number(dayOnly[1]), Number(dayOnly[2]) - 1, Number(dayOnly[3]))
    : value instanceof Date
      ? value
      : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDate(value: Date | string | null | undefined): string {
  const date = toDate(value);
  return date ? dateFormat.format(date) : "—";
}

export function formatDateTime(value: Date | string | null | undefined): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : "—";
}

export const projectStatusLabels: Record<ClientProjectStatus, string> = {
  inquiry: "Inquiry",
  quoted: "Quoted",
  in_progress: "In progress",
  review: "In review",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const contactStatusLabels: Record<ContactMessageStatus, string> = {
  new: "New",
  read: "Read",
  archived: "Archived",
};

export const categoryLabels: Record<ServiceCategory, string> = {
  design: "Design",
  fabrication: "Fabrication",
  consulting: "Consulting",
};

/** Label for any status we show in a badge; unknown values fall back to a readable form. */
export function statusLabel(status: string): string {
  const labels: Record<string, string> = { ...projectStatusLabels, ...contactStatusLabels };
  const fallback = status.replace(/_/g, " ");
  return labels[status] ?? fallback.charAt(0).toUpperCase() + fallback.slice(1);
}

export function fullName(person: { firstName: string | null; lastName: string | null }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(" ");
}

/** Splits long text into paragraphs on blank lines. */
export function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/).map((part) => part.trim()).filter(Boolean);
}
