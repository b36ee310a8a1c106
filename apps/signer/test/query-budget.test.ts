/**
 * @module query-budget.test
 * What reconciliation costs the gateway, on a fake clock (time only: the stores, the simulator and HTTP are real):
 *
 * - A simulated day of 10,000 abandoned checkouts, in bursts of 100 within 200 ms, on PostgreSQL with two
 *   reconciliation loops (two instances) under the default schedule and a cap of 100 queries a second. The gateway
 *   simulator, behind a counting server, answers every query over HTTP: the orders that reached it are NOTPAY, the
 *   others unknown. Each order is queried at most 8 times (2 when the widget never reported posting the form), no
 *   second sees more than the cap, and a paid order whose notification was dropped, hidden in a burst, is found by
 *   the query of its first scheduled point.
 * - A shopper on the return page during a backlog (the loop using its whole share of the cap every second) sees
 *   the payment on the widget's next poll, on SQLite through the signer's HTTP app; with a cap of 5 the status
 *   read's query goes out in the same second through the reserve, with a cap of 1 it books the next second ahead
 *   of the loop.
 */
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/reconcile/polling-loop.ts';
import { createQueryRate } from '../src/reconcile/query-rate.ts';
import { createQueryStats, type QueryStats } from '../src/reconcile/query-stats.ts';
import { createReconciler } from '../src/reconcile/reconciler.ts';
import {
  DEFAULT_RECONCILE_SCHEDULE,
  parseReconcileSchedule,
  UNSUBMITTED_QUERY_BUDGET,
} from '../src/reconcile/schedule.ts';
import { createPostgresStore, type PostgresOrderStore } from '../src/store/postgres-store.ts';
import type { SqliteStore } from '../src/store/sqlite-store.ts';
import { countingGateway, type CountingGateway } from './helpers/counting-gateway.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from './helpers/postgres.ts';
import { checkout, createTestSigner, SHOP_ORIGIN } from './helpers/signer-harness.ts';
import { DEMO, placeOrder } from './helpers/sim-orders.ts';
import { waitFor } from './helpers/webhook-receiver.ts';

const NOWHERE = 'http://127.0.0.1:9/api/notify';
const T0 = Date.parse('2024-03-01T00:00:00.000Z');
const SCHEDULE = parseReconcileSchedule(DEFAULT_RECONCILE_SCHEDULE);

let sim: GatewaySim;
let running: RunningGatewaySim;
let clock = T0;

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  running = await sim.start({ port: 0, hostname: '127.0.0.1' });
});
afterAll(async () => {
  await running.close();
});

/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

type Kind = 'submitted' | 'unsubmitted' | 'api' | 'paid';

