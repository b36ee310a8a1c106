/**
 * @module test/round-trip.test
 * The shopper's way back, in their language, over real HTTP against the gateway simulator (its signature check, its
 * cancel link, its page return), and the status answer's `checkedAt`.
 */
import { encodeForm, type Fields } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { TEST_KEY } from './helpers/notifications.ts';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';
import { waitFor } from './helpers/webhook-receiver.ts';

describe('the round trip through the gateway simulator', () => {
  let sim: GatewaySim;
  let gateway: RunningGatewaySim;
  let t: TestSigner;
  let http: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    sim = createGatewaySim({ merchants: [{ memberId: '10002', key: TEST_KEY }], resendCount: 0 });
    gateway = await sim.start();
    let handler: (request: Request) => Promise<Response> = async () =>
      new Response('starting', { status: 503 });
    http = await listen((request) => handler(request));
    t = await createTestSigner({
      JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
      JUPAY_PUBLIC_URL: http.url,
      JUPAY_RETURN_URL: 'https://shop.example/thanks',
      JUPAY_CANCEL_URL: 'https://shop.example/tea',
      JUPAY_RECONCILE_SCHEDULE: 'off',
    });
    handler = t.fetch;
  });
  afterAll(async () => {
    await http?.close();
    await gateway?.close();
    await t?.close();
  });
  beforeEach(() => sim.controls.clearFaults());

  /** Checkout in `lang`, then the browser's form POST to the gateway, which must accept the signature. */
  async function buy(body: Record<string, string>): Promise<{ orderId: string; fields: Fields; tx: string }> {
    const res = await fetch(`${http.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ bankCode: '903', amount: '12.30', ...body }),
    });
    expect(res.status).toBe(201);
    const { orderId, action, fields } = (await res.json()) as {
      orderId: string;
      action: string;
      fields: Fields;
    };
    const cashier = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(fields),
    });
    expect(await cashier.text()).not.toMatch(/"status":\s*"error"/);
    return { orderId, fields, tx: sim.controls.order(orderId)!.transactionId };
  }

  it('an English checkout: the cancel link returns to the English shop, the page return to the English page', async () => {
    const { orderId, fields, tx } = await buy({ lang: 'en' });
    expect(fields.pay_callbackurl).toBe(`${http.url}/api/return/en`);
    expect(fields.pay_producturl).toBe('https://shop.example/tea?lang=en');

    // The cashier's cancel button, as the browser presses it.
    const cancel = await fetch(`${gateway.url}/__sim/cashier/${tx}/cancel`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe('https://shop.example/tea?lang=en');
    expect((await t.store.getOrder(orderId))!.status).toBe('NOTPAY');

    // Paid after all: the page return goes through /api/return/en to the merchant page, in English.
    const paid = await sim.controls.pay(orderId);
    await paid.delivery;
    expect(paid.callback?.url).toBe(`${http.url}/api/return/en`);
    const back = await fetch(paid.callback!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(paid.callback!.fields),
      redirect: 'manual',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}&lang=en`);
  });

  it('without a language: the configured URLs unchanged; a language it does not speak is refused', async () => {
    const { fields } = await buy({});
    expect(fields.pay_callbackurl).toBe(`${http.url}/api/return`);
    expect(fields.pay_producturl).toBe('https://shop.example/tea');
    const refused = await t.request('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bankCode: '903', amount: '1', lang: 'fr' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'lang must be one of zh-CN, zh-TW, en' },
    });
  });

  it('the status answer names the time the gateway last found the order unpaid, on every instance', async () => {
    const { orderId } = await buy({ lang: 'zh-TW' });
    const read = async () =>
      (await (await fetch(`${http.url}/api/orders/${orderId}`)).json()) as {
        status: string;
        checkedAt: string | null;
      };
    // The first read starts a gateway query in the background; nothing is known yet.
    const before = Date.now();
    expect(await read()).toMatchObject({ status: 'NOTPAY', checkedAt: null });
    await waitFor(async () => (await read()).checkedAt !== null, 'a checkedAt');
    const { checkedAt } = await read();
    expect(Date.parse(checkedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(checkedAt!)).toBeLessThanOrEqual(Date.now());

    // Another instance on the same store, which has asked nothing itself, knows that answer (its read may start a
    // query of its own, whose answer can only be newer).
    const other = await createTestSigner(
      {
        JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
        JUPAY_PUBLIC_URL: http.url,
        JUPAY_RECONCILE_SCHEDULE: 'off',
      },
      { store: openSqliteStore(t.config.store) },
    );
    try {
      const answer = (await (await other.request(`/api/orders/${orderId}`)).json()) as { checkedAt: string };
      expect(answer).toMatchObject({ status: 'NOTPAY' });
      expect(Date.parse(answer.checkedAt)).toBeGreaterThanOrEqual(Date.parse(checkedAt!));
    } finally {
      await other.close();
    }
  });
});
