/**
 * @module http/rate-limit
 * A fixed-window counter per key (a client address, or an order id for on-demand queries), in process memory. It
 * protects one instance from one client; several instances each count on their own (documented in the README).
 *
 * Every hit costs O(1) whatever the number of keys: windows sit in a `Map` in the order they started (a `Map`
 * iterates in insertion order, and a renewed window is re-inserted at the end), so the expired ones are always at the
 * front and each hit drops at most {@link SWEEP_PER_HIT} of them; the number of keys is capped, and a new key at the
 * cap either evicts the oldest window or is refused (`whenFull`).
 */
import { HttpError } from '../errors.ts';
import { addressKey } from './client-address.ts';

/** The answer for one hit. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSeconds: number;
}

/** Counts hits per key. */
export interface RateLimiter {
  hit(key: string): RateLimitVerdict;
  /** Keys tracked now, expired ones not yet swept included; never more than `maxKeys`. */
  readonly size: number;
}

/**
 * Expired windows dropped from the front of the map per hit, at most. Two is enough to never fall behind (a hit adds
 * at most one window) and keeps the worst case of a single hit constant.
 */
export const SWEEP_PER_HIT = 2;

/** The default cap on tracked keys: about 150 bytes each, so a few MB per limiter at most. */
export const DEFAULT_MAX_KEYS = 50_000;

/**
 * Creates a limiter allowing `limit` hits per `windowMs` per key; `limit` 0 allows everything.
 *
 * At `maxKeys` live windows, a new key either evicts the oldest window (`whenFull: 'evict-oldest'`, the default)
 * or is refused until that window ends (`'refuse'`). Eviction keeps the service open to new clients when more
 * addresses than the cap show up within one window, at the price of forgetting the count of the client seen
 * longest ago; refusal keeps every count, at the price of turning new keys away.
 * @example
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
 * limiter.hit('203.0.113.7').allowed; // true for the first 20 hits of the minute
 */
export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  clock?: () => number;
  /** The most keys tracked at once. Default {@link DEFAULT_MAX_KEYS}. */
  maxKeys?: number;
  /** What a new key gets when `maxKeys` windows are live. Default `'evict-oldest'`. */
  whenFull?: 'evict-oldest' | 'refuse';
}): RateLimiter {
  const { limit, windowMs } = options;
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const whenFull = options.whenFull ?? 'evict-oldest';
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys: expected a positive integer');
  if (!(windowMs > 0)) throw new RangeError('windowMs: expected a positive number of milliseconds');
  // Oldest window first (insertion order). Should the clock step back, a few expired windows may sit behind a
  // live one for a while: they are still treated as expired when their key comes back, and the cap bounds them.
  const windows = new Map<string, { start: number; count: number }>();

  function sweep(now: number): void {
    let dropped = 0;
    for (const [key, window] of windows) {
      if (dropped >= SWEEP_PER_HIT || now - window.start < windowMs) return;
      windows.delete(key);
      dropped += 1;
    }
  }

  return {
    get size() {
      return windows.size;
    },
    hit(key: string): RateLimitVerdict {
      if (limit === 0) return { allowed: true, retryAfterSeconds: 0 };
      const now = clock();
      sweep(now);
      let window = windows.get(key);
      if (window !== undefined && now - window.start >= windowMs) {
        // A new window goes to the end of the map, keeping the map in start order.
        windows.delete(key);
        window = undefined;
      }
      if (window === undefined) {
        if (windows.size >= maxKeys) {
          const [oldestKey, oldest] = windows.entries().next().value!;
          if (whenFull === 'refuse') {
            return { allowed: false, retryAfterSeconds: secondsLeft(oldest.start + windowMs - now) };
          }
          windows.delete(oldestKey);
        }
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      return {
        allowed: window.count <= limit,
        retryAfterSeconds: secondsLeft(window.start + windowMs - now),
      };
    },
  };
}

function secondsLeft(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Throws `RATE_LIMITED` (429, with `Retry-After`) when the client `address` is over its limit. The address is
 * counted by {@link addressKey}: IPv4 per address, IPv6 per /64.
 * @example
 * enforceRateLimit(checkoutLimiter, clientAddress(c, config.trustedProxyHeader));
 */
export function enforceRateLimit(limiter: RateLimiter, address: string): void {
  const verdict = limiter.hit(addressKey(address));
  if (!verdict.allowed) {
    throw new HttpError('RATE_LIMITED', 'too many requests from this address: retry later', {
      'Retry-After': String(verdict.retryAfterSeconds),
    });
  }
}
