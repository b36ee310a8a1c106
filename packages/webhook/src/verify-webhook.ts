/**
 * @module verify-webhook
 * The receiver's half: checks the MAC over the raw body, then the timestamp, then the body's shape, and returns
 * the event. The order matters: the timestamp means nothing until the MAC shows the sender wrote it, and the body
 * is not parsed at all before it is known to be genuine.
 */
import { constantTimeEqual } from './constant-time.ts';
import { WebhookArgumentError, WebhookVerificationError } from './errors.ts';
import { parseWebhookEvent, type WebhookEvent } from './event.ts';
import { DEFAULT_TOLERANCE_SECONDS } from './headers.ts';
import { checkSecret, webhookMac } from './mac.ts';
import { rawBodyBytes, rawBodyText, type RawBody } from './raw-body.ts';
import { parseSignatureHeader } from './signature-header.ts';

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** How far the signed timestamp may be from now, either way, in seconds. Default 300; 0 turns the check off. */
  toleranceSeconds?: number;
  /** The receiver's clock in unix seconds. Default: `Date.now()`. */
  now?: number;
}

function option(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new WebhookArgumentError('INVALID_OPTION', name, 'expected a number >= 0');
  }
  return value;
}

/**
 * Verifies a webhook request and returns its event; throws {@link WebhookVerificationError} (answer 4xx) when the
 * request must not be trusted, {@link WebhookArgumentError} when the call itself is wrong. Pass the body exactly
 * as received, before any JSON parsing. Every `v1` entry is checked, each in constant time.
 *
 * @example
 * const event = verifyWebhook(rawBody, request.headers.get('jupay-signature'), secret);
 * if (event.type === 'order.paid') await ship(event.data.orderId); // once per event.id
 */
export function verifyWebhook(
  body: RawBody,
  header: string | readonly string[] | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  checkSecret(secret);
  // Checked before the header, so a body already parsed by a middleware is named as such every time.
  const bytes = rawBodyBytes(body);
  const tolerance = option('toleranceSeconds', options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
  const now = option('now', options.now ?? Math.floor(Date.now() / 1000));

  const { timestamp, signatures } = parseSignatureHeader(header);
  const expected = webhookMac(secret, timestamp, bytes);
  // No early exit: the time taken says nothing about which entry, if any, matched.
  let matched = false;
  for (const signature of signatures) {
    if (constantTimeEqual(expected, signature)) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('BAD_SIGNATURE', 'webhook signature does not match');

  if (tolerance > 0 && Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      `webhook timestamp is ${now - timestamp} s from now (tolerance ${tolerance} s)`,
    );
  }
  return parseWebhookEvent(rawBodyText(bytes));
}
