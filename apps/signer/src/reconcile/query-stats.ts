/**
 * @module reconcile/query-stats
 * What one instance's queries to one gateway did, for the operator: how many were sent (by the schedule, or for a
 * status read), how many were deferred by the rate cap, how long after they were due they went out, and how many
 * status-triggered ones found no slot at all. Kept in memory since the instance started, summarised in one log line
 * per interval with activity (info; warn when the cap deferred or skipped any), passed on to the metrics, and shown
 * by the console.
 */
import type { WorkerLogger } from './polling-loop.ts';

/** Why a query was made: the loop's schedule, or a status read of a pending order (a shopper waiting). */
export type QueryKind = 'scheduled' | 'status';

/** The counts of one kind of query. */
export interface QueryCounts {
  sent: number;
  /** Times the cap put a query off: a claimed order released for a later second, or a status read's wait. */
  deferred: number;
  /** Status-triggered queries not made: no slot within the lookahead (the loop still asks on schedule). */
  skipped: number;
  /** Sum and maximum of the delays of the sent queries, from when each was due to when it went out. */
  delayTotalMs: number;
  delayMaxMs: number;
}

/** A view of {@link QueryStats} at one moment. */
export interface QueryStatsSnapshot {
  gatewayId: string;
  perSecond: number;
  reserve: number;
  /** When this instance started counting. */
  since: Date;
  total: Record<QueryKind, QueryCounts>;
  /** The interval being counted now (it ends a summary interval after `from`). */
  current: { from: Date; counts: Record<QueryKind, QueryCounts> };
  /** The last interval that ended with activity, or null. */
  lastInterval: { from: Date; to: Date; counts: Record<QueryKind, QueryCounts> } | null;
}

/** Where the counts go as they happen (the Prometheus metrics: metrics/metrics.ts). */
export interface QueryStatsSink {
  gatewayQuery(gatewayId: string, kind: QueryKind, delaySeconds: number): void;
  gatewayQueryDeferred(gatewayId: string, kind: QueryKind, count: number): void;
  gatewayQuerySkipped(gatewayId: string, kind: QueryKind): void;
}

/** The counter of one gateway's queries in one instance. */
export interface QueryStats {
  readonly gatewayId: string;
  sent(kind: QueryKind, delayMs: number): void;
  deferred(kind: QueryKind, count: number): void;
  skipped(kind: QueryKind): void;
  /** Ends the current interval if it is over, logging its summary when it had activity. Call it often. */
  tick(): void;
  snapshot(): QueryStatsSnapshot;
}

/** Options of {@link createQueryStats}. */
export interface QueryStatsOptions {
  gatewayId: string;
  perSecond: number;
  reserve: number;
  logger: WorkerLogger;
  now?: () => Date;
  /** Length of a summary interval. Default 60 s. */
  intervalMs?: number;
  sink?: QueryStatsSink;
}

const empty = (): QueryCounts => ({ sent: 0, deferred: 0, skipped: 0, delayTotalMs: 0, delayMaxMs: 0 });
const emptyKinds = (): Record<QueryKind, QueryCounts> => ({ scheduled: empty(), status: empty() });
const active = (c: Record<QueryKind, QueryCounts>) =>
  c.scheduled.sent + c.scheduled.deferred + c.status.sent + c.status.deferred + c.status.skipped > 0;

/** A log-friendly summary of one kind's counts. */
function summary(c: QueryCounts) {
  return {
    sent: c.sent,
    deferred: c.deferred,
    skipped: c.skipped,
    meanDelayMs: c.sent === 0 ? 0 : Math.round(c.delayTotalMs / c.sent),
    maxDelayMs: Math.round(c.delayMaxMs),
  };
}

/**
 * Creates the counter of one gateway's queries.
 *
 * @example
 * ```ts
 * const stats = createQueryStats({ gatewayId: 'default', perSecond: 5, reserve: 1, logger });
 * stats.sent('scheduled', 1_200);
 * stats.tick(); // after a minute: {"gateway":"default","scheduled":{"sent":1,...}} gateway queries
 * ```
 */
export function createQueryStats(options: QueryStatsOptions): QueryStats {
  const { gatewayId, perSecond, reserve, logger, sink } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 60_000;
  const since = now();
  const total = emptyKinds();
  let current = emptyKinds();
  let currentFrom = since;
  let lastInterval: QueryStatsSnapshot['lastInterval'] = null;

  function tick(): void {
    const at = now();
    if (at.getTime() - currentFrom.getTime() < intervalMs) return;
    if (active(current)) {
      lastInterval = { from: currentFrom, to: at, counts: current };
      const deferredAny = current.scheduled.deferred + current.status.deferred + current.status.skipped > 0;
      const line = {
        gateway: gatewayId,
        perSecond,
        intervalSeconds: Math.round((at.getTime() - currentFrom.getTime()) / 1000),
        scheduled: summary(current.scheduled),
        status: summary(current.status),
      };
      if (deferredAny) logger.warn(line, 'gateway queries: the rate cap deferred some');
      else logger.info(line, 'gateway queries');
    }
    current = emptyKinds();
    currentFrom = at;
  }

  const both = (kind: QueryKind, apply: (c: QueryCounts) => void) => {
    tick();
    apply(total[kind]);
    apply(current[kind]);
  };

  return {
    gatewayId,
    sent(kind, delayMs) {
      const delay = Math.max(0, delayMs);
      both(kind, (c) => {
        c.sent += 1;
        c.delayTotalMs += delay;
        c.delayMaxMs = Math.max(c.delayMaxMs, delay);
      });
      sink?.gatewayQuery(gatewayId, kind, delay / 1000);
    },
    deferred(kind, count) {
      if (count <= 0) return;
      both(kind, (c) => (c.deferred += count));
      sink?.gatewayQueryDeferred(gatewayId, kind, count);
    },
    skipped(kind) {
      both(kind, (c) => (c.skipped += 1));
      sink?.gatewayQuerySkipped(gatewayId, kind);
    },
    tick,
    snapshot() {
      tick();
      return {
        gatewayId,
        perSecond,
        reserve,
        since,
        total: structuredClone(total),
        current: { from: currentFrom, counts: structuredClone(current) },
        lastInterval: lastInterval && structuredClone(lastInterval),
      };
    },
  };
}
