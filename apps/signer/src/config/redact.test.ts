/** @module config/redact.test — secrets cut out of messages about settings, in every form a message may hold. */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

describe('redactSecrets', () => {
  it('cuts each secret out as written, JSON-escaped and URL-encoded', () => {
    const secret = 'k3y"with\\/and%';
    const text = `a ${secret} b ${JSON.stringify(secret)} c ${encodeURIComponent(secret)}`;
    expect(redactSecrets(text, [secret, null, undefined])).toBe('a [redacted] b "[redacted]" c [redacted]');
  });

  it('leaves text alone for secrets under 8 characters (no key is that short) and for none', () => {
    expect(redactSecrets('HOST: 127.0.0.1 is fine', ['127.0.0', null])).toBe('HOST: 127.0.0.1 is fine');
    expect(redactSecrets('nothing here', [])).toBe('nothing here');
  });
});
