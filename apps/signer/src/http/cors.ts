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
export function browserCors(
  allowedOrigins: readonly string[],
  options: { clock?: () => number } = {},
): MiddlewareHandler {
  const allowed = new Set(allowedOrigins);
  const noteRefusal = refusalNotes(options.clock ?? Date.now);
  return async (c, next) => {
    const origin = c.req.header('origin');
    // Headers are set before the handler runs, so they are part of the response it creates (the Node adapter
    // then writes it without materialising a web Response).
    if (origin === undefined) {
      setResponseHeader(c, 'Vary', 'Origin', true);
      return next();
    }
    if (!allowed.has(origin)) {
      // The operator learns which origin to add from this line.
      if (noteRefusal(origin)) {
        c.get('log')?.warn(
          { origin: origin.slice(0, 200), path: c.req.path },
          'origin refused: add it to JUPAY_ALLOWED_ORIGINS if it is your shop',
        );
      }
      // The refusal itself is readable by any page (`*`, never with credentials): it holds nothing but its code, and
      // without it the browser hides the 403 and <pay-button> could only show a network error. A refused preflight
      // stays a refusal (a 403 never passes one), so the browser still never sends the request it was asking about.
      throw new HttpError(
        'ORIGIN_NOT_ALLOWED',
        'this origin may not call the signer (see JUPAY_ALLOWED_ORIGINS)',
        { 'Access-Control-Allow-Origin': '*' },
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

/** One warning per refused origin per window, at most {@link MAX_NOTED} origins remembered (a flood stays small). */
const REFUSAL_NOTE_WINDOW_MS = 10 * 60 * 1000;
const MAX_NOTED = 256;

function refusalNotes(clock: () => number): (origin: string) => boolean {
  const lastNoted = new Map<string, number>();
  return (origin) => {
    const now = clock();
    const last = lastNoted.get(origin);
    if (last !== undefined && now - last < REFUSAL_NOTE_WINDOW_MS) return false;
    if (lastNoted.size >= MAX_NOTED) lastNoted.clear();
    lastNoted.set(origin, now);
    return true;
  };
}
