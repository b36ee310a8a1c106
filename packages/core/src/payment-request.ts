/**
 * @module payment-request
 * Builds the browser form for `Pay_Index.html` and refuses, before anything is sent, every input the deployed
 * gateway would reject or silently mangle (docs/protocol.md#payment-request).
 */
import { formatChinaDateTime } from './china-time.ts';
import { checkCredentials, type Credentials } from './credentials.ts';
import { ValidationError } from './errors.ts';
import { formatYuan, MAX_AMOUNT_FEN, parseYuan } from './money.ts';
import { PAYMENT_SIGNED_FIELDS, sign, type Dialect, type Fields } from './signature.ts';
import { invalidCharacter } from './text.ts';

export interface PaymentInput {
  /** The gateway's full payment URL, e.g. `https://pay.example.com/Pay_Index.html`. */
  paymentUrl: string;
  /** `[A-Za-z0-9]{1,32}`; {@link newOrderId} makes good ones. */
  orderId: string;
  /** Integer fen, or a yuan string with at most two decimals. */
  amount: number | string;
  bankCode: string;
  /** When given, `bankCode` must be one of these. */
  allowedBankCodes?: readonly string[];
  notifyUrl: string;
  /** Optional: an empty callback URL is simply not signed (docs/protocol.md#signature, vector V2). */
  callbackUrl?: string;
  productName: string;
  /**
   * Echoed back in the notification (unsigned). Sent through {@link encodeAttach}, so the gateway's escaping and
   * its unencoded notification body leave it intact.
   */
  attach?: string;
  productNum?: string;
  productDesc?: string;
  productUrl?: string;
  /** Defaults to now; written in China time. */
  applyDate?: Date;
  /** A lower ceiling than {@link MAX_AMOUNT_FEN}. */
  maxAmountFen?: number;
}

/** Options of {@link createPaymentRequest}. */
export interface PaymentRequestOptions {
  /** `legacy`: 2016-17 gateways join the signed pairs as `name=>value&`. Default `standard`. */
  dialect?: Dialect;
}

/** A form ready to be POSTed by the browser: `action` is the gateway URL. */
export interface PaymentRequest {
  action: string;
  method: 'POST';
  fields: Fields;
}

