/** @module sign-webhook.test — the header for the signer's vectors, the current time by default, bad arguments. */
import { describe, expect, it } from 'vitest';
import { secretOf, vectors } from '../test/helpers/vectors.ts';
import { WebhookArgumentError } from './errors.ts';
import { signWebhook } from './sign-webhook.ts';

describe('signWebhook', () => {
  for (const vector of vectors.vectors) {
    it(`${vector.id}: writes exactly the header the signer wrote`, () => {
      expect(signWebhook(vector.body, secretOf(vector), { timestamp: vector.timestamp })).toBe(vector.header);
      const bytes = new TextEncoder().encode(vector.body);
      expect(signWebhook(bytes, secretOf(vector), { timestamp: vector.timestamp })).toBe(vector.header);
    });
  }

  it('signs the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(signWebhook('{}', 's'))?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('refuses an empty secret, a parsed body and a timestamp in milliseconds, naming each', () => {
    const fields = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (error instanceof WebhookArgumentError) return [error.code, error.field];
        throw error;
      }
      return null;
    };
    expect(fields(() => signWebhook('{}', ''))).toEqual(['INVALID_SECRET', 'secret']);
    expect(fields(() => signWebhook({ id: 'e' } as never, 's'))).toEqual(['INVALID_BODY', 'body']);
    expect(fields(() => signWebhook('{}', 's', { timestamp: Date.now() }))).toEqual([
      'INVALID_TIMESTAMP',
      'timestamp',
    ]);
  });
});
