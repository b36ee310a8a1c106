/**
 * @module app.test
 * The composition, over `app.request()`: which routes the origin allowlist and the rate limits guard, unknown
 * routes, and the one error handler. Each route's own behaviour is tested beside it in `routes/`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, json } from '../test/helpers/http.ts';
import { createTestSigner, SHOP_ORIGIN, type TestSigner } from '../test/helpers/signer-harness.ts';
import { TEST_KEY } from '../test/helpers/notifications.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe('CORS allowlist', () => {
  it('refuses other origins on every browser route, answers preflights for allowed ones', async () => {
    t = await createTestSigner();
    const evil = { origin: 'https://evil.example' };
    for (const [path, init] of [
      ['/api/config', { headers: evil }],
      ['/api/checkout', json({ bankCode: '903', amount: '1' }, evil)],
      ['/api/orders/E0000000000000000000', { headers: evil }],
      ['/api/checkout', { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST' } }],
    ] as [string, RequestInit][]) {
      const refused = await t.request(path, init);
      // Readable by the refused page (so the widget can name the problem), never with credentials.
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      expect(await errorOf(refused)).toMatchObject({
        status: 403,
        code: 'ORIGIN_NOT_ALLOWED',
      });
    }
    expect(await t.store.claimDueOrders(new Date(8.64e15), 10, 1)).toEqual([]);

    const preflight = await t.request('/api/checkout', {
      method: 'OPTIONS',
      headers: {
        origin: SHOP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, Idempotency-Key');
    expect(preflight.headers.get('vary')).toBe('Origin');

    // The operator is told which origin was refused, once per origin per 10 minutes, not once per request.
    const refusals = t.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; origin?: string; path?: string })
      .filter((line) => line.msg.startsWith('origin refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 40, origin: 'https://evil.example', path: '/api/config' });
    expect(refusals[0]!.msg).toContain('JUPAY_ALLOWED_ORIGINS');

    // The notify route is the gateway's, not a browser route: an Origin header does not matter there.
    const notify = await t.request('/api/notify', { method: 'POST', headers: evil, body: 'x=1' });
    expect(notify.status).toBe(400);
    expect(await notify.text()).toBe('FAIL');
  });
});

describe('refused origins in the log', () => {
  it('are noted again once the 10-minute window has passed', async () => {
    let now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner({}, { clock: () => now });
    const evil = { headers: { origin: 'https://evil.example' } };
    const noted = () => t.logs.filter((line) => line.includes('"origin refused')).length;
    await t.request('/api/config', evil);
    await t.request('/api/config', evil);
    now = new Date(now.getTime() + 9 * 60 * 1000);
    await t.request('/api/config', evil);
    expect(noted()).toBe(1);
    now = new Date(now.getTime() + 60 * 1000);
    await t.request('/api/config', evil);
    expect(noted()).toBe(2);
  });
});

describe('rate limits', () => {
  it('limits checkout and status per client address, with Retry-After', async () => {
    let now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner(
      { JUPAY_RATE_LIMIT_CHECKOUT: '2', JUPAY_RATE_LIMIT_STATUS: '3', JUPAY_RATE_LIMIT_WINDOW: '60' },
      { clock: () => now },
    );
    const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
    const buy = (ip: string) =>
      t.signer.app.request('/api/checkout', json({ bankCode: '903', amount: '1' }), from(ip));
    expect((await buy('10.0.0.1')).status).toBe(201);
    expect((await buy('10.0.0.1')).status).toBe(201);
    const limited = await buy('10.0.0.1');
    expect(await errorOf(limited)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await buy('10.0.0.2')).status).toBe(201);

    const status = (ip: string) => t.signer.app.request('/api/orders/E0000000000000000000', {}, from(ip));
    for (let i = 0; i < 3; i++) expect((await status('10.0.0.1')).status).toBe(404);
    expect((await status('10.0.0.1')).status).toBe(429);

    now = new Date(now.getTime() + 60_000);
    expect((await buy('10.0.0.1')).status).toBe(201);
  });

  it('uses the right-most entry of a trusted proxy header, and only when configured', async () => {
    t = await createTestSigner({
      JUPAY_RATE_LIMIT_CHECKOUT: '1',
      JUPAY_TRUSTED_PROXY_HEADER: 'X-Forwarded-For',
    });
    const socket = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
    const buy = (xff: string) =>
      t.signer.app.request(
        '/api/checkout',
        json({ bankCode: '903', amount: '1' }, { 'x-forwarded-for': xff }),
        socket,
      );
    expect((await buy('1.1.1.1, 203.0.113.1')).status).toBe(201);
    // A client forging the left part does not get a new budget: the proxy's entry is the same.
    expect((await buy('9.9.9.9, 203.0.113.1')).status).toBe(429);
    expect((await buy('203.0.113.2')).status).toBe(201);
    await t.close();

    t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '1' });
    const direct = (xff: string) =>
      t.signer.app.request(
        '/api/checkout',
        json({ bankCode: '903', amount: '1' }, { 'x-forwarded-for': xff }),
        socket,
      );
    expect((await direct('203.0.113.1')).status).toBe(201);
    // Without the setting the header is ignored: every request comes from the socket's address.
    expect((await direct('203.0.113.2')).status).toBe(429);
  });

  it('never limits the notify route', async () => {
    t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '1', JUPAY_RATE_LIMIT_STATUS: '1' });
    for (let i = 0; i < 5; i++) {
      const res = await t.request('/api/notify', { method: 'POST', body: 'a=1' });
      expect(res.status).toBe(400);
    }
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404 and adds a request id', async () => {
    t = await createTestSigner();
    const res = await t.request('/nope?secret=1', { headers: { 'x-request-id': 'req-123' } });
    expect(await errorOf(res)).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no such route' });
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const line = JSON.parse(t.logs.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({
      reqId: 'req-123',
      method: 'GET',
      path: '/nope',
      status: 404,
      msg: 'request',
    });
    expect(t.logs.join('\n')).not.toContain('secret=1');
    const generated = await t.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unexpected failure becomes INTERNAL without details; the log has them, the key scrubbed', async () => {
    t = await createTestSigner();
    const original = t.store.createOrder.bind(t.store);
    t.store.createOrder = async () => {
      throw new Error(`disk on fire near ${TEST_KEY}`);
    };
    const failed = await t.request('/api/checkout', json({ bankCode: '903', amount: '1' }));
    expect(await errorOf(failed)).toEqual({ status: 500, code: 'INTERNAL', message: 'internal error' });
    const errorLine = t.logs.find((l) => l.includes('unhandled error'))!;
    expect(errorLine).toContain('disk on fire near [redacted]');
    t.store.createOrder = original;
    expect((await t.request('/api/checkout', json({ bankCode: '903', amount: '1' }))).status).toBe(201);
  });
});
