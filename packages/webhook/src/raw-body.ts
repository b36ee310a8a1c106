/**
 * @module raw-body
 * The request body exactly as received. The MAC covers bytes, so a body that was parsed and serialised again (a
 * JSON middleware, a framework's `req.body`) no longer verifies: key order, spacing and escapes all change. Taking
 * only strings and bytes makes that mistake an error at the call, not a mysterious `BAD_SIGNATURE`.
 */
import { WebhookArgumentError, WebhookVerificationError } from './errors.ts';

/** A raw body: the text, or its bytes (`Uint8Array`, Node's `Buffer`, an `ArrayBuffer` from `request.arrayBuffer()`). */
export type RawBody = string | Uint8Array | ArrayBuffer;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function refuse(body: unknown): never {
  const what = body === null ? 'null' : typeof body === 'object' ? 'a parsed object' : typeof body;
  throw new WebhookArgumentError(
    'INVALID_BODY',
    'body',
    `expected the raw request body as a string or bytes, got ${what} (read the body as text before any JSON parser)`,
  );
}

/**
 * The body's bytes: UTF-8 for a string, as given otherwise.
 *
 * @example
 * rawBodyBytes('{}'); // Uint8Array [123, 125]
 */
export function rawBodyBytes(body: RawBody): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return refuse(body);
}

/**
 * The body's text: as given for a string, strict UTF-8 for bytes (a body that is not UTF-8 is not an event).
 *
 * @example
 * rawBodyText(new TextEncoder().encode('{}')); // '{}'
 */
export function rawBodyText(body: RawBody): string {
  if (typeof body === 'string') return body;
  const bytes = rawBodyBytes(body);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new WebhookVerificationError('MALFORMED_BODY', 'webhook body is not UTF-8 text');
  }
}
