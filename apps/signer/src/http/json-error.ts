/**
 * @module http/json-error
 * How the signer answers a request that failed: every thrown error, and every unknown route, as
 * `{ "error": { "code", "message" } }` with the status of `toHttpError` (http/to-http-error.ts), never cached.
 */
import type { Context } from 'hono';
import { HttpError } from '../errors.ts';
import type { SignerEnv } from '../log.ts';
import { toHttpError } from './to-http-error.ts';

/**
 * `app.notFound`: an unknown route is the `NOT_FOUND` error, answered by {@link jsonError}.
 * @example
 * app.notFound(notFound);
 */
export function notFound(): never {
  throw new HttpError('NOT_FOUND', 'no such route');
}

/**
 * `app.onError`: the error as JSON; a store outage and any other 5xx are logged with their cause.
 * @example
 * app.onError(jsonError);
 */
export function jsonError(error: Error, c: Context<SignerEnv>): Response {
  const mapped = toHttpError(error);
  if (mapped.code === 'STORE_UNAVAILABLE') {
    // For the operator: the cause (connection refused, disk full, ...) is in `err`.
    c.get('log')?.error({ err: error }, 'store unavailable');
  } else if (mapped.status >= 500) {
    c.get('log')?.error({ err: error }, 'unhandled error');
  }
  // An error is about this request only: no cache or proxy may keep it (a 404 status read, a 429).
  return c.json({ error: { code: mapped.code, message: mapped.message } }, mapped.status, {
    'Cache-Control': 'no-store',
    ...mapped.headers,
  });
}
