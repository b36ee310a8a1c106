/**
 * @module webhook/signature
 * Signing and verifying the merchant webhook, Stripe-style: `Jupay-Signature: t=<unix seconds>,v1=<hex>` where the
 * hex is HMAC-SHA256 over `"<t>.<raw body>"` with the webhook secret. The timestamp is inside the MAC, so a captured
 * request cannot be replayed later than the receiver's tolerance.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'Jupay-Signature';
/** The header carrying the event id, the merchant's dedupe key (delivery is at-least-once). */
export const EVENT_ID_HEADER = 'Jupay-Event-Id';
/** Receivers refuse a timestamp further than this from their clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The JSON body of every webhook request. Money is integer fen; `amount` is the same in yuan, as a string. */
export interface WebhookEvent {
  id: string;
  type: 'order.paid';
  /** ISO 8601, when the order became paid in the signer. */
  createdAt: string;
  data: {
    orderId: string;
    amountFen: number;
    amount: string;
    bankCode: string;
    transactionId: string;
    /** ISO 8601. */
    paidAt: string;
    paidVia: 'notify' | 'query';
    /** Present when the order has one. */
    productName?: string;
    /** `pay_attach` as given at checkout, when present. */
    attach?: string;
  };
}

/** Why a webhook request was refused, as a stable code. */
export type WebhookErrorCode =
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'BAD_SIGNATURE'
  | 'MALFORMED_BODY';

/**
 * A webhook request that must not be trusted. Answer it with a 4xx and do not act on it.
 *
 * @example
 * try { verifyWebhook(body, header, secret); } catch (e) { if (e instanceof WebhookVerificationError) res.statusCode = 400; }
 */
export class WebhookVerificationError extends Error {
  readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('secret: expected a non-empty string');
  return secret;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: false }).decode(body);
  throw new TypeError('body: expected the raw request body as a string or bytes (not parsed JSON)');
}

function mac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * The `Jupay-Signature` header value for a body.
 *
 * @example
 * ```ts
 * const header = signWebhook(JSON.stringify(event), secret); // 't=1709265600,v1=5f0c...'
 * ```
 */
export function signWebhook(
  body: string | Uint8Array,
  secret: string,
  options: { timestamp?: number } = {},
): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new TypeError('timestamp: expected unix seconds');
  return `t=${timestamp},v1=${mac(checkSecret(secret), timestamp, bodyText(body))}`;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** How far the signed timestamp may be from now, either way. Default 300 s; 0 disables the check. */
  toleranceSeconds?: number;
  /** The receiver's clock, in unix seconds. Default: `Date.now()`. */
  now?: number;
}

/**
 * Verifies a webhook request over its raw body and returns the parsed event; throws
 * {@link WebhookVerificationError} otherwise. Accepts several `v1=` entries (secret rotation) and compares in
 * constant time.
 *
 * @example
 * ```ts
 * const event = verifyWebhook(rawBody, req.headers['jupay-signature'], process.env.JUPAY_WEBHOOK_SECRET!, {
 *   toleranceSeconds: 300,
 * });
 * if (event.type === 'order.paid') await ship(event.data.orderId); // dedupe on event.id
 * ```
 */
export function verifyWebhook(
  body: string | Uint8Array,
  header: string | string[] | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  checkSecret(secret);
  const text = bodyText(body);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !(tolerance >= 0))
    throw new TypeError('toleranceSeconds: expected >= 0');

  const value = Array.isArray(header) ? header.join(',') : header;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WebhookVerificationError('MISSING_SIGNATURE', `${SIGNATURE_HEADER} header is missing`);
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const item = part.slice(eq + 1).trim();
    if (eq < 0) continue;
    if (name === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item);
    // Unknown schemes (a future v2) are ignored, so a sender can add one without breaking receivers.
    else if (name === 'v1' && /^[0-9a-f]{64}$/i.test(item)) signatures.push(item.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'MALFORMED_SIGNATURE',
      `${SIGNATURE_HEADER} needs t=<seconds>,v1=<hex>`,
    );
  }

  const expected = Buffer.from(mac(secret, timestamp, text), 'hex');
  // Check every entry, without an early exit, so the timing says nothing about which one matched.
  let matched = false;
  for (const signature of signatures) {
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('BAD_SIGNATURE', 'webhook signature does not match');

  // Checked after the MAC: the timestamp is only meaningful once we know the sender wrote it.
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (tolerance > 0 && Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      `webhook timestamp is ${now - timestamp} s from now (tolerance ${tolerance} s)`,
    );
  }

  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError('MALFORMED_BODY', 'webhook body is not JSON');
  }
  if (event === null || typeof event !== 'object' || typeof (event as WebhookEvent).id !== 'string') {
    throw new WebhookVerificationError('MALFORMED_BODY', 'webhook body is not an event object');
  }
  return event as WebhookEvent;
}
