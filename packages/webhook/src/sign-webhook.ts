/**
 * @module sign-webhook
 * The sender's half: the `Jupay-Signature` value for a body. @jupay/signer signs every delivery with it; a test
 * or a tool that replays a delivery can use it as well.
 */
import { checkTimestamp, webhookMac } from './mac.ts';
import type { RawBody } from './raw-body.ts';
import { formatSignatureHeader } from './signature-header.ts';

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /** Unix seconds to sign. Default: now. */
  timestamp?: number;
}

/**
 * The `Jupay-Signature` header value for a body, signed now (or at `options.timestamp`).
 *
 * @example
 * const body = JSON.stringify(event);
 * await fetch(url, { method: 'POST', body, headers: { 'jupay-signature': signWebhook(body, secret) } });
 * // header: 't=1709265606,v1=c2405276a456...'
 */
export function signWebhook(body: RawBody, secret: string, options: SignWebhookOptions = {}): string {
  const timestamp = checkTimestamp(options.timestamp ?? Math.floor(Date.now() / 1000));
  return formatSignatureHeader(timestamp, webhookMac(secret, timestamp, body));
}
