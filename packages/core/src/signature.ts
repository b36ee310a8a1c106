/**
 * @module signature
 * The gateway's MD5 signature (docs/protocol.md#signature): non-empty fields, sorted by name in byte order, joined
 * as raw `name=value&` pairs, then `key=<secret>`, MD5 over the UTF-8 bytes, upper-case hex.
 */
import { md5Hex } from '#md5';
import { ValidationError } from './errors.ts';

/** `standard` joins `name=value&`; `legacy` (2016-17 servers, docs/protocol.md#dialects) joins `name=>value&`. */
export type Dialect = 'standard' | 'legacy';

/** A set of wire fields: names to raw string values. */
export type Fields = Record<string, string>;

export interface SignOptions {
  /** Only these names take part (when present and not empty). Default: every field given. */
  signedFields?: readonly string[];
  dialect?: Dialect;
}

/** The 7 fields of a payment request that are signed (docs/protocol.md#payment-request). */
export const PAYMENT_SIGNED_FIELDS = Object.freeze([
  'pay_memberid',
  'pay_orderid',
  'pay_applydate',
  'pay_bankcode',
  'pay_notifyurl',
  'pay_callbackurl',
  'pay_amount',
] as const);

/** The 6 signed fields of a notification: everything but `attach` and `sign`. */
export const NOTIFICATION_SIGNED_FIELDS = Object.freeze([
  'memberid',
  'orderid',
  'amount',
  'transaction_id',
  'datetime',
  'returncode',
] as const);

/** Old deployments sign 5 notification fields: no `transaction_id`. */
export const LEGACY_NOTIFICATION_SIGNED_FIELDS = Object.freeze([
  'memberid',
  'orderid',
  'amount',
  'datetime',
  'returncode',
] as const);

/** The order query request is signed over the member id and the order id. */
export const QUERY_SIGNED_FIELDS = Object.freeze(['pay_memberid', 'pay_orderid'] as const);

/**
 * PHP `empty()` decides what the server leaves out: the empty string and also the string `"0"`.
 *
 * @example
 * isSignable('0'); // false
 */
export function isSignable(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '0';
}

function assertKey(key: string): void {
  // The key itself never goes into the message.
  if (typeof key !== 'string' || key.length === 0) {
    throw new ValidationError('INVALID_KEY', 'the merchant key is empty or not a string', 'key');
  }
}

// PHP ksort on ASCII names is byte order; comparing UTF-16 code units gives the same order for them.
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Signed field lists are usually module constants: sort each list once, not on every call.
const sortedLists = new WeakMap<readonly string[], readonly string[]>();

function sortedNames(fields: Fields, signedFields: readonly string[] | undefined): readonly string[] {
  if (!signedFields) return Object.keys(fields).sort(byteOrder);
  let sorted = sortedLists.get(signedFields);
  if (!sorted) {
    sorted = [...new Set(signedFields)].sort(byteOrder);
    // A caller may mutate its own array later; freeze our copy and only cache frozen inputs.
    if (Object.isFrozen(signedFields)) sortedLists.set(signedFields, sorted);
  }
  return sorted;
}

/**
 * The exact string that is hashed, key included.
 *
 * @example
 * canonicalize({ b: '2', a: '1', c: '' }, 'KEY'); // 'a=1&b=2&key=KEY'
 * canonicalize({ a: '1' }, '***');                // safe to display: 'a=1&key=***'
 */
export function canonicalize(fields: Fields, key: string, options: SignOptions = {}): string {
  assertKey(key);
  const separator = options.dialect === 'legacy' ? '=>' : '=';
  let text = '';
  for (const name of sortedNames(fields, options.signedFields)) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (isSignable(value)) text += name + separator + value + '&';
  }
  return text + 'key=' + key;
}

/**
 * The signature: upper-case hex MD5 of {@link canonicalize}.
 *
 * @example
 * sign({ pay_memberid: '10002', pay_orderid: 'E1' }, key, { signedFields: QUERY_SIGNED_FIELDS });
 */
export function sign(fields: Fields, key: string, options: SignOptions = {}): string {
  return md5Hex(canonicalize(fields, key, options)).toUpperCase();
}

/**
 * Compares two strings in time that depends only on their length, ignoring ASCII letter case (hex digests).
 *
 * @example
 * constantTimeEqualHex('ab12', 'AB12'); // true
 */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    // OR-ing 0x20 folds A-F onto a-f (and leaves digits alone), so case never matters.
    difference |= (a.charCodeAt(i) | 0x20) ^ (b.charCodeAt(i) | 0x20);
  }
  return difference === 0;
}

/**
 * Checks a received signature in constant time; either hex case is accepted.
 *
 * @example
 * verify(fields, key, fields.sign, { signedFields: NOTIFICATION_SIGNED_FIELDS }); // true or false
 */
export function verify(fields: Fields, key: string, signature: string, options: SignOptions = {}): boolean {
  if (typeof signature !== 'string' || !/^[0-9A-Fa-f]{32}$/.test(signature)) return false;
  return constantTimeEqualHex(sign(fields, key, options), signature);
}
