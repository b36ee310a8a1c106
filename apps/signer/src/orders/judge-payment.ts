/**
 * @module orders/judge-payment
 * The rules of the paid transition, as pure functions over the stored order and verified evidence: what a payment
 * report means (pay, duplicate, amount mismatch, unknown order), which anomaly it leaves, and the conditional write
 * that pays, for `applyPayment` (the reconciliation loop's query answers). A notification is judged by the same
 * rules inside the store's one commit (`OrderStore.applyNotification`, its anomalies from `notificationAnomaly` in
 * order-store.ts, of the same kinds and details), so an order becomes paid the same way whoever learnt of it.
 */
import {
  paidEventPayload,
  type AnomalyEntry,
  type MarkPaidInput,
  type MarkPaidResult,
  type OrderRecord,
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
 * - `paid`: the conditional write made the transition (and wrote the outbox event);
 * - `already_paid`: the order was paid before (a duplicate): still a success for the gateway;
 * - `amount_mismatch`: the amount differs from the order's; an anomaly, the order is untouched;
 * - `not_found`: not one of our orders.
 */
export type ApplyPaymentOutcome = 'paid' | 'already_paid' | 'amount_mismatch' | 'not_found';

/** A judgement once the store has answered: the outcome, the order as stored, and the anomaly to record. */
export type SettledPayment =
  | { outcome: 'paid'; order: OrderRecord; anomaly: null }
  | { outcome: 'already_paid'; order: OrderRecord; anomaly: AnomalyEntry | null }
  | { outcome: 'amount_mismatch'; order: OrderRecord; anomaly: AnomalyEntry }
  | { outcome: 'not_found'; order: null; anomaly: null };

/** A judgement from a read: settled, or `pay` (unpaid, amount matches) when only the conditional write can tell. */
export type PaymentJudgement = SettledPayment | { outcome: 'pay'; order: OrderRecord; anomaly: null };

/**
 * What `evidence` means for the order as read (`null`: no such order).
 * @example
 * judgePayment(order, { orderId, transactionId: 'T1', amountFen: 1230, via: 'notify' }, now).outcome; // 'pay'
 */
export function judgePayment(
  order: OrderRecord | null,
  evidence: PaymentEvidence,
  now: Date,
): PaymentJudgement {
  if (order === null) return { outcome: 'not_found', order: null, anomaly: null };
  // The amount first: a paid order reported with another amount is tampering or a gateway fault, not a duplicate.
  if (order.amountFen !== evidence.amountFen) {
    return { outcome: 'amount_mismatch', order, anomaly: amountAnomaly(order, evidence, now) };
  }
  // PAID never goes back to NOTPAY and a committed read is durable, so "already paid" from a read is as good as
  // the conditional write's answer.
  if (order.status === 'PAID') {
    return { outcome: 'already_paid', order, anomaly: transactionAnomaly(order, evidence, now) };
  }
  return { outcome: 'pay', order, anomaly: null };
}

/**
 * The conditional write that pays `order` (`... WHERE status = 'NOTPAY'`), with its `order.paid` outbox event.
 * @example
 * await store.markPaid(paidTransition(order, evidence, now, randomUUID()));
 */
export function paidTransition(
  order: OrderRecord,
  evidence: PaymentEvidence,
  now: Date,
  eventId: string,
): MarkPaidInput {
  return {
    orderId: order.orderId,
    transactionId: evidence.transactionId,
    amountFen: evidence.amountFen,
    paidAt: now,
    via: evidence.via,
    event: { id: eventId, payload: paidEventPayload(order, { ...evidence, paidAt: now }) },
  };
}

/**
 * What the conditional write's answer means. `already_paid` here lost a race with another notification or the
 * reconciliation loop: the order is paid, once.
 * @example
 * judgeTransition(await store.markPaid(input), evidence, now).outcome; // 'paid' or 'already_paid'
 */
export function judgeTransition(
  result: MarkPaidResult,
  evidence: PaymentEvidence,
  now: Date,
): SettledPayment {
  switch (result.outcome) {
    case 'paid':
      return { outcome: 'paid', order: result.order, anomaly: null };
    case 'already_paid':
      return {
        outcome: 'already_paid',
        order: result.order,
        anomaly: transactionAnomaly(result.order, evidence, now),
      };
    case 'amount_mismatch':
      return {
        outcome: 'amount_mismatch',
        order: result.order,
        anomaly: amountAnomaly(result.order, evidence, now),
      };
    case 'not_found':
      return { outcome: 'not_found', order: null, anomaly: null };
  }
}

function amountAnomaly(order: OrderRecord, evidence: PaymentEvidence, now: Date): AnomalyEntry {
  return {
    orderId: order.orderId,
    kind: 'amount_mismatch',
    detail: `${evidence.via} reported ${evidence.amountFen} fen, order is ${order.amountFen} fen`,
    at: now,
  };
}

/** A paid order reported paid by another gateway transaction: still paid once, but worth a look. */
function transactionAnomaly(order: OrderRecord, evidence: PaymentEvidence, now: Date): AnomalyEntry | null {
  if (
    order.transactionId === null ||
    evidence.transactionId === '' ||
    order.transactionId === evidence.transactionId
  ) {
    return null;
  }
  return {
    orderId: order.orderId,
    kind: 'transaction_mismatch',
    detail: `${evidence.via} reported transaction ${evidence.transactionId.slice(0, 64)}, order was paid by ${order.transactionId}`,
    at: now,
  };
}
