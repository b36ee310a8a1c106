/**
 * @module http/to-http-error
 * The one mapping from whatever a handler throws to the signer's stable error codes: its own `HttpError`s as they
 * are, the store's typed errors and core's validation errors to their codes, and anything else to `INTERNAL` with
 * a generic message, so no detail of an unexpected failure (a path, a host, a key) reaches a caller.
 */
import { JupayError } from '@jupay/core';
import { HttpError } from '../errors.ts';
import { IdempotencyConflictError, StoreUnavailableError } from '../store/order-store.ts';

/** Seconds a client is asked to wait after `STORE_UNAVAILABLE`. */
export const STORE_RETRY_AFTER_S = 5;

/**
 * Every error becomes a stable code; anything unexpected is INTERNAL with a generic message.
 * @example
 * app.onError((error, c) => {
 *   const { code, message, status, headers } = toHttpError(error);
 *   return c.json({ error: { code, message } }, status, headers);
 * });
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof IdempotencyConflictError)
    return new HttpError('IDEMPOTENCY_KEY_REUSED', error.message);
  if (error instanceof StoreUnavailableError) {
    // The store's own message may name a host or a path: the caller only learns that it may try again.
    return new HttpError(
      'STORE_UNAVAILABLE',
      'orders cannot be stored or read right now; try again shortly',
      {
        'Retry-After': String(STORE_RETRY_AFTER_S),
      },
    );
  }
  if (error instanceof JupayError) {
    switch (error.code) {
      case 'INVALID_AMOUNT':
        return new HttpError('INVALID_AMOUNT', error.message);
      case 'AMOUNT_TOO_LARGE':
        return new HttpError('AMOUNT_OUT_OF_RANGE', error.message);
      case 'BANK_CODE_NOT_ALLOWED':
      case 'INVALID_BANK_CODE':
        return new HttpError('BANK_CODE_NOT_OFFERED', error.message);
      case 'UNSAFE_CHARACTER':
      case 'INVALID_CHARACTER':
      case 'MISSING_FIELD':
      case 'INVALID_FIELD':
      case 'DUPLICATE_FIELD':
      case 'MALFORMED_ENCODING':
        return new HttpError('INVALID_REQUEST', error.message);
      default:
        break;
    }
  }
  return new HttpError('INTERNAL', 'internal error');
}
