/**
 * @module http/rate-limit.test
 * The limiter's counting, its cost per hit whatever the number of clients (counted in Map entries visited, not
 * timed), its cap, and the client keys (IPv6 per /64).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from './client-address.ts';
import { createRateLimiter, enforceRateLimit, SWEEP_PER_HIT } from './rate-limit.ts';

type IteratorMethod = 'entries' | 'keys' | 'values' | typeof Symbol.iterator;
const ITERATORS: IteratorMethod[] = ['entries', 'keys', 'values', Symbol.iterator];
const originals = new Map(ITERATORS.map((name) => [name, Map.prototype[name]] as const));
afterEach(() => {
  for (const [name, original] of originals) Object.defineProperty(Map.prototype, name, { value: original });
});

/**
 * Counts the Map entries any iteration visits while `run` executes (synchronously), and throws as soon as one call
 * of `each` visits more than `bound`: a limiter that scans its whole map fails here at once instead of taking
 * minutes.
 */
function visitsPerHit(bound: number, hits: number, each: (i: number) => void): number {
  let visits = 0;
  for (const name of ITERATORS) {
    const original = originals.get(name)!;
    Object.defineProperty(Map.prototype, name, {
      configurable: true,
      writable: true,
      value(this: Map<unknown, unknown>) {
        const inner = (original as () => Iterator<unknown>).call(this);
        return {
          next() {
            const step = inner.next();
            if (!step.done) visits += 1;
            return step;
          },
          return(value?: unknown) {
            return inner.return?.(value) ?? { done: true, value };
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      },
    });
  }
  let most = 0;
  try {
    for (let i = 0; i < hits; i += 1) {
      visits = 0;
      each(i);
      most = Math.max(most, visits);
      if (visits > bound) throw new Error(`hit ${i} visited ${visits} map entries (bound ${bound})`);
    }
  } finally {
    for (const [name, original] of originals) Object.defineProperty(Map.prototype, name, { value: original });
  }
  return most;
}

describe('createRateLimiter', () => {
  it('allows `limit` hits per window per key, then answers with the seconds left', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, clock: () => now });
    expect(limiter.hit('a')).toEqual({ allowed: true, retryAfterSeconds: 60 });
    now += 30_500;
    expect(limiter.hit('a')).toEqual({ allowed: true, retryAfterSeconds: 30 });
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.hit('b').allowed).toBe(true);
    now += 29_500;
    expect(limiter.hit('a')).toEqual({ allowed: true, retryAfterSeconds: 60 });
    expect(createRateLimiter({ limit: 0, windowMs: 1000 }).hit('a').allowed).toBe(true);
  });

  it('visits a bounded number of entries per hit and stays at the cap after 50,000 distinct clients', () => {
    const now = 1_000_000;
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, clock: () => now, maxKeys: 1000 });
    // All within one window: nothing expires, so a limiter that sweeps on size scans 1000 live entries a hit.
    const most = visitsPerHit(SWEEP_PER_HIT + 1, 50_000, (i) => {
      expect(limiter.hit(`client-${i}`).allowed).toBe(true);
    });
    expect(most).toBeLessThanOrEqual(SWEEP_PER_HIT + 1);
    expect(limiter.size).toBe(1000);
    // The newest 1000 are still counted; the oldest were evicted, so they start a new window.
    expect(limiter.hit('client-49999').allowed).toBe(false);
    expect(limiter.hit('client-49000').allowed).toBe(false);
    expect(limiter.hit('client-0').allowed).toBe(true);
    expect(limiter.size).toBe(1000);
  });

  it('sweeps expired windows by time, a few per hit, and never falls behind', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, clock: () => now, maxKeys: 100_000 });
    for (let i = 0; i < 10_000; i += 1) limiter.hit(`old-${i}`);
    expect(limiter.size).toBe(10_000);
    now += 1000;
    // 10,000 hits of new keys after the window: each drops two expired windows and adds one.
    const most = visitsPerHit(SWEEP_PER_HIT + 1, 10_000, (i) => limiter.hit(`new-${i}`));
    expect(most).toBeLessThanOrEqual(SWEEP_PER_HIT + 1);
    expect(limiter.size).toBe(10_000);
    expect(limiter.hit('new-0').allowed).toBe(false);
    // An expired window that was not swept yet is not counted against its key.
    now += 1000;
    expect(limiter.hit('new-9999').allowed).toBe(true);
  });

  it("with whenFull 'refuse', turns new keys away until the oldest window ends, and keeps every count", () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({
      limit: 1,
      windowMs: 30_000,
      clock: () => now,
      maxKeys: 3,
      whenFull: 'refuse',
    });
    for (const key of ['a', 'b', 'c']) {
      expect(limiter.hit(key).allowed).toBe(true);
      now += 1000;
    }
    expect(limiter.hit('d')).toEqual({ allowed: false, retryAfterSeconds: 27 });
    expect(limiter.hit('a').allowed).toBe(false);
    expect(limiter.size).toBe(3);
    // a's window ends: its place goes to d; b and c still hold theirs, so a new window for a must wait for b's end.
    now = 1_000_000 + 30_000;
    expect(limiter.hit('d').allowed).toBe(true);
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.size).toBe(3);
  });
});

