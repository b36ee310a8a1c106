/**
 * @module reconcile/last-not-paid
 * When the gateway last answered `NOTPAY` for an order, read from the gateway query log, so it covers every
 * instance's queries and whatever asked (the schedule, a status read, the console). The return page's widget reads
 * it (`checkedAt` in `GET /api/orders/:id`): a value that changes while the shopper is on the page means the gateway
 * was asked after they came back and said unpaid, which is what "not paid" may claim.
 */
import type { OrderStore } from '../store/order-store.ts';

/**
 * How many of an order's newest queries are looked at: failed queries (timeouts, error answers) sit between the
 * answers, and past this many in a row the last `NOTPAY` is long stale anyway.
 */
const LOOK_BACK = 10;

/**
 * The start time of the order's newest gateway query that answered `NOTPAY`, or null when none of its newest
 * queries did.
 *
 * @example
 * const at = await lastNotPaidAt(store, 'E2024...'); // a Date, or null
 */
export async function lastNotPaidAt(
  store: Pick<OrderStore, 'listGatewayQueries'>,
  orderId: string,
): Promise<Date | null> {
  const { entries } = await store.listGatewayQueries(orderId, LOOK_BACK);
  return entries.find((entry) => entry.outcome === 'not_paid')?.at ?? null;
}
