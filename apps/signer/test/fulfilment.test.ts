/**
 * @module fulfilment.test
 * Fulfilment through `createSigner`, over real HTTP to the simulator and a real webhook receiver: `onPaid` is
 * called once per order, the webhook goes out right after the notification (not after a poll), a status read of a
 * pending order makes one gateway query that finds a payment whose notification was lost, and a hung gateway
 * delays no request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../src/store/order-store.ts';
import { checkout, createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';
import { notificationBody } from './helpers/notifications.ts';
import { startWebhookReceiver, waitFor } from './helpers/webhook-receiver.ts';

const SECRET = 'whsec_fulfilment_0123456789';
let sim: GatewaySim;
let gateway: RunningGatewaySim;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
});
afterAll(async () => {
  await gateway.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  sim.controls.reset();
});

async function signerWith(
  env: Record<string, string>,
  onPaid: (order: OrderRecord) => void,
  gatewayUrl = gateway.url,
): Promise<TestSigner> {
  let handler: (request: Request) => Promise<Response> = async () =>
    new Response('starting', { status: 503 });
  const http = await listen((request) => handler(request));
  const t = await createTestSigner(
    { JUPAY_GATEWAY_URL: `${gatewayUrl}/Pay_Index.html`, JUPAY_PUBLIC_URL: http.url, ...env },
    { onPaid },
  );
  handler = t.fetch;
  cleanups.push(
    () => http.close(),
    () => t.close(),
  );
  return t;
}

describe('fulfilment in createSigner', () => {
  it('calls onPaid once and sends the webhook at once, whatever the number of duplicate notifications', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    cleanups.push(() => receiver.close());
    const paid: string[] = [];
    const t = await signerWith(
      {
        JUPAY_WEBHOOK_URL: receiver.url,
        JUPAY_WEBHOOK_SECRET: SECRET,
        // A poll interval far longer than the test: only the wake-up after the notification can deliver in time.
        JUPAY_WORKER_POLL_MS: '60000',
        JUPAY_RECONCILE_SCHEDULE: 'off',
      },
      (order) => void paid.push(order.orderId),
    );
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30' });
    const body = notificationBody({ orderid: orderId, amount: '12.3000' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.request('/api/notify', { method: 'POST', body })),
    );
    expect(await Promise.all(answers.map((a) => a.text()))).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    await waitFor(() => receiver.accepted().length === 1, 'the webhook', 5_000);
    expect(paid).toEqual([orderId]);
    const [event] = receiver.accepted();
    expect(event).toMatchObject({
      type: 'order.paid',
      data: { orderId, amountFen: 1230, amount: '12.30', bankCode: '903', paidVia: 'notify' },
    });
    expect(event!.id).toBe((await t.store.listEvents(orderId))[0]!.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(1);
  });

  it('a status read of a pending order finds a payment whose notification was dropped', async () => {
    const paid: string[] = [];
    const t = await signerWith({ JUPAY_RECONCILE_SCHEDULE: 'off' }, (order) => void paid.push(order.orderId));
    const order = await checkout(t, { bankCode: '903', amount: '5.00' });
    const cashier = await fetch(order.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(order.fields),
    });
    expect(cashier.status).toBe(200);
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(order.orderId);

    const status = async () =>
      ((await (await t.request(`/api/orders/${order.orderId}`)).json()) as { status: string }).status;
    // The loop is off, so only the status read's own query can find the payment.
    expect(await status()).toBe('NOTPAY');
    await waitFor(async () => (await status()) === 'PAID', 'the on-demand query to mark it paid', 5_000);
    expect(await t.store.getOrder(order.orderId)).toMatchObject({ status: 'PAID', paidVia: 'query' });
    expect(paid).toEqual([order.orderId]);
  });

  it('a hung gateway blocks neither status reads nor health, and the loop gives up at the query timeout', async () => {
    const hung = createServer(() => {
      /* accepts the query, never answers */
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          hung.closeAllConnections();
          hung.close(() => resolve());
        }),
    );
    const t = await signerWith(
      {
        JUPAY_RECONCILE_SCHEDULE: '20ms,40ms,60ms',
        JUPAY_QUERY_TIMEOUT_MS: '800',
        JUPAY_WORKER_POLL_MS: '10',
      },
      () => undefined,
      hungUrl,
    );
    const { orderId } = await checkout(t, { bankCode: '903', amount: '1.00' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the loop's query is now hanging
    for (let i = 0; i < 3; i += 1) {
      const started = Date.now();
      const res = await t.request(`/api/orders/${orderId}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('NOTPAY');
      expect(Date.now() - started).toBeLessThan(300);
    }
    const health = await t.request('/healthz');
    expect(health.status).toBe(200);
    // The hung query times out, the loop records the attempt and schedules the next point.
    await waitFor(
      async () => ((await t.store.getOrder(orderId))?.queryAttempts ?? 0) >= 1,
      'a timed-out attempt',
      5_000,
    );
    expect((await t.store.getOrder(orderId))!.status).toBe('NOTPAY');
    expect(t.logs.some((l) => l.includes('"reason":"timeout"'))).toBe(true);
  });
});
