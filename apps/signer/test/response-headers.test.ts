/**
 * @module http/response-header.test
 * Over real HTTP (@hono/node-server), where the common headers go onto Node's response instead of a web
 * `Headers`: every header the routes promise must still arrive, for successes, errors, CORS and notifications.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';

let t: TestSigner | undefined;
let http: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await http?.close();
  await t?.close();
  http = t = undefined;
});

async function serveSigner(): Promise<string> {
  t = await createTestSigner();
  http = await listen(t.fetch);
  return http.url;
}

describe('response headers over Node HTTP', () => {
  it('checkout: request id, nosniff, Vary, Cache-Control and the JSON type', async () => {
    const url = await serveSigner();
    const res = await fetch(`${url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an allowed origin gets the CORS headers, also on an error', async () => {
    const url = await serveSigner();
    const origin = t!.config.allowedOrigins[0]!;
    const res = await fetch(`${url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: '{"bankCode":"903"}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After, X-Request-Id');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('every error answer says no-store: 400, 403, 404, 413, 415, 429, and notify FAIL', async () => {
    t = await createTestSigner({ JUPAY_RATE_LIMIT_STATUS: '1', JUPAY_BODY_LIMIT: '256' });
    http = await listen(t.fetch);
    const { url } = http;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const answers: [number, Response][] = [
      [400, await post('/api/checkout', '{"bankCode":"903"}')],
      [403, await post('/api/checkout', '{}', { origin: 'https://evil.example' })],
      [404, await fetch(`${url}/nope`)],
      [404, await fetch(`${url}/api/orders/E0000000000000000404`)],
      [413, await post('/api/checkout', JSON.stringify({ attach: 'x'.repeat(300) }))],
      [415, await post('/api/checkout', 'a=1', { 'content-type': 'text/plain' })],
      [429, await fetch(`${url}/api/orders/E0000000000000000404`)],
      [
        400,
        await post('/api/notify', 'memberid=1&sign=00', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      ],
    ];
    for (const [status, res] of answers) {
      expect([res.url, res.status, res.headers.get('cache-control')]).toEqual([res.url, status, 'no-store']);
    }
  });

  it('Referrer-Policy and frame-ancestors on every route, success or not', async () => {
    const url = await serveSigner();
    const responses = [
      await fetch(`${url}/api/config`),
      await fetch(`${url}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
      }),
      await fetch(`${url}/api/checkout`, {
        method: 'OPTIONS',
        headers: { origin: t!.config.allowedOrigins[0]! },
      }),
      await fetch(`${url}/api/notify`, { method: 'POST', body: 'x' }),
      await fetch(`${url}/api/return`, { redirect: 'manual' }),
      await fetch(`${url}/api/orders/E0000000000000000404`),
      await fetch(`${url}/pay-button.js`),
      await fetch(`${url}/healthz`),
      await fetch(`${url}/nope`),
    ];
    for (const res of responses) {
      await res.arrayBuffer();
      // The return URL and status URLs carry order ids: never passed on as a referrer.
      expect([res.url, res.headers.get('referrer-policy')]).toEqual([res.url, 'no-referrer']);
      // No page of the signer may be framed (clickjacking); harmless on JSON and scripts.
      expect([res.url, res.headers.get('content-security-policy')]).toEqual([
        res.url,
        "frame-ancestors 'none'",
      ]);
    }
  });

  it('notify FAIL carries its verdict; a 404 its request id', async () => {
    const url = await serveSigner();
    const res = await fetch(`${url}/api/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'memberid=1&sign=00',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('FAIL');
    expect(res.headers.get('x-notify-verdict')).toMatch(/^[a-z_]+$/);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const missing = await fetch(`${url}/nope`, { headers: { 'x-request-id': 'r-404' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('r-404');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
