/**
 * @module store/retention
 * The signer's retention service: deletes what has outlived its usefulness through {@link OrderStore.prune},
 * once when the signer starts and then every `intervalMs` (default 1 h): unverified notifications (forgeries and
 * garbage, kept only for the audit trail) older than `unverifiedNotificationDays` (default 30), the gateway query
 * log older than `gatewayQueryDays` (default 90), and idempotency keys older than 24 h (`IDEMPOTENCY_KEY_TTL_MS`;
 * a store also ignores an expired key on its own).
 * Pruning is one DELETE per kind, so several instances pruning the same database at once only repeat a no-op.
 */
import { IDEMPOTENCY_KEY_TTL_MS, type OrderStore, type PruneResult } from './order-store.ts';

/** Defaults of {@link createRetention}. */
export const DEFAULT_RETENTION = {
  unverifiedNotificationDays: 30,
  gatewayQueryDays: 90,
  intervalMs: 60 * 60 * 1000,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Settings of {@link createRetention}; every one has a default. */
export interface RetentionOptions {
  /** Unverified notifications older than this many days are deleted. Default 30. */
  unverifiedNotificationDays?: number;
  /** Gateway query log rows older than this many days are deleted. Default 90. */
  gatewayQueryDays?: number;
  /** Time between prunes after the first one at start. Default 1 h. */
  intervalMs?: number;
}

interface RetentionLogger {
  info(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** The service (the shape of `SignerService` in lifecycle.ts) plus a prune on demand. */
export interface Retention {
  name: 'retention';
  start(): Promise<void>;
  stop(): void;
  /** One prune now, by the injected clock. */
  pruneNow(): Promise<PruneResult>;
}

/**
 * Builds the retention service of one signer.
 * @example
 * const retention = createRetention({ store, clock: () => new Date(), unverifiedNotificationDays: 30 });
 * await retention.start(); // prunes once, then hourly
 * retention.stop();
 */
export function createRetention(
  options: RetentionOptions & {
    store: Pick<OrderStore, 'prune'>;
    clock: () => Date;
    logger?: RetentionLogger;
  },
): Retention {
  const days = options.unverifiedNotificationDays ?? DEFAULT_RETENTION.unverifiedNotificationDays;
  if (!Number.isFinite(days) || days <= 0) {
    throw new TypeError('unverifiedNotificationDays: expected a positive number of days');
  }
  const queryDays = options.gatewayQueryDays ?? DEFAULT_RETENTION.gatewayQueryDays;
  if (!Number.isFinite(queryDays) || queryDays <= 0) {
    throw new TypeError('gatewayQueryDays: expected a positive number of days');
  }
  const intervalMs = options.intervalMs ?? DEFAULT_RETENTION.intervalMs;
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError('intervalMs: expected a positive integer');
  }
  const { store, clock, logger } = options;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function pruneNow(): Promise<PruneResult> {
    const now = clock().getTime();
    const result = await store.prune({
      unverifiedNotificationsBefore: new Date(now - days * DAY_MS),
      idempotencyKeysBefore: new Date(now - IDEMPOTENCY_KEY_TTL_MS),
      gatewayQueriesBefore: new Date(now - queryDays * DAY_MS),
    });
    if (result.notifications > 0 || result.idempotencyKeys > 0 || result.gatewayQueries > 0)
      logger?.info({ ...result }, 'pruned expired rows');
    return result;
  }

  // A failed prune (database briefly away) is only logged: the next one catches up.
  const pruneLogged = () =>
    pruneNow().then(
      () => undefined,
      (error: unknown) => logger?.error({ err: error }, 'prune failed'),
    );

  return {
    name: 'retention',
    async start() {
      await pruneLogged();
      timer ??= setInterval(() => void pruneLogged(), intervalMs);
      // Never the reason the process stays alive.
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    pruneNow,
  };
}