describe('a simulated day of abandoned checkouts, two instances on PostgreSQL', () => {
  const CAP = 100;
  const BURSTS = 100;
  const PER_BURST = 100;
  const BURST_EVERY_MS = 864_000; // 100 bursts over 24 h
  let gateway: CountingGateway;
  const schema = freshSchemaName();
  const stores: PostgresOrderStore[] = [];

  afterAll(async () => {
    for (const store of stores) await store.close();
    await dropSchema(schema);
    await gateway?.close();
  });

  it('queries each order at most 8 times (2 without the submit report), never over the cap in any second, and still finds a dropped payment at its first point', async () => {
    gateway = await countingGateway(sim, () => clock);
    for (let i = 0; i < 2; i += 1) {
      const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 8 });
      await store.migrate();
      stores.push(store);
    }
    const [a, b] = stores as [PostgresOrderStore, PostgresOrderStore];

    // The orders: per burst of 100 within 200 ms, 25 made by the widget that reported posting the form, 70 by the
    // widget that never did (the shopper left before the gateway), 5 by the merchant's server (no report expected).
    // Only those that reached the gateway are known to it.
    const orders: { orderId: string; kind: Kind; createdAt: number }[] = [];
    for (let burst = 0; burst < BURSTS; burst += 1) {
      for (let i = 0; i < PER_BURST; i += 1) {
        const kind: Kind = i % 20 < 5 ? 'submitted' : i % 20 < 19 ? 'unsubmitted' : 'api';
        orders.push({ orderId: '', kind, createdAt: T0 + burst * BURST_EVERY_MS + (i % 10) * 20 });
      }
    }
    // The paid one, hidden in the busiest kind of moment: a burst at noon, one of those that reached the gateway.
    const hidden = orders[50 * PER_BURST + 3]!;
    hidden.kind = 'paid';
    let serial = 0;
    await inParallel(orders, 25, async (o) => {
      if (o.kind === 'unsubmitted') {
        serial += 1;
        o.orderId = `U${String(serial).padStart(19, '0')}`;
      } else {
        o.orderId = await placeOrder(running.url, null, { notifyUrl: NOWHERE });
      }
    });
    await inParallel(orders, 50, async (o) => {
      await a.createOrder({
        orderId: o.orderId,
        memberId: DEMO.memberId,
        amountFen: 1230,
        bankCode: '903',
        productName: 'Test',
        attach: null,
        createdAt: new Date(o.createdAt),
        nextQueryAt: new Date(o.createdAt + SCHEDULE[0]!),
        requestFields: { pay_orderid: o.orderId },
        queryBudget: o.kind === 'api' ? null : UNSUBMITTED_QUERY_BUDGET,
      });
      // The widget's beacon, a moment after the checkout.
      if (o.kind === 'submitted' || o.kind === 'paid') {
        await b.recordReach(o.orderId, 'submitted', new Date(o.createdAt + 300));
      }
    });
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(hidden.orderId);
    sim.controls.clearFaults();

    const now = () => new Date(clock);
    const loops = stores.map((store) => {
      const rate = createQueryRate({ store, perSecond: CAP, now });
      const stats = createQueryStats({
        gatewayId: rate.gatewayId,
        perSecond: CAP,
        reserve: rate.reserve,
        logger: silentLogger,
        now,
      });
      const reconciler = createReconciler({
        store,
        credentials: DEMO,
        queryUrl: gateway.url,
        schedule: SCHEDULE,
        now,
        rate,
        stats,
        batchSize: 50,
      });
      return { reconciler, stats };
    });

    // The next moment anything is due: the earliest next query the loops may claim.
    const nextDue = async (): Promise<number | null> => {
      const { rows } = await a.pool.query<{ t: string | null }>(
        `SELECT (extract(epoch FROM min(next_query_at)) * 1000)::bigint AS t FROM orders
          WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
            AND (query_budget IS NULL OR query_attempts < query_budget)`,
      );
      return rows[0]!.t === null ? null : Number(rows[0]!.t);
    };
    clock = T0;
    for (;;) {
      // Both instances tick as their loops would, again while either got work in this second.
      for (;;) {
        const done = await Promise.all(loops.map((l) => l.reconciler.runOnce()));
        if (done[0]! + done[1]! === 0) break;
      }
      const due = await nextDue();
      if (due === null) break;
      // The loops wake once a second (JUPAY_WORKER_POLL_MS): a backlog waits for the next second, and when nothing
      // is due time jumps to the first second something is.
      const nextSecond = (Math.floor(clock / 1000) + 1) * 1000;
      clock = Math.max(nextSecond, due);
    }

    const perOrder = gateway.perOrder();
    const counts = (kind: Kind) =>
      orders.filter((o) => o.kind === kind).map((o) => perOrder.get(o.orderId) ?? 0);
    const histogram = (values: number[]) => {
      const out: Record<number, number> = {};
      for (const v of values) out[v] = (out[v] ?? 0) + 1;
      return out;
    };
    const perSecond = [...gateway.perSecond().values()];
    const total = (s: QueryStats) => s.snapshot().total.scheduled;
    const [sa, sb] = loops.map((l) => total(l.stats)) as [ReturnType<typeof total>, ReturnType<typeof total>];
    const figures = {
      orders: orders.length,
      queries: gateway.queries.length,
      perOrder: {
        submitted: histogram(counts('submitted')),
        api: histogram(counts('api')),
        unsubmitted: histogram(counts('unsubmitted')),
        paid: histogram(counts('paid')),
      },
      maxPerSecond: Math.max(...perSecond),
      busySeconds: perSecond.length,
      instances: [
        { sent: sa.sent, deferred: sa.deferred, maxDelayMs: sa.delayMaxMs },
        { sent: sb.sent, deferred: sb.deferred, maxDelayMs: sb.delayMaxMs },
      ],
      simulatedHours: Math.round((clock - T0) / 3_600_000),
    };
    console.log(`query budget figures: ${JSON.stringify(figures)}`);

    // At most 8 each: every point of the schedule, none twice (here exactly 8, as no deferral was long enough to
    // skip a point), and 2 for an order the widget never reported at the gateway.
    expect(Math.max(...counts('submitted'), ...counts('api'))).toBeLessThanOrEqual(SCHEDULE.length);
    expect(figures.perOrder.submitted).toEqual({ 8: 2_499 });
    expect(figures.perOrder.api).toEqual({ 8: 500 });
    expect(Math.max(...counts('unsubmitted'))).toBeLessThanOrEqual(UNSUBMITTED_QUERY_BUDGET);
    expect(figures.perOrder.unsubmitted).toEqual({ 2: 7_000 });
    expect(gateway.queries.length).toBe(2_499 * 8 + 500 * 8 + 7_000 * 2 + 1);
    // Never over the cap in any second; the loops used all of their share (the cap less the status reserve).
    expect(figures.maxPerSecond).toBeLessThanOrEqual(CAP);
    expect(figures.maxPerSecond).toBe(CAP - CAP / 5);
    // Both instances worked, and the cap deferred queries (the bursts were more than it allows).
    expect(sa.sent).toBeGreaterThan(1_000);
    expect(sb.sent).toBeGreaterThan(1_000);
    // The budget at work: without it, the 7,000 orders that never reached the gateway would get 8 queries too.
    expect(gateway.queries.length).toBeLessThan(10_000 * 8 * 0.5);
    expect(sa.sent + sb.sent).toBe(gateway.queries.length);
    expect(sa.deferred + sb.deferred).toBeGreaterThan(0);

    // The dropped payment: found by the query of its first point, a few seconds late behind its burst.
    const paid = (await a.getOrder(hidden.orderId))!;
    expect(paid).toMatchObject({ status: 'PAID', paidVia: 'query', queryAttempts: 1, nextQueryAt: null });
    expect(perOrder.get(hidden.orderId)).toBe(1);
    const firstPoint = hidden.createdAt + SCHEDULE[0]!;
    expect(paid.paidAt!.getTime()).toBeGreaterThanOrEqual(firstPoint);
    expect(paid.paidAt!.getTime() - firstPoint).toBeLessThan((PER_BURST / (CAP - CAP / 5)) * 1000 + 1000);
    expect(await a.listEvents(hidden.orderId)).toHaveLength(1);
    // Nothing is left to ask: every schedule ran out or waits for a report that never came.
    expect(await nextDue()).toBeNull();
  }, 600_000);
});

