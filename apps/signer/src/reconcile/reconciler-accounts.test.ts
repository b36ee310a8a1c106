/**
 * @module reconcile/reconciler-accounts.test
 * The reconciliation loop with several gateway accounts, against two simulated gateways over HTTP on a real SQLite
 * file and a fake clock: each order is asked at its own account's gateway with that account's key; an account
 * whose cap is full this second is left out of the claim, so its backlog never holds up another's; an order of an
 * account no longer configured is not queried; each query's outcome is reported as its gateway's health.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayFleet, type GatewayFleet } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { placeOrder } from '../../test/helpers/sim-orders.ts';
import type { QueryHealth } from '../gateways/query-health.ts';
import type { OrderStore } from '../store/order-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { createQueryRate } from './query-rate.ts';
import { createReconciler, type ReconcilerAccount } from './reconciler.ts';

const NOWHERE = 'http://127.0.0.1:9/api/notify';
const T0 = Date.parse('2024-03-01T04:00:00.000Z');
const A = { memberId: '10002', key: 'key-of-account-a-0123456789' };
const B = { memberId: '20001', key: 'key-of-account-b-9876543210' };

let fleet: GatewayFleet;
let dir: string;
let store: OrderStore;
let clock: number;
const now = () => new Date(clock);

beforeAll(async () => {
  fleet = await startGatewayFleet([
    { id: 'a', merchants: [A], resendCount: 0 },
    { id: 'b', merchants: [B], resendCount: 0 },
  ]);
});
afterAll(() => fleet.close());
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-reconcile-accounts-'));
  store = openSqliteStore(join(dir, 'signer.db'));
  await store.migrate();
  clock = T0;
});
afterEach(async () => {
  for (const id of ['a', 'b']) {
    fleet.get(id).sim.controls.reset();
    await fleet.get(id).sim.controls.setAvailability({ down: false });
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function account(id: 'a' | 'b', perSecond?: number): ReconcilerAccount {
  const credentials = id === 'a' ? A : B;
  return {
    id,
    credentials,
    queryUrl: `${fleet.get(id).running.url}/Pay_Trade_query.html`,
    ...(perSecond ? { rate: createQueryRate({ store, perSecond, gatewayId: id, now }) } : {}),
  };
}

/** An order placed at `id`'s gateway with its merchant, bound to it, due now; paid there, its notification lost. */
async function paidOrder(id: 'a' | 'b', nextQueryAt = new Date(clock)): Promise<string> {
  const orderId = await placeOrder(fleet.get(id).running.url, store, {
    notifyUrl: NOWHERE,
    credentials: id === 'a' ? A : B,
    gatewayId: id,
    createdAt: new Date(clock - 60_000),
    nextQueryAt,
  });
  fleet.get(id).sim.controls.setFaults({ dropNotification: true });
  await fleet.get(id).sim.controls.pay(orderId);
  return orderId;
}

describe('reconciliation with several gateway accounts', () => {
  it("asks each order at its own account's gateway with its key, and reports each outcome as that gateway's health", async () => {
    const atA = await paidOrder('a');
    const atB = await paidOrder('b');
    const health: [string, QueryHealth][] = [];
    const reconciler = createReconciler({
      store,
      accounts: [account('a'), account('b')],
      schedule: [60_000, 3_600_000],
      now,
      onQueryHealth: (gatewayId, h) => health.push([gatewayId, h]),
    });
    expect(await reconciler.runOnce()).toBe(2);
    for (const [orderId, id] of [
      [atA, 'a'],
      [atB, 'b'],
    ] as const) {
      expect(await store.getOrder(orderId)).toMatchObject({
        status: 'PAID',
        paidVia: 'query',
        transactionId: fleet.get(id).sim.controls.order(orderId)!.transactionId,
      });
    }
    expect(health.map(([id, h]) => [id, h.ok]).sort()).toEqual([
      ['a', true],
      ['b', true],
    ]);

    // b down: its order fails, and the failure is b's health, not a's.
    const stillAtB = await paidOrder('b');
    await fleet.get('b').sim.controls.setAvailability({ down: 'refused' });
    health.length = 0;
    await reconciler.runOnce();
    expect(await store.getOrder(stillAtB)).toMatchObject({ status: 'NOTPAY', queryAttempts: 1 });
    expect(health).toEqual([
      ['b', { ok: false, detail: expect.stringMatching(/ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET/) }],
    ]);
  });

  it("leaves an account whose cap is full out of the claim: its backlog never holds up another's", async () => {
    // Five of a's orders, older than b's one; a's cap is 1 a second, the claim takes 3 at a time.
    const atA = [];
    for (let i = 0; i < 5; i += 1) atA.push(await paidOrder('a', new Date(clock - 10_000 + i)));
    const atB = await paidOrder('b', new Date(clock - 1_000));
    const reconciler = createReconciler({
      store,
      accounts: [account('a', 1), account('b', 5)],
      schedule: [60_000, 3_600_000],
      now,
      batchSize: 3,
    });
    // The first scan claims three of a's, queries one (a's cap), releases two.
    expect(await reconciler.runOnce()).toBe(1);
    // In the same second a is full: the next scan claims only b's order.
    expect(await reconciler.runOnce()).toBe(1);
    expect((await store.getOrder(atB))?.status).toBe('PAID');
    const paidAtA = await Promise.all(atA.map(async (id) => (await store.getOrder(id))?.status));
    expect(paidAtA.filter((s) => s === 'PAID')).toHaveLength(1);
    // The next second, a's next one.
    clock += 1000;
    expect(await reconciler.runOnce()).toBe(1);
  });

  it('does not query an order of an account no longer configured, and asks again on its schedule', async () => {
    const orphan = await paidOrder('a');
    const reconciler = createReconciler({
      store,
      accounts: [account('b')],
      schedule: [60_000, 3_600_000],
      now,
    });
    expect(await reconciler.runOnce()).toBe(1);
    expect(await store.getOrder(orphan)).toMatchObject({ status: 'NOTPAY', queryAttempts: 1 });
    expect((await store.getOrder(orphan))?.nextQueryAt).toEqual(new Date(T0 - 60_000 + 3_600_000));
  });

  it('refuses options naming both the single gateway and accounts, or an account without an http(s) query URL', () => {
    expect(() =>
      createReconciler({
        store,
        accounts: [account('a')],
        credentials: A,
        queryUrl: 'http://x/q',
        schedule: [],
      }),
    ).toThrow('accounts: give either accounts or credentials and queryUrl, not both');
    expect(() =>
      createReconciler({ store, accounts: [{ ...account('a'), queryUrl: 'ftp://x' }], schedule: [] }),
    ).toThrow('queryUrl: expected an http(s) URL (account a)');
  });
});
