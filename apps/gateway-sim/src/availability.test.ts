/**
 * @module availability.test
 * A whole gateway down (connection refused, or a 503 from its proxy) or slow, over real HTTP; the admin API keeps
 * answering and brings it back; the settings are checked.
 */
import { createQueryRequest, parseQueryResponse } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import { isGatewayPath, validateAvailability } from './availability.ts';
import { DEMO_MERCHANT } from './merchants.ts';
import { paymentFields, postForm, useSimAndMerchant } from '../test/helpers/fixtures.ts';

const credentials = { memberId: DEMO_MERCHANT.memberId, key: DEMO_MERCHANT.key };
const t = useSimAndMerchant();

/** A signed order query; resolves with the response or rejects as fetch does when nothing listens. */
function query(orderId: string, signal?: AbortSignal): Promise<Response> {
  const { body } = createQueryRequest(orderId, credentials);
  return fetch(`${t.sim.running.url}/Pay_Trade_query.html`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    ...(signal ? { signal } : {}),
  });
}

async function refusalCode(promise: Promise<Response>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code;
  }
}

describe('down: refused', () => {
  it('closes the listener (ECONNREFUSED) and reopens it on the same port, orders kept', async () => {
    await postForm(`${t.sim.running.url}/Pay_Index.html`, paymentFields({ pay_orderid: 'D1' }));
    expect(await t.sim.controls.setAvailability({ down: 'refused' })).toEqual({ down: 'refused', slowMs: 0 });
    expect(await refusalCode(query('D1'))).toBe('ECONNREFUSED');
    expect(await refusalCode(fetch(`${t.sim.running.url}/__sim/orders`))).toBe('ECONNREFUSED');

    await t.sim.controls.setAvailability({ down: false });
    const answer = parseQueryResponse(await (await query('D1')).text(), credentials);
    expect(answer).toMatchObject({ orderId: 'D1', tradeState: 'NOTPAY' });
  });

  it('cuts connections that were kept alive', async () => {
    // A first request opens a keep-alive connection; after the outage, the next one must not reach the gateway.
    expect((await query('D2')).status).toBe(200);
    await t.sim.controls.setAvailability({ down: 'refused' });
    expect(await refusalCode(query('D2'))).toBeDefined();
    await t.sim.controls.setAvailability({ down: false });
    expect((await query('D2')).status).toBe(200);
  });
});

describe('down: http-503', () => {
  it('answers 503 on every gateway route, while the admin API answers and lifts it', async () => {
    const set = await fetch(`${t.sim.running.url}/__sim/availability`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ down: 'http-503' }),
    });
    expect(await set.json()).toEqual({ down: 'http-503', slowMs: 0 });

    const queried = await query('X1');
    expect(queried.status).toBe(503);
    expect(queried.headers.get('retry-after')).toBe('30');
    expect(await queried.text()).toContain('503 Service Unavailable');
    const paid = await postForm(`${t.sim.running.url}/Pay_Index.html`, paymentFields({ pay_orderid: 'X1' }));
    expect(paid.status).toBe(503);
    expect(t.sim.controls.order('X1')).toBeUndefined(); // the gateway never saw it
    expect((await fetch(`${t.sim.running.url}/__sim/cashier/1`)).status).toBe(503);

    expect((await fetch(`${t.sim.running.url}/__sim/orders`)).status).toBe(200);
    expect(await (await fetch(`${t.sim.running.url}/__sim/availability`)).json()).toEqual({
      down: 'http-503',
      slowMs: 0,
    });
    await fetch(`${t.sim.running.url}/__sim/availability`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ down: false }),
    });
    expect((await query('X1')).status).toBe(200);
  });
});

describe('slow', () => {
  it('answers gateway routes after slowMs, so a client with a shorter timeout gives up; the admin API is not slowed', async () => {
    await t.sim.controls.setAvailability({ slowMs: 3000 });
    const started = Date.now();
    const outcome = await query('S1', AbortSignal.timeout(200)).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(
      (await fetch(`${t.sim.running.url}/__sim/orders`, { signal: AbortSignal.timeout(2000) })).status,
    ).toBe(200);

    await t.sim.controls.setAvailability({ slowMs: 150 });
    const before = Date.now();
    const answer = await query('S1');
    // setTimeout never fires early: the answer cannot come sooner than slowMs.
    expect(Date.now() - before).toBeGreaterThanOrEqual(145);
    expect(await answer.text()).toContain('不存在的交易订单.');
  });

  it('slow and 503 together: the 503 comes after the delay', async () => {
    await t.sim.controls.setAvailability({ slowMs: 100, down: 'http-503' });
    const before = Date.now();
    expect((await query('S2')).status).toBe(503);
    expect(Date.now() - before).toBeGreaterThanOrEqual(95);
  });
});

describe('starting down', () => {
  it('a simulator created down refuses from its first start until it is brought up', async () => {
    const { createGatewaySim } = await import('./app.ts');
    const sim = createGatewaySim({ availability: { down: 'refused' } });
    const running = await sim.start();
    try {
      expect(await refusalCode(fetch(`${running.url}/Pay_Trade_query.html`))).toBe('ECONNREFUSED');
      await sim.controls.setAvailability({ down: false });
      expect((await fetch(`${running.url}/Pay_Trade_query.html`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('validateAvailability', () => {
  it('accepts the settings and refuses anything else, naming it', () => {
    expect(validateAvailability({ down: 'refused', slowMs: 0 })).toEqual({ down: 'refused', slowMs: 0 });
    expect(validateAvailability({ down: false })).toEqual({ down: false });
    expect(() => validateAvailability({ down: true })).toThrow(/availability\.down must be/);
    expect(() => validateAvailability({ down: '503' })).toThrow(/availability\.down must be/);
    expect(() => validateAvailability({ slowMs: -1 })).toThrow(/availability\.slowMs must be an integer/);
    expect(() => validateAvailability({ slowMs: 1.5 })).toThrow(/availability\.slowMs/);
    expect(() => validateAvailability({ slow: 10 })).toThrow(/availability\.slow is not a setting/);
    expect(() => validateAvailability(null)).toThrow(/availability must be an object/);
  });

  it('the admin API refuses a bad setting with 400 and changes nothing', async () => {
    const response = await fetch(`${t.sim.running.url}/__sim/availability`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ down: 'sometimes' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'availability.down must be false, "refused" or "http-503"' },
    });
    expect(t.sim.controls.availability()).toEqual({ down: false, slowMs: 0 });
  });

  it('tells gateway paths from the admin API', () => {
    expect(
      ['/Pay_Index.html', '/Pay_Trade_query.html', '/__sim/cashier/1/pay', '/__sim/auto-submit.js', '/x'].map(
        isGatewayPath,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['/__sim/orders', '/__sim/faults', '/__sim/availability', '/__sim/fleet'].map(isGatewayPath),
    ).toEqual([false, false, false, false]);
  });
});
