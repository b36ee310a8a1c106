/**
 * @module reconcile/reconciler.test
 * Reconciliation against the real simulator over HTTP: orders whose notifications are all dropped still get paid
 * on a (fast) schedule; a gateway that is down, slow, answers garbage or an error JSON never breaks the loop; two
 * loops on one PostgreSQL database never query one order at the same time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRecord, OrderStore } from '../store/order-store.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { DEMO, placeOrder } from '../../test/helpers/sim-orders.ts';
import { waitFor } from '../../test/helpers/webhook-receiver.ts';
import { lastNotPaidAt } from './last-not-paid.ts';
import { silentLogger } from './polling-loop.ts';
import { createReconciler, type ReconcilerOptions } from './reconciler.ts';

// Nothing listens on port 9 (discard): notifications that are not dropped go nowhere.
const NOWHERE = 'http://127.0.0.1:9/api/notify';

let sim: GatewaySim;
let gateway: RunningGatewaySim;
let dir: string;
let store: OrderStore;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
});
afterAll(async () => {
  await gateway.close();
});

beforeEach(async () => {
  sim.controls.reset();
  dir = mkdtempSync(join(tmpdir(), 'jupay-reconcile-'));
  store = openSqliteStore(join(dir, 'signer.db'));
  await store.migrate();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function reconciler(overrides: Partial<ReconcilerOptions> = {}) {
  const r = createReconciler({
    store,
    credentials: DEMO,
    queryUrl: `${gateway.url}/Pay_Trade_query.html`,
    schedule: [40, 80, 160, 320, 640, 1280],
    pollIntervalMs: 10,
    timeoutMs: 2_000,
    ...overrides,
  });
  stops.push(() => r.stop());
  return r;
}

/** A server standing in for a broken gateway. */
async function brokenGateway(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Pay_Trade_query.html`, server };
}

/**
 * A proxy in front of the simulator's query endpoint that counts queries per order and how often two for the same
 * order were in flight at once; `hold()` runs before each query is forwarded (a delay, or a gate a test opens).
 */
async function countingGateway(hold: () => Promise<unknown>) {
  const counts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let overlaps = 0;
  const proxy = await brokenGateway((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer(Buffer.concat(chunks).toString()));
    const answer = async (body: string) => {
      const orderId = new URLSearchParams(body).get('pay_orderid') ?? '';
      counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
      inFlight.set(orderId, (inFlight.get(orderId) ?? 0) + 1);
      if (inFlight.get(orderId)! > 1) overlaps += 1;
      await hold();
      const upstream = await fetch(`${gateway.url}/Pay_Trade_query.html`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      res.end(await upstream.text());
      inFlight.set(orderId, inFlight.get(orderId)! - 1);
    };
  });
  return { url: proxy.url, counts, overlaps: () => overlaps };
}

describe('reconciliation loop', () => {
  it('pays orders whose notifications are all dropped, within the schedule, once each', async () => {
    sim.controls.setFaults({ dropNotification: true });
    const created = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push(
        await placeOrder(gateway.url, store, {
          notifyUrl: NOWHERE,
          createdAt: created,
          nextQueryAt: new Date(created.getTime() + 40),
        }),
      );
    }
    const unpaid = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: new Date(created.getTime() + 40),
    });
    for (const id of ids) await sim.controls.pay(id);
    expect(sim.controls.notifications(ids[0]).map((n) => n.dropped)).toEqual([true]);

    const paidCalls: string[] = [];
    const r = reconciler({ onPaid: (order) => void paidCalls.push(order.orderId) });
    r.start();
    await waitFor(async () => {
      const orders = await Promise.all(ids.map((id) => store.getOrder(id)));
      return orders.every((o) => o?.status === 'PAID');
    }, 'every order paid by reconciliation');
    await r.stop();

    for (const id of ids) {
      const order = (await store.getOrder(id))!;
      expect(order).toMatchObject({ status: 'PAID', paidVia: 'query', nextQueryAt: null });
      expect(order.transactionId).toBe(sim.controls.order(id)!.transactionId);
      expect(await store.listEvents(id)).toHaveLength(1);
    }
    expect(paidCalls.sort()).toEqual([...ids].sort());
    // The order nobody paid stays unpaid and keeps its place in the schedule.
    const still = (await store.getOrder(unpaid))!;
    expect(still.status).toBe('NOTPAY');
    expect(still.queryAttempts).toBeGreaterThanOrEqual(1);
    expect(still.nextQueryAt).not.toBeNull();
  });

  it('stops asking when the schedule is exhausted', async () => {
    const created = new Date();
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: new Date(created.getTime() + 20),
    });
    const r = reconciler({ schedule: [20, 40, 60] });
    r.start();
    await waitFor(
      async () => (await store.getOrder(id))?.nextQueryAt === null,
      'the schedule to run out',
      5_000,
    );
    await r.stop();
    const order = (await store.getOrder(id))!;
    expect(order.status).toBe('NOTPAY');
    // At most one query per schedule point (points already past are skipped, never bunched up).
    expect(order.queryAttempts).toBeGreaterThanOrEqual(1);
    expect(order.queryAttempts).toBeLessThanOrEqual(3);
  });

  it('treats error JSON and HTTP 500 as "ask again later", then pays', async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    const r = reconciler();
    const order = (await store.getOrder(id))!;

    sim.controls.setFaults({ query: 'error' });
    expect(await r.queryOrder(order)).toBe('failed');
    sim.controls.setFaults({ query: 'http-500' });
    expect(await r.queryOrder(order)).toBe('failed');
    expect((await store.getOrder(id))!.status).toBe('NOTPAY');

    sim.controls.setFaults({ query: 'normal' });
    expect(await r.queryOrder(order)).toBe('paid');
    expect(await r.queryOrder(order)).toBe('already_paid');
    expect(await store.listEvents(id)).toHaveLength(1);
  });

  it('logs each query it sends under its order: what asked, the outcome, the trade state or the failure', async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    sim.controls.setFaults({ dropNotification: true });
    const r = reconciler({ schedule: [1, 100_000] });
    await store.scheduleNextQuery(id, new Date(), 0);
    expect(await r.runOnce()).toBe(1);
    sim.controls.setFaults({ query: 'http-500' });
    expect(await r.checkNow((await store.getOrder(id))!)).toBe('failed');
    sim.controls.setFaults({ query: 'normal' });
    await sim.controls.pay(id);
    expect(r.requestCheck(id)).toBe(true);
    await waitFor(async () => (await store.getOrder(id))!.status === 'PAID', 'the status-read query', 5_000);
    await r.stop();

    const { entries, total } = await store.listGatewayQueries(id, 10);
    expect(total).toBe(3);
    expect(
      entries.map(({ trigger, outcome, detail, gatewayId }) => ({ trigger, outcome, detail, gatewayId })),
    ).toEqual([
      { trigger: 'status', outcome: 'paid', detail: 'SUCCESS', gatewayId: 'default' },
      { trigger: 'console', outcome: 'failed', detail: 'HTTP 500', gatewayId: 'default' },
      { trigger: 'scheduled', outcome: 'not_paid', detail: 'NOTPAY', gatewayId: 'default' },
    ]);
    for (const entry of entries) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(entry.durationMs).toBeLessThan(5_000);
    }
  });

  it('a query log that cannot be written never fails the query', async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    const warnings: string[] = [];
    const failingLog: OrderStore = Object.create(store, {
      recordGatewayQuery: { value: async () => Promise.reject(new Error('disk full')) },
    });
    const r = reconciler({
      store: failingLog,
      logger: {
        ...silentLogger,
        warn: (_object: object, message?: string) => void warnings.push(message ?? ''),
      },
    });
    expect(await r.queryOrder((await store.getOrder(id))!)).toBe('paid');
    expect((await store.getOrder(id))!.status).toBe('PAID');
    expect(warnings).toContain('gateway query not logged');
    expect((await store.listGatewayQueries(id, 10)).total).toBe(0);
  });

  it('pays from the data[] variant of the query answer (the fork that nests the order)', async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    sim.controls.setFaults({ dropNotification: true });
    const r = reconciler();
    sim.controls.setFaults({ query: 'data-array' });
    expect(await r.queryOrder((await store.getOrder(id))!)).toBe('not_paid');
    await sim.controls.pay(id);
    expect(await r.queryOrder((await store.getOrder(id))!)).toBe('paid');
    const order = (await store.getOrder(id))!;
    expect(order).toMatchObject({ status: 'PAID', paidVia: 'query' });
    expect(order.transactionId).toBe(sim.controls.order(id)!.transactionId);
  });

  it('an order the gateway does not know, or still NOTPAY, is not paid', async () => {
    const known = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    const r = reconciler();
    expect(await r.queryOrder((await store.getOrder(known))!)).toBe('not_paid');
    const unknown = { ...(await store.getOrder(known))!, orderId: 'E0000000000000000404' };
    expect(await r.queryOrder(unknown)).toBe('failed');
  });

  it('refuses a SUCCESS with another amount and records the anomaly', async () => {
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      amountFen: 100,
      storedAmountFen: 1230,
    });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    const r = reconciler();
    expect(await r.queryOrder((await store.getOrder(id))!)).toBe('amount_mismatch');
    expect((await store.getOrder(id))!.status).toBe('NOTPAY');
    expect((await store.listAnomalies(id)).map((a) => a.kind)).toContain('amount_mismatch');
    expect(await store.listEvents(id)).toEqual([]);
  });

  it('survives a gateway that hangs, answers garbage, or is not there, without blocking', async () => {
    const hang = await brokenGateway(() => {
      /* never answers */
    });
    const garbage = await brokenGateway((_req, res) => res.end('<html>502 Bad Gateway</html>'));
    const forged = await brokenGateway((_req, res) =>
      res.end(
        '\uFEFF{"memberid":"10002","orderid":"X","trade_state":"SUCCESS","amount":"12.30","sign":"00"}',
      ),
    );
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE });
    const order = (await store.getOrder(id))!;

    const slow = reconciler({ queryUrl: hang.url, timeoutMs: 200 });
    const t0 = Date.now();
    expect(await slow.queryOrder(order)).toBe('failed');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await reconciler({ queryUrl: garbage.url }).queryOrder(order)).toBe('failed');
    expect(await reconciler({ queryUrl: forged.url }).queryOrder(order)).toBe('failed');
    expect(await reconciler({ queryUrl: 'http://127.0.0.1:9/Pay_Trade_query.html' }).queryOrder(order)).toBe(
      'failed',
    );
    expect((await store.getOrder(id))!.status).toBe('NOTPAY');

    // The loop itself keeps going and reschedules: claims are released, attempts counted.
    const loop = reconciler({ queryUrl: hang.url, timeoutMs: 100, schedule: [1, 100_000] });
    await store.scheduleNextQuery(id, new Date(), 0);
    expect(await loop.runOnce()).toBe(1);
    const after = (await store.getOrder(id))!;
    expect(after.queryAttempts).toBe(1);
    expect(after.nextQueryAt!.getTime()).toBe(after.createdAt.getTime() + 100_000);
  });

  it('counts every query of the loop in queryAttempts, the one that found the order paid included', async () => {
    const counting = await countingGateway(async () => undefined);
    sim.controls.setFaults({ dropNotification: true });
    const created = new Date();
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: new Date(created.getTime() + 40),
    });
    const r = reconciler({ queryUrl: counting.url, schedule: [40, 80, 400, 800] });
    r.start();
    // Asked at least once unpaid, then paid at the gateway: the next query finds it.
    await waitFor(() => (counting.counts.get(id) ?? 0) >= 1, 'a first query of the unpaid order');
    await sim.controls.pay(id);
    await waitFor(async () => (await store.getOrder(id))?.status === 'PAID', 'the query to pay the order');
    await r.stop();
    const order = (await store.getOrder(id))!;
    expect(order.queryAttempts).toBe(counting.counts.get(id));
    expect(order.queryAttempts).toBeGreaterThanOrEqual(2);
  });

  it('says whether a failed query will be retried: on the schedule, or not at all once it has run out', async () => {
    const down = await brokenGateway((_req, res) => {
      res.statusCode = 500;
      res.end('<html>500</html>');
    });
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const record = (fields: object, msg?: string) =>
      void lines.push({ msg: msg ?? '', fields: fields as Record<string, unknown> });
    const logger = { debug: record, info: record, warn: record, error: record };
    const created = new Date(Date.now() - 60);
    const r = reconciler({ queryUrl: down.url, schedule: [50, 100_000], logger });

    // The loop's query at the first point fails: there is a point left.
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: created,
    });
    expect(await r.runOnce()).toBe(1);
    expect(lines.find((l) => l.fields.orderId === id && /failed/.test(l.msg))).toMatchObject({
      msg: 'gateway query failed; retrying on schedule',
      fields: { nextQueryAt: new Date(created.getTime() + 100_000).toISOString() },
    });

    // A status-triggered query of an order whose schedule has run out: nothing will ask again.
    lines.length = 0;
    const spent = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE, nextQueryAt: null });
    expect(r.requestCheck(spent)).toBe(true);
    await waitFor(() => lines.some((l) => l.fields.orderId === spent), 'the failed on-demand query');
    await r.stop();
    const failed = lines.filter((l) => l.fields.orderId === spent).map((l) => l.msg);
    expect(failed).toEqual(['gateway query failed; no query left on the schedule']);

    // The loop's last point fails: one line says so, not "retrying".
    lines.length = 0;
    const last = reconciler({ queryUrl: down.url, schedule: [10], logger });
    const lastId = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: new Date(Date.now() - 50),
      nextQueryAt: new Date(Date.now() - 40),
    });
    expect(await last.runOnce()).toBe(1);
    expect(lines.filter((l) => l.fields.orderId === lastId).map((l) => l.msg)).toEqual([
      'gateway query failed; no query left on the schedule',
      'reconciliation schedule exhausted; order left unpaid',
    ]);
  });

  it('a status request triggers at most one query per order per interval', async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE, nextQueryAt: null });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    const r = reconciler({ onDemandIntervalMs: 30_000 });
    expect(r.requestCheck(id)).toBe(true);
    expect(r.requestCheck(id)).toBe(false);
    await waitFor(
      async () => (await store.getOrder(id))?.status === 'PAID',
      'the on-demand query to pay the order',
    );
    expect(r.requestCheck(id)).toBe(false);
  });

  it("logs a status-triggered NOTPAY answer, which is the order's checkedAt until a newer one", async () => {
    const id = await placeOrder(gateway.url, store, { notifyUrl: NOWHERE, nextQueryAt: null });
    let clock = new Date('2024-03-01T04:00:00Z');
    const r = reconciler({ now: () => clock });
    expect(await lastNotPaidAt(store, id)).toBeNull();
    expect(r.requestCheck(id)).toBe(true);
    await waitFor(async () => (await lastNotPaidAt(store, id)) !== null, 'the NOTPAY answer');
    expect(await lastNotPaidAt(store, id)).toEqual(new Date('2024-03-01T04:00:00Z'));
    expect((await store.listGatewayQueries(id, 10)).entries).toMatchObject([
      { trigger: 'status', outcome: 'not_paid', detail: 'NOTPAY' },
    ]);
    // Paid at the gateway: the next status-triggered query pays the order; the last NOTPAY stays what it was.
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    clock = new Date('2024-03-01T04:01:00Z');
    expect(r.requestCheck(id)).toBe(true);
    await waitFor(async () => (await store.getOrder(id))?.status === 'PAID', 'the order to be paid');
    await r.stop();
    expect(await lastNotPaidAt(store, id)).toEqual(new Date('2024-03-01T04:00:00Z'));
  });
});

describe('status-triggered queries', () => {
  /** A store that knows no order: requestCheck decides synchronously and its background task asks nobody. */
  const emptyStore = { getOrder: async () => null } as unknown as OrderStore;

  it('limits each order by the injected clock, not the wall clock', () => {
    let t = new Date('2024-03-01T04:00:00.000Z').getTime();
    const r = reconciler({ store: emptyStore, onDemandIntervalMs: 30_000, now: () => new Date(t) });
    expect(r.requestCheck('E1')).toBe(true);
    expect(r.requestCheck('E1')).toBe(false);
    expect(r.requestCheck('E2')).toBe(true);
    t += 29_999;
    expect(r.requestCheck('E1')).toBe(false);
    t += 1;
    expect(r.requestCheck('E1')).toBe(true);
  });

  it('remembers a bounded number of orders, refusing new ones at the cap until the interval ends', () => {
    let t = 1_000_000;
    const r = reconciler({
      store: emptyStore,
      onDemandIntervalMs: 30_000,
      onDemandMaxOrders: 1000,
      now: () => new Date(t),
    });
    let started = 0;
    for (let i = 0; i < 20_000; i += 1) if (r.requestCheck(`E${i}`)) started += 1;
    // The first 1000 orders were asked about; the rest are left to the loop's schedule, and none was forgotten.
    expect(started).toBe(1000);
    expect(r.requestCheck('E0')).toBe(false);
    t += 30_000;
    expect(r.requestCheck('E19999')).toBe(true);
  });

  /** A gateway in front of the simulator that holds every query until released, counting overlaps per order. */
  async function heldGateway() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    return { ...(await countingGateway(() => released)), release };
  }

  it("never runs while this instance's loop is querying the same order", async () => {
    const created = new Date();
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: created,
    });
    const held = await heldGateway();
    const r = reconciler({ queryUrl: held.url, schedule: [1, 100_000] });
    const loopRun = r.runOnce();
    await waitFor(async () => held.counts.get(id) === 1, "the loop's query to reach the gateway");
    expect(r.requestCheck(id)).toBe(false);
    held.release();
    expect(await loopRun).toBe(1);
    await r.stop();
    expect(held.counts.get(id)).toBe(1);
    expect(held.overlaps()).toBe(0);
  });

  it('the loop joins an on-demand query already running for its order instead of asking again', async () => {
    const created = new Date();
    const id = await placeOrder(gateway.url, store, {
      notifyUrl: NOWHERE,
      createdAt: created,
      nextQueryAt: created,
    });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(id);
    const held = await heldGateway();
    const r = reconciler({ queryUrl: held.url, schedule: [1, 100_000] });
    expect(r.requestCheck(id)).toBe(true);
    await waitFor(async () => held.counts.get(id) === 1, 'the on-demand query to reach the gateway');
    const loopRun = r.runOnce();
    // Give the loop time to claim the order and, were it not joining, to send its own query.
    await new Promise((resolve) => setTimeout(resolve, 100));
    held.release();
    expect(await loopRun).toBe(1);
    await r.stop();
    expect(held.counts.get(id)).toBe(1);
    expect(held.overlaps()).toBe(0);
    const order = (await store.getOrder(id))!;
    expect(order).toMatchObject({ status: 'PAID', paidVia: 'query', nextQueryAt: null });
  });
});

describe('reconciliation on PostgreSQL with two loops', () => {
  it('never queries one order from two instances at the same time', async () => {
    const schema = freshSchemaName();
    const open = async () => {
      const s = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
      await s.migrate();
      return s;
    };
    const [a, b] = [await open(), await open()];
    stops.push(
      () => dropSchema(schema),
      () => a.close(),
      () => b.close(),
    );

    // Each query is slow enough that a second claimer would overlap if it could take the same row.
    const proxy = await countingGateway(() => new Promise((resolve) => setTimeout(resolve, 30)));

    const created = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      ids.push(
        await placeOrder(gateway.url, a, { notifyUrl: NOWHERE, createdAt: created, nextQueryAt: created }),
      );
    }
    const schedule = [1, 100_000];
    const loops = [a, b].map((s) =>
      createReconciler({
        store: s,
        credentials: DEMO,
        queryUrl: proxy.url,
        schedule,
        pollIntervalMs: 5,
        batchSize: 5,
      }),
    );
    for (const loop of loops) {
      stops.push(() => loop.stop());
      loop.start();
    }
    await waitFor(async () => {
      const orders = await Promise.all(ids.map((id) => a.getOrder(id)));
      return orders.every((o: OrderRecord | null) => o?.queryAttempts === 1);
    }, 'every order queried once');
    for (const loop of loops) await loop.stop();
    expect(proxy.overlaps()).toBe(0);
    // Each order was due once (the next point is 100 s away): exactly one query each, across both instances.
    expect(ids.map((id) => proxy.counts.get(id))).toEqual(ids.map(() => 1));
  });
});
