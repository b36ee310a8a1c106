/**
 * @module http/client-address
 * Who is calling, for rate limits and logs: the socket's address, or, behind a reverse proxy, the address the
 * proxy wrote into a configured header. Only the proxy's own entry is trusted: the right-most one.
 */
import { isIP } from 'node:net';
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

/**
 * The rate-limit key of a client address. IPv4 counts per address; IPv6 counts per /64, because one subscriber or
 * one cloud machine is routinely given a whole /64 (RFC 6177) and could otherwise pick a fresh address for every
 * request; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket reports) is its IPv4 address.
 * Anything that is not an IP address (a proxy header holding a name, `unknown`) is its own key.
 * @example
 * addressKey('203.0.113.7'); // '203.0.113.7'
 * addressKey('2001:db8:1:2:3:4:5:6'); // '2001:db8:1:2::/64'
 * addressKey('::ffff:203.0.113.7'); // '203.0.113.7'
 */
export function addressKey(address: string): string {
  let text = address.trim();
  // `[2001:db8::1]` or `[2001:db8::1]:443` from a proxy header; a zone (`fe80::1%eth0`) names no other client.
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return address;
  const groups = ipv6Groups(text);
  // ::ffff:0:0/96 is IPv4-mapped (RFC 4291 section 2.5.5.2): the same client as its IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (checked with `isIP` first), `::` and a dotted tail expanded. */
function ipv6Groups(text: string): number[] {
  let source = text.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(source);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    source = `${source.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = source.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
