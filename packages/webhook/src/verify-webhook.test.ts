/**
 * @module verify-webhook.test
 * Verification of the signer's vectors, and every way a request must be refused: tampered bytes, another secret,
 * another timestamp, old and future timestamps, a body that is signed but is not an event, and calls that are
 * themselves wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretOf, vectors } from '../test/helpers/vectors.ts';
import { WebhookArgumentError, WebhookVerificationError } from './errors.ts';
import { signWebhook } from './sign-webhook.ts';
import { verifyWebhook } from './verify-webhook.ts';

const [W1, W2, W3] = vectors.vectors as [
  (typeof vectors.vectors)[0],
  (typeof vectors.vectors)[0],
  (typeof vectors.vectors)[0],
];
const SECRET = vectors.secret;

function outcome(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError || error instanceof WebhookArgumentError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('verifyWebhook accepts', () => {
  for (const vector of [W1, W2]) {
    it(`${vector.id}: the signer's delivery, as text, bytes, Buffer or ArrayBuffer`, () => {
      const now = vector.timestamp + 30;
      const bytes = new TextEncoder().encode(vector.body);
      const expected = JSON.parse(vector.body) as unknown;
      expect(verifyWebhook(vector.body, vector.header, SECRET, { now })).toEqual(expected);
      expect(verifyWebhook(bytes, vector.header, SECRET, { now })).toEqual(expected);
      expect(verifyWebhook(Buffer.from(vector.body), vector.header, SECRET, { now })).toEqual(expected);
      expect(verifyWebhook(bytes.slice().buffer, [vector.header], SECRET, { now })).toEqual(expected);
    });
  }

  it('a header signed with an old and a new secret, under either (secret rotation)', () => {
    const mac = (secret: string) => signWebhook(W1.body, secret, { timestamp: W1.timestamp }).split(',')[1];
    const header = `t=${W1.timestamp},${mac('whsec_old')},${mac('whsec_new')}`;
    expect(verifyWebhook(W1.body, header, 'whsec_old', { now: W1.timestamp }).id).toBe(
      JSON.parse(W1.body).id,
    );
    expect(verifyWebhook(W1.body, header, 'whsec_new', { now: W1.timestamp }).id).toBe(
      JSON.parse(W1.body).id,
    );
    expect(outcome(() => verifyWebhook(W1.body, header, 'whsec_other', { now: W1.timestamp }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('what it signs itself, now, against the real clock', () => {
    expect(outcome(() => verifyWebhook(W1.body, signWebhook(W1.body, SECRET), SECRET))).toBe('accepted');
  });
});

describe('verifyWebhook refuses', () => {
  const now = W1.timestamp;

  it('any single changed byte of the body', () => {
    const bytes = new TextEncoder().encode(W1.body);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const tampered = bytes.slice();
        tampered[at]! ^= flip;
        expect(outcome(() => verifyWebhook(tampered, W1.header, SECRET, { now }))).toBe('BAD_SIGNATURE');
      }),
      { numRuns: 200 },
    );
  });

  it('a body re-serialised by a JSON parser, which changes its bytes', () => {
    const reserialised = JSON.stringify(JSON.parse(W1.body), null, 1);
    expect(outcome(() => verifyWebhook(reserialised, W1.header, SECRET, { now }))).toBe('BAD_SIGNATURE');
  });

  it('another secret, another timestamp, another event MAC', () => {
    expect(outcome(() => verifyWebhook(W1.body, W1.header, `${SECRET}x`, { now }))).toBe('BAD_SIGNATURE');
    const moved = W1.header.replace(`t=${W1.timestamp}`, `t=${W1.timestamp + 1}`);
    expect(outcome(() => verifyWebhook(W1.body, moved, SECRET, { now }))).toBe('BAD_SIGNATURE');
    const swapped = `t=${W1.timestamp},v1=${W2.header.split('v1=')[1]}`;
    expect(outcome(() => verifyWebhook(W1.body, swapped, SECRET, { now }))).toBe('BAD_SIGNATURE');
  });

  it('a genuine signature outside the tolerance, either way, and only outside it', () => {
    const at = (seconds: number) => signWebhook(W1.body, SECRET, { timestamp: now + seconds });
    expect(outcome(() => verifyWebhook(W1.body, at(-300), SECRET, { now }))).toBe('accepted');
    expect(outcome(() => verifyWebhook(W1.body, at(300), SECRET, { now }))).toBe('accepted');
    expect(outcome(() => verifyWebhook(W1.body, at(-301), SECRET, { now }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(outcome(() => verifyWebhook(W1.body, at(301), SECRET, { now }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(outcome(() => verifyWebhook(W1.body, at(-301), SECRET, { now, toleranceSeconds: 400 }))).toBe(
      'accepted',
    );
    expect(outcome(() => verifyWebhook(W1.body, at(61), SECRET, { now, toleranceSeconds: 60 }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    // 0 turns the check off: for replaying stored deliveries in a test, never in production.
    expect(
      outcome(() =>
        verifyWebhook(W1.body, W1.header, SECRET, { now: now + 86_400 * 365, toleranceSeconds: 0 }),
      ),
    ).toBe('accepted');
    // The signer's vectors are years old: against the real clock they are replays.
    expect(outcome(() => verifyWebhook(W1.body, W1.header, SECRET))).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it('checks the MAC before the clock: a forged header with a fresh timestamp is a bad signature', () => {
    const forged = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
    expect(outcome(() => verifyWebhook(W1.body, forged, SECRET))).toBe('BAD_SIGNATURE');
  });

  it('a missing or malformed header', () => {
    expect(outcome(() => verifyWebhook(W1.body, undefined, SECRET, { now }))).toBe('MISSING_SIGNATURE');
    expect(outcome(() => verifyWebhook(W1.body, null, SECRET, { now }))).toBe('MISSING_SIGNATURE');
    expect(outcome(() => verifyWebhook(W1.body, `t=${now}`, SECRET, { now }))).toBe('MALFORMED_SIGNATURE');
  });

  it('a correctly signed body that is not a whole event (the signer test vector W3), or not UTF-8', () => {
    expect(outcome(() => verifyWebhook(W3.body, W3.header, secretOf(W3), { now: W3.timestamp }))).toBe(
      'MALFORMED_BODY',
    );
    const bytes = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect(
      outcome(() => verifyWebhook(bytes, signWebhook(bytes, SECRET, { timestamp: now }), SECRET, { now })),
    ).toBe('MALFORMED_BODY');
  });

  it('calls that are wrong, before looking at the request', () => {
    expect(outcome(() => verifyWebhook(W1.body, W1.header, '', { now }))).toBe('INVALID_SECRET');
    expect(outcome(() => verifyWebhook(W1.body, W1.header, undefined as never, { now }))).toBe(
      'INVALID_SECRET',
    );
    expect(outcome(() => verifyWebhook(JSON.parse(W1.body) as never, undefined, SECRET))).toBe(
      'INVALID_BODY',
    );
    expect(outcome(() => verifyWebhook(W1.body, W1.header, SECRET, { toleranceSeconds: -1 }))).toBe(
      'INVALID_OPTION',
    );
    expect(outcome(() => verifyWebhook(W1.body, W1.header, SECRET, { now: Number.NaN }))).toBe(
      'INVALID_OPTION',
    );
  });
});
