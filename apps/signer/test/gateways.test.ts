/**
 * @module gateways.test
 * Several gateway accounts over real HTTP, on SQLite and on PostgreSQL: two simulated gateways (each its own
 * merchant, key and port), checkout routed by bank code and posted through the relay to the right one, a gateway
 * taken down and every new checkout moving to the other within the configured detection time and back once it
 * recovers, each gateway's notifications and page returns verified with its own key, a notification signed with
 * the other account's key refused, a lost notification found by querying the right gateway, the console and the
 * metrics naming each order's gateway; and two signer instances on one PostgreSQL database agreeing on health.
 */
import { encodeForm, type Fields } from '@jupay/core';
import { startGatewayFleet, type GatewayFleet } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../src/store/order-store.ts';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import { notificationBody } from './helpers/notifications.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from './helpers/postgres.ts';
import { parsePrometheus } from './helpers/prometheus.ts';
import { createTestSigner, listen, SHOP_ORIGIN, type TestSigner } from './helpers/signer-harness.ts';

const A = { memberId: '10002', key: 'key-of-account-a-0123456789' };
const B = { memberId: '20001', key: 'key-of-account-b-9876543210' };
const ADMIN_TOKEN = 'adm1n-t0ken-for-tests-0123456789';

/** Probe every 200 ms; 2 failures in a row take an account out, 2 successes bring it back. */
const HEALTH = { intervalMs: 200, timeoutMs: 500, failures: 2, successes: 2, tickMs: 50 };
/**
 * The longest a change of a gateway can take to reach routing: N probes one interval apart (each may wait a tick
 * to be claimed), the last one timing out, and the tick that reads the result.
 */
const DETECTION_MS = HEALTH.failures * (HEALTH.intervalMs + HEALTH.tickMs) + HEALTH.timeoutMs + HEALTH.tickMs;
/** Slack for a loaded machine: the bound above is what the settings promise; this much more is tolerated. */
const SLACK_MS = 3000;

let fleet: GatewayFleet;
beforeAll(async () => {
  fleet = await startGatewayFleet([
    { id: 'a', merchants: [A], resendIntervalMs: 20 },
    { id: 'b', merchants: [B], resendIntervalMs: 20 },
  ]);
});
afterAll(() => fleet.close());
afterEach(async () => {
  for (const id of ['a', 'b']) {
    fleet.get(id).sim.controls.clearFaults();
    await fleet.get(id).sim.controls.setAvailability({ down: false, slowMs: 0 });
  }
});

/** The settings of two accounts: a serves 902 and 903 (priority 1), b serves 903 and 904 (priority 2). */
function accountsEnv(publicUrl: string): Record<string, string | undefined> {
  return {
    JUPAY_MEMBER_ID: undefined,
    JUPAY_KEY: undefined,
    JUPAY_GATEWAY_URL: undefined,
    JUPAY_PUBLIC_URL: publicUrl,
    JUPAY_BANK_CODES: '902,903,904',
    JUPAY_GATEWAYS: 'a,b',
    JUPAY_GATEWAY_A_NAME: 'Provider A',
    JUPAY_GATEWAY_A_PAYMENT_URL: `${fleet.get('a').running.url}/Pay_Index.html`,
    JUPAY_GATEWAY_A_MEMBER_ID: A.memberId,
    JUPAY_GATEWAY_A_KEY: A.key,
    JUPAY_GATEWAY_A_BANK_CODES: '902,903',
    JUPAY_GATEWAY_B_NAME: 'Provider B',
    JUPAY_GATEWAY_B_PAYMENT_URL: `${fleet.get('b').running.url}/Pay_Index.html`,
    JUPAY_GATEWAY_B_MEMBER_ID: B.memberId,
    JUPAY_GATEWAY_B_KEY: B.key,
    JUPAY_GATEWAY_B_BANK_CODES: '903,904',
    JUPAY_GATEWAY_B_PRIORITY: '2',
    JUPAY_HEALTH_INTERVAL: `${HEALTH.intervalMs}ms`,
    JUPAY_HEALTH_TIMEOUT: `${HEALTH.timeoutMs}ms`,
    JUPAY_HEALTH_FAILURES: String(HEALTH.failures),
    JUPAY_HEALTH_SUCCESSES: String(HEALTH.successes),
    JUPAY_WORKER_POLL_MS: String(HEALTH.tickMs),
    JUPAY_RECONCILE_SCHEDULE: '300ms,600ms,1s,2s',
    JUPAY_QUERY_TIMEOUT_MS: '1000',
    JUPAY_RATE_LIMIT_CHECKOUT: '0',
    JUPAY_ADMIN_TOKEN: ADMIN_TOKEN,
  };
}