describe('a shopper on the return page during a backlog', () => {
  for (const cap of [5, 1]) {
    it(`sees the payment on the next poll (cap ${cap} a second)`, async () => {
      // The clock moves only when the test moves it: one second per step, as the loop's seconds go by.
      clock = T0 + 400;
      const gw = await countingGateway(sim, () => clock);
      const t = await createTestSigner(
        {
          JUPAY_GATEWAY_URL: `${running.url}/Pay_Index.html`,
          JUPAY_QUERY_URL: gw.url,
          JUPAY_QUERY_RATE: String(cap),
          JUPAY_WORKER_POLL_MS: '20',
          JUPAY_RATE_LIMIT_STATUS: '0',
        },
        { clock: () => new Date(clock) },
      );
      const db = (t.store as SqliteStore).database;
      const slotsUsed = (second: number) =>
        (db.prepare('SELECT used FROM query_slots WHERE epoch_second = ?').pluck().get(second) as
          number | undefined) ?? 0;
      try {
        // The shopper's order: through checkout (as the widget makes it), posted to the gateway, paid there; its
        // notification dropped.
        const order = await checkout(t, { bankCode: '903', amount: '12.30', beacon: '1' });
        const cashier = await fetch(order.action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(order.fields).toString(),
        });
        expect(cashier.status).toBe(200);
        sim.controls.setFaults({ dropNotification: true });
        await sim.controls.pay(order.orderId);
        sim.controls.clearFaults();
        // 300 orders a minute overdue: a backlog of a minute or more at this cap.
        for (let i = 0; i < 300; i += 1) {
          await t.store.createOrder({
            orderId: `B${String(i).padStart(19, '0')}`,
            memberId: DEMO.memberId,
            amountFen: 100,
            bankCode: '903',
            productName: 'x',
            attach: null,
            createdAt: new Date(T0 - 120_000),
            nextQueryAt: new Date(T0 - 60_000),
            requestFields: {},
          });
        }

        // The loop works the backlog: its whole share of each second.
        const share = cap - Math.floor(cap / 5);
        await waitFor(() => gw.queries.length >= share, 'the loop to take this second');
        for (let step = 1; step <= 2; step += 1) {
          clock += 1_000;
          await waitFor(() => gw.queries.length >= share * (step + 1), 'the loop to take the next second');
        }
        const second = Math.floor(clock / 1000);
        expect(gw.perSecond().get(second)).toBe(share);

        // The return page's first status read: pending, and it starts a query of its own...
        const read = async () => {
          const res = await t.request(`/api/orders/${order.orderId}`, { headers: { origin: SHOP_ORIGIN } });
          return ((await res.json()) as { status: string }).status;
        };
        const firstRead = Date.now();
        expect(await read()).toBe('NOTPAY');
        const shopper = () => gw.queries.filter((q) => q.orderId === order.orderId);
        if (cap === 5) {
          // ...which goes out at once, in this second, through the slot the loop may not take.
          await waitFor(() => shopper().length === 1, "the shopper's query");
        } else {
          // ...which books the next second before the loop can, and waits for it.
          await waitFor(() => slotsUsed(second + 1) === 1, "the shopper's slot in the next second");
        }
        // The next second comes; the widget polls again a second after its first read.
        clock += 1_000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - firstRead))));
        expect(await read()).toBe('PAID');

        expect(shopper()).toHaveLength(1);
        expect(Math.floor(shopper()[0]!.at / 1000)).toBe(cap === 5 ? second : second + 1);
        expect(await t.store.getOrder(order.orderId)).toMatchObject({ status: 'PAID', paidVia: 'query' });
        // The backlog is still there: the shopper did not wait behind it.
        expect(gw.queries.length).toBeLessThan(300);
        // Never over the cap in any second, the shopper's query included.
        expect(Math.max(...gw.perSecond().values())).toBeLessThanOrEqual(cap);
        expect(gw.perSecond().get(second)).toBe(cap === 5 ? cap : share);
      } finally {
        await t.close();
        await gw.close();
      }
    });
  }
});
