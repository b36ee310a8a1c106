/** @module http/to-http-error.test — every error a handler may throw, mapped to its stable code and status. */
import { JupayError, SignatureError, ValidationError, type ErrorCode as CoreCode } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { IdempotencyConflictError, StoreUnavailableError } from '../store/order-store.ts';
import { STORE_RETRY_AFTER_S, toHttpError } from './to-http-error.ts';

describe('toHttpError', () => {
  it('passes the signer’s own errors through unchanged', () => {
    const error = new HttpError('RATE_LIMITED', 'slow down', { 'Retry-After': '7' });
    expect(toHttpError(error)).toBe(error);
  });

  it('maps the store’s typed errors, hiding where the store lives', () => {
    expect(toHttpError(new IdempotencyConflictError())).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      status: 422,
      message: 'this Idempotency-Key was already used with a different request body',
    });
    const unavailable = toHttpError(
      new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432 (postgres://jupay@db)'),
    );
    expect(unavailable).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      status: 503,
      headers: { 'Retry-After': String(STORE_RETRY_AFTER_S) },
    });
    expect(unavailable.message).not.toMatch(/127\.0\.0\.1|postgres|ECONN/);
  });

  it.each([
    ['INVALID_AMOUNT', 'INVALID_AMOUNT'],
    ['AMOUNT_TOO_LARGE', 'AMOUNT_OUT_OF_RANGE'],
    ['BANK_CODE_NOT_ALLOWED', 'BANK_CODE_NOT_OFFERED'],
    ['INVALID_BANK_CODE', 'BANK_CODE_NOT_OFFERED'],
    ['UNSAFE_CHARACTER', 'INVALID_REQUEST'],
    ['INVALID_CHARACTER', 'INVALID_REQUEST'],
    ['MISSING_FIELD', 'INVALID_REQUEST'],
    ['INVALID_FIELD', 'INVALID_REQUEST'],
    ['DUPLICATE_FIELD', 'INVALID_REQUEST'],
    ['MALFORMED_ENCODING', 'INVALID_REQUEST'],
  ] as [CoreCode, string][])('core %s becomes %s (400) with core’s message', (core, code) => {
    expect(toHttpError(new ValidationError(core, `the field at fault: ${core}`, 'amount'))).toMatchObject({
      code,
      status: 400,
      message: `the field at fault: ${core}`,
    });
  });

  it('anything else is INTERNAL, with a message that tells nothing', () => {
    for (const error of [
      new Error('disk on fire at /var/lib/jupay'),
      new SignatureError(),
      new JupayError('INVALID_KEY', 'key is too short'),
      'a string',
      undefined,
    ]) {
      expect(toHttpError(error)).toMatchObject({ code: 'INTERNAL', status: 500, message: 'internal error' });
    }
  });
});
