/**
 * @module gateways/health-tracker.test
 * The health tracker against two simulated gateways over real HTTP (the active probe is `check`'s proof): a gateway
 * down becomes unhealthy after N failed probes and healthy after M successes; passive reports count the same way;
 * on PostgreSQL two trackers (two instances) share one state and one probe per interval; a store that fails leaves
 * the last state known.
 */
import { startGatewayFleet, type GatewayFleet } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { DEMO } from '../../test/helpers/sim-orders.ts';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import type { GatewayHealth } from './health-state.ts';
import { memoryHealthStore, type HealthStore } from './health-store.ts';
import { createHealthTracker, probeAccount, type AccountProbe } from './health-tracker.ts';
import { createPostgresHealthStore } from './postgres-health-store.ts';

const B_KEY = 'key-of-gateway-b-13579';
const SETTINGS = { intervalMs: 10_000, timeoutMs: 2_000, failures: 2, successes: 2 };

let fleet: GatewayFleet;
let accounts: GatewayAccount[];
beforeAll(async () => {
  fleet = await startGatewayFleet([
    { id: 'a', merchants: [DEMO] },
    { id: 'b', merchants: [{ memberId: '20001', key: B_KEY }] },
  ]);
  const account = (id: string, memberId: string, key: string): GatewayAccount => ({
    id,
    name: `gateway ${id}`,
    paymentUrl: `${fleet.get(id).running.url}/Pay_Index.html`,
    queryUrl: `${fleet.get(id).running.url}/Pay_Trade_query.html`,
    memberId,
    key,
    dialect: 'standard',
    bankCodes: ['902', '903'],
    priority: 1,
    weight: 1,
    queryRate: 5,
  });
  accounts = [account('a', DEMO.memberId, DEMO.key), account('b', '20001', B_KEY)];
});
afterAll(() => fleet.close());
afterEach(() => fleet.get('b').sim.controls.setAvailability({ down: false, slowMs: 0 }));

/** A clock moved by hand; each step passes one probe interval. */
function manualClock() {
  let now = Date.parse('2024-03-01T04:00:00Z');
  return {
    clock: () => new Date(now),
    step: () => {
      now += SETTINGS.intervalMs;
    },
  };
}

