/**
 * @module orders/apply-payment
 * Applies verified evidence that an order was paid (a query answer from the reconciliation loop, or any caller
 * with a verified report) through the store's single conditional write, with the `order.paid` outbox event in the
 * same transaction. The rules are those of `judge-payment.ts`, which the notify route's decision follows too, so
 * there is exactly one way an order becomes paid.
 */
import { randomUUID } from 'node:crypto';
import type { OrderRecord, OrderStore } from '../store/order-store.ts';
import {
  judgePayment,
  judgeTransition,
  paidTransition,
  type ApplyPaymentOutcome,
  type PaymentEvidence,
} from './judge-payment.ts';

export type { ApplyPaymentOutcome, PaymentEvidence } from './judge-payment.ts';

export interface ApplyPaymentResult {
  outcome: ApplyPaymentOutcome;
  order: OrderRecord | null;
}

export interface ApplyPaymentOptions {
  now: Date;
  newEventId?: () => string;
}

/** The store calls a payment needs. */
export type PaymentStore = Pick<OrderStore, 'getOrder' | 'markPaid' | 'recordAnomaly'>;

/**
 * Marks the order paid exactly once. Resolves only after the store has committed, so a caller may acknowledge
 * the gateway (`OK`) as soon as it resolves with `paid` or `already_paid`.
 * @example
 * const { outcome } = await applyPayment(store, {
 *   orderId: n.orderId, transactionId: n.transactionId, amountFen: n.amountFen, via: 'notify',
 * }, { now: new Date() });
 * reply(outcome === 'paid' || outcome === 'already_paid' ? 'OK' : 'FAIL');
 */
export async function applyPayment(
  store: PaymentStore,
  evidence: PaymentEvidence,
  options: ApplyPaymentOptions,
): Promise<ApplyPaymentResult> {
  const { now } = options;
  // A read first: duplicates (normal: the gateway re-sends on every upstream callback) and unknown or tampered
  // orders are answered without a write transaction.
  const judged = judgePayment(await store.getOrder(evidence.orderId), evidence, now);
  const settled =
    judged.outcome === 'pay'
      ? judgeTransition(
          await store.markPaid(
            paidTransition(judged.order, evidence, now, (options.newEventId ?? randomUUID)()),
          ),
          evidence,
          now,
        )
      : judged;
  if (settled.anomaly) await store.recordAnomaly(settled.anomaly);
  return { outcome: settled.outcome, order: settled.order };
}
