/**
 * @module errors
 * Two kinds of failure with stable `code` strings. A {@link WebhookVerificationError} is about the request: it must
 * not be trusted, answer it with a 4xx. A {@link WebhookArgumentError} is about the receiver's own code or settings
 * (an empty secret, a body already parsed by a JSON middleware): answering 4xx would hide the bug, so let it surface
 * as a 5xx and fix it. No message ever contains the secret, which is never passed to an error constructor.
 */

/** Why a webhook request was refused. The README's error table lists the same codes. */
export type WebhookErrorCode =
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'BAD_SIGNATURE'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'MALFORMED_BODY';

/** Which argument a caller got wrong. */
export type WebhookArgumentCode = 'INVALID_SECRET' | 'INVALID_BODY' | 'INVALID_TIMESTAMP' | 'INVALID_OPTION';

/**
 * A webhook request that must not be trusted. Answer it with a 4xx and do not act on it.
 *
 * @example
 * try {
 *   verifyWebhook(body, header, secret);
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) console.warn('refused webhook:', error.code);
 * }
 */
export class WebhookVerificationError extends Error {
  readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/**
 * A call with an unusable argument: a bug or a missing setting on the caller's side, never the sender's fault.
 * A `TypeError`, so code that caught the signer's earlier `TypeError`s keeps working.
 *
 * @example
 * try {
 *   verifyWebhook(body, header, process.env.MISSING ?? '');
 * } catch (error) {
 *   if (error instanceof WebhookArgumentError) console.error(error.code, error.field); // 'INVALID_SECRET' 'secret'
 * }
 */
export class WebhookArgumentError extends TypeError {
  readonly code: WebhookArgumentCode;
  /** The argument or option at fault: `secret`, `body`, `timestamp`, `toleranceSeconds` or `now`. */
  readonly field: string;

  constructor(code: WebhookArgumentCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'WebhookArgumentError';
    this.code = code;
    this.field = field;
  }
}