/** Records log lines. */
function logLines() {
  const lines: { level: string; object: object; message?: string }[] = [];
  const at = (level: string) => (object: object, message?: string) => {
    lines.push({ level, object, ...(message ? { message } : {}) });
  };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('probeAccount', () => {
  it("is check's proof on the account's query URL, naming the account's settings", async () => {
    expect(await probeAccount(accounts[0]!, 2000)).toEqual({
      ok: true,
      detail: expect.stringContaining('member 10002 and the key were accepted'),
    });
    await fleet.get('b').sim.controls.setAvailability({ down: 'http-503' });
    expect(await probeAccount(accounts[1]!, 2000)).toEqual({
      ok: false,
      detail: expect.stringMatching(/^JUPAY_GATEWAY_B_QUERY_URL: .* answered HTTP 503/),
    });
    expect(await probeAccount({ ...accounts[0]!, key: 'not-the-key-000' }, 2000)).toEqual({
      ok: false,
      detail: expect.stringMatching(/^JUPAY_GATEWAY_A_KEY: the gateway refused the signature/),
    });
  });
});

describe('the active probe', () => {
  it('takes a refused gateway out after N failed probes and back after M successes; the other stays healthy', async () => {
    const { clock, step } = manualClock();
    const { lines, logger } = logLines();
    const changes: GatewayHealth[] = [];
    const tracker = createHealthTracker({
      accounts,
      store: memoryHealthStore(),
      settings: SETTINGS,
      clock,
      logger,
      onChange: (health) => changes.push(health),
    });
    const round = async () => {
      step();
      await tracker.tick();
      await tracker.settled();
    };
    await round();
    expect(tracker.states().map((s) => [s.gatewayId, s.healthy, s.successes])).toEqual([
      ['a', true, 1],
      ['b', true, 1],
    ]);

    await fleet.get('b').sim.controls.setAvailability({ down: 'refused' });
    await round();
    expect(tracker.isHealthy('b')).toBe(true); // one failure of two
    await round();
    expect(tracker.isHealthy('b')).toBe(false);
    expect(tracker.isHealthy('a')).toBe(true);
    expect(tracker.states()[1]).toMatchObject({
      healthy: false,
      failures: 2,
      lastError: expect.stringMatching(
        /^JUPAY_GATEWAY_B_QUERY_URL: cannot reach .* \((ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)\)$/,
      ),
    });
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        object: expect.objectContaining({ gateway: 'b', failures: 2 }),
        message: 'gateway account unhealthy: checkouts go to the other accounts',
      },
    ]);

    await fleet.get('b').sim.controls.setAvailability({ down: false });
    await round();
    expect(tracker.isHealthy('b')).toBe(false); // one success of two
    await round();
    expect(tracker.isHealthy('b')).toBe(true);
    expect(changes.map((c) => [c.gatewayId, c.healthy])).toEqual([
      ['b', false],
      ['b', true],
    ]);
    expect(lines.filter((l) => l.message === 'gateway account healthy again')).toHaveLength(1);
  });

  it('a gateway slower than the probe timeout fails the probe', async () => {
    const { clock, step } = manualClock();
    const tracker = createHealthTracker({
      accounts,
      store: memoryHealthStore(),
      settings: { ...SETTINGS, timeoutMs: 100, failures: 1 },
      clock,
    });
    await fleet.get('b').sim.controls.setAvailability({ slowMs: 1500 });
    step();
    await tracker.tick();
    await tracker.settled();
    expect(tracker.states()[1]).toMatchObject({
      healthy: false,
      lastError: expect.stringContaining('timeout'),
    });
    expect(tracker.isHealthy('a')).toBe(true);
  });

  it('probes an account once per interval, and not at all with the interval off', async () => {
    const { clock, step } = manualClock();
    const probed: string[] = [];
    const probe: AccountProbe = async (account) => {
      probed.push(account.id);
      return { ok: true, detail: 'fine' };
    };
    const tracker = createHealthTracker({
      accounts,
      store: memoryHealthStore(),
      settings: SETTINGS,
      clock,
      probe,
    });
    await tracker.tick();
    await tracker.tick();
    await tracker.settled();
    expect(probed).toEqual(['a', 'b']);
    step();
    await tracker.tick();
    await tracker.settled();
    expect(probed).toEqual(['a', 'b', 'a', 'b']);

    const off = createHealthTracker({
      accounts,
      store: memoryHealthStore(),
      settings: { ...SETTINGS, intervalMs: 0 },
      clock,
      probe,
    });
    await off.tick();
    await off.settled();
    expect(probed).toHaveLength(4);
  });

  it('stop() abandons a probe in flight at once, and it records nothing', async () => {
    await fleet.get('b').sim.controls.setAvailability({ slowMs: 3000 });
    const tracker = createHealthTracker({
      accounts: [accounts[1]!],
      store: memoryHealthStore(),
      settings: { ...SETTINGS, timeoutMs: 10_000 },
    });
    tracker.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const first = await Promise.race([
      tracker.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('waited for the gateway'), 2500)),
    ]);
    expect(first).toBe('stopped');
    expect(tracker.states()[0]).toMatchObject({ healthy: true, checkedAt: null });
  });

  it('start() runs the ticks on a timer until stop()', async () => {
    const probed: string[] = [];
    const tracker = createHealthTracker({
      accounts,
      store: memoryHealthStore(),
      settings: { ...SETTINGS, intervalMs: 100 },
      tickMs: 20,
      probe: async (account) => {
        probed.push(account.id);
        return { ok: false, detail: 'down' };
      },
    });
    tracker.start();
    await expect.poll(() => tracker.isHealthy('a'), { timeout: 5000, interval: 20 }).toBe(false);
    await tracker.stop();
    const count = probed.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(probed.length).toBe(count);
  });
});

