/**
 * @module orders/decide-notification
 * Everything `/api/notify` decides, as pure functions: whether the gateway's notification is ours and acceptable,
 * what must be written (the notification log row, an anomaly, the paid transition), and what the gateway is told.
 * The route reads the body and the order, calls these, performs the writes and sends the answer.
 *
 * In two steps, because which order to read depends on the verified body: {@link receiveNotification} parses and
 * verifies the raw body (and names the order to read), {@link decideNotification} decides given that order. When
 * the decision holds a paid transition, {@link settleNotification} reads the conditional write's answer.
 */
import {
  JupayError,
  NotificationError,
  parseNotification,
  SignatureError,
  type Credentials,
  type Dialect,
  type Notification,
} from '@jupay/core';
import {
  UNVERIFIED_BODY_LIMIT,
  type AnomalyEntry,
  type MarkPaidInput,
  type MarkPaidResult,
  type NotificationLogEntry,
  type OrderRecord,
} from '../store/order-store.ts';
import {
  judgePayment,
  judgeTransition,
  paidTransition,
  type PaymentEvidence,
  type SettledPayment,
} from './judge-payment.ts';

/** A notification's verdict: the notification log's `verdict`, and the `X-Notify-Verdict` header of a FAIL. */
export type NotificationVerdict =
  | 'paid'
  | 'duplicate'
  | 'amount_mismatch'
  | 'unknown_order'
  | 'member_mismatch'
  | 'not_success'
  | 'bad_signature'
  | 'malformed';

/**
 * The reply to the gateway: exactly `OK` once the notification is durably applied, `FAIL` otherwise (a reply
 * containing "ok" anywhere counts as received, so nothing else is ever sent). `verdict` is the `X-Notify-Verdict`
 * header of a FAIL.
 */
export type NotifyAnswer =
  { status: 200; body: 'OK'; verdict: null } | { status: 400 | 413 | 500; body: 'FAIL'; verdict: string };

/** The answer when a store call fails: not written, so not acknowledged; the gateway or reconciliation comes back. */
export const STORE_ERROR_ANSWER: NotifyAnswer = { status: 500, body: 'FAIL', verdict: 'store_error' };

/** The body as read and verified, before anything is looked up. `orderToRead` names the order the decision needs. */
export type ReceivedNotification =
  | {
      /** Signed with our key, for our member id, a success: a payment report. */
      kind: 'verified';
      rawBody: string;
      notification: Notification;
      orderToRead: string;
    }
  | {
      /** Signed with our key, yet not acceptable: another member id, or not a success. */
      kind: 'refused';
      rawBody: string;
      verdict: 'member_mismatch' | 'not_success';
      /** The anomaly's detail, from the verified field at fault. */
      detail: string;
      /** The order id the body names, if it looks like one of ours. */
      claimedOrderId: string | null;
      /** Read to file an anomaly under the order when it is ours. */
      orderToRead: string | null;
    }
  | {
      /** Not signed with our key, or not a notification at all: anybody may send these. */
      kind: 'unverified';
      rawBody: string;
      verdict: 'bad_signature' | 'malformed';
      /** The order id the body claims: for the audit trail only, never trusted. */
      claimedOrderId: string | null;
      /** The core error's code and field, for the operator's log. */
      code: string;
      field: string | undefined;
      orderToRead: null;
    };

/** The operator's log line about this notification. */
export interface NotificationReport {
  level: 'info' | 'warn';
  message: 'notification applied' | 'notification refused';
  fields: Record<string, unknown>;
}

/** What to write and what to answer. */
export interface NotificationDecision {
  verdict: NotificationVerdict;
  /** The notification log row: filed under its order when verified, a truncated claim when not. */
  record: NotificationLogEntry;
  /**
   * true when `OK` may only be sent once `record` is durable: a duplicate's "already paid" came from a read, and
   * the log write's commit is what proves that state is on disk. Otherwise a failed log write is only reported.
   */
  recordRequired: boolean;
  /** An anomaly to record before answering. */
  anomaly: AnomalyEntry | null;
  /**
   * A correctly signed notification's unsigned fields that were repeated, badly encoded or not strings, and
   * ignored (the stored order's `attach` is the truth): one anomaly on our order, recorded before answering.
   */
  fieldAnomaly: AnomalyEntry | null;
  /** The conditional write to attempt (unpaid, the amount matches); its answer goes to {@link settleNotification}. */
  transition: MarkPaidInput | null;
  /** The order this notification made paid (after settling): for `onPaid` and an immediate webhook send. */
  paidOrder: OrderRecord | null;
  answer: NotifyAnswer;
  report: NotificationReport;
}

/** Inputs of {@link decideNotification}. */
export interface DecideNotificationInput {
  received: ReceivedNotification;
  /** The stored order named by `received.orderToRead`; null when there is none (or nothing to read). */
  order: OrderRecord | null;
  receivedAt: Date;
  /** The id of the `order.paid` outbox event, used only if this notification pays the order. */
  eventId: string;
}

