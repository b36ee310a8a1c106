/**
 * @module http/cors
 * The origin allowlist of the browser routes. A request with an `Origin` outside the list is refused (403), not
 * merely left without CORS headers: a cross-site form POST to checkout must not create orders. A request without
 * `Origin` (curl, a server, a same-origin GET) passes; it cannot come from another site's page in a browser.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../errors.ts';
import { setResponseHeader } from './response-header.ts';

/**
 * The CORS middleware for browser routes: checks `Origin`, answers preflights, adds the response headers.
 * @example
 * app.use('/api/checkout', browserCors(['https://shop.example']));
 */
export function browserCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    // Headers are set before the handler runs, so they are part of the response it creates (the Node adapter
    // then writes it without materialising a web Response).
    if (origin === undefined) {
      setResponseHeader(c, 'Vary', 'Origin', true);
      return next();
    }
    if (!allowed.has(origin)) {
      throw new HttpError(
        'ORIGIN_NOT_ALLOWED',
        'this origin may not call the signer (see JUPAY_ALLOWED_ORIGINS)',
      );
    }
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    setResponseHeader(c, 'Access-Control-Allow-Origin', origin);
    setResponseHeader(c, 'Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    setResponseHeader(c, 'Vary', 'Origin', true);
    return next();
  };
}
