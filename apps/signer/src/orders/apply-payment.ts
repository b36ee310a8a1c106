/**
 * @module orders/apply-payment
 * Applies verified evidence that an order was paid through the store's single conditional write, with the
 * `order.paid` outbox event in the same transaction: `applyPayment` (a query answer from the reconciliation loop, or
 * any caller with a verified report) and `applyNotification` (a notification, as `/api/notify` applies it: the
 * transition and its log row in one commit). The rules are those of `judge-payment.ts`, which both stores'
 * `applyNotification` follows too, so there is exactly one way an order becomes paid.
 */
import { randomUUID } from 'node:crypto';
import type { ApplyNotificationResult, OrderRecord, OrderStore } from '../store/order-store.ts';
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

/** A verified notification, as {@link applyNotification} takes it. */
export interface NotificationEvidence {
  orderId: string;
  transactionId: string;
  /** What the gateway says was paid, integer fen. */
  amountFen: number;
  /** The body (or query string) as received, for the log row. */
  rawBody: string;
  /** The gateway account whose key verified it: only an order bound to it is paid. Default `default`. */
  gatewayId?: string;
}

/**
 * Applies a verified notification in ONE store commit (`OrderStore.applyNotification`): the paid transition, its
 * outbox event and the notification's log row (verdict `paid`, `duplicate`, `amount_mismatch` or `unknown_order`),
 * with any anomaly, together or not at all, and without a read before it. Resolves only after that commit, so the
 * caller may answer `OK` as soon as it resolves with `paid` or `already_paid`; a rejection wrote nothing.
 * @example
 * const result = await applyNotification(store, {
 *   orderId: n.orderId, transactionId: n.transactionId, amountFen: n.amountFen, rawBody: raw,
 * }, { now: receivedAt });
 * if (result.outcome === 'paid') void background.orderPaid(result.order);
 * reply(result.outcome === 'paid' || result.outcome === 'already_paid' ? 'OK' : 'FAIL');
 */
export function applyNotification(
  store: Pick<OrderStore, 'applyNotification'>,
  evidence: NotificationEvidence,
  options: ApplyPaymentOptions,
): Promise<ApplyNotificationResult> {
  return store.applyNotification({
    orderId: evidence.orderId,
    transactionId: evidence.transactionId,
    amountFen: evidence.amountFen,
    receivedAt: options.now,
    rawBody: evidence.rawBody,
    eventId: (options.newEventId ?? randomUUID)(),
    ...(evidence.gatewayId !== undefined ? { gatewayId: evidence.gatewayId } : {}),
  });
}