// A gateway order number: `YYYYMMDDHHmmss` and digits on the deployed servers; forks vary, so letters and digits.
const GATEWAY_TRANSACTION_ID = /^[A-Za-z0-9]{1,64}$/;

/** Options of {@link receiveNotification}. */
export interface ReceiveNotificationOptions {
  /** `JUPAY_SIGN_DIALECT`: `legacy` gateways join `name=>value` and sign 5 fields. Default `standard`. */
  dialect?: Dialect;
}

/**
 * Parses and verifies a notification body (a POST body or a GET query string) as received. Only the signed fields
 * can refuse it: core's tolerant mode reports a bad unsigned field (`attach`, or a stray piece of it, since the
 * gateway sends it HTML-escaped and unencoded) as an anomaly instead.
 * @example
 * const received = receiveNotification(rawBody, { memberId: '10002', key });
 * const order = received.orderToRead === null ? null : await store.getOrder(received.orderToRead);
 */
export function receiveNotification(
  rawBody: string,
  credentials: Credentials,
  options: ReceiveNotificationOptions = {},
): ReceivedNotification {
  try {
    const legacy = options.dialect === 'legacy';
    const parsed = parseNotification(rawBody, credentials, {
      tolerant: true,
      dialect: options.dialect ?? 'standard',
    });
    // The legacy dialect does not sign transaction_id: kept for the record only when it looks like one.
    const notification =
      legacy && !GATEWAY_TRANSACTION_ID.test(parsed.transactionId)
        ? { ...parsed, transactionId: '' }
        : parsed;
    return { kind: 'verified', rawBody, notification, orderToRead: notification.orderId };
  } catch (error) {
    const claimed = claimedOrderId(rawBody);
    if (error instanceof NotificationError) {
      const memberMismatch = error.code === 'MEMBER_MISMATCH';
      return {
        kind: 'refused',
        rawBody,
        verdict: memberMismatch ? 'member_mismatch' : 'not_success',
        detail: memberMismatch
          ? `notification for member ${String(error.notification.memberid).slice(0, 20)}`
          : `notification returncode ${String(error.notification.returncode).slice(0, 20)}`,
        claimedOrderId: claimed,
        orderToRead: claimed,
      };
    }
    if (error instanceof JupayError) {
      return {
        kind: 'unverified',
        rawBody,
        verdict: error instanceof SignatureError ? 'bad_signature' : 'malformed',
        claimedOrderId: claimed,
        code: error.code,
        field: error.field,
        orderToRead: null,
      };
    }
    throw error;
  }
}

/**
 * Decides a received notification given its stored order.
 * @example
 * const decision = decideNotification({ received, order, receivedAt: new Date(), eventId: randomUUID() });
 * decision.answer; // { status: 200, body: 'OK', verdict: null } when it pays the order
 */
export function decideNotification(input: DecideNotificationInput): NotificationDecision {
  const { received, order, receivedAt } = input;
  switch (received.kind) {
    case 'unverified': {
      // Not signed with our key: anyone can send these, as many as they like. So only the start of the body is
      // kept, and the order id it names is only a claim, filed apart from the orders' verified log.
      const { text, truncated } = truncateUtf8(received.rawBody, UNVERIFIED_BODY_LIMIT);
      return {
        verdict: received.verdict,
        record: {
          orderId: null,
          claimedOrderId: received.claimedOrderId,
          rawBody: text,
          bodyTruncated: truncated,
          verdict: received.verdict,
          receivedAt,
        },
        recordRequired: false,
        anomaly: null,
        fieldAnomaly: null,
        transition: null,
        paidOrder: null,
        answer: refusal(received.verdict),
        report: {
          level: 'warn',
          message: 'notification refused',
          fields: {
            orderId: received.claimedOrderId,
            verdict: received.verdict,
            code: received.code,
            field: received.field,
          },
        },
      };
    }
    case 'refused':
      return {
        verdict: received.verdict,
        record: verifiedRecord(received.claimedOrderId, received.rawBody, received.verdict, receivedAt),
        recordRequired: false,
        // Filed under the order only when it is ours.
        anomaly:
          order === null || received.claimedOrderId === null
            ? null
            : {
                orderId: received.claimedOrderId,
                kind: received.verdict,
                detail: received.detail,
                at: receivedAt,
              },
        fieldAnomaly: null,
        transition: null,
        paidOrder: null,
        answer: refusal(received.verdict),
        report: {
          level: 'warn',
          message: 'notification refused',
          fields: { orderId: received.claimedOrderId, verdict: received.verdict },
        },
      };
    case 'verified': {
      const evidence = evidenceOf(received.notification);
      const judged = judgePayment(order, evidence, receivedAt);
      const { orderId } = received.notification;
      const fieldAnomaly = order === null ? null : unsignedFieldAnomaly(received.notification, receivedAt);
      if (judged.outcome !== 'pay') {
        return settledDecision(orderId, received.rawBody, judged, receivedAt, fieldAnomaly);
      }
      // Unpaid and the amount matches: the conditional write decides between paid and a lost race.
      return {
        ...settledDecision(
          orderId,
          received.rawBody,
          { outcome: 'paid', order: judged.order, anomaly: null },
          receivedAt,
          fieldAnomaly,
        ),
        transition: paidTransition(judged.order, evidence, receivedAt, input.eventId),
        paidOrder: null,
      };
    }
  }
}

