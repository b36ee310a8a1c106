/**
 * @module admin/admin-queries.test
 * The console's reads on both real stores, SQLite (a temp file) and PostgreSQL (a schema of its own), through
 * `adminQueriesFor` behind a lazily opened store as the signer holds it: filters, pagination, totals per China
 * day, the signed request, anomalies, webhook events failing first, the queue depth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, TEST_PG_URL, urlWithSchema } from '../../test/helpers/postgres.ts';
import { lazyStore } from '../store/lazy-store.ts';
import { openStore } from '../store/open-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import { adminQueriesFor } from './admin-queries.ts';
import { chinaDayStart, chinaTime } from './china-day.ts';

const dir = mkdtempSync(join(tmpdir(), 'jupay-admin-queries-'));
const schema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const stores: [string, () => string][] = [
  ['sqlite', () => join(dir, 'signer.db')],
  ['postgres', () => urlWithSchema(TEST_PG_URL, schema)],
];

async function seed(store: OrderStore): Promise<void> {
  const order = (orderId: string, amountFen: number, createdAt: string) => ({
    orderId,
    memberId: '10002',
    amountFen,
    bankCode: '903',
    productName: '会员',
    attach: null,
    createdAt: new Date(createdAt),
    nextQueryAt: null,
    requestFields: { pay_orderid: orderId, pay_md5sign: 'ABC' },
  });
  // China days: 03-01 (two orders, 10:00 and 23:59) and 03-02 (00:30, paid; 09:00).
  await store.createOrder(order('A1', 1000, '2024-03-01T02:00:00Z'));
  await store.createOrder(order('A2', 2000, '2024-03-01T15:59:00Z'));
  await store.createOrder(order('B1', 3000, '2024-03-01T16:30:00Z'));
  await store.createOrder(order('B2', 4000, '2024-03-02T01:00:00Z'));
  for (const [orderId, amountFen, id] of [
    ['B1', 3000, 'ev-b1'],
    ['A1', 1000, 'ev-a1'],
  ] as const) {
    await store.markPaid({
      orderId,
      transactionId: `T${orderId}`,
      amountFen,
      paidAt: new Date('2024-03-02T02:00:00Z'),
      via: 'notify',
      event: { id, payload: { orderId } },
    });
  }
  await store.markEventFailed('ev-a1', new Date('2024-03-02T03:00:00Z'), 'HTTP 500');
  await store.recordAnomaly({
    orderId: 'A2',
    kind: 'amount_mismatch',
    detail: 'first',
    at: new Date('2024-03-01T17:00:00Z'),
  });
  await store.recordAnomaly({
    orderId: 'B2',
    kind: 'query_rejected',
    detail: 'second',
    at: new Date('2024-03-02T05:00:00Z'),
  });
}

describe.each(stores)('admin queries on %s', (kind, url) => {
  it('lists, filters, pages and totals orders; reads requests, anomalies and events', async () => {
    const store = lazyStore(() => openStore(url()));
    try {
      await seed(store);
      const queries = (await adminQueriesFor(store))!;
      expect(queries.kind).toBe(kind);
      const ids = async (filter: Parameters<typeof queries.listOrders>[0], limit = 10, offset = 0) =>
        (await queries.listOrders(filter, { limit, offset })).orders.map((o) => o.orderId);

      expect(await ids({})).toEqual(['B2', 'B1', 'A2', 'A1']);
      expect(await queries.listOrders({}, { limit: 2, offset: 2 })).toMatchObject({ total: 4 });
      expect(await ids({}, 2, 2)).toEqual(['A2', 'A1']);
      expect(await ids({ status: 'PAID' })).toEqual(['B1', 'A1']);
      expect(await ids({ orderIdPrefix: 'B' })).toEqual(['B2', 'B1']);
      expect(await ids({ minFen: 2000, maxFen: 3000 })).toEqual(['B1', 'A2']);
      const day = chinaDayStart('2024-03-01')!;
      expect(await ids({ createdFrom: day, createdBefore: new Date(day.getTime() + 86_400_000) })).toEqual([
        'A2',
        'A1',
      ]);
      expect(
        (await queries.listOrders({ status: 'NOTPAY', minFen: 3000 }, { limit: 10, offset: 0 })).total,
      ).toBe(1);

      expect(await queries.dayTotals({}, 31)).toEqual([
        { day: '2024-03-02', orders: 2, paidOrders: 1, paidFen: 3000 },
        { day: '2024-03-01', orders: 2, paidOrders: 1, paidFen: 1000 },
      ]);
      expect(await queries.dayTotals({ status: 'NOTPAY' }, 1)).toEqual([
        { day: '2024-03-02', orders: 1, paidOrders: 0, paidFen: 0 },
      ]);
      const [paid] = (await queries.listOrders({ orderIdPrefix: 'B1' }, { limit: 1, offset: 0 })).orders;
      expect(paid).toMatchObject({
        status: 'PAID',
        amountFen: 3000,
        paidVia: 'notify',
        transactionId: 'TB1',
      });
      expect(chinaTime(paid!.createdAt)).toBe('2024-03-02 00:30:00');

      expect(await queries.requestFields('A1')).toEqual({ pay_orderid: 'A1', pay_md5sign: 'ABC' });
      expect(await queries.requestFields('ZZ')).toBeNull();
      const anomalies = await queries.listAnomalies({ limit: 10, offset: 0 });
      expect(anomalies.total).toBe(2);
      expect(anomalies.anomalies.map((a) => [a.orderId, a.kind, a.detail])).toEqual([
        ['B2', 'query_rejected', 'second'],
        ['A2', 'amount_mismatch', 'first'],
      ]);
      // The failing event first, then the pending one.
      const events = await queries.listEvents({ limit: 10, offset: 0 });
      expect(events.events.map((e) => [e.id, e.attempts, e.lastError])).toEqual([
        ['ev-a1', 1, 'HTTP 500'],
        ['ev-b1', 0, null],
      ]);
      expect(await queries.queueDepth()).toBe(2);
      await store.markEventDelivered('ev-b1', new Date('2024-03-02T04:00:00Z'));
      expect(await queries.queueDepth()).toBe(1);
      expect((await queries.listEvents({ limit: 10, offset: 0 })).events.map((e) => e.id)).toEqual([
        'ev-a1',
        'ev-b1',
      ]);
      expect(await queries.getEvent('ev-b1')).toMatchObject({ orderId: 'B1', payload: { orderId: 'B1' } });
      expect(await queries.getEvent('nope')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it("counts the due orders a claim would take per gateway account, and reads an order's reach", async () => {
    const store = lazyStore(() => openStore(url()));
    try {
      const at = (iso: string) => new Date(iso);
      const order = (orderId: string, nextQueryAt: string | null, queryBudget: number | null) => ({
        orderId,
        memberId: '10002',
        amountFen: 100,
        bankCode: '903',
        productName: 'x',
        attach: null,
        createdAt: at('2024-03-05T00:00:00Z'),
        nextQueryAt: nextQueryAt === null ? null : at(nextQueryAt),
        requestFields: { pay_orderid: orderId },
        queryBudget,
      });
      await store.createOrder(order('R1', '2024-03-05T00:01:00Z', null));
      // R2 and R3 are orders of the gateway account b: the backlog is counted per account.
      await store.createOrder({ ...order('R2', '2024-03-05T00:03:00Z', 2), gatewayId: 'b' });
      await store.createOrder({ ...order('R3', '2024-03-05T00:02:00Z', 2), gatewayId: 'b' });
      await store.createOrder(order('R4', '2024-03-05T09:00:00Z', null));
      // R3's two queries are spent: not due, whatever its next point says.
      await store.scheduleNextQuery('R3', at('2024-03-05T00:02:00Z'), 2);
      const queries = (await adminQueriesFor(store))!;
      expect(await queries.dueOrders(at('2024-03-05T00:05:00Z'))).toEqual([
        { gatewayId: 'b', due: 1, oldestDueAt: at('2024-03-05T00:03:00Z') },
        { gatewayId: 'default', due: 1, oldestDueAt: at('2024-03-05T00:01:00Z') },
      ]);
      expect(await queries.dueOrders(at('2024-03-04T00:00:00Z'))).toEqual([]);

      expect(await queries.orderReach('R3')).toEqual({ queryBudget: 2, submittedAt: null, returnedAt: null });
      await store.recordReach('R3', 'submitted', at('2024-03-05T00:04:00Z'));
      await store.recordReach('R3', 'submitted', at('2024-03-05T00:09:00Z'));
      await store.recordReach('R3', 'returned', at('2024-03-05T00:06:00Z'));
      expect(await queries.orderReach('R3')).toEqual({
        queryBudget: null,
        submittedAt: at('2024-03-05T00:04:00Z'),
        returnedAt: at('2024-03-05T00:06:00Z'),
      });
      expect(await queries.dueOrders(at('2024-03-05T00:05:00Z'))).toMatchObject([
        { gatewayId: 'b', due: 2 },
        { gatewayId: 'default', due: 1 },
      ]);
      expect(await queries.orderReach('ZZ')).toBeNull();
    } finally {
      await store.close();
    }
  });
});