/** A signer on a real listener, its public URL its own. */
interface Running {
  t: TestSigner;
  url: string;
  close(): Promise<void>;
}

async function startSigner(store?: OrderStore): Promise<Running> {
  let handler: (request: Request, env?: unknown) => Promise<Response> = async () =>
    new Response('starting', { status: 503 });
  const http = await listen((request, env) => handler(request, env));
  const t = await createTestSigner(accountsEnv(http.url), store ? { store } : {});
  handler = t.fetch;
  return {
    t,
    url: http.url,
    async close() {
      await http.close();
      await t.close();
    },
  };
}

interface Checkout {
  orderId: string;
  action: string;
  fields: Fields;
}

async function checkout(s: Running, bankCode: string): Promise<Response> {
  return fetch(`${s.url}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN },
    body: JSON.stringify({ bankCode, amount: '12.30', productName: 'VIP' }),
  });
}

/** A checkout, then the browser's form POST (through the relay's 307) to the gateway; returns the order. */
async function buy(s: Running, bankCode = '903'): Promise<Checkout & { gateway: string }> {
  const res = await checkout(s, bankCode);
  expect(res.status).toBe(201);
  const order = (await res.json()) as Checkout;
  const cashier = await fetch(order.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(order.fields),
  });
  expect(await cashier.text()).toContain('收银台');
  const at = ['a', 'b'].filter((id) => fleet.get(id).sim.controls.order(order.orderId) !== undefined);
  expect(at).toHaveLength(1);
  return { ...order, gateway: at[0]! };
}

async function methods(s: Running): Promise<string[]> {
  const body = (await (await fetch(`${s.url}/api/config`)).json()) as { methods: { code: string }[] };
  return body.methods.map((m) => m.code);
}

async function metricsOf(s: Running) {
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return parsePrometheus(await res.text()).samples;
}

/** Until `accountId` takes 903's checkouts: returns how long that took. */
async function untilRoutedTo(s: Running, accountId: string, since: number): Promise<number> {
  await expect
    .poll(
      async () => {
        const res = await checkout(s, '903');
        const { action } = (await res.json()) as Checkout;
        return action.endsWith(`/api/pay/${accountId}`);
      },
      { timeout: DETECTION_MS + SLACK_MS, interval: 25 },
    )
    .toBe(true);
  return Date.now() - since;
}

const STORES = ['sqlite', 'postgres'] as const;

describe.each(STORES)('two gateway accounts on %s', (kind) => {
  let s: Running;
  let schema: string | undefined;
  beforeAll(async () => {
    let store: OrderStore | undefined;
    if (kind === 'postgres') {
      schema = freshSchemaName();
      store = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
      await store.migrate();
    }
    s = await startSigner(store);
  });
  afterAll(async () => {
    await s.close();
    if (schema) await dropSchema(schema);
  });

  it('routes by bank code, posts each form through the relay to its gateway, and binds the order to it', async () => {
    expect(await methods(s)).toEqual(['902', '903', '904']);
    const configBody = (await (await fetch(`${s.url}/api/config`)).json()) as { gateway: string };
    // Two origins: forms go to the signer's relay, the one origin <pay-button> needs to know.
    expect(configBody.gateway).toBe(new URL(s.url).origin);
    const only902 = await buy(s, '902');
    const only904 = await buy(s, '904');
    const either = await buy(s, '903');
    expect([only902.gateway, only904.gateway, either.gateway]).toEqual(['a', 'b', 'a']);
    expect(only904.action).toBe(`${s.url}/api/pay/b`);
    // Signed with each account's own member id.
    expect([only902.fields.pay_memberid, only904.fields.pay_memberid]).toEqual([A.memberId, B.memberId]);
    expect((await s.t.store.getOrder(only904.orderId))?.gatewayId).toBe('b');
    expect((await s.t.store.getOrder(either.orderId))?.gatewayId).toBe('a');
  });

  it("verifies each gateway's notification and page return with its own key, and refuses one signed with the other's", async () => {
    const atA = await buy(s, '902');
    const atB = await buy(s, '904');
    const paidA = await fleet.get('a').sim.controls.pay(atA.orderId);
    const paidB = await fleet.get('b').sim.controls.pay(atB.orderId);
    expect((await paidA.delivery).map((x) => x.response)).toEqual(['OK']);
    expect((await paidB.delivery).map((x) => x.response)).toEqual(['OK']);
    for (const order of [atA, atB]) {
      expect(await s.t.store.getOrder(order.orderId)).toMatchObject({ status: 'PAID', paidVia: 'notify' });
    }
    const back = await fetch(paidB.callback!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(paidB.callback!.fields),
      redirect: 'manual',
    });
    expect(back.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${atB.orderId}`);

    // An order of a, unpaid; notifications signed with b's key, with b's member id and with a's.
    const victim = await buy(s, '902');
    const asB = notificationBody({ memberid: B.memberId, orderid: victim.orderId, amount: '12.3000' }, B.key);
    const forged = await fetch(`${s.url}/api/notify`, { method: 'POST', body: asB });
    expect([forged.status, forged.headers.get('x-notify-verdict'), await forged.text()]).toEqual([
      400,
      'gateway_mismatch',
      'FAIL',
    ]);
    // a's member id with b's key: a's key does not verify it, b's does, for another member than b's.
    const asA = notificationBody({ memberid: A.memberId, orderid: victim.orderId, amount: '12.3000' }, B.key);
    const mismatch = await fetch(`${s.url}/api/notify`, { method: 'POST', body: asA });
    expect(mismatch.headers.get('x-notify-verdict')).toBe('member_mismatch');
    const nobody = notificationBody(
      { memberid: A.memberId, orderid: victim.orderId, amount: '12.3000' },
      'a-key-of-no-account-0',
    );
    const badSignature = await fetch(`${s.url}/api/notify`, { method: 'POST', body: nobody });
    expect(badSignature.headers.get('x-notify-verdict')).toBe('bad_signature');
    expect(await s.t.store.getOrder(victim.orderId)).toMatchObject({ status: 'NOTPAY' });
    expect(await s.t.store.listEvents(victim.orderId)).toEqual([]);
    expect((await s.t.store.listAnomalies(victim.orderId)).map((x) => x.kind)).toEqual([
      'gateway_mismatch',
      'member_mismatch',
    ]);
    // The genuine notification still pays it.
    const genuine = await fleet.get('a').sim.controls.pay(victim.orderId);
    expect((await genuine.delivery).map((x) => x.response)).toEqual(['OK']);
    expect(await s.t.store.getOrder(victim.orderId)).toMatchObject({ status: 'PAID' });
    // A page return signed with b's key names no order of a.
    const returned = await fetch(`${s.url}/api/return?${asB}`, { redirect: 'manual' });
    expect(returned.headers.get('location')).toBe('https://shop.example/thanks');
  });

  it('finds a lost notification by querying the gateway the order is bound to', async () => {
    fleet.get('b').sim.controls.setFaults({ dropNotification: true });
    const order = await buy(s, '904');
    await fleet.get('b').sim.controls.pay(order.orderId);
    // Only a query at b can find it: a knows no such order.
    await expect
      .poll(async () => (await s.t.store.getOrder(order.orderId))?.status, { timeout: 10_000, interval: 50 })
      .toBe('PAID');
    expect(await s.t.store.getOrder(order.orderId)).toMatchObject({
      paidVia: 'query',
      transactionId: fleet.get('b').sim.controls.order(order.orderId)!.transactionId,
    });
    expect(fleet.get('a').sim.controls.order(order.orderId)).toBeUndefined();
  });

  it('moves every new checkout to the other gateway within the detection time, and back once it recovers', async () => {
    expect((await buy(s, '903')).gateway).toBe('a');
    const down = Date.now();
    await fleet.get('a').sim.controls.setAvailability({ down: 'refused' });
    const tookDown = await untilRoutedTo(s, 'b', down);
    expect(tookDown).toBeLessThanOrEqual(DETECTION_MS + SLACK_MS);
    // From then on every new checkout goes to b, and 902 (a's alone) is neither offered nor accepted.
    const next = await Promise.all(Array.from({ length: 6 }, () => buy(s, '903')));
    expect(next.map((o) => o.gateway)).toEqual(Array(6).fill('b'));
    expect(await methods(s)).toEqual(['903', '904']);
    const refused = await checkout(s, '902');
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '30']);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('GATEWAY_UNAVAILABLE');
    const health = (await (await fetch(`${s.url}/healthz`)).json()) as {
      status: string;
      gateways: { id: string; healthy: boolean }[];
    };
    expect(health.status).toBe('ok');
    expect(health.gateways.map((g) => [g.id, g.healthy])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect((await metricsOf(s)).filter((x) => x.name === 'jupay_gateway_healthy')).toEqual([
      { name: 'jupay_gateway_healthy', labels: { gateway: 'a' }, value: 0 },
      { name: 'jupay_gateway_healthy', labels: { gateway: 'b' }, value: 1 },
    ]);

    const up = Date.now();
    await fleet.get('a').sim.controls.setAvailability({ down: false });
    const tookUp = await untilRoutedTo(s, 'a', up);
    expect(tookUp).toBeLessThanOrEqual(
      HEALTH.successes * (HEALTH.intervalMs + HEALTH.tickMs) + HEALTH.tickMs + SLACK_MS,
    );
    expect(await methods(s)).toEqual(['902', '903', '904']);
    console.log(
      `${kind}: a refused → b after ${tookDown} ms; a back after ${tookUp} ms (detection ${DETECTION_MS} ms)`,
    );
  });

  it('names each order’s gateway in the console and the metrics', async () => {
    const atA = await buy(s, '902');
    const atB = await buy(s, '904');
    await (
      await fleet.get('b').sim.controls.pay(atB.orderId)
    ).delivery;
    const admin = s.t.signer.adminApp;
    expect(admin).toBeNull(); // the console is on this port, behind the token
    // Sign in to the console on the public port.
    const signIn = await fetch(`${s.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: `token=${ADMIN_TOKEN}`,
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = async (path: string) => (await fetch(`${s.url}${path}`, { headers: { cookie } })).text();
    const orders = await page('/admin/orders?lang=en');
    for (const o of [atA, atB]) {
      const row = new RegExp(
        `${o.orderId}</a></td>[\\s\\S]*?<td title="${o.gateway}">Provider ${o.gateway.toUpperCase()}</td>`,
      );
      expect(orders).toMatch(row);
    }
    expect(await page(`/admin/orders/${atB.orderId}?lang=en`)).toMatch(
      /<dt>Gateway account<\/dt>\s*<dd>\s*<a href="\/admin\/gateway#gateway-b">Provider B<\/a>\s*\(b\)\s*<\/dd>/,
    );
    const gatewayPage = await page('/admin/gateway?lang=en');
    expect(gatewayPage).toMatch(/<h2 id="gateway-a">\s*Gateway: Provider A \(a\)\s*<\/h2>/);
    expect(gatewayPage).toMatch(/<h2 id="gateway-b">\s*Gateway: Provider B \(b\)\s*<\/h2>/);
    // Each account's health and settings, never its key.
    expect(gatewayPage.match(/<span class="badge ok">healthy<\/span>/g)).toHaveLength(2);
    expect(gatewayPage).toContain(`<dd class="wrap">${fleet.get('b').running.url}/Pay_Index.html</dd>`);
    expect(gatewayPage).not.toContain(A.key);
    expect(gatewayPage).not.toContain(B.key);

    const samples = await metricsOf(s);
    const value = (name: string, labels: Record<string, string>) =>
      samples
        .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
        .reduce((sum, x) => sum + x.value, 0);
    expect(value('jupay_checkouts_total', { result: 'created', gateway: 'a' })).toBeGreaterThanOrEqual(1);
    expect(value('jupay_checkouts_total', { result: 'created', gateway: 'b' })).toBeGreaterThanOrEqual(1);
    expect(value('jupay_orders_paid_total', { via: 'notify', gateway: 'b' })).toBeGreaterThanOrEqual(1);
    expect(value('jupay_gateway_query_rate_limit', { gateway: 'a' })).toBe(5);
    expect(value('jupay_gateway_query_rate_limit', { gateway: 'b' })).toBe(5);
  });
});

describe('two signer instances on one PostgreSQL database', () => {
  const schema = freshSchemaName();
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) await r.close();
    await dropSchema(schema);
  });

  it('agree on health: both move to the other gateway, and back', async () => {
    for (let i = 0; i < 2; i += 1) {
      const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
      await store.migrate();
      running.push(await startSigner(store));
    }
    const [one, two] = running as [Running, Running];
    // Each instance's view: which accounts are healthy, and since when (checkedAt is when it last read them).
    const healthOf = async (r: Running) =>
      (
        (await (await fetch(`${r.url}/healthz`)).json()) as {
          gateways: { id: string; healthy: boolean; since: string | null }[];
        }
      ).gateways.map(({ id, healthy, since }) => ({ id, healthy, since }));
    await fleet.get('a').sim.controls.setAvailability({ down: 'http-503' });
    const since = Date.now();
    await untilRoutedTo(one, 'b', since);
    await untilRoutedTo(two, 'b', since);
    expect(await healthOf(one)).toEqual(await healthOf(two));
    expect((await healthOf(two)).map((g) => g.healthy)).toEqual([false, true]);
    // One state in the database: the failures both instances saw are counted together, once each.
    const { rows } = await (running[0]!.t.store as ReturnType<typeof createPostgresStore>).pool.query<{
      gateway_id: string;
      healthy: boolean;
    }>('SELECT gateway_id, healthy FROM gateway_health ORDER BY gateway_id');
    expect(rows).toEqual([
      { gateway_id: 'a', healthy: false },
      { gateway_id: 'b', healthy: true },
    ]);

    await fleet.get('a').sim.controls.setAvailability({ down: false });
    const back = Date.now();
    await untilRoutedTo(one, 'a', back);
    await untilRoutedTo(two, 'a', back);
    expect((await healthOf(one)).map((g) => g.healthy)).toEqual([true, true]);
  });
});
