/**
 * @module mac
 * The webhook MAC: HMAC-SHA256, keyed with the secret's UTF-8 bytes, over `"<t>."` followed by the raw body.
 * Putting the timestamp inside the MAC is what makes the receiver's clock tolerance a replay defence: a captured
 * request cannot be re-sent later with a fresh `t`.
 *
 * `@noble/hashes` (audited, pure JavaScript, no dependencies) computes it, synchronously and identically on every
 * runtime; WebCrypto would make every call asynchronous.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { WebhookArgumentError } from './errors.ts';
import { rawBodyBytes, type RawBody } from './raw-body.ts';

const encoder = new TextEncoder();

/** The largest timestamp a `t=` entry may carry: 12 digits. */
export const MAX_TIMESTAMP = 999_999_999_999;

/**
 * Checks a secret argument and returns it.
 *
 * @example
 * checkSecret(process.env.JUPAY_WEBHOOK_SECRET); // throws INVALID_SECRET when unset
 */
export function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new WebhookArgumentError('INVALID_SECRET', 'secret', 'expected a non-empty string');
  }
  return secret;
}

/**
 * Checks a timestamp argument (unix seconds, 0 to {@link MAX_TIMESTAMP}) and returns it.
 *
 * @example
 * checkTimestamp(1709265606); // 1709265606
 */
export function checkTimestamp(timestamp: unknown): number {
  if (
    typeof timestamp !== 'number' ||
    !Number.isSafeInteger(timestamp) ||
    timestamp < 0 ||
    timestamp > MAX_TIMESTAMP
  ) {
    throw new WebhookArgumentError('INVALID_TIMESTAMP', 'timestamp', 'expected whole unix seconds');
  }
  return timestamp;
}

/**
 * The 32-byte MAC of a body at a timestamp.
 *
 * @example
 * bytesToHex(webhookMac('whsec_...', 1709265606, body)); // 'c2405276...'
 */
export function webhookMac(secret: string, timestamp: number, body: RawBody): Uint8Array {
  const prefix = encoder.encode(`${checkTimestamp(timestamp)}.`);
  const bytes = rawBodyBytes(body);
  const message = new Uint8Array(prefix.length + bytes.length);
  message.set(prefix, 0);
  message.set(bytes, prefix.length);
  return hmac(sha256, encoder.encode(checkSecret(secret)), message);
}
