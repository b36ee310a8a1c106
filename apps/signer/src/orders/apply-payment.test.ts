/**
 * @module orders/apply-payment.test
 * The two ways evidence of payment reaches the store, on a real SQLite file: `applyNotification` (one commit with
 * the log row) and `applyPayment` (the reconciliation loop's), both writing the same event payload.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paidEventPayload } from '../store/order-store.ts';
import { openTempSqliteStore, type TempSqliteStore } from '../../test/helpers/temp-sqlite.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { applyNotification, applyPayment } from './apply-payment.ts';

let temp: TempSqliteStore;
let store: SqliteStore;
beforeEach(async () => {
  temp = await openTempSqliteStore('jupay-apply-');
  store = temp.store;
});
afterEach(() => temp.remove());

const now = new Date('2024-03-01T04:00:05.000Z');

async function order(orderId: string) {
  await store.createOrder({
    orderId,
    memberId: '10002',
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP',
    attach: 'sku-7',
    createdAt: new Date('2024-03-01T04:00:00.000Z'),
    nextQueryAt: null,
    requestFields: {},
  });
}

describe('applyNotification', () => {
  it('pays with its event and log row in one step, then logs a duplicate', async () => {
    await order('E1');
    const evidence = { orderId: 'E1', transactionId: 'T1', amountFen: 1230, rawBody: 'orderid=E1&x=\u0000' };
    const first = await applyNotification(store, evidence, { now, newEventId: () => 'evt-1' });
    expect(first).toMatchObject({ outcome: 'paid', verdict: 'paid', order: { status: 'PAID', paidAt: now } });
    const again = await applyNotification(store, evidence, { now, newEventId: () => 'evt-2' });
    expect(again).toMatchObject({ outcome: 'already_paid', verdict: 'duplicate' });
    expect((await store.listEvents('E1')).map((e) => e.id)).toEqual(['evt-1']);
    expect((await store.listNotifications('E1')).map((n) => [n.verdict, n.rawBody])).toEqual([
      ['paid', 'orderid=E1&x=\u0000'],
      ['duplicate', 'orderid=E1&x=\u0000'],
    ]);
  });
});

describe('applyPayment', () => {
  it('writes the same event payload as applyNotification', async () => {
    await order('E2');
    await applyPayment(
      store,
      { orderId: 'E2', transactionId: 'T2', amountFen: 1230, via: 'query' },
      { now, newEventId: () => 'evt-q' },
    );
    const [event] = await store.listEvents('E2');
    expect(event?.payload).toEqual({
      orderId: 'E2',
      amountFen: 1230,
      bankCode: '903',
      productName: 'VIP',
      attach: 'sku-7',
      transactionId: 'T2',
      paidAt: now.toISOString(),
      via: 'query',
    });
    const paid = (await store.getOrder('E2'))!;
    expect(event?.payload).toEqual(
      paidEventPayload(paid, { transactionId: 'T2', paidAt: now, via: 'query' }),
    );
  });
});
