/**
 * @module routes/pay-relay.test
 * `POST /api/pay/:gatewayId` over a real listener: 307 to the account's configured payment page (the browser posts
 * the same form there), without the signer's Referrer-Policy; unknown accounts and other methods are 404.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { createTestSigner, listen, type TestSigner } from '../../test/helpers/signer-harness.ts';

let t: TestSigner;
let http: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await http?.close();
  await t?.close();
});

describe('POST /api/pay/:gatewayId', () => {
  it("sends the form on to the account's payment page with 307, whatever the body", async () => {
    t = await createTestSigner({
      JUPAY_MEMBER_ID: undefined,
      JUPAY_KEY: undefined,
      JUPAY_GATEWAY_URL: undefined,
      JUPAY_GATEWAYS: 'a,b',
      JUPAY_GATEWAY_A_PAYMENT_URL: 'https://gw-a.example/Pay_Index.html',
      JUPAY_GATEWAY_A_MEMBER_ID: '10002',
      JUPAY_GATEWAY_A_KEY: TEST_KEY,
      JUPAY_GATEWAY_B_PAYMENT_URL: 'https://gw-b.example:8443/pay/Pay_Index.html',
      JUPAY_GATEWAY_B_MEMBER_ID: '20001',
      JUPAY_GATEWAY_B_KEY: TEST_KEY,
    });
    http = await listen(t.fetch);
    const post = (path: string, method = 'POST') =>
      fetch(`${http!.url}${path}`, {
        method,
        redirect: 'manual',
        ...(method === 'POST'
          ? {
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'pay_memberid=20001&x=1',
            }
          : {}),
      });
    const relayed = await post('/api/pay/b');
    expect(relayed.status).toBe(307);
    expect(relayed.headers.get('location')).toBe('https://gw-b.example:8443/pay/Pay_Index.html');
    expect(relayed.headers.get('cache-control')).toBe('no-store');
    // What the shop page's own policy gives the gateway, as a direct post would; the signer's no-referrer would not.
    expect(relayed.headers.get('referrer-policy')).toBeNull();
    expect((await post('/api/pay/a')).headers.get('location')).toBe('https://gw-a.example/Pay_Index.html');

    const unknown = await post('/api/pay/c');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such gateway account' },
    });
    expect((await post('/api/pay/a', 'GET')).status).toBe(404);
    // Other routes keep the signer's Referrer-Policy.
    expect((await fetch(`${http.url}/api/config`)).headers.get('referrer-policy')).toBe('no-referrer');
  });
});
