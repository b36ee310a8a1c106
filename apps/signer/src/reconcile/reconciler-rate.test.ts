/**
 * @module reconcile/reconciler-rate.test
 * The reconciliation loop under a rate cap, against the simulator over HTTP behind a counting gateway, on a real
 * SQLite file and a fake clock: due orders beyond the cap are deferred (released, still due) and go out in the
 * following seconds, never more than the cap per second; a status read uses the reserve in the same second; the
 * console's "ask now" waits for a slot. Every query sent, deferred and its delay is counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingGateway, type CountingGateway } from '../../test/helpers/counting-gateway.ts';
import { DEMO, placeOrder } from '../../test/helpers/sim-orders.ts';
import { waitFor } from '../../test/helpers/webhook-receiver.ts';
import type { OrderStore } from '../store/order-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { silentLogger } from './polling-loop.ts';
import { createQueryRate } from './query-rate.ts';
import { createQueryStats } from './query-stats.ts';
import { createReconciler } from './reconciler.ts';

const NOWHERE = 'http://127.0.0.1:9/api/notify';
const T0 = Date.parse('2024-03-01T04:00:00.000Z');

let sim: GatewaySim;
let running: RunningGatewaySim;
let gateway: CountingGateway;
let dir: string;
let store: OrderStore;
let clock: number;
const now = () => new Date(clock);

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  running = await sim.start({ port: 0, hostname: '127.0.0.1' });
  gateway = await countingGateway(sim, () => clock);
});
afterAll(async () => {
  await gateway.close();
  await running.close();
});
beforeEach(async () => {
  sim.controls.reset();
  gateway.queries.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'jupay-reconcile-rate-'));
  store = openSqliteStore(join(dir, 'signer.db'));
  await store.migrate();
  clock = T0;
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function capped(perSecond: number, waits: number[] = []) {
  const rate = createQueryRate({
    store,
    perSecond,
    now,
    sleep: async (ms) => void waits.push(ms),
  });
  const stats = createQueryStats({
    gatewayId: rate.gatewayId,
    perSecond,
    reserve: rate.reserve,
    logger: silentLogger,
    now,
  });
  const reconciler = createReconciler({
    store,
    credentials: DEMO,
    queryUrl: gateway.url,
    schedule: [60_000, 3_600_000],
    now,
    rate,
    stats,
  });
  return { reconciler, stats, rate };
}

async function dueOrders(n: number, dueAt: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    ids.push(
      await placeOrder(running.url, store, {
        notifyUrl: NOWHERE,
        createdAt: new Date(dueAt - 60_000),
        nextQueryAt: new Date(dueAt),
      }),
    );
  }
  return ids;
}

describe('reconciliation under a rate cap', () => {
  it('defers the orders beyond the cap and sends them in the next seconds, at most the cap in each', async () => {
    const ids = await dueOrders(10, T0);
    const { reconciler, stats } = capped(5);
    // 5 a second less the reserve of 1: four now, and the rest wait, still due, with their schedule untouched.
    expect(await reconciler.runOnce()).toBe(4);
    expect(await reconciler.runOnce()).toBe(0);
    const waiting = (await Promise.all(ids.map((id) => store.getOrder(id)))).filter(
      (o) => o!.queryAttempts === 0,
    );
    expect(waiting).toHaveLength(6);
    for (const o of waiting) expect(o!.nextQueryAt).toEqual(new Date(T0));
    clock += 1_000;
    expect(await reconciler.runOnce()).toBe(4);
    clock += 1_000;
    expect(await reconciler.runOnce()).toBe(2);
    clock += 1_000;
    expect(await reconciler.runOnce()).toBe(0);

    expect([...gateway.perSecond().values()]).toEqual([4, 4, 2]);
    expect(ids.map((id) => gateway.perOrder().get(id))).toEqual(ids.map(() => 1));
    for (const id of ids) {
      expect(await store.getOrder(id)).toMatchObject({
        queryAttempts: 1,
        nextQueryAt: new Date(T0 + 3_540_000),
      });
    }
    const { total } = stats.snapshot();
    expect(total.scheduled).toMatchObject({ sent: 10, deferred: 6 + 2, delayMaxMs: 2_000 });
    expect(total.scheduled.delayTotalMs).toBe(4 * 1_000 + 2 * 2_000);
  });

  it('sends a status read in the same second through the reserve, while the loop has used its share', async () => {
    const [late] = await dueOrders(1, T0 + 5_000);
    await dueOrders(8, T0);
    sim.controls.setFaults({ dropNotification: true });
    await sim.controls.pay(late!);
    const waits: number[] = [];
    const { reconciler, stats } = capped(5, waits);
    clock = T0 + 200;
    expect(await reconciler.runOnce()).toBe(4);
    clock = T0 + 300;
    expect(reconciler.requestCheck(late!)).toBe(true);
    await waitFor(async () => (await store.getOrder(late!))?.status === 'PAID', 'the status read to pay it');
    expect(waits).toEqual([]);
    expect(gateway.queries.filter((q) => q.orderId === late)).toEqual([{ orderId: late, at: T0 + 300 }]);
    expect(gateway.perSecond().get(T0 / 1000)).toBe(5);
    await reconciler.stop();
    expect(stats.snapshot().total.status).toMatchObject({ sent: 1, deferred: 0, skipped: 0 });
  });

  it('the console waits for a slot of the next second when this one is full, or skips when none is soon', async () => {
    const [id] = await dueOrders(1, T0 + 60_000);
    const waits: number[] = [];
    const { reconciler, rate, stats } = capped(1, waits);
    clock = T0 + 250;
    expect(await rate.takeScheduled(1)).toBe(1);
    expect(await reconciler.checkNow((await store.getOrder(id!))!)).toBe('not_paid');
    expect(waits).toEqual([750]);
    // Every slot of the next ten seconds booked: the console is told, and nothing is sent.
    for (let i = 0; i < 10; i += 1) await rate.takeUrgent();
    const before = gateway.queries.length;
    expect(await reconciler.checkNow((await store.getOrder(id!))!)).toBe('skipped');
    expect(gateway.queries.length).toBe(before);
    expect(stats.snapshot().total.status).toMatchObject({ sent: 1, deferred: 1, skipped: 1 });
  });
});
