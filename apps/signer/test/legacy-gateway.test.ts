/**
 * @module legacy-gateway.test
 * The whole flow behind a 2016-17 gateway (`JUPAY_SIGN_DIALECT=legacy`: `name=>value&` joins, notifications signed
 * over 5 fields) against @jupay/gateway-sim in its legacy dialect, over real HTTP: checkout, the browser's form
 * accepted by the gateway, the notification acknowledged, a lost notification found by the reconciliation query,
 * and the page return. A signer left in the standard dialect is refused by that gateway at the first step.
 */
import { encodeForm, type Fields } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';
import { TEST_KEY, TEST_MEMBER } from './helpers/notifications.ts';
import { waitFor } from './helpers/webhook-receiver.ts';

let sim: GatewaySim;
let gateway: RunningGatewaySim;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = createGatewaySim({ merchants: [{ memberId: TEST_MEMBER, key: TEST_KEY }], resendIntervalMs: 20 });
  // Every order of this merchant in the legacy dialect: requests, notifications, page returns and queries.
  sim.controls.setFaults({ dialect: 'legacy' }, { memberId: TEST_MEMBER });
  gateway = await sim.start();
  cleanups.push(() => gateway.close());
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A signer on a real listener, pointed at the simulator, with a fast reconciliation schedule. */
async function startSigner(dialect: string | undefined): Promise<{ t: TestSigner; url: string }> {
  let handler: (request: Request, env?: unknown) => Promise<Response> = async () =>
    new Response('starting', { status: 503 });
  const http = await listen((request, env) => handler(request, env));
  cleanups.push(() => http.close());
  const t = await createTestSigner({
    JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
    JUPAY_PUBLIC_URL: http.url,
    JUPAY_SIGN_DIALECT: dialect,
    JUPAY_RECONCILE_SCHEDULE: '300ms,600ms,1s',
    JUPAY_WORKER_POLL_MS: '50',
  });
  cleanups.push(() => t.close());
  handler = t.fetch;
  return { t, url: http.url };
}

/** Checkout through the signer, then the browser's POST of the signed form to the gateway. */
async function buy(url: string): Promise<{ orderId: string; page: string }> {
  const res = await fetch(`${url}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
    body: JSON.stringify({ bankCode: '903', amount: '12.30', attach: "sku-7 'gift'" }),
  });
  expect(res.status).toBe(201);
  const order = (await res.json()) as { orderId: string; action: string; fields: Fields };
  const cashier = await fetch(order.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(order.fields),
  });
  return { orderId: order.orderId, page: await cashier.text() };
}

describe('JUPAY_SIGN_DIALECT=legacy against a legacy gateway', () => {
  it('pays through the notification, and finds a lost one by query', async () => {
    const { t, url } = await startSigner('legacy');

    // 1. Pay: the gateway accepts the legacy-signed form and notifies with 5 signed fields.
    const first = await buy(url);
    expect(first.page).not.toMatch(/"status":\s*"error"/);
    sim.controls.setFaults({ resendCount: 0 }, { orderId: first.orderId });
    const paid = await sim.controls.pay(first.orderId);
    const attempts = await paid.delivery;
    expect(attempts.map((a) => [a.status, a.response, a.received])).toEqual([[200, 'OK', true]]);
    expect(await t.store.getOrder(first.orderId)).toMatchObject({
      status: 'PAID',
      paidVia: 'notify',
      amountFen: 1230,
      attach: "sku-7 'gift'",
      transactionId: paid.order.transactionId,
    });
    expect(await t.store.listAnomalies(first.orderId)).toEqual([]);

    // The page return carries the same legacy-signed fields: back to the shop with the order id.
    const back = await fetch(paid.callback!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(paid.callback!.fields),
      redirect: 'manual',
    });
    expect(back.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${first.orderId}`);

    // 2. A lost notification: only the legacy-signed query can find the payment.
    const second = await buy(url);
    sim.controls.setFaults({ dropNotification: true }, { orderId: second.orderId });
    await (
      await sim.controls.pay(second.orderId)
    ).delivery;
    await waitFor(
      async () => (await t.store.getOrder(second.orderId))?.status === 'PAID',
      'the lost payment found by the legacy query',
    );
    expect(await t.store.getOrder(second.orderId)).toMatchObject({ status: 'PAID', paidVia: 'query' });
    expect(await t.store.listEvents(second.orderId)).toHaveLength(1);
  });

  it('a signer left in the standard dialect is refused by the legacy gateway at the first step', async () => {
    const { url } = await startSigner(undefined);
    const { page } = await buy(url);
    expect(JSON.parse(page)).toMatchObject({ status: 'error', msg: '签名验证失败' });
  });
});
