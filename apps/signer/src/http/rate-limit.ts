/**
 * @module http/rate-limit
 * A fixed-window counter per client address, in process memory. It protects one instance from one client;
 * several instances each count on their own (documented in the README).
 */
import { HttpError } from '../errors.ts';

/** The answer for one hit. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSeconds: number;
}

/** Counts hits per key. */
export interface RateLimiter {
  hit(key: string): RateLimitVerdict;
}

/**
 * Creates a limiter allowing `limit` hits per `windowMs` per key; `limit` 0 allows everything.
 * @example
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
 * limiter.hit('203.0.113.7').allowed; // true for the first 20 hits of the minute
 */
export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  clock?: () => number;
  /** Keys tracked before expired windows are swept. */
  maxKeys?: number;
}): RateLimiter {
  const { limit, windowMs } = options;
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = clock();

  return {
    hit(key: string): RateLimitVerdict {
      if (limit === 0) return { allowed: true, retryAfterSeconds: 0 };
      const now = clock();
      if (windows.size >= maxKeys || now - lastSweep >= windowMs) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
        lastSweep = now;
      }
      let window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
      return { allowed: window.count <= limit, retryAfterSeconds };
    },
  };
}

/**
 * Throws `RATE_LIMITED` (429, with `Retry-After`) when `key` is over its limit.
 * @example
 * enforceRateLimit(checkoutLimiter, clientAddress(c, config.trustedProxyHeader));
 */
export function enforceRateLimit(limiter: RateLimiter, key: string): void {
  const verdict = limiter.hit(key);
  if (!verdict.allowed) {
    throw new HttpError('RATE_LIMITED', 'too many requests from this address: retry later', {
      'Retry-After': String(verdict.retryAfterSeconds),
    });
  }
}
