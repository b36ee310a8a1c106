/**
 * @module notification
 * Parses and verifies the gateway's asynchronous notification (支付结果通知, docs/protocol.md#notification). The signature
 * is checked over the strings exactly as received: re-formatting `amount` from `"100.0000"` to `"100.00"` first
 * would reject a genuine notification (vector V3).
 */
import { checkCredentials, type Credentials } from './credentials.ts';
import { NotificationError, SignatureError, ValidationError } from './errors.ts';
import { parseGatewayAmount } from './money.ts';
import { readNotificationFields, type FieldAnomaly } from './notification-fields.ts';
import {
  LEGACY_NOTIFICATION_SIGNED_FIELDS,
  NOTIFICATION_SIGNED_FIELDS,
  verify,
  type Dialect,
  type Fields,
} from './signature.ts';
import { invalidCharacter } from './text.ts';

export type { FieldAnomaly } from './notification-fields.ts';

/** A verified, successful notification. */
export interface Notification {
  memberId: string;
  /** The merchant's own order id (`pay_orderid`). */
  orderId: string;
  /** The amount string as received, e.g. `"100.0000"`. */
  amount: string;
  amountFen: number;
  /** The gateway's order number; empty in the legacy dialect when the gateway leaves it out. */
  transactionId: string;
  /** `YYYYMMDDHHmmss`, China time, the time of sending (re-sends carry a new one). */
  datetime: string;
  returnCode: string;
  /** `attach` decoded back to what the merchant sent. */
  attach: string;
  /** Every field as received (in tolerant mode, without the unsigned fields that were dropped). */
  fields: Fields;
  /** Tolerant mode: the unsigned fields that were repeated, badly encoded or not strings, and dropped. */
  anomalies: FieldAnomaly[];
}

export interface ParseNotificationOptions {
  /** `legacy`: `name=>value&` pairs over 5 fields (no `transaction_id`). */
  dialect?: Dialect;
  /**
   * false (the default): every field must appear once, cleanly percent-encoded. true: only the signed fields and
   * `sign` must; a repeated, badly encoded or non-string unsigned field (`attach`, or a stray piece of it) is left
   * out and reported in `anomalies`, so it cannot refuse a correctly signed notification.
   */
  tolerant?: boolean;
}

// The names held to strict rules in tolerant mode: the signed fields and the signature. In the legacy dialect
// `transaction_id` is not signed, so it is read like `attach`.
const STRICT_NAMES: ReadonlySet<string> = new Set([...NOTIFICATION_SIGNED_FIELDS, 'sign']);
const LEGACY_STRICT_NAMES: ReadonlySet<string> = new Set([...LEGACY_NOTIFICATION_SIGNED_FIELDS, 'sign']);

/**
 * The merchant URL-encodes `attach` (the document asks for it); depending on the path back (notification body or
 * the browser's return form) it arrives encoded once more or not. Decode once when it decodes cleanly.
 */
function decodeAttach(value: string | undefined): string {
  if (!value) return '';
  if (!/%[0-9A-Fa-f]{2}/.test(value)) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Parses a notification from a form body string, `URLSearchParams` or a plain object, and verifies it.
 * Throws `ValidationError` (shape), `SignatureError` (signature), then, for a genuine but unacceptable
 * notification, `NotificationError` (`MEMBER_MISMATCH`, `NOT_SUCCESS`) carrying the verified fields. With
 * `{ tolerant: true }` only the signed fields must be well-formed (see {@link ParseNotificationOptions}).
 *
 * @example
 * // in a notify route, with the raw body:
 * const n = parseNotification(await request.text(), { memberId: '10002', key });
 * if (n.amountFen === order.amountFen) markPaid(n.orderId, n.transactionId);
 * // then reply exactly "OK"
 *
 * // a service that keeps its own copy of attach: the unsigned fields never refuse a genuine notification
 * const m = parseNotification(rawBody, credentials, { tolerant: true });
 * if (m.anomalies.length > 0) recordAnomaly(m.orderId, m.anomalies);
 */
export function parseNotification(
  received: string | URLSearchParams | Record<string, unknown>,
  credentials: Credentials,
  options: ParseNotificationOptions = {},
): Notification {
  const { memberId, key } = checkCredentials(credentials);
  const legacy = options.dialect === 'legacy';
  const signedFields = legacy ? LEGACY_NOTIFICATION_SIGNED_FIELDS : NOTIFICATION_SIGNED_FIELDS;
  const { fields, anomalies } = readNotificationFields(
    received,
    legacy ? LEGACY_STRICT_NAMES : STRICT_NAMES,
    options.tolerant === true,
  );
  for (const name of [...signedFields, 'sign']) {
    if (!fields[name])
      throw new ValidationError('MISSING_FIELD', `notification field ${name} is missing`, name);
    // NUL or a lone surrogate in a signed value is malformed, signed or not: nothing can store or act on it.
    const problem = invalidCharacter(fields[name]);
    if (problem !== null) {
      throw new ValidationError('INVALID_CHARACTER', `notification field ${name} contains ${problem}`, name);
    }
  }
  if (!verify(fields, key, fields.sign!, { signedFields, dialect: options.dialect ?? 'standard' })) {
    throw new SignatureError('notification signature does not match');
  }
  if (fields.memberid !== memberId) {
    throw new NotificationError(
      'MEMBER_MISMATCH',
      'notification is for another member id',
      'memberid',
      fields,
    );
  }
  // Only successful payments are notified; anything else is not a payment (docs/protocol.md#notification).
  if (fields.returncode !== '00') {
    throw new NotificationError('NOT_SUCCESS', 'notification returncode is not "00"', 'returncode', fields);
  }
  return {
    memberId: fields.memberid,
    orderId: fields.orderid!,
    amount: fields.amount!,
    amountFen: parseGatewayAmount(fields.amount!, 'amount'),
    transactionId: fields.transaction_id ?? '',
    datetime: fields.datetime!,
    returnCode: fields.returncode,
    attach: decodeAttach(fields.attach),
    fields,
    anomalies,
  };
}
