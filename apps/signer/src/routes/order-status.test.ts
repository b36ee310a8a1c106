/** @module routes/order-status.test — `GET /api/orders/:orderId`, the public status, over `app.request()`. */
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import {
  checkout,
  createTestSigner,
  SHOP_ORIGIN,
  type TestSigner,
} from '../../test/helpers/signer-harness.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe('GET /api/orders/:orderId', () => {
  it('shows the public status and nothing more', async () => {
    const now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner({}, { clock: () => now });
    const { orderId, statusUrl } = await checkout(t, { bankCode: '903', amount: '8.88', attach: 'private' });
    expect(statusUrl).toBe(`https://pay.shop.example/api/orders/${orderId}`);
    const res = await t.request(`/api/orders/${orderId}`, { headers: { origin: SHOP_ORIGIN } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      orderId,
      status: 'NOTPAY',
      amountFen: 888,
      bankCode: '903',
      createdAt: '2024-03-01T04:00:00.000Z',
      paidAt: null,
      checkedAt: null,
    });
    expect(await errorOf(await t.request('/api/orders/E0000000000000000404'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_FOUND',
    });
    expect(await errorOf(await t.request('/api/orders/..%2Fetc'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_FOUND',
    });
  });
});
