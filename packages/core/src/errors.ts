/**
 * @module errors
 * Typed errors with stable `code` strings. Callers branch on `code`, people read `message`; no message ever
 * contains the merchant key, because the key is never passed to an error constructor.
 */

/** Every error code @jupay/core throws. The README's error table lists the same codes. */
export type ErrorCode =
  | 'INVALID_KEY'
  | 'INVALID_MEMBER_ID'
  | 'INVALID_AMOUNT'
  | 'AMOUNT_TOO_LARGE'
  | 'INVALID_BANK_CODE'
  | 'BANK_CODE_NOT_ALLOWED'
  | 'INVALID_ORDER_ID'
  | 'INVALID_URL'
  | 'URL_HAS_QUERY'
  | 'UNSAFE_CHARACTER'
  | 'INVALID_CHARACTER'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'DUPLICATE_FIELD'
  | 'MALFORMED_ENCODING'
  | 'BAD_SIGNATURE'
  | 'MEMBER_MISMATCH'
  | 'NOT_SUCCESS'
  | 'GATEWAY_ERROR'
  | 'MALFORMED_RESPONSE';

/**
 * The base of every error thrown by @jupay/core.
 *
 * @example
 * try { parseYuan('1.234'); } catch (e) { if (e instanceof JupayError) console.log(e.code, e.field); }
 */
export class JupayError extends Error {
  readonly code: ErrorCode;
  /** The input or wire field the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
  }
}

/** An input the caller gave (or a field received) is not acceptable. */
export class ValidationError extends JupayError {}

/** A signature did not match. */
export class SignatureError extends JupayError {
  constructor(message = 'signature does not match', field = 'sign') {
    super('BAD_SIGNATURE', message, field);
  }
}

/**
 * The gateway answered with its error shape, `{"status":"error","msg":"..."}`.
 * `gatewayMessage` is the gateway's own text (usually Chinese, e.g. `不存在的交易订单号.`).
 */
export class GatewayError extends JupayError {
  readonly gatewayMessage: string;

  constructor(gatewayMessage: string) {
    super('GATEWAY_ERROR', `gateway refused the request: ${gatewayMessage}`);
    this.gatewayMessage = gatewayMessage;
  }
}

/** The gateway's answer could not be understood at all. */
export class ProtocolError extends JupayError {}

/**
 * A notification whose signature is valid but whose content is not acceptable (another member id, or a
 * `returncode` other than `"00"`). It carries the verified fields so the caller can record the anomaly.
 */
export class NotificationError extends JupayError {
  readonly notification: Readonly<Record<string, string>>;

  constructor(
    code: 'MEMBER_MISMATCH' | 'NOT_SUCCESS',
    message: string,
    field: string,
    fields: Record<string, string>,
  ) {
    super(code, message, field);
    this.notification = fields;
  }
}
