/**
 * @module mac.test
 * The MAC against the vectors the signer's node:crypto code produced, and against node:crypto itself on random
 * secrets, timestamps and bodies (Chinese, emoji, lone surrogates), so the pure-JS HMAC agrees byte for byte.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { secretOf, vectors } from '../test/helpers/vectors.ts';
import { WebhookArgumentError } from './errors.ts';
import { checkSecret, checkTimestamp, MAX_TIMESTAMP, webhookMac } from './mac.ts';

function nodeMac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

function argumentCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookArgumentError) return `${error.code} ${error.field}`;
    throw error;
  }
  return 'accepted';
}

describe('webhookMac', () => {
  for (const vector of vectors.vectors) {
    it(`${vector.id}: gives the signer's MAC for the body as text, bytes and ArrayBuffer`, () => {
      const hex = vector.header.split('v1=')[1];
      const bytes = new TextEncoder().encode(vector.body);
      expect(bytesToHex(webhookMac(secretOf(vector), vector.timestamp, vector.body))).toBe(hex);
      expect(bytesToHex(webhookMac(secretOf(vector), vector.timestamp, bytes))).toBe(hex);
      expect(bytesToHex(webhookMac(secretOf(vector), vector.timestamp, bytes.slice().buffer))).toBe(hex);
    });
  }

  it('agrees with node:crypto on any secret, timestamp and body', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: MAX_TIMESTAMP }),
        fc.string({ unit: 'binary', maxLength: 600 }),
        (secret, timestamp, body) => {
          expect(bytesToHex(webhookMac(secret, timestamp, body))).toBe(nodeMac(secret, timestamp, body));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('covers the bytes as given: a lone surrogate in text is its UTF-8 replacement, as in node:crypto', () => {
    const body = '{"a":"\ud800"}';
    expect(bytesToHex(webhookMac('s', 1, body))).toBe(nodeMac('s', 1, body));
    expect(bytesToHex(webhookMac('s', 1, body))).not.toBe(nodeMac('s', 1, '{"a":""}'));
  });
});

describe('argument checks', () => {
  it('names an empty or missing secret', () => {
    expect(argumentCode(() => checkSecret(''))).toBe('INVALID_SECRET secret');
    expect(argumentCode(() => checkSecret(undefined))).toBe('INVALID_SECRET secret');
    expect(argumentCode(() => webhookMac(42 as never, 1, '{}'))).toBe('INVALID_SECRET secret');
    expect(checkSecret('whsec_x')).toBe('whsec_x');
  });

  it('takes whole unix seconds of at most 12 digits, which is what the header parser reads back', () => {
    expect(checkTimestamp(0)).toBe(0);
    expect(checkTimestamp(MAX_TIMESTAMP)).toBe(MAX_TIMESTAMP);
    for (const bad of [-1, 1.5, MAX_TIMESTAMP + 1, Number.NaN, '1709265606', Date.now() * 1000]) {
      expect(argumentCode(() => checkTimestamp(bad))).toBe('INVALID_TIMESTAMP timestamp');
    }
  });

  it('is a TypeError whose message names the argument and never holds the secret', () => {
    const secret = 'whsec_never_in_messages';
    try {
      webhookMac(secret, -1, '{}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe('timestamp: expected whole unix seconds');
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
