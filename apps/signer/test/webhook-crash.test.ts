/**
 * @module webhook-crash.test
 * Webhook delivery across a SIGKILL, on SQLite and on PostgreSQL: a backlog of 2,500 paid orders' events is being
 * delivered to a real receiver (20 ms to answer) by a real signer process busy with a notification storm when it is
 * killed, twice; restarted, it delivers the rest.
 * Every event arrives (delivery is at least once), and the events delivered twice, counted by event id at the
 * receiver and printed, are at most the events one instance has in flight at a time for each kill.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderStore } from '../src/store/order-store.ts';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { DEFAULT_CONCURRENCY } from '../src/webhook/sender.ts';
import { notificationBody, TEST_KEY, TEST_MEMBER } from './helpers/notifications.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL, urlWithSchema } from './helpers/postgres.ts';
import { spawnSigner, type SignerProcess } from './helpers/signer-process.ts';
import { startWebhookReceiver, waitFor } from './helpers/webhook-receiver.ts';

const SECRET = 'whsec_crash_test_0123456789';
const EVENTS = 2_500;
const KILLS = 2;

const orderIdOf = (n: number) => `E${String(n).padStart(19, '0')}`;

/**
 * The gateway re-sending notifications of the paid orders as fast as the signer takes them, from 8 connections,
 * until `stop()`: a busy signer, as in a notification storm, while its webhooks are in flight.
 */
function notificationStorm(url: string): { stop(): Promise<number> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  let running = true;
  let sent = 0;
  const one = (n: number) =>
    new Promise<void>((resolve) => {
      const body = notificationBody({
        orderid: orderIdOf(n % EVENTS),
        amount: '12.3000',
        transaction_id: `T${n % EVENTS}`,
      });
      const req = request(`${url}/api/notify`, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      // The signer is killed under it: a reset connection ends this worker's request, not the test.
      req.on('error', () => resolve());
      req.end(body);
    });
  const workers = Array.from({ length: 8 }, async () => {
    while (running) await one(sent++);
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return sent;
    },
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** 2,500 paid orders, each with its `order.paid` event due now, written straight to the store. */
async function paidBacklog(store: OrderStore): Promise<void> {
  const now = new Date();
  for (let start = 0; start < EVENTS; start += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, EVENTS - start) }, async (_, i) => {
        const orderId = orderIdOf(start + i);
        await store.createOrder({
          orderId,
          memberId: TEST_MEMBER,
          amountFen: 1230,
          bankCode: '903',
          productName: 'VIP',
          attach: null,
          createdAt: now,
          nextQueryAt: null,
          requestFields: {},
        });
        const paid = await store.markPaid({
          orderId,
          transactionId: `T${start + i}`,
          amountFen: 1230,
          paidAt: now,
          via: 'notify',
          event: {
            id: randomUUID(),
            payload: {
              orderId,
              amountFen: 1230,
              bankCode: '903',
              transactionId: `T${start + i}`,
              via: 'notify',
            },
          },
        });
        expect(paid.outcome).toBe('paid');
      }),
    );
  }
}

describe.each([
  ['SQLite', 'sqlite'],
  ['PostgreSQL', 'postgres'],
] as const)('webhooks across SIGKILL on %s', (kind, which) => {
  it('every event is delivered, and a kill leaves at most the events in flight delivered twice', async () => {
    let storeSetting: string;
    let openStore: () => OrderStore;
    if (which === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'jupay-webhook-crash-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      storeSetting = join(dir, 'signer.db');
      openStore = () => openSqliteStore(storeSetting);
    } else {
      const schema = freshSchemaName();
      cleanups.push(() => dropSchema(schema));
      storeSetting = urlWithSchema(TEST_PG_URL, schema);
      openStore = () => createPostgresStore({ url: TEST_PG_URL, schema, max: 8 });
    }
    const store = openStore();
    await store.migrate();
    await paidBacklog(store);
    await store.close();

    // A merchant that takes 20 ms to answer and acts on what it received whether or not the sender is still there.
    // The kills come from the receiver itself, the moment a chosen request arrives: a delivery is in flight then, by
    // construction, whatever the timing of the machine.
    let signer: SignerProcess | undefined;
    const killAt = new Map<number, () => void>();
    const killNow = (index: number) => {
      const killed = killAt.get(index);
      if (!killed || !signer) return;
      process.kill(signer.pid, 'SIGKILL');
      killed();
    };
    const receiver = await startWebhookReceiver(
      SECRET,
      (index) => {
        killNow(index);
        return 200;
      },
      { answerAfterMs: 20 },
    );
    cleanups.push(() => receiver.close());
    const env = {
      JUPAY_MEMBER_ID: TEST_MEMBER,
      JUPAY_KEY: TEST_KEY,
      JUPAY_GATEWAY_URL: 'http://127.0.0.1:9/Pay_Index.html',
      JUPAY_PUBLIC_URL: 'http://127.0.0.1:9',
      JUPAY_RETURN_URL: 'http://127.0.0.1:9/thanks',
      JUPAY_BANK_CODES: '903',
      JUPAY_STORE: storeSetting,
      PORT: '0',
      JUPAY_RECONCILE_SCHEDULE: 'off',
      JUPAY_WEBHOOK_URL: receiver.url,
      JUPAY_WEBHOOK_SECRET: SECRET,
      JUPAY_WEBHOOK_RETRY: '100ms',
      JUPAY_WORKER_POLL_MS: '50',
      // info: spawnSigner waits for the "signer listening" line.
      JUPAY_LOG_LEVEL: 'info',
    };
    const delivered = () => new Set(receiver.accepted().map((event) => event.id)).size;

    let notifications = 0;
    cleanups.push(async () => signer?.kill('SIGTERM'));
    for (let kill = 1; kill <= KILLS; kill++) {
      // Killed in the middle of the backlog, while deliveries are in flight and notifications keep coming.
      const killed = new Promise<void>((resolve) =>
        killAt.set(Math.round((EVENTS * kill) / (KILLS + 1)), resolve),
      );
      signer = await spawnSigner(env);
      const storm = notificationStorm(signer.url);
      await killed;
      await signer.kill('SIGKILL').catch(() => undefined);
      notifications += await storm.stop();
    }
    signer = await spawnSigner(env);
    // The events the killed instances had claimed come back once their lease runs out (2 x 10 s + 5 s), and are sent
    // again even when the merchant got them before the kill: done when the outbox has every one delivered.
    const outbox = openStore();
    cleanups.push(() => outbox.close());
    await waitFor(
      async () => (await outbox.listEvents()).every((event) => event.deliveredAt !== null),
      `all ${EVENTS} events marked delivered`,
      90_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const accepted = receiver.accepted();
    const duplicates = accepted.length - delivered();
    console.log(
      `[${kind}] ${EVENTS} webhook events, ${KILLS} SIGKILLs during delivery: ${accepted.length} deliveries, ` +
        `${duplicates} duplicate(s); ${notifications} notifications sent meanwhile`,
    );
    expect(delivered()).toBe(EVENTS);
    expect(duplicates).toBeLessThanOrEqual(KILLS * DEFAULT_CONCURRENCY);
  }, 180_000);
});