describe('passive reports', () => {
  it('count like probes; "no such order" is a working gateway; unknown accounts are ignored', async () => {
    const tracker = createHealthTracker({ accounts, store: memoryHealthStore(), settings: SETTINGS });
    await tracker.report('a', { ok: false, detail: 'HTTP 503' });
    await tracker.report('a', { ok: true, detail: 'no such order' });
    await tracker.report('a', { ok: false, detail: 'HTTP 503' });
    expect(tracker.isHealthy('a')).toBe(true);
    expect(await tracker.report('a', { ok: false, detail: 'HTTP 503' })).toMatchObject({
      healthy: false,
      failures: 2,
      lastError: 'HTTP 503',
    });
    expect(tracker.isHealthy('a')).toBe(false);
    expect(await tracker.report('zz', { ok: false, detail: 'x' })).toBeNull();
    expect(tracker.isHealthy('zz')).toBe(true);
  });

  it('a store that fails is logged, and the last state known stands', async () => {
    const { lines, logger } = logLines();
    const healthy = memoryHealthStore();
    let broken = false;
    const flaky: HealthStore = {
      record: (...args) => (broken ? Promise.reject(new Error('store down')) : healthy.record(...args)),
      list: () => (broken ? Promise.reject(new Error('store down')) : healthy.list()),
      claimProbe: (...args) =>
        broken ? Promise.reject(new Error('store down')) : healthy.claimProbe(...args),
    };
    const tracker = createHealthTracker({
      accounts,
      store: flaky,
      settings: { ...SETTINGS, failures: 1 },
      logger,
      probe: async () => ({ ok: true, detail: 'fine' }),
    });
    await tracker.report('b', { ok: false, detail: 'HTTP 503' });
    broken = true;
    expect(await tracker.report('b', { ok: true, detail: 'fine' })).toBeNull();
    await tracker.tick();
    expect(tracker.isHealthy('b')).toBe(false);
    expect(lines.map((l) => l.message)).toEqual([
      'gateway account unhealthy: checkouts go to the other accounts',
      'could not record the gateway account health',
      'could not read the gateway accounts health',
    ]);
  });
});

describe('on PostgreSQL, two instances', () => {
  const schema = freshSchemaName();
  const first = createPostgresStore({ url: TEST_PG_URL, schema, max: 3 });
  const second = createPostgresStore({ url: TEST_PG_URL, schema, max: 3 });
  beforeAll(() => first.migrate());
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await dropSchema(schema);
  });
  beforeEach(async () => {
    await first.pool.query('DELETE FROM gateway_health');
  });

  it('share one state and one probe per interval between them', async () => {
    const { clock, step } = manualClock();
    const probes: string[] = [];
    const probe =
      (instance: string): AccountProbe =>
      async (account, timeoutMs) => {
        probes.push(`${instance}:${account.id}`);
        return probeAccount(account, timeoutMs);
      };
    const one = createHealthTracker({
      accounts,
      store: createPostgresHealthStore(first.pool),
      settings: SETTINGS,
      clock,
      probe: probe('one'),
    });
    const two = createHealthTracker({
      accounts,
      store: async () => createPostgresHealthStore(second.pool),
      settings: SETTINGS,
      clock,
      probe: probe('two'),
    });
    const round = async () => {
      step();
      await Promise.all([one.tick(), two.tick()]);
      await Promise.all([one.settled(), two.settled()]);
      // Each reads what the other recorded at its next tick.
      await Promise.all([one.tick(), two.tick()]);
    };
    await fleet.get('b').sim.controls.setAvailability({ down: 'http-503' });
    await round();
    await round();
    // Two rounds, two accounts: four probes in all between the two instances, not eight.
    expect(probes).toHaveLength(4);
    expect(probes.filter((p) => p.endsWith(':b'))).toHaveLength(2);
    expect([one.isHealthy('b'), two.isHealthy('b')]).toEqual([false, false]);
    expect([one.isHealthy('a'), two.isHealthy('a')]).toEqual([true, true]);

    await fleet.get('b').sim.controls.setAvailability({ down: false });
    await round();
    await round();
    expect([one.isHealthy('b'), two.isHealthy('b')]).toEqual([true, true]);
    expect(one.states()).toEqual(two.states());
  });

  it("count both instances' passive failures together", async () => {
    const one = createHealthTracker({
      accounts,
      store: createPostgresHealthStore(first.pool),
      settings: { ...SETTINGS, failures: 3 },
    });
    const two = createHealthTracker({
      accounts,
      store: createPostgresHealthStore(second.pool),
      settings: { ...SETTINGS, failures: 3 },
    });
    await one.report('a', { ok: false, detail: 'timeout' });
    await two.report('a', { ok: false, detail: 'timeout' });
    expect(one.isHealthy('a')).toBe(true);
    await one.report('a', { ok: false, detail: 'timeout' });
    expect(one.isHealthy('a')).toBe(false);
    expect(two.isHealthy('a')).toBe(true); // not read yet
    await two.tick();
    expect(two.isHealthy('a')).toBe(false);
  });
});
