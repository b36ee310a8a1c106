/**
 * @module orders/decide-notification
 * Everything `/api/notify` decides, as pure functions: whether the gateway's notification is ours and acceptable,
 * what the route writes, and what the gateway is told. The route reads the body, calls these around its store calls
 * and sends the answer.
 *
 * {@link receiveNotification} parses and verifies the raw body. A verified payment report is applied by the store in
 * one commit (`OrderStore.applyNotification`: the paid transition, its outbox event, the log row and any amount or
 * transaction anomaly, decided on the order's state read in that same step); {@link decideApplied} turns that
 * commit's result into the answer, the operator's log line, the paid order and the anomaly of ignored unsigned
 * fields. A notification that cannot pay (refused or unverified) is decided by {@link decideNotification}, given
 * the order it claims as read, and written by the route (an anomaly, then the log row).
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
  type ApplyNotificationResult,
  type NotificationLogEntry,
  type OrderRecord,
} from '../store/order-store.ts';

/** A notification's verdict: the notification log's `verdict`, and the `X-Notify-Verdict` header of a FAIL. */
export type NotificationVerdict =
  | 'paid'
  | 'duplicate'
  | 'amount_mismatch'
  | 'unknown_order'
  | 'gateway_mismatch'
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

/** Signed with our key, for our member id, a success: a payment report, for the store to apply. */
export interface VerifiedNotification {
  kind: 'verified';
  rawBody: string;
  notification: Notification;
}

/** Signed with our key, yet not acceptable: another member id, or not a success. */
export interface RefusedNotification {
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

/** Not signed with our key, or not a notification at all: anybody may send these. */
export interface UnverifiedNotification {
  kind: 'unverified';
  rawBody: string;
  verdict: 'bad_signature' | 'malformed';
  /** The order id the body claims: for the audit trail only, never trusted. */
  claimedOrderId: string | null;
  /** The core error's code and field, for the operator's log. */
  code: string;
  field: string | undefined;
  orderToRead: null;
}

/** The body as read and verified, before anything is looked up or written. */
export type ReceivedNotification = VerifiedNotification | RefusedNotification | UnverifiedNotification;

/** The operator's log line about this notification. */
export interface NotificationReport {
  level: 'info' | 'warn';
  message: 'notification applied' | 'notification refused';
  fields: Record<string, unknown>;
}

/** A verified notification once the store has applied it: what is left to do and what to answer. */
export interface AppliedDecision {
  /** The verdict of the log row the store wrote. */
  verdict: ApplyNotificationResult['verdict'];
  /**
   * The signed notification's unsigned fields that were repeated, badly encoded or not strings, and ignored (the
   * stored order's `attach` is the truth): one anomaly on our order, for the route to record before answering;
   * null when there are none, or when no order of ours is named.
   */
  fieldAnomaly: AnomalyEntry | null;
  /** The order this notification made paid: for `onPaid` and an immediate webhook send. */
  paidOrder: OrderRecord | null;
  answer: NotifyAnswer;
  report: NotificationReport;
}

/** What to write and what to answer for a notification that cannot pay (refused or unverified). */
export interface NotificationDecision {
  verdict: RefusedNotification['verdict'] | UnverifiedNotification['verdict'];
  /**
   * The notification log row: filed under the order a refused notification names, a truncated claim when
   * unverified. The answer is FAIL whether or not it is written, so a failed write is only reported.
   */
  record: NotificationLogEntry;
  /** An anomaly on our order, to record before answering. */
  anomaly: AnomalyEntry | null;
  answer: NotifyAnswer;
  report: NotificationReport;
}

/** Inputs of {@link decideNotification}. */
export interface DecideNotificationInput {
  received: RefusedNotification | UnverifiedNotification;
  /** The stored order named by `received.orderToRead`; null when there is none (or nothing to read). */
  order: OrderRecord | null;
  receivedAt: Date;
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
 * received.kind; // 'verified': for the store to apply; 'refused' or 'unverified': for decideNotification
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
    return { kind: 'verified', rawBody, notification };
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
 * Decides a verified notification from what the store's one commit did (`OrderStore.applyNotification`, which has
 * written the log row and any amount or transaction anomaly): OK for `paid` and `duplicate`, FAIL with the verdict
 * otherwise.
 * @example
 * const result = await applyNotification(store, evidence, { now: receivedAt });
 * const decided = decideApplied(received, result, receivedAt);
 * decided.answer; // { status: 200, body: 'OK', verdict: null } when it paid the order or was a duplicate
 */
export function decideApplied(
  received: VerifiedNotification,
  result: ApplyNotificationResult,
  receivedAt: Date,
): AppliedDecision {
  const { verdict } = result;
  const orderId = received.notification.orderId;
  // Filed under the order only when it is ours: a notification for an unknown order has nothing to file it under,
  // and one verified with another account's key is not about that order's payment (its anomaly says so).
  const fieldAnomaly =
    result.outcome === 'not_found' || result.outcome === 'gateway_mismatch'
      ? null
      : unsignedFieldAnomaly(received.notification, receivedAt);
  const accepted = result.outcome === 'paid' || result.outcome === 'already_paid';
  const fields = fieldAnomaly ? { orderId, verdict, anomaly: fieldAnomaly.kind } : { orderId, verdict };
  return {
    verdict,
    fieldAnomaly,
    paidOrder: result.outcome === 'paid' ? result.order : null,
    answer: accepted ? { status: 200, body: 'OK', verdict: null } : refusal(verdict),
    report: accepted
      ? { level: 'info', message: 'notification applied', fields }
      : { level: 'warn', message: 'notification refused', fields },
  };
}

/**
 * Decides a notification that cannot pay (refused or unverified), given the order it claims as read (refused
 * only: an unverified body's claim is never looked up).
 * @example
 * const order = received.orderToRead === null ? null : await store.getOrder(received.orderToRead);
 * const decision = decideNotification({ received, order, receivedAt: new Date() });
 * decision.answer; // { status: 400, body: 'FAIL', verdict: 'member_mismatch' }
 */
export function decideNotification(input: DecideNotificationInput): NotificationDecision {
  const { received, order, receivedAt } = input;
  if (received.kind === 'unverified') {
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
      anomaly: null,
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
  return {
    verdict: received.verdict,
    // A row of the verified log: the whole body, filed under the order id it names.
    record: {
      orderId: received.claimedOrderId,
      rawBody: received.rawBody,
      verdict: received.verdict,
      receivedAt,
    },
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
    answer: refusal(received.verdict),
    report: {
      level: 'warn',
      message: 'notification refused',
      fields: { orderId: received.claimedOrderId, verdict: received.verdict },
    },
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
