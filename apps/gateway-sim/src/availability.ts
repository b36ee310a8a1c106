/**
 * @module availability
 * Whether a simulated gateway answers at all, and how fast: the outages a merchant with several providers has to
 * route around. Unlike the fault switches (faults.ts), which shape one merchant's or one order's answers, these
 * apply to the whole gateway: its payment page, its order query and its cashier. The simulator's admin API
 * (`/__sim/`, the cashier aside) keeps answering, so a test or an operator can always bring the gateway back.
 */

/**
 * `refused`: the listener is closed, so connecting fails (`ECONNREFUSED`) as with a crashed server; `http-503`: a
 * front proxy answers `503 Service Unavailable` as with a stopped PHP pool; `false`: up.
 */
export type Down = false | 'refused' | 'http-503';

/** The gateway's condition. */
export interface Availability {
  down: Down;
  /** Every gateway answer waits this long first (0: none). */
  slowMs: number;
}

/**
 * A gateway that answers, at once.
 *
 * @example
 * sim.controls.setAvailability(UP);
 */
export const UP: Readonly<Availability> = Object.freeze({ down: false, slowMs: 0 });

/** The longest `slowMs` accepted: ten minutes, beyond any client's timeout. */
export const MAX_SLOW_MS = 600_000;

const DOWN_VALUES: readonly Down[] = [false, 'refused', 'http-503'];

/**
 * Checks untrusted availability settings (from the admin API) and returns a clean partial copy; unknown names are
 * refused so a typo does not silently do nothing.
 *
 * @example
 * validateAvailability({ down: 'http-503' }); // { down: 'http-503' }
 * validateAvailability({ slow: 200 }); // throws TypeError: availability.slow is not a setting
 */
export function validateAvailability(input: unknown): Partial<Availability> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('availability must be an object such as { "down": "refused" } or { "slowMs": 2000 }');
  }
  const out: Partial<Availability> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (name === 'down') {
      if (!DOWN_VALUES.includes(value as Down)) {
        throw new TypeError('availability.down must be false, "refused" or "http-503"');
      }
      out.down = value as Down;
    } else if (name === 'slowMs') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SLOW_MS) {
        throw new TypeError(`availability.slowMs must be an integer from 0 to ${MAX_SLOW_MS}`);
      }
      out.slowMs = value;
    } else {
      throw new TypeError(`availability.${name} is not a setting (down, slowMs)`);
    }
  }
  return out;
}

/**
 * Whether a path is one of the gateway's own answers (affected by the availability) rather than the simulator's
 * admin API: everything outside `/__sim/`, plus the cashier and its page-return script, which a shopper's browser
 * loads from the gateway.
 *
 * @example
 * isGatewayPath('/Pay_Trade_query.html'); // true
 * isGatewayPath('/__sim/faults'); // false
 */
export function isGatewayPath(path: string): boolean {
  if (!path.startsWith('/__sim/')) return true;
  return path.startsWith('/__sim/cashier/') || path === '/__sim/auto-submit.js';
}
