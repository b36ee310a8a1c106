/**
 * @module fleet.test
 * Several gateways at once over real HTTP: each its own merchants, keys, port and orders; one down while the other
 * answers; any member's `/__sim/fleet` brings a refused one back; the fleet syntax and its errors.
 */
import { createQueryRequest, parseQueryResponse } from '@jupay/core';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFleet, startGatewayFleet, validateFleet, type GatewayFleet } from './fleet.ts';
import { paymentFields, postForm } from '../test/helpers/fixtures.ts';

const A = { memberId: '10002', key: 'key-of-gateway-a-0001' };
const B = { memberId: '10002', key: 'key-of-gateway-b-0002' }; // the same member id at another provider
const B2 = { memberId: '10009', key: 'key-of-gateway-b-0009', name: 'Shop at B' };

let fleet: GatewayFleet;
beforeEach(async () => {
  fleet = await startGatewayFleet([
    { id: 'a', merchants: [A] },
    { id: 'b', merchants: [B, B2], resendIntervalMs: 20 },
  ]);
});
afterEach(() => fleet.close());

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function queryAt(id: string, merchant: { memberId: string; key: string }, orderId: string) {
  const { body } = createQueryRequest(orderId, merchant);
  const response = await fetch(`${fleet.get(id).running.url}/Pay_Trade_query.html`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  return response.text();
}

describe('a fleet', () => {
  it('runs each gateway on its own port with its own merchants, keys and orders', async () => {
    const [a, b] = fleet.members;
    expect(a!.running.port).not.toBe(b!.running.port);
    expect(a!.sim.controls.merchants().map((m) => m.memberId)).toEqual(['10002']);
    expect(b!.sim.controls.merchants().map((m) => m.memberId)).toEqual(['10002', '10009']);

    const placed = await postForm(
      `${a!.running.url}/Pay_Index.html`,
      paymentFields({ pay_orderid: 'F1' }, { key: A.key }),
    );
    expect(await placed.text()).toContain('收银台');
    // The same member id signed with the other provider's key is refused there.
    const atB = await postForm(
      `${b!.running.url}/Pay_Index.html`,
      paymentFields({ pay_orderid: 'F1' }, { key: A.key }),
    );
    expect(JSON.parse(await atB.text())).toMatchObject({ status: 'error', msg: '签名验证失败' });

    expect(parseQueryResponse(await queryAt('a', A, 'F1'), A)).toMatchObject({
      orderId: 'F1',
      tradeState: 'NOTPAY',
    });
    expect(JSON.parse(await queryAt('b', B, 'F1'))).toMatchObject({ msg: '不存在的交易订单.' });
    expect(JSON.parse(await queryAt('a', B2, 'F1'))).toMatchObject({ msg: '商户不存在' });
  });

  it('one gateway down while the other answers, and any member brings a refused one back', async () => {
    await fleet.get('a').sim.controls.setAvailability({ down: 'refused' });
    const refused = await queryAt('a', A, 'F2').then(
      () => null,
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    expect(JSON.parse(await queryAt('b', B, 'F2'))).toMatchObject({ msg: '不存在的交易订单.' });

    const listed = (await (await fetch(`${fleet.get('b').running.url}/__sim/fleet`)).json()) as {
      id: string;
      url: string;
      merchants: { memberId: string; name: string | null }[];
      availability: unknown;
    }[];
    expect(listed).toEqual([
      {
        id: 'a',
        url: fleet.get('a').running.url,
        merchants: [{ memberId: '10002', name: null }],
        availability: { down: 'refused', slowMs: 0 },
      },
      {
        id: 'b',
        url: fleet.get('b').running.url,
        merchants: [
          { memberId: '10002', name: null },
          { memberId: '10009', name: 'Shop at B' },
        ],
        availability: { down: false, slowMs: 0 },
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(A.key);

    const back = await fetch(`${fleet.get('b').running.url}/__sim/fleet/a/availability`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ down: false }),
    });
    expect(await back.json()).toMatchObject({ id: 'a', availability: { down: false, slowMs: 0 } });
    expect(JSON.parse(await queryAt('a', A, 'F2'))).toMatchObject({ msg: '不存在的交易订单.' });
  });

  it('the fleet admin refuses an unknown gateway or setting', async () => {
    const url = fleet.get('a').running.url;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/__sim/fleet/c/availability', { down: false })).status).toBe(404);
    const bad = await post('/__sim/fleet/b/availability', { slowMs: 'long' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'availability.slowMs must be an integer from 0 to 600000' },
    });
  });

  it('get() names the gateways there are', () => {
    expect(() => fleet.get('c')).toThrow('no gateway "c" in the fleet (a, b)');
  });
});

describe('fleet specs', () => {
  it('parses id=port/merchants; several separated by ;', () => {
    expect(parseFleet('a=4101/10002:k1234567; b=0/10003:k2:Shop B,10004:k3')).toEqual([
      { id: 'a', port: 4101, merchants: [{ memberId: '10002', key: 'k1234567' }] },
      {
        id: 'b',
        port: 0,
        merchants: [
          { memberId: '10003', key: 'k2', name: 'Shop B' },
          { memberId: '10004', key: 'k3' },
        ],
      },
    ]);
  });

  it('refuses a malformed entry without echoing it (it holds keys)', () => {
    const message = (() => {
      try {
        parseFleet('a=4101/10002:k1;b:secret-key-b');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toBe('gateway entry 2 is not id=port/memberId:key[:name],...');
    expect(() => parseFleet('a=70000/10002:k1')).toThrow('gateway entry 1: port must be from 0 to 65535');
    expect(() => parseFleet('a=1/9999:k1')).toThrow(
      /gateway entry 1 \(a\): merchants\[0\]\.memberId must be a number above 10000/,
    );
  });

  it('refuses repeated ids or ports, bad ids and an empty fleet', () => {
    const m = [A];
    expect(() => validateFleet([])).toThrow('gateways: at least one gateway is required');
    expect(() => validateFleet([{ id: 'A', merchants: m }])).toThrow(
      /gateways\[0\]\.id must be 1-32 lower-case/,
    );
    expect(() =>
      validateFleet([
        { id: 'a', merchants: m },
        { id: 'a', merchants: m },
      ]),
    ).toThrow('gateways[1].id a appears twice');
    expect(() =>
      validateFleet([
        { id: 'a', merchants: m, port: 4100 },
        { id: 'b', merchants: m, port: 4100 },
      ]),
    ).toThrow('gateways[1] (b): port 4100 is taken twice');
    expect(() => validateFleet([{ id: 'a', merchants: [] }])).toThrow(
      'gateways[0] (a): merchants: at least one',
    );
  });

  it('a start that fails closes the gateways already started', async () => {
    const taken = fleet.get('a').running.port;
    const free = await freePort();
    await expect(
      startGatewayFleet([
        { id: 'x', merchants: [A], port: free },
        { id: 'y', merchants: [A], port: taken },
      ]),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // x was started on `free` and closed again: the port can be listened on.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(free, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => probe.close(resolve));
  });
});
