/** @module http/security-headers.test — the headers every answer carries, on a tiny app: success and error alike. */
import { describe, expect, it } from 'vitest';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { HttpError } from '../errors.ts';
import { securityHeaders } from './security-headers.ts';

function setUp() {
  const { app } = tinyApp();
  app.use(securityHeaders());
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/refused', () => {
    throw new HttpError('RATE_LIMITED', 'slow down', { 'Retry-After': '3' });
  });
  return app;
}

describe('securityHeaders', () => {
  it('sets nosniff, no referrer and no framing on a success and on an error thrown by the route', async () => {
    const app = setUp();
    for (const path of ['/ok', '/refused']) {
      const res = await app.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    }
    expect((await app.request('/refused')).status).toBe(429);
  });
});
