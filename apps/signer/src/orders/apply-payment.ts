/**
 * @module orders/apply-payment
 * Applies verified evidence that an order was paid (a notification, or a query answer from the reconciliation
 * loop) through the store's single conditional write, with the `order.paid` outbox event in the same transaction.
 * Both the notify route and reconciliation come through here, so an order becomes paid only by that conditional
 * write: `applyPayment` (a query answer, or any evidence without a log row) and `applyNotification` (a
 * notification: the transition and its log row in one commit).
 */
import { randomUUID } from 'node:crypto';
import {
  paidEventPayload,
  type ApplyNotificationResult,
  type OrderRecord,
  type OrderStore,
  type PaidVia,
} from '../store/order-store.ts';

/** Verified facts from the gateway: the signature has been checked by @jupay/core before this is built. */
export interface PaymentEvidence {
  orderId: string;
  transactionId: string;
  /** What the gateway says was paid, integer fen. */
  amountFen: number;
  via: PaidVia;
}

/**
 * - `paid`: this call made the transition (and wrote the outbox event);
 * - `already_paid`: the order was paid before (a duplicate): still a success for the gateway;
 * - `amount_mismatch`: the amount differs from the order's; recorded as an anomaly, the order is untouched;
 * - `not_found`: not one of our orders.
 */
export type ApplyPaymentOutcome = 'paid' | 'already_paid' | 'amount_mismatch' | 'not_found';

export interface ApplyPaymentResult {
  outcome: ApplyPaymentOutcome;
  order: OrderRecord | null;
}

export interface ApplyPaymentOptions {
  now: Date;
  newEventId?: () => string;
}

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
  store: OrderStore,
  evidence: PaymentEvidence,
  options: ApplyPaymentOptions,
): Promise<ApplyPaymentResult> {
  const { now } = options;
  // A read first: duplicates (normal: the gateway re-sends on every upstream callback) and unknown or tampered
  // orders are answered without a write transaction. PAID never goes back to NOTPAY, and a committed read is
  // durable, so "already paid" here is as good as the conditional write's answer.
  const order = await store.getOrder(evidence.orderId);
  if (!order) return { outcome: 'not_found', order: null };
  if (order.amountFen !== evidence.amountFen) {
    await recordAmountMismatch(store, order, evidence, now);
    return { outcome: 'amount_mismatch', order };
  }
  if (order.status === 'PAID') {
    await noteOtherTransaction(store, order, evidence, now);
    return { outcome: 'already_paid', order };
  }

  const result = await store.markPaid({
    orderId: order.orderId,
    transactionId: evidence.transactionId,
    amountFen: evidence.amountFen,
    paidAt: now,
    via: evidence.via,
    event: {
      id: (options.newEventId ?? randomUUID)(),
      payload: paidEventPayload(order, {
        transactionId: evidence.transactionId,
        paidAt: now,
        via: evidence.via,
      }),
    },
  });
  switch (result.outcome) {
    case 'paid':
      return { outcome: 'paid', order: result.order };
    case 'already_paid':
      // Lost a race with another notification or the reconciliation loop: the order is paid, once.
      await noteOtherTransaction(store, result.order, evidence, now);
      return { outcome: 'already_paid', order: result.order };
    case 'amount_mismatch':
      await recordAmountMismatch(store, result.order, evidence, now);
      return { outcome: 'amount_mismatch', order: result.order };
    case 'not_found':
      return { outcome: 'not_found', order: null };
  }
}

/** A verified notification, as {@link applyNotification} takes it. */
export interface NotificationEvidence {
  orderId: string;
  transactionId: string;
  /** What the gateway says was paid, integer fen. */
  amountFen: number;
  /** The body (or query string) as received, for the log row. */
  rawBody: string;
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
  store: OrderStore,
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
  });
}

async function recordAmountMismatch(
  store: OrderStore,
  order: OrderRecord,
  evidence: PaymentEvidence,
  now: Date,
): Promise<void> {
  await store.recordAnomaly({
    orderId: order.orderId,
    kind: 'amount_mismatch',
    detail: `${evidence.via} reported ${evidence.amountFen} fen, order is ${order.amountFen} fen`,
    at: now,
  });
}

async function noteOtherTransaction(
  store: OrderStore,
  order: OrderRecord,
  evidence: PaymentEvidence,
  now: Date,
): Promise<void> {
  if (
    order.transactionId !== null &&
    evidence.transactionId !== '' &&
    order.transactionId !== evidence.transactionId
  ) {
    await store.recordAnomaly({
      orderId: order.orderId,
      kind: 'transaction_mismatch',
      detail: `${evidence.via} reported transaction ${evidence.transactionId.slice(0, 64)}, order was paid by ${order.transactionId}`,
      at: now,
    });
  }
}
