/** @module routes/config.test — `GET /api/config`: what the widget may know, over `app.request()`. */
import { afterEach, describe, expect, it } from 'vitest';
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
