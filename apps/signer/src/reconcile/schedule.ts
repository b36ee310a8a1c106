/**
 * @module reconcile/schedule
 * Back-off schedules as data. A reconciliation schedule is a list of delays measured from the order's creation
 * (`1m,3m,6m,10m,20m,1h,3h,24h`: eight queries at most, most of them in the first twenty minutes); a retry schedule
 * (webhooks) is a list of delays after each failure, the last one repeating forever.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The default reconciliation schedule: eight points, front-loaded. A lost notification is a payment made while the
 * shopper was on the cashier page, which is almost always within minutes of the checkout, so six of the eight
 * queries fall in the first hour; 3 h and 24 h are the last sweeps. The reasoning is in the README
 * ("Reconciliation").
 */
export const DEFAULT_RECONCILE_SCHEDULE = '1m,3m,6m,10m,20m,1h,3h,24h';
/**
 * Scheduled queries of a checkout whose client reports the form POST (`<pay-button>`, checkout field `beacon`),
 * until it does or the shopper returns: most checkouts never reach the gateway, and an order the gateway never saw
 * cannot have been paid. Two, not none: the report is a beacon, which a browser may fail to send.
 */
export const UNSUBMITTED_QUERY_BUDGET = 2;

/** The default webhook retry delays: the last repeats until the merchant answers 2xx. */
export const DEFAULT_WEBHOOK_RETRY = '5s,30s,2m,10m,30m,1h';

/**
 * Parses one duration: an integer and a unit (`ms`, `s`, `m`, `h`, `d`).
 *
 * @example
 * ```ts
 * parseDuration('250ms'); // 250
 * parseDuration('3m');    // 180000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  // The value is not echoed: a secret pasted into the wrong setting must not end up in a message.
  if (!match) throw new TypeError('not a duration like 250ms, 30s, 3m, 1h or 1d');
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Runs `parse` for the list entry at `index`, naming the entry (1-based) in its error. */
function atEntry<T>(index: number, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new TypeError(`entry ${index + 1} is ${(error as Error).message}`);
  }
}

/**
 * Parses a schedule of delays from an order's creation. `d*N` stands for the N multiples `d, 2d, ..., Nd`, so
 * `1h*24` is hourly up to a day. The result is strictly ascending; `off` (or empty) is no reconciliation.
 *
 * @example
 * ```ts
 * parseReconcileSchedule('1m,3m,6m,10m,20m,1h,3h,24h').length; // 8
 * parseReconcileSchedule('1m,3m,10m,30m,1h*24').length;        // 28
 * parseReconcileSchedule('50ms,100ms,200ms');           // [50, 100, 200]
 * ```
 */
export function parseReconcileSchedule(text: string): number[] {
  if (text.trim() === '' || text.trim() === 'off') return [];
  const out: number[] = [];
  for (const [index, item] of text.split(',').entries()) {
    const [base, times] = item.trim().split('*');
    const step = atEntry(index, () => parseDuration(base ?? ''));
    const count = times === undefined ? 1 : Number(times);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new TypeError(`entry ${index + 1}: the repeat count after * must be a whole number from 1`);
    }
    for (let i = 1; i <= count; i += 1) {
      const delay = times === undefined ? step : step * i;
      if (delay <= 0 || (out.length > 0 && delay <= out[out.length - 1]!)) {
        throw new TypeError(
          'delays must be positive and ascending (they are measured from the order creation)',
        );
      }
      out.push(delay);
    }
  }
  return out;
}

/**
 * Parses retry delays (after the 1st, 2nd, ... failure; the last repeats). `d*N` repeats `d` N times.
 *
 * @example
 * ```ts
 * parseRetryDelays('5s,30s,2m'); // [5000, 30000, 120000]
 * parseRetryDelays('10ms*3');    // [10, 10, 10]
 * ```
 */
export function parseRetryDelays(text: string): number[] {
  const out: number[] = [];
  for (const [index, item] of text.split(',').entries()) {
    const [base, times] = item.trim().split('*');
    const delay = atEntry(index, () => parseDuration(base ?? ''));
    const count = times === undefined ? 1 : Number(times);
    if (!Number.isInteger(count) || count < 1 || count > 10_000 || delay <= 0) {
      throw new TypeError(`entry ${index + 1}: expected a positive duration, optionally *<count>`);
    }
    for (let i = 0; i < count; i += 1) out.push(delay);
  }
  if (out.length === 0) throw new TypeError('expected at least one delay');
  return out;
}

/**
 * When a new order is first queried: its creation plus the first delay; null when reconciliation is off.
 *
 * @example
 * ```ts
 * firstQueryAt(new Date(0), [60_000]); // 1970-01-01T00:01:00.000Z
 * ```
 */
export function firstQueryAt(createdAt: Date, schedule: readonly number[]): Date | null {
  return schedule.length === 0 ? null : new Date(createdAt.getTime() + schedule[0]!);
}

/**
 * The next point of the schedule strictly after `now`, or null when the schedule is exhausted (give up). Points
 * already in the past are skipped, so a signer that was down for an hour does not fire a burst of catch-up queries.
 *
 * @example
 * ```ts
 * nextQueryAt(new Date(0), [60_000, 180_000], new Date(60_000)); // 1970-01-01T00:03:00.000Z
 * nextQueryAt(new Date(0), [60_000, 180_000], new Date(180_000)); // null
 * ```
 */
export function nextQueryAt(createdAt: Date, schedule: readonly number[], now: Date): Date | null {
  const elapsed = now.getTime() - createdAt.getTime();
  const next = schedule.find((delay) => delay > elapsed);
  return next === undefined ? null : new Date(createdAt.getTime() + next);
}

/**
 * The delay before the retry that follows failure number `failures` (1-based); the last delay repeats.
 *
 * @example
 * ```ts
 * retryDelay([5000, 30000], 1); // 5000
 * retryDelay([5000, 30000], 9); // 30000
 * ```
 */
export function retryDelay(delays: readonly number[], failures: number): number {
  return delays[Math.min(Math.max(failures, 1), delays.length) - 1]!;
}
