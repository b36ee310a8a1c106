/**
 * @module webhook/signature.test
 * Webhook signatures: a fixed vector computed outside this code (openssl), round trips, tampering, old timestamps.
 */
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from './signature.ts';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"id":"evt_1","type":"order.paid"}';
const T = 1709265600;
// printf '%s' '1709265600.{"id":"evt_1","type":"order.paid"}' | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'
const VECTOR = '2494563450835e632a9bc5f6e045cddc8480fa554671e9422043768d0b5d2a2b';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('signWebhook', () => {
  it('matches an HMAC-SHA256 computed by openssl over "<t>.<body>"', () => {
    expect(signWebhook(BODY, SECRET, { timestamp: T })).toBe(`t=${T},v1=${VECTOR}`);
    expect(signWebhook(new TextEncoder().encode(BODY), SECRET, { timestamp: T })).toBe(`t=${T},v1=${VECTOR}`);
  });

  it('uses the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const t = Number(/^t=(\d+),/.exec(signWebhook(BODY, SECRET))?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(before + 1);
  });

  it('refuses a missing secret and a parsed body', () => {
    expect(() => signWebhook(BODY, '')).toThrow(/secret/);
    expect(() => signWebhook({} as never, SECRET)).toThrow(/body/);
  });
});

describe('verifyWebhook', () => {
  const header = `t=${T},v1=${VECTOR}`;

  it('accepts the vector and returns the event', () => {
    expect(verifyWebhook(BODY, header, SECRET, { now: T + 10 })).toEqual({ id: 'evt_1', type: 'order.paid' });
    expect(verifyWebhook(Buffer.from(BODY), header, SECRET, { now: T }).id).toBe('evt_1');
    // Upper-case hex, spaces, unknown schemes and a second (rotated) v1 entry are all tolerated.
    expect(
      verifyWebhook(BODY, `t=${T}, v0=abc, v1=${'0'.repeat(64)}, v1=${VECTOR.toUpperCase()}`, SECRET, {
        now: T,
      }).id,
    ).toBe('evt_1');
  });

  it('refuses a tampered body, another secret or another timestamp', () => {
    expect(code(() => verifyWebhook(BODY.replace('evt_1', 'evt_2'), header, SECRET, { now: T }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(code(() => verifyWebhook(BODY, header, `${SECRET}x`, { now: T }))).toBe('BAD_SIGNATURE');
    expect(code(() => verifyWebhook(BODY, `t=${T + 1},v1=${VECTOR}`, SECRET, { now: T }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('refuses old and future timestamps outside the tolerance, even when correctly signed', () => {
    const old = signWebhook(BODY, SECRET, { timestamp: T - 301 });
    expect(code(() => verifyWebhook(BODY, old, SECRET, { now: T }))).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(code(() => verifyWebhook(BODY, old, SECRET, { now: T, toleranceSeconds: 400 }))).toBe('accepted');
    const future = signWebhook(BODY, SECRET, { timestamp: T + 61 });
    expect(code(() => verifyWebhook(BODY, future, SECRET, { now: T, toleranceSeconds: 60 }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(
      code(() => verifyWebhook(BODY, signWebhook(BODY, SECRET, { timestamp: T - 300 }), SECRET, { now: T })),
    ).toBe('accepted');
    // Against the real clock: a header signed now passes, one signed ten minutes ago does not.
    const now = Math.floor(Date.now() / 1000);
    expect(code(() => verifyWebhook(BODY, signWebhook(BODY, SECRET), SECRET))).toBe('accepted');
    expect(code(() => verifyWebhook(BODY, signWebhook(BODY, SECRET, { timestamp: now - 600 }), SECRET))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
  });

  it('names a missing or malformed header', () => {
    expect(code(() => verifyWebhook(BODY, undefined, SECRET))).toBe('MISSING_SIGNATURE');
    expect(code(() => verifyWebhook(BODY, '', SECRET))).toBe('MISSING_SIGNATURE');
    expect(code(() => verifyWebhook(BODY, `v1=${VECTOR}`, SECRET))).toBe('MALFORMED_SIGNATURE');
    expect(code(() => verifyWebhook(BODY, `t=${T}`, SECRET))).toBe('MALFORMED_SIGNATURE');
    expect(code(() => verifyWebhook(BODY, `t=${T},v1=zz`, SECRET))).toBe('MALFORMED_SIGNATURE');
  });

  it('refuses a correctly signed body that is not an event', () => {
    const body = 'not json';
    expect(
      code(() => verifyWebhook(body, signWebhook(body, SECRET, { timestamp: T }), SECRET, { now: T })),
    ).toBe('MALFORMED_BODY');
  });
});
