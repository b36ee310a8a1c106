/**
 * @module gateways/gateways.test
 * Routing with health: an unhealthy account takes no checkout while another serves the code; a code none of whose
 * accounts is healthy is not offered; with no account healthy at all, every account is used as configured.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import { createGateways } from './gateways.ts';
import { memoryHealthStore } from './health-store.ts';

const account = (id: string, bankCodes: string[], priority = 1): GatewayAccount => ({
  id,
  name: id,
  paymentUrl: `https://gw-${id}.example/Pay_Index.html`,
  queryUrl: `https://gw-${id}.example/Pay_Trade_query.html`,
  memberId: '10002',
  key: `key-of-${id}-0000`,
  dialect: 'standard',
  bankCodes,
  priority,
  weight: 1,
  queryRate: 5,
});

function gatewaysOf(accounts: GatewayAccount[]) {
  return createGateways({
    accounts,
    publicUrl: 'https://pay.shop.example',
    settings: { intervalMs: 0, timeoutMs: 1000, failures: 1, successes: 1 },
    store: memoryHealthStore(),
    random: () => 0,
  });
}

describe('createGateways', () => {
  it('routes by health while an account is healthy, and offers what the healthy ones serve', async () => {
    const g = gatewaysOf([account('a', ['902', '903']), account('b', ['903', '904'], 2)]);
    expect(g.route('903')?.id).toBe('a');
    expect(g.offered(['902', '903', '904'])).toEqual(['902', '903', '904']);
    await g.health.report('a', { ok: false, detail: 'ECONNREFUSED' });
    expect(g.route('903')?.id).toBe('b');
    expect(g.route('902')).toBeNull();
    expect(g.offered(['902', '903', '904'])).toEqual(['903', '904']);
    expect([g.usable('a'), g.usable('b')]).toEqual([false, true]);
    await g.health.report('a', { ok: true, detail: 'no such order' });
    expect(g.route('903')?.id).toBe('a');
  });

  it('with no account healthy, uses every account as configured (one account always takes checkouts)', async () => {
    const g = gatewaysOf([account('a', ['902', '903']), account('b', ['903'], 2)]);
    await g.health.report('a', { ok: false, detail: 'HTTP 503' });
    await g.health.report('b', { ok: false, detail: 'HTTP 503' });
    expect(g.route('903')?.id).toBe('a');
    expect(g.offered(['902', '903'])).toEqual(['902', '903']);

    const single = gatewaysOf([account('default', ['902'])]);
    await single.health.report('default', { ok: false, detail: 'timeout' });
    expect(single.health.isHealthy('default')).toBe(false);
    expect(single.route('902')?.id).toBe('default');
  });

  it('finds accounts by id and says where their forms go', () => {
    const g = gatewaysOf([account('a', ['902']), account('b', ['902'])]);
    expect(g.account('b')?.memberId).toBe('10002');
    expect(g.account('c')).toBeUndefined();
    expect(g.targets.relayed).toBe(true);
    expect(g.targets.actionFor(g.account('b')!)).toBe('https://pay.shop.example/api/pay/b');
  });
});
