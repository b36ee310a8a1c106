/**
 * @module routes/admin.test
 * The console's guards over `app.request()`: off without a token, on the admin port without sign-in but only for a
 * loopback Host and with an anonymous session's CSRF token, forged and expired session cookies refused, repeated
 * wrong tokens slowed down. The pages themselves are driven in Chromium in test/console.e2e.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { sessionKeys, SESSION_TTL_MS } from '../admin/session.ts';

const TOKEN = 'adm1n-t0ken-for-tests-0123456789';
let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'pay.shop.example', ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe('the console on the public port', () => {
  it('is not there without JUPAY_ADMIN_TOKEN', async () => {
    t = await createTestSigner();
    expect((await t.request('/admin/login')).status).toBe(404);
    expect(t.signer.adminApp).toBeNull();
  });

  it('accepts a session cookie only as issued and until it expires', async () => {
    t = await createTestSigner({ JUPAY_ADMIN_TOKEN: TOKEN });
    const keys = sessionKeys(TOKEN);
    const now = Date.now();
    const good = keys.issue(now).value;
    const cookie = (value: string) => ({ headers: { cookie: `jupay_admin=${value}` } });
    expect((await t.request('/admin/orders', cookie(good))).status).toBe(200);
    // Another token's key, a changed expiry, an expired session: back to the sign-in page.
    const other = sessionKeys(`${TOKEN}-other`).issue(now).value;
    const stretched = good.replace(/^v1\.\d+/, `v1.${now + 10 * SESSION_TTL_MS}`);
    const expired = keys.issue(now - SESSION_TTL_MS - 1).value;
    for (const value of [other, stretched, expired, 'v1.1.2.3']) {
      const answer = await t.request('/admin/orders', cookie(value));
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/admin/login');
    }
  });

  it('slows down a client after ten wrong tokens, even for the right one, for the rest of the minute', async () => {
    t = await createTestSigner({ JUPAY_ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 10; i += 1)
      expect((await t.request('/admin/login', form({ token: `wrong-${i}` }))).status).toBe(401);
    const blocked = await t.request('/admin/login', form({ token: TOKEN }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a sign-in posted from another origin', async () => {
    t = await createTestSigner({ JUPAY_ADMIN_TOKEN: TOKEN });
    const answer = await t.request(
      '/admin/login',
      form({ token: TOKEN }, { origin: 'https://evil.example' }),
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.get('set-cookie')).toBeNull();
    const ok = await t.request(
      '/admin/login',
      form({ token: TOKEN }, { origin: 'https://pay.shop.example' }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toMatch(
      /^jupay_admin=v1\.\d+\.[0-9a-f]{32}\.[0-9a-f]{64}; Max-Age=43200; Path=\/admin; HttpOnly; Secure; SameSite=Strict$/,
    );
  });
});

describe('the console on the admin port', () => {
  it('needs no sign-in, but a loopback Host and the anonymous session CSRF token', async () => {
    t = await createTestSigner({ JUPAY_ADMIN_PORT: '0' });
    const admin = t.signer.adminApp!;
    // DNS rebinding: a page of another name that resolves to 127.0.0.1 is refused.
    expect(
      (await admin.request('http://127.0.0.1/admin/orders', { headers: { host: 'evil.example:4201' } }))
        .status,
    ).toBe(403);
    const page = await admin.request('http://127.0.0.1/admin/orders', {
      headers: { host: '127.0.0.1:4201' },
    });
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^jupay_admin=v1\./);
    const html = await page.text();
    expect(html).not.toContain('/admin/logout');
    // An action: refused without its token or with another one, accepted with the anonymous session's.
    await t.store.createOrder({
      orderId: 'A0000000000000000001',
      memberId: '10002',
      amountFen: 100,
      bankCode: '903',
      productName: 'x',
      attach: null,
      createdAt: new Date(),
      nextQueryAt: null,
      requestFields: {},
    });
    const orderPage = await admin.request('http://127.0.0.1/admin/orders/A0000000000000000001', {
      headers: { host: '127.0.0.1:4201', cookie },
    });
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(await orderPage.text())![1]!;
    const ask = (fields: Record<string, string>, withCookie = true) =>
      admin.request('http://127.0.0.1/admin/orders/A0000000000000000001/query', {
        ...form(fields, { host: '127.0.0.1:4201', ...(withCookie ? { cookie } : {}) }),
      });
    expect((await ask({})).status).toBe(403);
    expect((await ask({ csrf: 'f'.repeat(64) })).status).toBe(403);
    expect((await ask({ csrf }, false)).status).toBe(403);
    const asked = await ask({ csrf });
    expect(asked.status).toBe(303);
    // The test settings' gateway does not exist: the query was made and failed; the order is still unpaid.
    expect(asked.headers.get('location')).toBe('/admin/orders/A0000000000000000001?done=query-failed');
    expect(
      (await admin.request('http://127.0.0.1/metrics', { headers: { host: '127.0.0.1:4201' } })).status,
    ).toBe(200);
    // Nothing of the public API on the admin port.
    expect((await admin.request('http://127.0.0.1/api/config')).status).toBe(404);
  });
});
