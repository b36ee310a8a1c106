/**
 * @module routes/order-submitted.test
 * `POST /api/orders/:orderId/submitted` and the checkout's `beacon` field over `app.request()`: a checkout that
 * promises the report is asked about twice at most until the report (or a verified return) comes; the report is
 * origin-checked, rate-limited, idempotent and answered 204.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import { notificationFields } from '../../test/helpers/notifications.ts';
import {
  checkout,
  createTestSigner,
  SHOP_ORIGIN,
  type TestSigner,
} from '../../test/helpers/signer-harness.ts';

const NOW = new Date('2024-03-01T04:00:00.000Z');
const FAR = new Date('2024-03-03T04:00:00.000Z');

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

/** Claims every due order (a short lease), as the reconciliation loop would, and returns their ids. */
async function claimable(): Promise<string[]> {
  const claimed = await t.store.claimDueOrders(FAR, 100, 1);
  return claimed.map((o) => o.orderId);
}

/** Records `n` scheduled queries of the order, as the loop does after each. */
async function queried(orderId: string, n: number): Promise<void> {
  await t.store.scheduleNextQuery(orderId, new Date(NOW.getTime() + 60_000), n);
}

const report = (orderId: string, headers: Record<string, string> = { origin: SHOP_ORIGIN }) =>
  t.request(`/api/orders/${orderId}/submitted`, { method: 'POST', headers });

describe('POST /api/orders/:orderId/submitted', () => {
  it('lifts the two-query budget of a checkout that promised the report; answers 204 with no body', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const widget = await checkout(t, { bankCode: '903', amount: '12.30', beacon: '1' });
    const api = await checkout(t, { bankCode: '903', amount: '12.30' });
    await queried(widget.orderId, 2);
    await queried(api.orderId, 2);
    // Two queries spent: the widget's order waits for its report, the API's keeps the schedule.
    expect(await claimable()).toEqual([api.orderId]);
    await queried(api.orderId, 3);

    const res = await report(widget.orderId);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await claimable()).sort()).toEqual([api.orderId, widget.orderId].sort());
    // Idempotent: again is the same answer.
    expect((await report(widget.orderId)).status).toBe(204);
  });

  it('a checkout with the report promised gets only two scheduled queries without it', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', beacon: '1' });
    expect(await claimable()).toEqual([orderId]);
    await queried(orderId, 1);
    expect(await claimable()).toEqual([orderId]);
    await queried(orderId, 2);
    expect(await claimable()).toEqual([]);
  });

  it('a verified page return lifts the budget too', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', beacon: '1' });
    await queried(orderId, 2);
    const forged = new URLSearchParams(notificationFields({ orderid: orderId }, 'wrong-key-wrong-key'));
    await t.request(`/api/return?${forged.toString()}`);
    expect(await claimable()).toEqual([]);
    const good = new URLSearchParams(notificationFields({ orderid: orderId, amount: '12.3000' }));
    const back = await t.request(`/api/return?${good.toString()}`);
    expect(back.status).toBe(303);
    expect(await claimable()).toEqual([orderId]);
  });

  it('refuses another origin, an unknown or malformed order id, and a flood from one address', async () => {
    t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '3' }, { clock: () => NOW });
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', beacon: '1' });
    await queried(orderId, 2);
    expect(await errorOf(await report(orderId, { origin: 'https://evil.example' }))).toMatchObject({
      status: 403,
      code: 'ORIGIN_NOT_ALLOWED',
    });
    expect(await claimable()).toEqual([]);
    expect(await errorOf(await report('E0000000000000000404'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_FOUND',
    });
    expect(await errorOf(await report('..%2Fetc'))).toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
    // The two refusals above counted: the third report from this address is the last one allowed.
    expect((await report(orderId)).status).toBe(204);
    const limited = await report(orderId);
    expect(await errorOf(limited)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('checkout refuses a beacon field other than "1"', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const res = await t.request('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN },
      body: JSON.stringify({ bankCode: '903', amount: '12.30', beacon: 'yes' }),
    });
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toMatch(/beacon/);
  });
});
