/**
 * @module http/client-address
 * Who is calling, for rate limits and logs: the socket's address, or, behind a reverse proxy, the address the
 * proxy wrote into a configured header. Only the proxy's own entry is trusted: the right-most one.
 */
import type { Context } from 'hono';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The client's address. With `trustedHeader` (e.g. `x-forwarded-for`) the right-most entry of that header is used,
 * because earlier entries are whatever the client sent; without it, the TCP peer address.
 * @example
 * clientAddress(c, 'x-forwarded-for'); // '203.0.113.7'
 */
export function clientAddress(c: Context, trustedHeader: string | null): string {
  if (trustedHeader !== null) {
    const value = c.req.header(trustedHeader);
    if (value !== undefined) {
      const last = value.split(',').pop()?.trim();
      if (last) return last.slice(0, 64);
    }
  }
  const env = c.env as NodeBindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