// The server runs inputs through htmlspecialchars before verifying: a signed value with one of these is
// verified in its escaped form and fails (docs/protocol.md#input-filter).
const UNSAFE = /[&<>"']/;

function fail(code: ConstructorParameters<typeof ValidationError>[0], message: string, field: string): never {
  throw new ValidationError(code, message, field);
}

/** Refuses a text input holding NUL (the gateway's strip_tags drops it) or a lone surrogate (no UTF-8 form). */
function checkText(value: string | undefined, field: string): void {
  if (typeof value !== 'string') return;
  const problem = invalidCharacter(value);
  if (problem !== null) fail('INVALID_CHARACTER', `${field} contains ${problem}`, field);
}

// RFC 3986 unreserved characters but `~`: the only ones left as they are. PHP's rawurlencode before 5.3 encoded
// `~` too, and some forks still run values through it.
const ATTACH_KEEP = /[A-Za-z0-9._-]/;

/**
 * Percent-encodes `attach` for `pay_attach`: every byte of its UTF-8 form but letters, digits and `- . _`. The
 * gateway HTML-escapes `& < > " '` (htmlspecialchars with ENT_QUOTES), splits the notification body on `&`, and
 * builds that body without encoding it (docs/protocol.md#notification); `encodeURIComponent` leaves `' ! * ( ) ~`
 * raw, so an attach of `''` came back as `attach=&#039;&#039;`. Decode with `decodeURIComponent`.
 *
 * @example
 * encodeAttach("sku-7 'gift'"); // 'sku-7%20%27gift%27'
 * decodeURIComponent(encodeAttach('会员|7')); // '会员|7'
 */
export function encodeAttach(attach: string): string {
  checkText(attach, 'attach');
  let out = '';
  for (const char of attach) {
    if (ATTACH_KEEP.test(char)) {
      out += char;
      continue;
    }
    for (const byte of encoder.encode(char))
      out += `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  }
  return out;
}

const encoder = new TextEncoder();

function toFen(amount: number | string, ceiling: number): number {
  let fen: number;
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) fail('INVALID_AMOUNT', 'amount in fen must be an integer', 'amount');
    fen = amount;
  } else {
    fen = parseYuan(amount, 'amount');
  }
  if (fen <= 0) fail('INVALID_AMOUNT', 'amount must be positive', 'amount');
  if (fen > ceiling) fail('AMOUNT_TOO_LARGE', `amount must be at most ${formatYuan(ceiling)} yuan`, 'amount');
  return fen;
}

// URLs that passed the strict check (absolute http(s), no query, no fragment). The answer depends on the string
// alone and the same three configured URLs come back on every request, so it is remembered (bounded).
const strictUrls = new Set<string>();
const STRICT_URLS_MAX = 64;

function checkUrl(value: string | undefined, field: string, required: boolean, allowQuery = false): string {
  if (value === undefined || value === '') {
    if (required) fail('MISSING_FIELD', `${field} is required`, field);
    return '';
  }
  if (typeof value === 'string' && strictUrls.has(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('INVALID_URL', `${field} is not an absolute URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail('INVALID_URL', `${field} must be http or https`, field);
  const hasQuery = value.includes('?') || value.includes('#');
  if (!allowQuery && hasQuery) {
    fail(
      'URL_HAS_QUERY',
      `${field} must not carry a query string or fragment (the gateway escapes "&")`,
      field,
    );
  }
  if (!hasQuery) {
    if (strictUrls.size >= STRICT_URLS_MAX) strictUrls.clear();
    strictUrls.add(value);
  }
  return value;
}

/**
 * Builds and signs a payment request.
 *
 * @example
 * const request = createPaymentRequest(
 *   {
 *     paymentUrl: 'https://pay.example.com/Pay_Index.html',
 *     orderId: newOrderId(),
 *     amount: 1234, // fen: 12.34 yuan
 *     bankCode: '903',
 *     notifyUrl: 'https://shop.example.com/api/notify',
 *     callbackUrl: 'https://shop.example.com/api/return',
 *     productName: 'VIP',
 *   },
 *   { memberId: '10002', key },
 * );
 * // request.fields.pay_amount === '12.34'; POST request.fields to request.action
 * // behind a 2016-17 gateway: createPaymentRequest(input, credentials, { dialect: 'legacy' })
 */
export function createPaymentRequest(
  input: PaymentInput,
  credentials: Credentials,
  options: PaymentRequestOptions = {},
): PaymentRequest {
  const { memberId, key } = checkCredentials(credentials);
  const action = checkUrl(input.paymentUrl, 'paymentUrl', true);
  if (typeof input.orderId !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(input.orderId)) {
    fail('INVALID_ORDER_ID', 'orderId must be 1 to 32 letters and digits', 'orderId');
  }
  const ceiling = Math.min(input.maxAmountFen ?? MAX_AMOUNT_FEN, MAX_AMOUNT_FEN);
  const fen = toFen(input.amount, ceiling);
  if (typeof input.bankCode !== 'string' || !/^\d{1,10}$/.test(input.bankCode)) {
    fail('INVALID_BANK_CODE', 'bankCode must be numeric', 'bankCode');
  }
  if (input.allowedBankCodes && !input.allowedBankCodes.includes(input.bankCode)) {
    fail('BANK_CODE_NOT_ALLOWED', `bankCode ${input.bankCode} is not offered`, 'bankCode');
  }
  const notifyUrl = checkUrl(input.notifyUrl, 'notifyUrl', true);
  const callbackUrl = checkUrl(input.callbackUrl, 'callbackUrl', false);
  if (typeof input.productName !== 'string' || input.productName.trim() === '') {
    fail(
      'MISSING_FIELD',
      'productName is required (the gateway document requires pay_productname)',
      'productName',
    );
  }
  checkText(input.productName, 'productName');
  checkText(input.productNum, 'productNum');
  checkText(input.productDesc, 'productDesc');
  const attach = input.attach !== undefined && input.attach !== '' ? encodeAttach(input.attach) : '';

  const signed: Fields = {
    pay_memberid: memberId,
    pay_orderid: input.orderId,
    pay_applydate: formatChinaDateTime(input.applyDate ?? new Date()),
    pay_bankcode: input.bankCode,
    pay_notifyurl: notifyUrl,
    pay_callbackurl: callbackUrl,
    pay_amount: formatYuan(fen),
  };
  for (const name of PAYMENT_SIGNED_FIELDS) {
    if (UNSAFE.test(signed[name]!)) {
      fail('UNSAFE_CHARACTER', `${name} contains one of & < > " ' which the gateway would escape`, name);
    }
  }

  const signature = sign(signed, key, {
    signedFields: PAYMENT_SIGNED_FIELDS,
    dialect: options.dialect ?? 'standard',
  });
  // Built in place (no spread, no delete): the same keys in the same order as the signed fields, then the rest.
  const fields: Fields = {
    pay_memberid: signed.pay_memberid!,
    pay_orderid: signed.pay_orderid!,
    pay_applydate: signed.pay_applydate!,
    pay_bankcode: signed.pay_bankcode!,
    pay_notifyurl: signed.pay_notifyurl!,
  };
  if (callbackUrl !== '') fields.pay_callbackurl = callbackUrl;
  fields.pay_amount = signed.pay_amount!;
  fields.pay_md5sign = signature;
  fields.pay_productname = input.productName;
  if (attach !== '') fields.pay_attach = attach;
  if (input.productNum !== undefined && input.productNum !== '') fields.pay_productnum = input.productNum;
  if (input.productDesc !== undefined && input.productDesc !== '') fields.pay_productdesc = input.productDesc;
  if (input.productUrl !== undefined && input.productUrl !== '') {
    fields.pay_producturl = checkUrl(input.productUrl, 'productUrl', false, true);
  }
  return { action, method: 'POST', fields };
}
