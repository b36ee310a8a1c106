/**
 * @module cluster.test
 * Real signer processes (`jupay-signer start` from the sources), the real simulator, a real webhook receiver, over real HTTP:
 * - two instances on one PostgreSQL database behind a round-robin proxy, 200 orders, each order's notification sent
 *   to both instances at the same moment so they race at the conditional write: each order paid once, one webhook
 *   event each, none lost, and both instances won a fair share of the races;
 * - one instance killed with SIGKILL in the middle of a notification storm, then restarted: every notification it
 *   acknowledged with `OK` is paid in the store, and the rest are paid after re-sends or reconciliation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderStore } from '../src/store/order-store.ts';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL, urlWithSchema } from './helpers/postgres.ts';
import { notificationBody } from './helpers/notifications.ts';
import { DEMO } from './helpers/sim-orders.ts';
import { spawnSigner, startProxy } from './helpers/signer-process.ts';
import { startWebhookReceiver, waitFor } from './helpers/webhook-receiver.ts';

const SECRET = 'whsec_cluster_test_0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setup(simOptions: Parameters<typeof createGatewaySim>[0]) {
  const sim: GatewaySim = createGatewaySim(simOptions);
  const gateway: RunningGatewaySim = await sim.start({ port: 0, hostname: '127.0.0.1' });
  cleanups.push(() => gateway.close());
  const receiver = await startWebhookReceiver(SECRET);
  cleanups.push(() => receiver.close());
  const lb = await startProxy();
  cleanups.push(() => lb.close());
  const env = (store: string): Record<string, string> => ({
    JUPAY_MEMBER_ID: DEMO.memberId,
    JUPAY_KEY: DEMO.key,
    JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
    JUPAY_PUBLIC_URL: lb.url,
    JUPAY_RETURN_URL: 'http://127.0.0.1:9/thanks',
    JUPAY_BANK_CODES: '903',
    JUPAY_STORE: store,
    PORT: '0',
    HOST: '127.0.0.1',
    JUPAY_RATE_LIMIT_CHECKOUT: '0',
    JUPAY_RATE_LIMIT_STATUS: '0',
    JUPAY_WEBHOOK_URL: receiver.url,
    JUPAY_WEBHOOK_SECRET: SECRET,
    JUPAY_WEBHOOK_RETRY: '100ms',
    JUPAY_WORKER_POLL_MS: '50',
    JUPAY_QUERY_TIMEOUT_MS: '2000',
    JUPAY_LOG_LEVEL: 'info',
  });
  return { sim, gateway, receiver, lb, env };
}

/** Checkout through the public URL, then the browser's form POST to the gateway, as a shopper would. */
async function checkout(publicUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - start) }, async (_, i) => {
        const response = await fetch(`${publicUrl}/api/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Amounts from 1.00 to 50.99 yuan, so a mix-up between orders would show as an amount mismatch.
          body: JSON.stringify({
            bankCode: '903',
            amount: `${1 + ((start + i) % 50)}.${String((start + i) % 100).padStart(2, '0')}`,
          }),
        });
        expect(response.status).toBe(201);
        const order = (await response.json()) as {
          orderId: string;
          action: string;
          fields: Record<string, string>;
        };
        const cashier = await fetch(order.action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: encodeForm(order.fields),
        });
        const page = await cashier.text();
        expect(page).not.toContain('"status":"error"');
        return order.orderId;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

async function expectOneEventEach(
  store: OrderStore,
  ids: string[],
  accepted: () => { id: string; data: { orderId: string } }[],
) {
  const byOrder = new Map<string, Set<string>>();
  for (const event of accepted()) {
    const set = byOrder.get(event.data.orderId) ?? new Set<string>();
    set.add(event.id);
    byOrder.set(event.data.orderId, set);
  }
  for (const id of ids) {
    const events = await store.listEvents(id);
    expect(events, `outbox of ${id}`).toHaveLength(1);
    expect([...(byOrder.get(id) ?? [])], `webhook events of ${id}`).toEqual([events[0]!.id]);
  }
}

describe('several signer processes', () => {
  it('two instances on one PostgreSQL database: 200 orders, each notification sent to both at the same moment', async () => {
    const { sim, receiver, lb, env } = await setup({ resendCount: 0 });
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const storeUrl = urlWithSchema(TEST_PG_URL, schema);
    // Reconciliation runs too, racing the notifications for the same orders.
    const settings = { ...env(storeUrl), JUPAY_RECONCILE_SCHEDULE: '1s,2s,3s,5s,8s,13s' };
    // Started together: both migrate the fresh schema at once (the advisory lock serialises them).
    const [a, b] = await Promise.all([spawnSigner(settings), spawnSigner(settings)]);
    cleanups.push(
      () => a.kill('SIGTERM'),
      () => b.kill('SIGTERM'),
    );
    lb.setBackends([a.url, b.url]);

    const ids = await checkout(lb.url, 200);
    expect(new Set(ids).size).toBe(200);
    // The simulator marks each order paid but sends nothing itself (its notifier awaits each attempt, so its
    // duplicates arrive one after the other and the second always reads PAID). Instead each order's notification
    // goes to both instances at the same moment, straight to a.url and b.url: both read NOTPAY and race at the
    // conditional write, where exactly one may win.
    sim.controls.setFaults({ dropNotification: true });
    const replies: { instance: 'a' | 'b'; orderId: string; status: number; text: string }[] = [];
    const send = async (instance: 'a' | 'b', orderId: string, body: string) => {
      const response = await fetch(`${instance === 'a' ? a.url : b.url}/api/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      replies.push({ instance, orderId, status: response.status, text: await response.text() });
    };
    for (let start = 0; start < ids.length; start += 20) {
      await Promise.all(
        ids.slice(start, start + 20).map(async (id, j) => {
          const { order } = await sim.controls.pay(id);
          const body = notificationBody(
            {
              memberid: DEMO.memberId,
              orderid: id,
              transaction_id: order.transactionId,
              amount: (order.amountFen / 100).toFixed(4),
            },
            DEMO.key,
          );
          // Which of the two fetches starts first alternates, so neither instance gets a head start.
          const pair = (start + j) % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
          await Promise.all(pair.map((instance) => send(instance, id, body)));
        }),
      );
    }

    const store = createPostgresStore({ url: storeUrl, max: 2 });
    cleanups.push(() => store.close());
    await waitFor(
      async () => {
        const orders = await Promise.all(ids.map((id) => store.getOrder(id)));
        return orders.every((o) => o?.status === 'PAID') && receiver.accepted().length >= 200;
      },
      'all 200 orders paid and 200 webhooks accepted',
      40_000,
    );
    // Give a duplicate sender, if there were one, the time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Every notification was acknowledged with OK, by both instances.
    expect(replies).toHaveLength(400);
    expect(replies.filter((r) => r.status === 200 && r.text === 'OK')).toHaveLength(400);
    let paidByNotify = 0;
    for (const id of ids) {
      const order = (await store.getOrder(id))!;
      expect(order.status).toBe('PAID');
      const verdicts = (await store.listNotifications(id)).map((n) => n.verdict);
      expect(verdicts, `notifications of ${id}`).toHaveLength(2);
      // Exactly one writer won: one `paid` verdict when a notification made the transition, none if a query did.
      expect(verdicts.filter((v) => v === 'paid')).toHaveLength(order.paidVia === 'notify' ? 1 : 0);
      expect(verdicts.filter((v) => v !== 'paid' && v !== 'duplicate')).toEqual([]);
      if (order.paidVia === 'notify') paidByNotify += 1;
    }
    await expectOneEventEach(store, ids, receiver.accepted);
    expect(receiver.received.filter((r) => r.status === 200)).toHaveLength(200);
    // The notifications, not reconciliation, paid most orders, so the race below was real.
    expect(paidByNotify).toBeGreaterThanOrEqual(150);
    // Each instance answered its 200 and made a fair share of the transitions (a real race splits them roughly
    // evenly; an instance that always lost, or never got there first, would fall below a fifth).
    const applied = (instance: { lines: string[] }, verdict: string) =>
      instance.lines.filter((l) => l.includes('notification applied') && l.includes(`"verdict":"${verdict}"`))
        .length;
    const paidA = applied(a, 'paid');
    const paidB = applied(b, 'paid');
    expect(paidA + paidB).toBe(paidByNotify);
    expect(paidA + applied(a, 'duplicate')).toBe(200);
    expect(paidB + applied(b, 'duplicate')).toBe(200);
    expect(Math.min(paidA, paidB)).toBeGreaterThanOrEqual(Math.floor(paidByNotify / 5));
  }, 90_000);

  it('SIGKILL in a notification storm: every acknowledged notification is durable; the rest are paid after restart', async () => {
    const { sim, receiver, lb, env } = await setup({ resendCount: 3, resendIntervalMs: 1_500 });
    const dir = mkdtempSync(join(tmpdir(), 'jupay-sigkill-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'signer.db');
    const settings = { ...env(path), JUPAY_RECONCILE_SCHEDULE: '2s,3s,4s,5s,6s,8s,10s,15s' };
    const first = await spawnSigner(settings);
    cleanups.push(() => first.kill('SIGKILL'));
    lb.setBackends([first.url]);

    const ids = await checkout(lb.url, 120);
    // Spread the storm over about 1.2 s so the kill lands in the middle of it.
    ids.forEach((id, i) => sim.controls.setFaults({ notifyDelayMs: i * 10 }, { orderId: id }));
    const deliveries = await Promise.all(ids.map((id) => sim.controls.pay(id)));
    const acknowledged = () =>
      sim.controls.notifications().filter((n) => n.status === 200 && n.response === 'OK');
    await waitFor(() => acknowledged().length >= 30, '30 acknowledged notifications', 10_000);
    await first.kill('SIGKILL');
    lb.setBackends([]);

    // Before any restart: every OK the dead process sent is backed by a committed paid row.
    const ackedIds = new Set(acknowledged().map((n) => n.orderId));
    const afterCrash = openSqliteStore(path);
    const unpaidAtCrash: string[] = [];
    try {
      for (const id of ids) {
        const order = await afterCrash.getOrder(id);
        expect(order, `order ${id}`).not.toBeNull();
        if (ackedIds.has(id)) expect(order!.status, `acknowledged order ${id}`).toBe('PAID');
        if (order!.status === 'NOTPAY') unpaidAtCrash.push(id);
      }
    } finally {
      await afterCrash.close();
    }
    // The kill really was mid-storm: some orders were acknowledged, some were left for later.
    expect(ackedIds.size).toBeGreaterThanOrEqual(30);
    expect(unpaidAtCrash.length).toBeGreaterThan(0);

    const second = await spawnSigner(settings);
    cleanups.push(() => second.kill('SIGTERM'));
    lb.setBackends([second.url]);
    const store = openSqliteStore(path);
    cleanups.push(() => store.close());
    await waitFor(
      async () => {
        const orders = await Promise.all(ids.map((id) => store.getOrder(id)));
        const events = new Set(receiver.accepted().map((e) => e.data.orderId));
        return orders.every((o) => o?.status === 'PAID') && ids.every((id) => events.has(id));
      },
      'every order paid and its webhook delivered after the restart',
      40_000,
    );
    await Promise.all(deliveries.map((d) => d.delivery));
    // Each order still has exactly one outbox event; the receiver may have seen one twice (at-least-once,
    // if the kill fell between its 2xx and the delivered mark) but never two different events for one order.
    await expectOneEventEach(store, ids, receiver.accepted);
    const recovered = await Promise.all(unpaidAtCrash.map((id) => store.getOrder(id)));
    expect(recovered.every((o) => o?.status === 'PAID')).toBe(true);
  }, 90_000);
});
