/** @module http/cors.test — the origin allowlist on a tiny app: passes, preflights, refusals and their log lines. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { browserCors } from './cors.ts';

const SHOP = 'https://shop.example';

function setUp(clock?: () => number) {
  const { app, logs } = tinyApp();
  let reached = 0;
  app.use('/api/*', browserCors([SHOP, 'http://127.0.0.1:4300'], clock ? { clock } : {}));
  app.on(['GET', 'POST'], '/api/thing', (c) => {
    reached += 1;
    return c.text('reached');
  });
  return { app, logs, reached: () => reached };
}

const refusals = (logs: Record<string, unknown>[]) =>
  logs.filter((l) => String(l.msg).startsWith('origin refused'));

describe('browserCors', () => {
  it('lets a request without Origin through (no CORS headers, Vary: Origin)', async () => {
    const { app, reached } = setUp();
    const res = await app.request('/api/thing');
    expect(await res.text()).toBe('reached');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
    expect(reached()).toBe(1);
  });

  it('answers an allowed origin with its own origin, never *, and exposes Retry-After and X-Request-Id', async () => {
    const { app } = setUp();
    for (const origin of [SHOP, 'http://127.0.0.1:4300']) {
      const res = await app.request('/api/thing', { method: 'POST', headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After, X-Request-Id');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('answers an allowed preflight itself, without reaching the handler', async () => {
    const { app, reached } = setUp();
    const res = await app.request('/api/thing', {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Content-Type, Idempotency-Key',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(reached()).toBe(0);
  });

  it('refuses any other origin with 403, readable by the page (*), for requests and preflights alike', async () => {
    const { app, reached } = setUp();
    // Compared exactly as the browser serialises it: another scheme, port, a subdomain, `null` are other origins.
    for (const origin of [
      'https://evil.example',
      'http://shop.example',
      'https://shop.example:8443',
      'https://www.shop.example',
      'null',
    ]) {
      for (const method of ['GET', 'POST', 'OPTIONS']) {
        const res = await app.request('/api/thing', { method, headers: { origin } });
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
        expect(await errorOf(res)).toEqual({
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
          message: 'this origin may not call the signer (see JUPAY_ALLOWED_ORIGINS)',
        });
      }
    }
    expect(reached()).toBe(0);
  });

  it('tells the operator once per refused origin per 10 minutes, naming the origin and the setting', async () => {
    let now = 1_000_000;
    const { app, logs } = setUp(() => now);
    const from = (origin: string) => app.request('/api/thing', { headers: { origin } });
    await from('https://evil.example');
    await from('https://evil.example');
    await from('https://other.example');
    expect(refusals(logs).map((l) => [l.origin, l.path, l.level])).toEqual([
      ['https://evil.example', '/api/thing', 40],
      ['https://other.example', '/api/thing', 40],
    ]);
    expect(refusals(logs)[0]!.msg).toContain('JUPAY_ALLOWED_ORIGINS');
    now += 10 * 60 * 1000 - 1;
    await from('https://evil.example');
    expect(refusals(logs)).toHaveLength(2);
    now += 1;
    await from('https://evil.example');
    expect(refusals(logs)).toHaveLength(3);
  });

  it('keeps its memory of refused origins small, and cuts a long origin in the log', async () => {
    const { app, logs } = setUp(() => 0);
    const long = `https://${'a'.repeat(300)}.example`;
    await app.request('/api/thing', { headers: { origin: long } });
    expect(refusals(logs)[0]!.origin).toBe(long.slice(0, 200));
    // 256 origins are remembered; the 257th starts a fresh memory, so the first is noted again.
    for (let i = 0; i < 256; i += 1) {
      await app.request('/api/thing', { headers: { origin: `https://o${i}.example` } });
    }
    expect(refusals(logs)).toHaveLength(257);
    await app.request('/api/thing', { headers: { origin: long } });
    expect(refusals(logs)).toHaveLength(258);
  });
});
