/**
 * @module reconcile/query-rate
 * The rate cap of one gateway's order queries (`JUPAY_QUERY_RATE`, queries per second): at most that many queries
 * start in any second (epoch seconds on the signer's clock), counted in the store (`takeQuerySlots`), so on
 * PostgreSQL every instance shares one count per gateway.
 *
 * Status reads come first. The loop's scheduled queries may fill a second only up to the cap less a reserve (a fifth
 * of it, rounded down), which only status-triggered queries may use; and when a second is full, a status-triggered
 * query takes a slot in the next second that has one (up to {@link URGENT_LOOKAHEAD_SECONDS} ahead) and waits for
 * it, which the loop, only ever taking the current second, can never take first. A scheduled query that finds no
 * slot is deferred, never dropped: its order stays due and is claimed again, oldest first, as the cap allows.
 *
 * The cap is keyed by a gateway id; today's single configured gateway is {@link DEFAULT_GATEWAY_ID}.
 */
import type { OrderStore } from '../store/order-store.ts';

/** The id of the one configured gateway. */
export const DEFAULT_GATEWAY_ID = 'default';

/** The default cap, queries per second (`JUPAY_QUERY_RATE`). */
export const DEFAULT_QUERY_RATE = 5;

/** How far ahead a status-triggered query may book a slot when the current second is full. */
export const URGENT_LOOKAHEAD_SECONDS = 10;

/** Options of {@link createQueryRate}. */
export interface QueryRateOptions {
  store: Pick<OrderStore, 'takeQuerySlots'>;
  /** Queries per second, a whole number from 1. */
  perSecond: number;
  gatewayId?: string;
  now?: () => Date;
  /** Waits `ms` (a status-triggered query waiting for its second). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The cap of one gateway. */
export interface QueryRate {
  readonly gatewayId: string;
  readonly perSecond: number;
  /** Slots per second only status-triggered queries may take: `floor(perSecond / 5)`. */
  readonly reserve: number;
  /** true when this instance already found the current second full for scheduled queries (no store call needed). */
  scheduledFull(): boolean;
  /** Takes up to `want` slots of the current second for scheduled queries; resolves how many it got. */
  takeScheduled(want: number): Promise<number>;
  /**
   * Books one slot for a status-triggered query: in this second if it has one, else in the next that has, waiting
   * for that second to begin. Resolves how many seconds ahead the slot was (0: this second), or null when none is
   * free within {@link URGENT_LOOKAHEAD_SECONDS} (the query is not made; the loop still asks on its schedule).
   */
  takeUrgent(): Promise<number | null>;
}

/**
 * Creates the cap of one gateway on a store.
 *
 * @example
 * ```ts
 * const rate = createQueryRate({ store, perSecond: 5 });
 * const n = await rate.takeScheduled(20); // at most 4 (5 less the reserve of 1) in this second, across instances
 * ```
 */
export function createQueryRate(options: QueryRateOptions): QueryRate {
  const { store, perSecond } = options;
  if (!Number.isInteger(perSecond) || perSecond < 1) {
    throw new TypeError('perSecond: expected a whole number of queries per second from 1');
  }
  const gatewayId = options.gatewayId ?? DEFAULT_GATEWAY_ID;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const reserve = Math.floor(perSecond / 5);
  const scheduledCeiling = perSecond - reserve;
  const secondOf = (at: Date) => Math.floor(at.getTime() / 1000);
  // The second this instance last found full for scheduled queries: until it ends, the loop need not ask again.
  let fullSecond = -1;
  // The first second not yet found full for status-triggered queries: a busy minute costs one take each, not one
  // per full second.
  let urgentFrom = -1;

  return {
    gatewayId,
    perSecond,
    reserve,
    scheduledFull: () => fullSecond === secondOf(now()),
    async takeScheduled(want) {
      const epochSecond = secondOf(now());
      if (fullSecond === epochSecond || want <= 0) return 0;
      const taken = await store.takeQuerySlots({ gatewayId, epochSecond, want, upTo: scheduledCeiling });
      if (taken < want) fullSecond = epochSecond;
      return taken;
    },
    async takeUrgent() {
      const first = secondOf(now());
      for (let epochSecond = Math.max(first, urgentFrom); epochSecond <= first + URGENT_LOOKAHEAD_SECONDS;) {
        if ((await store.takeQuerySlots({ gatewayId, epochSecond, want: 1, upTo: perSecond })) === 1) {
          const wait = epochSecond * 1000 - now().getTime();
          if (wait > 0) await sleep(wait);
          return epochSecond - first;
        }
        epochSecond += 1;
        urgentFrom = Math.max(urgentFrom, epochSecond);
      }
      return null;
    },
  };
}
