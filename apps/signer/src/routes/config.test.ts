/**
 * @module routes/config.test
 * `GET /api/config`: what the widget may know, over `app.request()`; with several gateway accounts, the methods
 * their health allows and the origin forms go to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { createTestSigner, SHOP_ORIGIN, type TestSigner } from '../../test/helpers/signer-harness.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe('GET /api/config', () => {
  it('describes the methods, amounts and gateway origin, without anything secret', async () => {
    t = await createTestSigner({ JUPAY_AMOUNT_PRESETS: '10,20' });
    const res = await t.request('/api/config', { headers: { origin: SHOP_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(await res.json()).toEqual({
      currency: 'CNY',
      gateway: 'http://gateway.test',
      methods: [
        { code: '902', name: '微信扫码支付', nameEn: 'WeChat Pay QR code' },
        { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' },
      ],
      amount: { minFen: 1, maxFen: 500_000, presetsFen: [1000, 2000] },
      products: null,
    });
  });

  it('lists the catalogue in catalogue mode', async () => {
    t = await createTestSigner({ JUPAY_PRODUCTS: '[{"id":"vip","name":"VIP","amount":"9.90"}]' });
    const body = (await (await t.request('/api/config')).json()) as { products: unknown };
    expect(body.products).toEqual([{ id: 'vip', name: 'VIP', amountFen: 990 }]);
  });
});

describe('GET /api/config with several gateway accounts', () => {
  const accounts = {
    JUPAY_MEMBER_ID: undefined,
    JUPAY_KEY: undefined,
    JUPAY_GATEWAY_URL: undefined,
    JUPAY_BANK_CODES: '902,903,904',
    JUPAY_GATEWAYS: 'a,b',
    JUPAY_GATEWAY_A_PAYMENT_URL: 'https://gw-a.example/Pay_Index.html',
    JUPAY_GATEWAY_A_MEMBER_ID: '10002',
    JUPAY_GATEWAY_A_KEY: TEST_KEY,
    JUPAY_GATEWAY_A_BANK_CODES: '902,903',
    JUPAY_GATEWAY_B_PAYMENT_URL: 'https://gw-b.example/Pay_Index.html',
    JUPAY_GATEWAY_B_MEMBER_ID: '20001',
    JUPAY_GATEWAY_B_KEY: TEST_KEY,
    JUPAY_GATEWAY_B_BANK_CODES: '903,904',
  };
  const methodsOf = async () =>
    ((await (await t.request('/api/config')).json()) as { methods: { code: string }[] }).methods.map(
      (m) => m.code,
    );

  it("offers the methods a healthy account serves, and names the signer's origin when the pages are on several", async () => {
    t = await createTestSigner({ ...accounts, JUPAY_HEALTH_FAILURES: '1', JUPAY_HEALTH_SUCCESSES: '1' });
    const res = await t.request('/api/config');
    expect(res.headers.get('cache-control')).toBe('public, max-age=15');
    expect(await res.json()).toMatchObject({ gateway: 'https://pay.shop.example' });
    expect(await methodsOf()).toEqual(['902', '903', '904']);

    await t.signer.gateways.health.report('b', { ok: false, detail: 'ECONNREFUSED' });
    expect(await methodsOf()).toEqual(['902', '903']);
    await t.signer.gateways.health.report('a', { ok: false, detail: 'ECONNREFUSED' });
    // None healthy: health is set aside, every method is offered again.
    expect(await methodsOf()).toEqual(['902', '903', '904']);
    await t.signer.gateways.health.report('a', { ok: true, detail: 'no such order' });
    expect(await methodsOf()).toEqual(['902', '903']);
  });

  it("names the one origin when every account's page is on it", async () => {
    t = await createTestSigner({
      ...accounts,
      JUPAY_GATEWAY_B_PAYMENT_URL: 'https://gw-a.example/b/Pay_Index.html',
    });
    expect(await (await t.request('/api/config')).json()).toMatchObject({ gateway: 'https://gw-a.example' });
  });
});
