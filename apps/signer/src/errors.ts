/**
 * @module errors
 * The signer's own typed errors. Handlers throw them; `app.onError` (app.ts) is the one place that answers them,
 * and core's and the store's typed errors, as `{ "error": { "code", "message" } }` with their status, through the
 * one mapping in `http/to-http-error.ts`.
 */

/** Stable error codes of the signer HTTP API, with their HTTP status; the README's Errors table lists them. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_AMOUNT: 400,
  AMOUNT_OUT_OF_RANGE: 400,
  BANK_CODE_NOT_OFFERED: 400,
  UNKNOWN_PRODUCT: 400,
  FIELD_TOO_LONG: 400,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
  GATEWAY_UNAVAILABLE: 503,
} as const;

/** One of the stable codes above. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * A request the signer refuses, with a stable code; the message names the field and never holds a secret.
 * @example
 * throw new HttpError('FIELD_TOO_LONG', 'productName is longer than 100 characters');
 */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  /** Extra response headers, e.g. `Retry-After` for RATE_LIMITED. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = headers;
  }
}

/** One problem with one setting. */
export interface ConfigProblem {
  /** The environment variable's name, e.g. `JUPAY_MEMBER_ID`. */
  setting: string;
  /** What is wrong, never the value of a secret setting. */
  problem: string;
  /**
   * Where the setting's value was read, when the setting's name alone does not tell: `(/etc/jupay/gateways.env line
   * 4)` for an account setting of `JUPAY_GATEWAYS_FILE`.
   */
  origin?: string;
}

/**
 * Missing or malformed settings: every problem found, each naming its setting. The message never holds the value
 * of a secret setting.
 * @example
 * throw new ConfigError([{ setting: 'JUPAY_MEMBER_ID', problem: 'is required' }]);
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  /** The first setting at fault. */
  readonly setting: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration: ${problems.map((p) => `${p.setting}${p.origin ? ` ${p.origin}` : ''} ${p.problem}`).join('; ')}`,
    );
    this.name = 'ConfigError';
    this.setting = problems[0]?.setting ?? 'unknown';
    this.problems = problems;
  }
}
