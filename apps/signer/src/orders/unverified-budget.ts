/**
 * @module orders/unverified-budget
 * How many unverified notifications (`bad_signature`, `malformed`: anybody can send them) the notify route stores.
 * Each stored one is a row of up to 512 bytes kept for `JUPAY_UNVERIFIED_RETENTION_DAYS`, so without a bound one
 * client could fill the disk (about 4 MB/s from a single sender). A source (an IPv4 address or an IPv6 /64) may
 * have {@link UNVERIFIED_PER_SOURCE_PER_MINUTE} stored per minute, and all sources together
 * {@link UNVERIFIED_PER_HOUR} per hour; the rest are only counted, and reported in one summary line per minute at
 * most. The counts are per instance, in memory. Correctly signed notifications never come here: they are always
 * stored and applied.
 */
import { addressKey } from '../http/client-address.ts';
import { createRateLimiter } from '../http/rate-limit.ts';

/** Unverified notifications stored per source per minute, at most. */
export const UNVERIFIED_PER_SOURCE_PER_MINUTE = 10;
/** Unverified notifications stored per hour by one instance, at most, whatever the number of sources. */
export const UNVERIFIED_PER_HOUR = 600;
/** The summary of what was not stored is written once per this interval at most. */
export const UNVERIFIED_SUMMARY_INTERVAL_MS = 60_000;

// The summary counts distinct sources up to this many, so a flood from many addresses costs bounded memory.
const MAX_SOURCES_COUNTED = 10_000;

/** What was not stored since the last summary. */
export interface UnverifiedSummary {
  notStored: number;
  /** Distinct sources among them (at most 10,000 are told apart: `sourcesCapped` then). */
  sources: number;
  sourcesCapped: boolean;
}

/** The budget of one notify route. */
export interface UnverifiedBudget {
  /** true when an unverified notification from `address` may be stored; false: it is only counted. */
  admit(address: string): boolean;
  /** The summary line due now (something was not stored, and the last summary is an interval old), or null. */
  takeSummary(): UnverifiedSummary | null;
}

/** Options of {@link createUnverifiedBudget}; the defaults are the constants above. */
export interface UnverifiedBudgetOptions {
  /** Milliseconds; the signer's clock. */
  clock: () => number;
  perSourcePerMinute?: number;
  perHour?: number;
  summaryIntervalMs?: number;
}

/**
 * Creates the budget.
 * @example
 * const budget = createUnverifiedBudget({ clock: () => Date.now() });
 * if (budget.admit(clientAddress(c, trustedHeader))) await store.recordNotification(row);
 * const summary = budget.takeSummary();
 * if (summary) log.warn(summary, 'unverified notifications not stored');
 */
export function createUnverifiedBudget(options: UnverifiedBudgetOptions): UnverifiedBudget {
  const { clock } = options;
  const perSource = createRateLimiter({
    limit: options.perSourcePerMinute ?? UNVERIFIED_PER_SOURCE_PER_MINUTE,
    windowMs: 60_000,
    clock,
  });
  const overall = createRateLimiter({
    limit: options.perHour ?? UNVERIFIED_PER_HOUR,
    windowMs: 3_600_000,
    clock,
  });
  const interval = options.summaryIntervalMs ?? UNVERIFIED_SUMMARY_INTERVAL_MS;
  let notStored = 0;
  let sources = new Set<string>();
  let sourcesCapped = false;
  let lastSummaryAt = Number.NEGATIVE_INFINITY;

  return {
    admit(address) {
      const key = addressKey(address);
      // The source's own budget first, so one noisy source does not spend everyone's hour.
      if (perSource.hit(key).allowed && overall.hit('all').allowed) return true;
      notStored += 1;
      if (sources.size < MAX_SOURCES_COUNTED) sources.add(key);
      else if (!sources.has(key)) sourcesCapped = true;
      return false;
    },
    takeSummary() {
      const now = clock();
      if (notStored === 0 || now - lastSummaryAt < interval) return null;
      const summary = { notStored, sources: sources.size, sourcesCapped };
      lastSummaryAt = now;
      notStored = 0;
      sources = new Set();
      sourcesCapped = false;
      return summary;
    },
  };
}
