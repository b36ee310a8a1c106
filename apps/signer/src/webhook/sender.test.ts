/**
 * @module webhook/sender.test
 * The outbox sender against a real HTTP receiver and a real SQLite store: delivery, verification, retries after
 * 500s and timeouts, redelivery after a restart, old timestamps and a wrong secret refused by the receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPayment } from '../orders/apply-payment.ts';
import type { OrderStore } from '../store/order-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { startWebhookReceiver, waitFor } from '../../test/helpers/webhook-receiver.ts';
import { createWebhookSender } from './sender.ts';

const SECRET = 'whsec_test_0123456789abcdef';

let dir: string;
let path: string;
let store: OrderStore;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-sender-'));
  path = join(dir, 'signer.db');
  store = openSqliteStore(path);
  await store.migrate();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
async function paidOrder(s: OrderStore = store, paidAt = new Date()): Promise<string> {
  seq += 1;
  const orderId = `E2024030112000${String(seq).padStart(6, '0')}`.slice(0, 20);
  await s.createOrder({
    orderId,
    memberId: '10002',
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP',
    attach: 'sku-7',
    createdAt: new Date(),
    nextQueryAt: null,
    requestFields: { pay_orderid: orderId },
  });
  const result = await applyPayment(
    s,
    { orderId, transactionId: `T${orderId}`, amountFen: 1230, via: 'notify' },
    { now: paidAt },
  );
  expect(result.outcome).toBe('paid');
  return orderId;
}

async function receiver(...args: Parameters<typeof startWebhookReceiver>) {
  const r = await startWebhookReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}

describe('webhook sender', () => {
  it('POSTs a signed order.paid event that verifies, once', async () => {
    const r = await receiver(SECRET);
    const orderId = await paidOrder();
    const sender = createWebhookSender({ store, url: r.url, secret: SECRET });
    expect(await sender.runOnce()).toBe(1);
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got!.error).toBeNull();
    expect(got!.headers['content-type']).toBe('application/json');
    const [stored] = await store.listEvents(orderId);
    expect(got!.headers['jupay-event-id']).toBe(stored!.id);
    expect(got!.event).toEqual({
      id: stored!.id,
      type: 'order.paid',
      createdAt: stored!.createdAt.toISOString(),
      data: {
        orderId,
        amountFen: 1230,
        amount: '12.30',
        bankCode: '903',
        transactionId: `T${orderId}`,
        paidAt: stored!.createdAt.toISOString(),
        paidVia: 'notify',
        productName: 'VIP',
        attach: 'sku-7',
      },
    });
    expect((await store.listEvents(orderId))[0]).toMatchObject({ attempts: 1, lastError: null });
    expect((await store.listEvents(orderId))[0]!.deliveredAt).toBeInstanceOf(Date);
    // Delivered: never sent again.
    expect(await sender.runOnce()).toBe(0);
    expect(r.received).toHaveLength(1);
  });

  it('has at most `concurrency` deliveries in flight, each claimed alone, and drains a backlog in one scan', async () => {
    // The receiver answers 15 ms after each arrival: the requests it holds at a moment are the ones in flight.
    let holding = 0;
    let most = 0;
    const r = await receiver(
      SECRET,
      () => {
        holding += 1;
        most = Math.max(most, holding);
        setTimeout(() => (holding -= 1), 15);
        return 200;
      },
      { answerAfterMs: 15 },
    );
    const claimLimits: number[] = [];
    const counting: Parameters<typeof createWebhookSender>[0]['store'] = {
      claimDueEvents: (now, limit, leaseMs) => {
        claimLimits.push(limit);
        return store.claimDueEvents(now, limit, leaseMs);
      },
      markEventDelivered: (id, at) => store.markEventDelivered(id, at),
      markEventFailed: (id, next, error) => store.markEventFailed(id, next, error),
    };
    for (let i = 0; i < 12; i++) await paidOrder();
    const sender = createWebhookSender({ store: counting, url: r.url, secret: SECRET, concurrency: 3 });
    expect(await sender.runOnce()).toBe(12);
    expect(new Set(r.accepted().map((e) => e.id)).size).toBe(12);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThanOrEqual(2);
    expect(new Set(claimLimits)).toEqual(new Set([1]));
  });

  it('retries after 500s with back-off until a 2xx', async () => {
    const r = await receiver(SECRET, (i) => (i < 2 ? 500 : 204));
    const orderId = await paidOrder();
    const sender = createWebhookSender({
      store,
      url: r.url,
      secret: SECRET,
      retryDelaysMs: [30, 60],
      pollIntervalMs: 5,
    });
    sender.start();
    cleanups.push(() => sender.stop());
    await waitFor(() => r.accepted().length === 1, 'the third attempt to be accepted');
    await sender.stop();
    expect(r.received.map((x) => x.status)).toEqual([500, 500, 204]);
    // Same event id on every attempt: the merchant's dedupe key.
    expect(new Set(r.received.map((x) => x.headers['jupay-event-id'])).size).toBe(1);
    expect(r.received.map((x) => x.headers['jupay-delivery-attempt'])).toEqual(['1', '2', '3']);
    const [event] = await store.listEvents(orderId);
    expect(event).toMatchObject({ attempts: 3 });
    expect(event!.deliveredAt).not.toBeNull();
  });

  it('records a failure with its reason and the back-off time', async () => {
    const r = await receiver(SECRET, () => 503);
    const orderId = await paidOrder();
    const t0 = Date.now();
    const sender = createWebhookSender({ store, url: r.url, secret: SECRET, retryDelaysMs: [60_000] });
    await sender.runOnce();
    const [event] = await store.listEvents(orderId);
    expect(event).toMatchObject({ attempts: 1, lastError: 'HTTP 503', deliveredAt: null });
    expect(event!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(t0 + 60_000);
    // Not due yet: a second scan sends nothing.
    expect(await sender.runOnce()).toBe(0);
    expect(r.received).toHaveLength(1);
  });

  it('gives up on a hung receiver after the timeout and retries', async () => {
    const r = await receiver(SECRET, (i) => (i === 0 ? 'hang' : 200));
    const orderId = await paidOrder();
    const sender = createWebhookSender({
      store,
      url: r.url,
      secret: SECRET,
      timeoutMs: 150,
      retryDelaysMs: [10],
    });
    const started = Date.now();
    await sender.runOnce();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await store.listEvents(orderId))[0]).toMatchObject({ attempts: 1, lastError: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sender.runOnce();
    expect(r.accepted()).toHaveLength(1);
    expect((await store.listEvents(orderId))[0]!.deliveredAt).not.toBeNull();
  });

  it('redelivers after a restart: the outbox row outlives the process', async () => {
    const orderId = await paidOrder();
    // First "process": the merchant is down (nothing listens on this port any more).
    const gone = await startWebhookReceiver(SECRET);
    await gone.close();
    const first = createWebhookSender({ store, url: gone.url, secret: SECRET, retryDelaysMs: [10] });
    await first.runOnce();
    expect((await store.listEvents(orderId))[0]).toMatchObject({ attempts: 1, deliveredAt: null });
    expect((await store.listEvents(orderId))[0]!.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    await store.close();

    // Second "process": a new connection to the same file, the merchant is back.
    store = openSqliteStore(path);
    const r = await receiver(SECRET);
    const second = createWebhookSender({ store, url: r.url, secret: SECRET, pollIntervalMs: 5 });
    second.start();
    cleanups.push(() => second.stop());
    await waitFor(() => r.accepted().length === 1, 'redelivery after restart');
    expect(r.accepted()[0]!.data.orderId).toBe(orderId);
  });

  it('is refused by a receiver that checks timestamps when the signature is old, and by a wrong secret', async () => {
    const r = await receiver(SECRET);
    const orderId = await paidOrder(store, new Date(Date.now() - 660_000));
    // A sender whose clock is ten minutes behind signs timestamps the receiver's 300 s tolerance refuses.
    const late = createWebhookSender({
      store,
      url: r.url,
      secret: SECRET,
      now: () => new Date(Date.now() - 600_000),
      retryDelaysMs: [1],
    });
    await late.runOnce();
    expect(r.received[0]).toMatchObject({ status: 400, error: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect((await store.listEvents(orderId))[0]).toMatchObject({ deliveredAt: null, lastError: 'HTTP 400' });

    const wrong = createWebhookSender({
      store,
      url: r.url,
      secret: 'another-secret-0123456',
      retryDelaysMs: [1],
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await wrong.runOnce();
    expect(r.received[1]).toMatchObject({ status: 400, error: 'BAD_SIGNATURE' });

    const right = createWebhookSender({ store, url: r.url, secret: SECRET });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await right.runOnce();
    expect(r.received[2]).toMatchObject({ status: 200, error: null });
    expect(r.accepted()).toHaveLength(1);
  });
});
