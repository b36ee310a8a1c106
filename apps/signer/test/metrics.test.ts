/**
 * @module metrics.test
 * `/metrics` over real HTTP, scraped and parsed as Prometheus text while a payment goes through the simulator: the
 * token is required on the public port, not on the admin port (127.0.0.1), and the counters move with the payment
 * (checkout, the notification's verdict, paid by via, the webhook attempt, the queue depth, request durations), with
 * a payment found by reconciliation, and with a store that fails.
 */
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningSigner } from '../src/server.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port.ts';
import { baseEnv } from './helpers/signer-harness.ts';
import { parsePrometheus, valueOf } from './helpers/prometheus.ts';
import { startWebhookReceiver, waitFor } from './helpers/webhook-receiver.ts';

const TOKEN = 'adm1n-t0ken-for-tests-0123456789';
const SECRET = 'whsec_fulfilment_0123456789';
let sim: GatewaySim;
let gateway: RunningGatewaySim;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
});
afterAll(async () => {
  await gateway.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  sim.controls.reset();
});

async function start(env: Record<string, string>): Promise<RunningSigner> {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-metrics-'));
  // The simulator must reach the notify URL, so the public URL is the listener's own, known before it starts.
  const port = await freePort();
  const config = loadConfig(
    baseEnv({
      JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
      JUPAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      JUPAY_STORE: join(dir, 'signer.db'),
      PORT: String(port),
      JUPAY_LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  const running = await startServer(config);
  cleanups.push(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return running;
}

async function scrape(url: string, token: string | null = TOKEN) {
  const response = await fetch(
    `${url}/metrics`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(await response.text());
}

/** Checkout through the signer, the form to the simulator's cashier, then the simulator pays. */
async function pay(signerUrl: string): Promise<string> {
  const answer = await fetch(`${signerUrl}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'pay-1' },
    body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
  });
  expect(answer.status).toBe(201);
  const order = (await answer.json()) as { orderId: string; action: string; fields: Record<string, string> };
  const cashier = await fetch(order.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(order.fields),
  });
  expect(cashier.status).toBe(200);
  await (
    await sim.controls.pay(order.orderId)
  ).delivery;
  return order.orderId;
}

describe('/metrics', () => {
  it('is not served without an admin token or port', async () => {
    const running = await start({});
    expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    expect(running.adminUrl).toBeNull();
  });

  it('needs the bearer token on the public port', async () => {
    const running = await start({ JUPAY_ADMIN_TOKEN: TOKEN });
    const none = await fetch(`${running.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="jupay-signer metrics"');
    const wrong = await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('unauthorized\n');
    const basic = await fetch(`${running.url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('moves with a payment: checkout, the verdict, paid via notify, the webhook, the queue, request durations', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    cleanups.push(() => receiver.close());
    const running = await start({
      JUPAY_ADMIN_TOKEN: TOKEN,
      JUPAY_WEBHOOK_URL: receiver.url,
      JUPAY_WEBHOOK_SECRET: SECRET,
      JUPAY_RECONCILE_SCHEDULE: 'off',
    });
    const before = await scrape(running.url);
    expect(before.types).toMatchObject({
      jupay_checkouts_total: 'counter',
      jupay_notifications_total: 'counter',
      jupay_orders_paid_total: 'counter',
      jupay_webhook_attempts_total: 'counter',
      jupay_webhook_queue_depth: 'gauge',
      jupay_reconcile_queries_total: 'counter',
      jupay_reconcile_paid_delay_seconds: 'histogram',
      jupay_store_errors_total: 'counter',
      jupay_http_request_duration_seconds: 'histogram',
      nodejs_eventloop_lag_seconds: 'gauge',
    });
    expect(valueOf(before.samples, 'jupay_checkouts_total')).toBe(0);
    expect(valueOf(before.samples, 'jupay_webhook_queue_depth')).toBe(0);

    const orderId = await pay(running.url);
    await waitFor(() => receiver.accepted().length === 1, 'the webhook', 5_000);
    // A replay of the same checkout (same Idempotency-Key and body) counts as replayed, not created.
    const replay = await fetch(`${running.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'pay-1' },
      body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
    });
    expect(((await replay.json()) as { orderId: string }).orderId).toBe(orderId);
    // A forged notification: refused, counted under its verdict.
    const forged = await fetch(`${running.url}/api/notify`, {
      method: 'POST',
      body: 'memberid=10002&sign=00',
    });
    expect(forged.status).toBe(400);

    await waitFor(
      async () => valueOf((await scrape(running.url)).samples, 'jupay_webhook_attempts_total') === 1,
      'the attempt',
      5_000,
    );
    const after = (await scrape(running.url)).samples;
    expect(valueOf(after, 'jupay_checkouts_total', { result: 'created' })).toBe(1);
    expect(valueOf(after, 'jupay_checkouts_total', { result: 'replayed' })).toBe(1);
    expect(valueOf(after, 'jupay_notifications_total', { verdict: 'paid' })).toBe(1);
    expect(valueOf(after, 'jupay_notifications_total', { verdict: 'malformed' })).toBe(1);
    expect(valueOf(after, 'jupay_orders_paid_total', { via: 'notify' })).toBe(1);
    expect(valueOf(after, 'jupay_orders_paid_total', { via: 'query' })).toBe(0);
    expect(valueOf(after, 'jupay_webhook_attempts_total', { outcome: 'delivered' })).toBe(1);
    expect(valueOf(after, 'jupay_webhook_queue_depth')).toBe(0);
    expect(valueOf(after, 'jupay_store_errors_total')).toBe(0);
    const checkouts = { route: '/api/checkout', status: '201' };
    expect(valueOf(after, 'jupay_http_request_duration_seconds_count', checkouts)).toBe(2);
    expect(
      valueOf(after, 'jupay_http_request_duration_seconds_count', { route: '/api/notify', status: '200' }),
    ).toBe(1);
    expect(
      valueOf(after, 'jupay_http_request_duration_seconds_count', { route: '/api/notify', status: '400' }),
    ).toBe(1);
    // Order ids never become label values.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(orderId)))).toBe(false);
    expect(valueOf(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts a payment found by reconciliation, how long after the gateway took it, and failed webhook attempts', async () => {
    const receiver = await startWebhookReceiver(SECRET, () => 500);
    cleanups.push(() => receiver.close());
    const running = await start({
      JUPAY_ADMIN_PORT: '0',
      JUPAY_WEBHOOK_URL: receiver.url,
      JUPAY_WEBHOOK_SECRET: SECRET,
      JUPAY_RECONCILE_SCHEDULE: '200ms,400ms,2s',
      JUPAY_WORKER_POLL_MS: '50',
    });
    // No token: /metrics is on the admin port only, which needs none.
    expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    expect(running.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    sim.controls.setFaults({ dropNotification: true });
    await pay(running.url);
    const admin = running.adminUrl!;
    await waitFor(
      async () => valueOf((await scrape(admin, null)).samples, 'jupay_orders_paid_total') === 1,
      'the query to pay it',
      8_000,
    );
    await waitFor(
      async () => valueOf((await scrape(admin, null)).samples, 'jupay_webhook_attempts_total') >= 1,
      'a webhook attempt',
      5_000,
    );
    const samples = (await scrape(admin, null)).samples;
    expect(valueOf(samples, 'jupay_orders_paid_total', { via: 'query' })).toBe(1);
    expect(valueOf(samples, 'jupay_reconcile_queries_total', { result: 'paid' })).toBe(1);
    expect(valueOf(samples, 'jupay_reconcile_paid_delay_seconds_count')).toBe(1);
    // The simulator's time_end has whole seconds; the query came within the schedule's first points.
    expect(valueOf(samples, 'jupay_reconcile_paid_delay_seconds_sum')).toBeLessThan(10);
    expect(valueOf(samples, 'jupay_notifications_total')).toBe(0);
    expect(valueOf(samples, 'jupay_webhook_attempts_total', { outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'jupay_webhook_attempts_total', { outcome: 'delivered' })).toBe(0);
    expect(valueOf(samples, 'jupay_webhook_queue_depth')).toBe(1);
  });

  it('counts the gateway queries sent, deferred by the rate cap and their delay, the cap, and the due backlog', async () => {
    const running = await start({
      JUPAY_ADMIN_TOKEN: TOKEN,
      JUPAY_QUERY_RATE: '1',
      JUPAY_RECONCILE_SCHEDULE: '100ms,1h',
      JUPAY_WORKER_POLL_MS: '50',
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const answer = await fetch(`${running.url}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bankCode: '903', amount: '1.00' }),
      });
      ids.push(((await answer.json()) as { orderId: string }).orderId);
    }
    // One query a second: the four due orders wait their turn, and the backlog shows meanwhile.
    await waitFor(
      async () => valueOf((await scrape(running.url)).samples, 'jupay_gateway_queries_total') >= 1,
      'the first query',
      5_000,
    );
    const busy = await scrape(running.url);
    expect(busy.types).toMatchObject({
      jupay_gateway_queries_total: 'counter',
      jupay_gateway_queries_deferred_total: 'counter',
      jupay_gateway_queries_skipped_total: 'counter',
      jupay_gateway_query_delay_seconds: 'histogram',
      jupay_gateway_query_rate_limit: 'gauge',
      jupay_reconcile_due_orders: 'gauge',
      jupay_reconcile_oldest_due_seconds: 'gauge',
    });
    expect(valueOf(busy.samples, 'jupay_gateway_query_rate_limit', { gateway: 'default' })).toBe(1);
    expect(valueOf(busy.samples, 'jupay_reconcile_due_orders', { gateway: 'default' })).toBeGreaterThan(0);
    expect(
      valueOf(busy.samples, 'jupay_reconcile_oldest_due_seconds', { gateway: 'default' }),
    ).toBeGreaterThan(0);
    await waitFor(
      async () =>
        valueOf((await scrape(running.url)).samples, 'jupay_gateway_queries_total', {
          gateway: 'default',
          kind: 'scheduled',
        }) === 4,
      'four scheduled queries, one a second',
      10_000,
    );
    // A status read of a pending order is one more query, of its own kind.
    await fetch(`${running.url}/api/orders/${ids[0]}`);
    await waitFor(
      async () =>
        valueOf((await scrape(running.url)).samples, 'jupay_gateway_queries_total', { kind: 'status' }) === 1,
      'the status read query',
      5_000,
    );
    const done = (await scrape(running.url)).samples;
    const scheduled = { gateway: 'default', kind: 'scheduled' };
    expect(valueOf(done, 'jupay_gateway_queries_deferred_total', scheduled)).toBeGreaterThanOrEqual(3);
    expect(valueOf(done, 'jupay_gateway_query_delay_seconds_count', scheduled)).toBe(4);
    // The last of the four waited three seconds or so behind the others.
    expect(valueOf(done, 'jupay_gateway_query_delay_seconds_sum', scheduled)).toBeGreaterThan(3);
    expect(valueOf(done, 'jupay_reconcile_due_orders', { gateway: 'default' })).toBe(0);
    expect(valueOf(done, 'jupay_reconcile_oldest_due_seconds', { gateway: 'default' })).toBe(0);
  });

  it('counts store errors by operation', async () => {
    const running = await start({ JUPAY_ADMIN_TOKEN: TOKEN, JUPAY_RECONCILE_SCHEDULE: 'off' });
    await running.signer.store.close();
    const refused = await fetch(`${running.url}/api/orders/A0000000000000000001`);
    expect(refused.status).toBe(503);
    const samples = (await scrape(running.url)).samples;
    expect(valueOf(samples, 'jupay_store_errors_total', { operation: 'getOrder' })).toBe(1);
    expect(
      valueOf(samples, 'jupay_http_request_duration_seconds_count', {
        route: '/api/orders/:orderId',
        status: '503',
      }),
    ).toBe(1);
  });
});