/**
 * The decision once the store has answered the paid transition (`decision.transition`).
 * @example
 * if (decision.transition) decision = settleNotification(decision, await store.markPaid(decision.transition));
 */
export function settleNotification(
  decision: NotificationDecision,
  result: MarkPaidResult,
): NotificationDecision {
  const { transition } = decision;
  if (transition === null) throw new TypeError('settleNotification: the decision holds no paid transition');
  const evidence: PaymentEvidence = {
    orderId: transition.orderId,
    transactionId: transition.transactionId,
    amountFen: transition.amountFen,
    via: transition.via,
  };
  const payment = judgeTransition(result, evidence, transition.paidAt);
  return settledDecision(
    decision.record.orderId,
    decision.record.rawBody,
    payment,
    decision.record.receivedAt,
    decision.fieldAnomaly,
  );
}

const VERDICT_OF = {
  paid: 'paid',
  already_paid: 'duplicate',
  amount_mismatch: 'amount_mismatch',
  not_found: 'unknown_order',
} as const satisfies Record<SettledPayment['outcome'], NotificationVerdict>;

/** The decision about a verified payment report once its outcome is known. */
function settledDecision(
  orderId: string | null,
  rawBody: string,
  payment: SettledPayment,
  receivedAt: Date,
  fieldAnomaly: AnomalyEntry | null,
): NotificationDecision {
  const verdict = VERDICT_OF[payment.outcome];
  const accepted = payment.outcome === 'paid' || payment.outcome === 'already_paid';
  const fields = fieldAnomaly ? { orderId, verdict, anomaly: fieldAnomaly.kind } : { orderId, verdict };
  return {
    verdict,
    record: verifiedRecord(orderId, rawBody, verdict, receivedAt),
    recordRequired: payment.outcome === 'already_paid',
    anomaly: payment.anomaly,
    fieldAnomaly,
    transition: null,
    paidOrder: payment.outcome === 'paid' ? payment.order : null,
    answer: accepted ? { status: 200, body: 'OK', verdict: null } : refusal(verdict),
    report: accepted
      ? { level: 'info', message: 'notification applied', fields }
      : { level: 'warn', message: 'notification refused', fields },
  };
}

/** The anomaly a genuine notification's ignored unsigned fields leave on its order, or null when there are none. */
function unsignedFieldAnomaly(notification: Notification, at: Date): AnomalyEntry | null {
  if (notification.anomalies.length === 0) return null;
  // Each message names its field (control characters replaced, 40 characters at most, by core): no body text.
  const detail = Array.from(notification.anomalies.map((a) => a.message).join('; '));
  return {
    orderId: notification.orderId,
    kind: 'unsigned_field',
    // Cut by code points, never inside a surrogate pair (a lone surrogate has no place in a text column).
    detail: detail.length > 300 ? `${detail.slice(0, 300).join('')}...` : detail.join(''),
    at,
  };
}

function evidenceOf(notification: Notification): PaymentEvidence {
  return {
    orderId: notification.orderId,
    transactionId: notification.transactionId,
    amountFen: notification.amountFen,
    via: 'notify',
  };
}

/** A row of the verified log: the whole body, filed under the order it names. */
function verifiedRecord(
  orderId: string | null,
  rawBody: string,
  verdict: NotificationVerdict,
  receivedAt: Date,
): NotificationLogEntry {
  return { orderId, rawBody, verdict, receivedAt };
}

function refusal(verdict: NotificationVerdict): NotifyAnswer {
  return { status: 400, body: 'FAIL', verdict };
}

/**
 * The first `limit` bytes of `text` in UTF-8, cut before a character that would not fit whole.
 * @example
 * truncateUtf8('a'.repeat(600), 512); // { text: 'aaa…' (512 a), truncated: true }
 */
export function truncateUtf8(text: string, limit: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { text, truncated: false };
  let end = limit;
  // A byte of the form 0b10______ continues a character (RFC 3629 section 3): step back to where it starts.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/**
 * The order id a notification body names, for the log only; null unless it looks like one of ours.
 * @example
 * claimedOrderId('memberid=1&orderid=E123&sign=x'); // 'E123'
 */
export function claimedOrderId(rawBody: string): string | null {
  const match = /(?:^|&)orderid=([A-Za-z0-9]{1,32})(?:&|$)/.exec(rawBody);
  return match ? match[1]! : null;
}
