import { config, isTest } from "../config";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  replyTo?: string;
}

export interface DeliveryResult {
  delivered: boolean;
  provider: "mail-api" | "outbox";
}

// Messages that were not sent to a provider (development and tests). Newest last.
const outbox: OutgoingEmail[] = [];

/** Returns the messages kept in the development outbox. */
export function getOutbox(): readonly OutgoingEmail[] {
  return outbox;
}

/** Empties the development outbox (tests). */
export function clearOutbox(): void {
  outbox.length = 0;
}

/**
 * Sends a transactional email through the provider configured by MAIL_PROVIDER_API_KEY.
 * Without a key (development, tests) the message goes to the in-memory outbox instead.
 * Never throws: a failed delivery is logged and reported as `delivered: false`.
 */
export async function sendEmail(email: OutgoingEmail): Promise<DeliveryResult> {
  const apiKey = process.env.MAIL_PROVIDER_API_KEY;
  const apiUrl = process.env.MAIL_PROVIDER_API_URL;
  if (!apiKey || !apiUrl) {
    outbox.push(email);
    if (!isTest) {
      console.log(`[email] (outbox) to=${email.to} subject="${email.subject}"`);
    }
    return { delivered: true, provider: "outbox" };
  }
  try {
    const response = await fetch(apiUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ from: config.mail.from, ...email }),
    });
    if (!response.ok) {
      console.error(`[email] provider answered ${response.status} for "${email.subject}"`);
      return { delivered: false, provider: "mail-api" };
    }
    return { delivered: true, provider: "mail-api" };
  } catch (error) {
    console.error(`[email] delivery failed for "${email.subject}":`, error);
    return { delivered: false, provider: "mail-api" };
  }
}

/** Tells the studio inbox about a new contact form message. */
export async function notifyStudioOfContact(message: {
  name: string;
  email: string;
  subject: string;
  message: string;
}): Promise<DeliveryResult> {
  return sendEmail({
    to: config.mail.studioInbox,
    replyTo: message.email,
    subject: `[Contact] ${message.subject}`,
    text: `${message.name} <${message.email}> wrote:\n\n${message.message}`,
  });
}

/** Welcomes a new newsletter subscriber and gives them their unsubscribe link. */
export async function sendNewsletterWelcome(email: string, unsubscribeToken: string): Promise<DeliveryResult> {
  const link = `${config.publicBaseUrl}/newsletter/unsubscribe?token=${unsubscribeToken}`;
  return sendEmail({
    to: email,
    subject: "Welcome to the Alloy studio notes",
    text: `Thanks for subscribing. We write about once a month.\n\nUnsubscribe any time: ${link}`,
  });
}

/** Tells a client that the studio posted an update on their project. */
export async function notifyClientOfUpdate(to: string, projectTitle: string): Promise<DeliveryResult> {
  return sendEmail({
    to,
    subject: `New update on "${projectTitle}"`,
    text: `The studio posted an update on your project. Sign in to read it: ${config.publicBaseUrl}/dashboard`,
  });
}