describe('enforceRateLimit', () => {
  function refused(limiter: ReturnType<typeof createRateLimiter>, address: string): boolean {
    try {
      enforceRateLimit(limiter, address);
      return false;
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).code).toBe('RATE_LIMITED');
      return true;
    }
  }

  it('counts IPv6 clients per /64, IPv4 per address, and IPv4-mapped IPv6 as IPv4', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    expect(refused(limiter, '2001:db8:0:1::1')).toBe(false);
    // Another address in the same /64 is the same client.
    expect(refused(limiter, '2001:db8::1:ffff:ffff:ffff:fffe')).toBe(true);
    expect(refused(limiter, '2001:db8:0:2::1')).toBe(false);
    expect(refused(limiter, '192.0.2.1')).toBe(false);
    expect(refused(limiter, '::ffff:192.0.2.1')).toBe(true);
    expect(refused(limiter, '192.0.2.2')).toBe(false);
  });

  it('keeps at most the cap of distinct /64s and answers each in bounded work', () => {
    const limiter = createRateLimiter({ limit: 5, windowMs: 60_000, maxKeys: 500 });
    const most = visitsPerHit(SWEEP_PER_HIT + 1, 5000, (i) =>
      enforceRateLimit(limiter, `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`),
    );
    expect(most).toBeLessThanOrEqual(SWEEP_PER_HIT + 1);
    expect(limiter.size).toBe(500);
  });
});

describe('enforceRateLimit on a route', () => {
  function limitedApp(limit: number) {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit, windowMs: 60_000, clock: () => now });
    const { app } = tinyApp();
    app.post('/buy', (c) => {
      enforceRateLimit(limiter, clientAddress(c, null));
      return c.text('bought', 201);
    });
    const from = (ip: string) =>
      app.request('/buy', { method: 'POST' }, { incoming: { socket: { remoteAddress: ip } } });
    return { from, later: (ms: number) => (now += ms) };
  }

  it('answers 429 RATE_LIMITED with Retry-After past the limit, per client, until the window ends', async () => {
    const { from, later } = limitedApp(2);
    expect((await from('203.0.113.1')).status).toBe(201);
    later(15_000);
    expect((await from('203.0.113.1')).status).toBe(201);
    const limited = await from('203.0.113.1');
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(await errorOf(limited)).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'too many requests from this address: retry later',
    });
    expect((await from('203.0.113.2')).status).toBe(201);
    // The same /64 is the same client.
    expect((await from('2001:db8::1')).status).toBe(201);
    expect((await from('2001:db8::2')).status).toBe(201);
    expect((await from('2001:db8::3')).status).toBe(429);
    later(45_000);
    expect((await from('203.0.113.1')).status).toBe(201);
  });

  it('limit 0 never limits', async () => {
    const { from } = limitedApp(0);
    for (let i = 0; i < 50; i += 1) expect((await from('203.0.113.1')).status).toBe(201);
  });
});
