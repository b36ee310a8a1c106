/**
 * @module test/helpers/fixtures
 * Shared fixtures for the HTTP tests: a merchant receiver on a free port, a running simulator, signed requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeForm, PAYMENT_SIGNED_FIELDS, sign, type Dialect, type Fields } from '@jupay/core';
import { afterEach, beforeEach } from 'vitest';
import {
  createGatewaySim,
  type GatewaySim,
  type GatewaySimOptions,
  type RunningGatewaySim,
} from '../../src/app.ts';
import { DEMO_MERCHANT } from '../../src/merchants.ts';

/** One request the merchant receiver got. */
export interface Received {
  body: string;
  contentType: string | undefined;
  at: number;
}

/** A tiny merchant notify endpoint. */
export interface MerchantReceiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1 that records every request and answers `reply(body)`.
 *
 * @example
 * const merchant = await startMerchant(() => ({ body: 'OK' }));
 */
export function startMerchant(
  reply: (body: string, index: number) => { status?: number; body: string } = () => ({ body: 'OK' }),
): Promise<MerchantReceiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, contentType: req.headers['content-type'], at: Date.now() });
      const answer = reply(body, received.length - 1);
      res.writeHead(answer.status ?? 200, { 'Content-Type': 'text/plain' });
      res.end(answer.body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/notify`,
        received,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A started simulator. */
export interface StartedSim extends GatewaySim {
  running: RunningGatewaySim;
}

/**
 * Creates and starts a simulator on a free port.
 *
 * @example
 * const sim = await startSim({ resendIntervalMs: 20 });
 */
export async function startSim(options: GatewaySimOptions = {}): Promise<StartedSim> {
  const sim = createGatewaySim({ resendIntervalMs: 30, ...options });
  return { ...sim, running: await sim.start() };
}

/** What {@link useSimAndMerchant} provides to each test. */
export interface SimAndMerchant {
  sim: StartedSim;
  merchant: MerchantReceiver;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that give every test of the file a fresh merchant receiver (answering
 * `OK`) and a fresh simulator, both on free ports, and close them afterwards. Read them from the returned object
 * inside tests (they are replaced before each one).
 *
 * @example
 * const t = useSimAndMerchant();
 * it('...', async () => { await postForm(`${t.sim.running.url}/Pay_Index.html`, paymentFields({ pay_notifyurl: t.merchant.url })); });
 */
export function useSimAndMerchant(options: GatewaySimOptions = {}): SimAndMerchant {
  const fixtures = {} as SimAndMerchant;
  beforeEach(async () => {
    fixtures.merchant = await startMerchant();
    fixtures.sim = await startSim(options);
  });
  afterEach(async () => {
    await fixtures.sim.running.close();
    await fixtures.merchant.close();
  });
  return fixtures;
}

/**
 * A signed payment request for the demo merchant (signing the given raw values, as a merchant would).
 *
 * @example
 * paymentFields({ pay_orderid: 'E1' }).pay_md5sign;
 */
export function paymentFields(
  overrides: Fields = {},
  options: { key?: string; dialect?: Dialect } = {},
): Fields {
  const fields: Fields = {
    pay_memberid: DEMO_MERCHANT.memberId,
    pay_orderid: `T${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    pay_applydate: '2024-03-01 12:00:00',
    pay_bankcode: '903',
    pay_notifyurl: 'http://127.0.0.1:9/notify',
    pay_callbackurl: 'http://127.0.0.1:9/return',
    pay_amount: '12.34',
    pay_productname: 'VIP基础服务',
    ...overrides,
  };
  if (!('pay_md5sign' in overrides)) {
    fields.pay_md5sign = sign(fields, options.key ?? DEMO_MERCHANT.key, {
      signedFields: PAYMENT_SIGNED_FIELDS,
      dialect: options.dialect ?? 'standard',
    });
  }
  return fields;
}

/**
 * POSTs a form (fields are URL-encoded; a string is sent as it is).
 *
 * @example
 * await postForm(`${url}/Pay_Index.html`, fields);
 */
export function postForm(url: string, fields: Fields | string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: typeof fields === 'string' ? fields : encodeForm(fields),
    redirect: 'manual',
  });
}

/** Decodes a hand-built notification body the way a PHP merchant's `$_POST` would. */
export function formOf(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
