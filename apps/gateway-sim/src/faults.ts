/**
 * @module faults
 * Fault switches and per-merchant behaviour. Each switch can be set for every order, for one merchant or for one
 * order id; the most specific setting wins (order > merchant > all > the gateway's options).
 */
import type { Dialect } from '@jupay/core';

/** The query answer variants (docs/protocol.md#order-query). */
export type QueryMode = 'normal' | 'error' | 'http-500' | 'data-array';

/** Every switch; all optional, unset means "as configured". */
export interface Faults {
  /** Never send the notification (the attempt is still logged, as `dropped`). */
  dropNotification?: boolean;
  /** Wait this long before the first notification attempt. */
  notifyDelayMs?: number;
  /** Send the notification this many times back to back, whatever the merchant answers (duplicates are normal). */
  notifyTimes?: number;
  /** Send a correctly signed notification whose `amount` differs from the order (`true`: one fen less, or more). */
  tamperAmount?: boolean | string;
  /** Sign the notification (and the page return) with the wrong key. */
  badSignature?: boolean;
  /** `error`: JSON error; `http-500`: a server error page; `data-array`: the fork that nests fields in `data[]`. */
  query?: QueryMode;
  /** `legacy`: `name=>value&` joins everywhere and 5 signed notification fields (no `transaction_id`). */
  dialect?: Dialect;
  /** Decimals of the echoed amount (4 by default, some forks 3 or 2). */
  amountDecimals?: 2 | 3 | 4;
  /** Only an exact `OK` reply counts as received (the document's rule, stricter than deployed servers). */
  strictOk?: boolean;
  /** Re-sends after a notification that was not received, 0 to 3. */
  resendCount?: number;
  /** Time between re-sends. */
  resendIntervalMs?: number;
}

/** Where a fault applies: nothing for every order, a member id, or an order id (the merchant's `pay_orderid`). */
export interface FaultTarget {
  memberId?: string;
  orderId?: string;
}

/** The effective behaviour for one order: every switch resolved. */
export type Behaviour = Required<Omit<Faults, 'tamperAmount'>> & { tamperAmount: boolean | string };

/**
 * The deployed gateway's behaviour with no fault set (re-sends every 10 s, as the document says). `createGatewaySim`
 * starts from this, then applies its options and the fault settings.
 *
 * @example
 * const behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR, resendIntervalMs: 10 };
 */
export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = Object.freeze({
  dropNotification: false,
  notifyDelayMs: 0,
  notifyTimes: 1,
  tamperAmount: false,
  badSignature: false,
  query: 'normal',
  dialect: 'standard',
  amountDecimals: 4,
  strictOk: false,
  resendCount: 3,
  resendIntervalMs: 10_000,
});

const QUERY_MODES: readonly QueryMode[] = ['normal', 'error', 'http-500', 'data-array'];

function nonNegativeInteger(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new TypeError(`faults.${field} must be an integer from 0 to ${max}`);
  }
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`faults.${field} must be true or false`);
  return value;
}

/**
 * Checks untrusted fault settings (from the admin API) and returns a clean copy; unknown names are refused so a
 * typo does not silently do nothing.
 *
 * @example
 * validateFaults({ dropNotification: true }); // { dropNotification: true }
 * validateFaults({ dropNotifications: true }); // throws TypeError naming the field
 */
export function validateFaults(input: unknown): Faults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('faults must be an object');
  }
  const out: Faults = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    switch (name) {
      case 'dropNotification':
      case 'badSignature':
      case 'strictOk':
        out[name] = bool(value, name);
        break;
      case 'notifyDelayMs':
      case 'resendIntervalMs':
        out[name] = nonNegativeInteger(value, name, 600_000);
        break;
      case 'notifyTimes': {
        const n = nonNegativeInteger(value, name, 10);
        if (n < 1) throw new TypeError('faults.notifyTimes must be an integer from 1 to 10');
        out.notifyTimes = n;
        break;
      }
      case 'resendCount':
        out.resendCount = nonNegativeInteger(value, name, 3);
        break;
      case 'tamperAmount':
        if (typeof value === 'string') {
          if (!/^\d+(\.\d+)?$/.test(value))
            throw new TypeError('faults.tamperAmount must be true, false or a decimal');
          out.tamperAmount = value;
        } else out.tamperAmount = bool(value, name);
        break;
      case 'query':
        if (!QUERY_MODES.includes(value as QueryMode)) {
          throw new TypeError(`faults.query must be one of ${QUERY_MODES.join(', ')}`);
        }
        out.query = value as QueryMode;
        break;
      case 'dialect':
        if (value !== 'standard' && value !== 'legacy')
          throw new TypeError('faults.dialect must be standard or legacy');
        out.dialect = value;
        break;
      case 'amountDecimals':
        if (value !== 2 && value !== 3 && value !== 4)
          throw new TypeError('faults.amountDecimals must be 2, 3 or 4');
        out.amountDecimals = value;
        break;
      default:
        throw new TypeError(`faults.${name} is not a fault switch`);
    }
  }
  return out;
}

/** One stored fault setting, as listed by the admin API. */
export interface FaultEntry {
  target: FaultTarget;
  faults: Faults;
}

function keyOf(target: FaultTarget): string {
  if (target.orderId !== undefined) return `order:${target.orderId}`;
  if (target.memberId !== undefined) return `member:${target.memberId}`;
  return 'all';
}

/**
 * The fault settings in force.
 *
 * @example
 * const book = new FaultBook();
 * book.set({ dropNotification: true }, { orderId: 'E1' });
 * book.resolve(defaults, '10002', 'E1').dropNotification; // true
 */
export class FaultBook {
  #entries = new Map<string, FaultEntry>();

  /** Merges `faults` into the setting for `target` (switches given as `undefined` are left as they were). */
  set(faults: Faults, target: FaultTarget = {}): FaultEntry {
    const clean = validateFaults(faults);
    const key = keyOf(target);
    const current = this.#entries.get(key);
    const entry: FaultEntry = {
      target:
        target.orderId !== undefined
          ? { orderId: target.orderId }
          : target.memberId
            ? { memberId: target.memberId }
            : {},
      faults: { ...current?.faults, ...clean },
    };
    this.#entries.set(key, entry);
    return entry;
  }

  /** Removes the setting for `target`, or every setting when no target is given. */
  clear(target?: FaultTarget): void {
    if (target === undefined) this.#entries.clear();
    else this.#entries.delete(keyOf(target));
  }

  list(): FaultEntry[] {
    return [...this.#entries.values()].map((e) => ({ target: { ...e.target }, faults: { ...e.faults } }));
  }

  /** The behaviour for one order of one merchant. */
  resolve(defaults: Behaviour, memberId: string, orderId: string): Behaviour {
    return {
      ...defaults,
      ...this.#entries.get('all')?.faults,
      ...this.#entries.get(`member:${memberId}`)?.faults,
      ...this.#entries.get(`order:${orderId}`)?.faults,
    };
  }
}
