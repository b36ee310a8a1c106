/**
 * @module store/postgres-group-commit.test
 * The PostgreSQL store's group commit against the real server, each test in its own schema: the writes of a turn
 * share one statement and one commit, nobody is answered before that commit returned, a duplicate notification is
 * one round trip, batches grow with the load, a lost connection fails the batch as unavailable, and two instances
 * paying the same orders in opposite orders never fail a write.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { startTcpLink } from '../../test/helpers/tcp-link.ts';
import { StoreUnavailableError, type ApplyNotificationInput, type NewOrder } from './order-store.ts';
import { createPostgresStore, type PostgresOrderStore } from './postgres-store.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const T0 = new Date('2024-03-01T04:00:00.000Z');
let counter = 0;
function newOrder(): NewOrder {
  counter += 1;
  const orderId = `G${Date.now().toString(36)}${counter.toString(36)}`.padEnd(20, '0').slice(0, 20);
  return {
    orderId,
    memberId: '10002',
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP',
    attach: null,
    createdAt: T0,
    nextQueryAt: null,
    requestFields: { pay_orderid: orderId },
  };
}

function notification(orderId: string, eventId = `evt_${orderId}`): ApplyNotificationInput {
  return {
    orderId,
    transactionId: `T${orderId}`,
    amountFen: 1230,
    receivedAt: new Date(T0.getTime() + 5_000),
    rawBody: `orderid=${orderId}`,
    eventId,
  };
}

async function openStore(
  options: { schema?: string; url?: string; batchesInFlight?: number } = {},
): Promise<PostgresOrderStore> {
  const schema = options.schema ?? freshSchemaName();
  if (!options.schema) cleanups.push(() => dropSchema(schema));
  const store = createPostgresStore({
    url: options.url ?? TEST_PG_URL,
    schema,
    max: 6,
    ...(options.batchesInFlight ? { batchesInFlight: options.batchesInFlight } : {}),
  });
  cleanups.push(() => store.close());
  await store.migrate();
  return store;
}

async function client(schema: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  cleanups.push(() => c.end());
  return c;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL group commit', () => {
  it('runs the writes of one turn as one statement, and answers none of them before its commit returned', async () => {
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const store = await openStore({ schema });
    const held = newOrder();
    await store.createOrder(held);
    // Another transaction holds the order's row: the batch's transition has to wait for it, and so does its commit.
    const blocker = await client(schema);
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM orders WHERE order_id = $1 FOR UPDATE', [held.orderId]);

    const [trips, batches] = [store.roundTrips, store.batches];
    const answered: string[] = [];
    const fresh = newOrder();
    const writes = [
      store.applyNotification(notification(held.orderId)).then(() => answered.push('transition')),
      store.createOrder(fresh).then(() => answered.push('order')),
      store
        .recordNotification({ orderId: null, rawBody: 'x', verdict: 'malformed', receivedAt: T0 })
        .then(() => answered.push('log')),
      store
        .recordAnomaly({ orderId: held.orderId, kind: 'k', detail: 'd', at: T0 })
        .then(() => answered.push('anomaly')),
    ];
    await pause(300);
    // None is answered, even the writes that touch no locked row: they share the transition's statement...
    expect(answered).toEqual([]);
    // ...whose transaction has not committed: another connection sees none of them.
    const observer = await client(schema);
    const visible = await observer.query(
      `SELECT (SELECT count(*) FROM orders WHERE order_id = $1)::int AS orders,
              (SELECT count(*) FROM notifications)::int AS notifications`,
      [fresh.orderId],
    );
    expect(visible.rows[0]).toEqual({ orders: 0, notifications: 0 });

    await blocker.query('COMMIT');
    await Promise.all(writes);
    expect(answered.sort()).toEqual(['anomaly', 'log', 'order', 'transition']);
    expect(store.batches - batches).toBe(1);
    expect(store.roundTrips - trips).toBe(1);
    expect((await store.getOrder(held.orderId))?.status).toBe('PAID');
    expect((await store.getOrder(fresh.orderId))?.status).toBe('NOTPAY');
  });

  it('a notification, first or duplicate, costs one round trip', async () => {
    const store = await openStore();
    const order = newOrder();
    await store.createOrder(order);
    for (const [eventId, outcome] of [
      ['evt_1', 'paid'],
      ['evt_2', 'already_paid'],
    ] as const) {
      const trips = store.roundTrips;
      expect((await store.applyNotification(notification(order.orderId, eventId))).outcome).toBe(outcome);
      expect(store.roundTrips - trips).toBe(1);
    }
  });

  it('transitions of one order in one batch: one wins, the others get its record and their anomaly', async () => {
    const store = await openStore();
    const order = newOrder();
    await store.createOrder(order);
    const batches = store.batches;
    const [first, second] = await Promise.all([
      store.applyNotification(notification(order.orderId, 'evt_1')),
      store.applyNotification({ ...notification(order.orderId, 'evt_2'), transactionId: 'T-OTHER' }),
    ]);
    // The two transitions in one batch; then the loser's anomaly, which the statement could not decide (it read the
    // order before the winner's update), in a write of its own.
    expect(store.batches - batches).toBe(2);
    expect([first.outcome, second.outcome].sort()).toEqual(['already_paid', 'paid']);
    const loser = first.outcome === 'paid' ? second : first;
    const winner = first.outcome === 'paid' ? first : second;
    // The loser read the order before the winner's update, in the same statement: it still answers the paid state.
    expect(loser.outcome !== 'not_found' && loser.order).toEqual(winner.outcome === 'paid' && winner.order);
    expect(await store.listAnomalies(order.orderId)).toHaveLength(1);
    expect((await store.listAnomalies(order.orderId))[0]?.kind).toBe('transaction_mismatch');
  });

  it('batches grow with the load: writes arriving while a batch runs leave together in the next one', async () => {
    const store = await openStore({ batchesInFlight: 1 });
    const batches = store.batches;
    const writes: Promise<unknown>[] = [];
    // One write per turn of the event loop, 200 turns: alone, each would be its own batch.
    for (let i = 0; i < 200; i += 1) {
      writes.push(store.createOrder(newOrder()));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    expect(store.batches - batches).toBeLessThan(100);
  });

  it('a lost connection fails the whole batch as unavailable, and writes go through again once it is back', async () => {
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const url = new URL(TEST_PG_URL);
    const link = await startTcpLink({ host: url.hostname, port: Number(url.port || 5432) });
    cleanups.push(() => link.close());
    url.port = String(link.port);
    const store = await openStore({ schema, url: url.href });
    const order = newOrder();
    await store.createOrder(order);

    await link.cut();
    const results = await Promise.allSettled([
      store.applyNotification(notification(order.orderId)),
      store.createOrder(newOrder()),
      store.recordNotification({ orderId: null, rawBody: 'x', verdict: 'malformed', receivedAt: T0 }),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    await link.restore();
    expect((await store.applyNotification(notification(order.orderId))).outcome).toBe('paid');
    expect(await store.listNotifications(order.orderId)).toHaveLength(1);
  });

  it('two instances paying the same orders in opposite orders: every write succeeds, each order paid once', async () => {
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const a = await openStore({ schema });
    const b = await openStore({ schema });
    const orders = Array.from({ length: 40 }, newOrder);
    for (const o of orders) await a.createOrder(o);
    const ids = orders.map((o) => o.orderId);
    const [fromA, fromB] = await Promise.all([
      Promise.all(ids.map((id) => a.applyNotification(notification(id, `evt_a_${id}`)))),
      Promise.all([...ids].reverse().map((id) => b.applyNotification(notification(id, `evt_b_${id}`)))),
    ]);
    const paid = [...fromA, ...fromB].filter((r) => r.outcome === 'paid');
    expect(paid).toHaveLength(40);
    expect(new Set(paid.map((r) => r.outcome === 'paid' && r.order.orderId)).size).toBe(40);
    expect([...fromA, ...fromB].filter((r) => r.outcome === 'already_paid')).toHaveLength(40);
    for (const id of ids) {
      expect(await a.listEvents(id)).toHaveLength(1);
      expect((await a.listNotifications(id)).map((n) => n.verdict).sort()).toEqual(['duplicate', 'paid']);
    }
  });
});
