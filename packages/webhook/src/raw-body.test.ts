/** @module raw-body.test — strings, bytes and buffers in; parsed objects refused with a hint; strict UTF-8 out. */
import { describe, expect, it } from 'vitest';
import { WebhookArgumentError, WebhookVerificationError } from './errors.ts';
import { rawBodyBytes, rawBodyText } from './raw-body.ts';

describe('raw body', () => {
  it('takes text, bytes, a Node Buffer and an ArrayBuffer', () => {
    const text = '{"a":"支付"}';
    const bytes = new TextEncoder().encode(text);
    expect(rawBodyBytes(text)).toEqual(bytes);
    expect(rawBodyText(bytes)).toBe(text);
    expect(rawBodyText(Buffer.from(text))).toBe(text);
    expect(rawBodyText(bytes.slice().buffer)).toBe(text);
  });

  it('refuses a parsed body and says how to get the raw one', () => {
    for (const body of [{ id: 'e' }, null, 42]) {
      try {
        rawBodyBytes(body as never);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookArgumentError);
        expect((error as WebhookArgumentError).code).toBe('INVALID_BODY');
        expect((error as Error).message).toMatch(
          /^body: expected the raw request body .* before any JSON parser/,
        );
      }
    }
  });

  it('refuses bytes that are not UTF-8 as a malformed body', () => {
    try {
      rawBodyText(new Uint8Array([0x7b, 0xff, 0x7d]));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect((error as WebhookVerificationError).code).toBe('MALFORMED_BODY');
    }
  });
});
