/**
 * @module http/response-header
 * Response headers that every route sets (request id, nosniff, CORS, Cache-Control) without a web `Headers`
 * object. Hono's `c.header()` builds an undici `Headers` (slow to fill, and `@hono/node-server` then has to
 * convert it back for Node); on `@hono/node-server` the header goes straight onto Node's `ServerResponse`
 * instead, which `writeHead` merges into the response whatever way the handler answers. Elsewhere (`app.request()`
 * in tests, another runtime) it is `c.header()`.
 */
import type { Context } from 'hono';

interface NodeOutgoing {
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * Sets (or, with `append`, adds a comma-separated value to) a response header before the handler answers.
 * A header the handler itself later sets through Hono (`c.header`, or the headers argument of `c.json`) wins.
 * @example
 * setResponseHeader(c, 'Cache-Control', 'no-store');
 */
export function setResponseHeader(c: Context, name: string, value: string, append = false): void {
  const outgoing = (c.env as { outgoing?: NodeOutgoing } | undefined)?.outgoing;
  if (outgoing === undefined || outgoing.headersSent || typeof outgoing.setHeader !== 'function') {
    c.header(name, value, append ? { append: true } : undefined);
    return;
  }
  const current = append ? outgoing.getHeader(name) : undefined;
  outgoing.setHeader(name, typeof current === 'string' && current !== '' ? `${current}, ${value}` : value);
}
