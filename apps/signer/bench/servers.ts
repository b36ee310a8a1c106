/**
 * @module bench/servers
 * The server side of `bench/http.ts`, in its own process so the load generator does not share its event loop:
 * - a bare Hono JSON route, no I/O (`POST /json`);
 * - the straightforward durable route a merchant would write instead of the signer (`POST /order`, bench/
 *   straightforward.ts): one INSERT per request on the same kind of store, no batching, same durability;
 * - the signer on the store named by argv[2].
 * It pre-creates orders, then tells the parent (IPC) the URLs and the signed notification bodies to send. Asked
 * `stats` (IPC), it answers the round trips to PostgreSQL made so far by the signer's store and by the
 * straightforward route, so the parent can divide them by the requests of one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { NOTIFICATION_SIGNED_FIELDS, sign } from '@jupay/core';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createSigner } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { openStore } from '../src/store/open-store.ts';
import { openStraightforward } from './straightforward.ts';

/** What the parent receives once the servers are ready. */
export interface BenchReady {
  baselineUrl: string;
  /** The straightforward durable route's server (`POST /order`). */
  straightforwardUrl: string;
  signerUrl: string;
  notifyBodies: string[];
}

/** The answer to a `stats` message: round trips to PostgreSQL so far (null on SQLite). */
export interface BenchStats {
  type: 'stats';
  signerRoundTrips: number | null;
  straightforwardRoundTrips: number | null;
}

export const BENCH_KEY = 't4ig5acnpx4fet4zapshjacjd9o4bhbi';
const ORDERS = 2000;

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

async function main(): Promise<void> {
  const storeArg = process.argv[2] ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), 'jupay-bench-'));
  const store = storeArg === 'sqlite' ? join(dir, 'signer.db') : storeArg;

  const bare = new Hono();
  bare.post('/json', async (c) => c.json({ ok: true, received: await c.req.json() }));
  const baseline = await listen(bare.fetch);
  const straightforward = await openStraightforward(store, dir);
  const straightforwardServer = await listen(straightforward.app.fetch);

  const config = loadConfig({
    JUPAY_MEMBER_ID: '10002',
    JUPAY_KEY: BENCH_KEY,
    JUPAY_GATEWAY_URL: 'http://127.0.0.1:9/Pay_Index.html',
    JUPAY_PUBLIC_URL: 'http://127.0.0.1:4200',
    JUPAY_RETURN_URL: 'http://127.0.0.1:4200/thanks',
    JUPAY_BANK_CODES: '902,903',
    JUPAY_STORE: store,
    // The bench is one client address: the limits would measure the limiter, not the service.
    JUPAY_RATE_LIMIT_CHECKOUT: '0',
    JUPAY_RATE_LIMIT_STATUS: '0',
    // Every request is logged as in production (info); the lines go to /dev/null instead of a terminal.
    JUPAY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  // The signer's store is opened here (as createSigner would) so its round-trip counter can be read.
  const signerStore = await openStore(store);
  const signer = createSigner(config, {
    store: signerStore,
    logDestination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  await signer.start();
  const running = await listen(signer.app.fetch);

  const notifyBodies: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const res = await signer.app.request('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
    });
    const { orderId } = (await res.json()) as { orderId: string };
    const fields = {
      memberid: '10002',
      orderid: orderId,
      transaction_id: `T${String(i).padStart(19, '0')}`,
      amount: '12.3000',
      datetime: '20240301120005',
      returncode: '00',
    };
    const s = sign(fields, BENCH_KEY, { signedFields: NOTIFICATION_SIGNED_FIELDS });
    notifyBodies.push(
      `${Object.entries(fields)
        .map(([k, v]) => `${k}=${v}`)
        .join('&')}&sign=${s}&attach=`,
    );
  }

  const ready: BenchReady = {
    baselineUrl: baseline.url,
    straightforwardUrl: straightforwardServer.url,
    signerUrl: running.url,
    notifyBodies,
  };
  process.send!(ready);
  const onMessage = async (message: unknown) => {
    if (message === 'stats') {
      const roundTrips = (signerStore as { roundTrips?: number }).roundTrips;
      const stats: BenchStats = {
        type: 'stats',
        signerRoundTrips: roundTrips ?? null,
        straightforwardRoundTrips: straightforward.roundTrips,
      };
      process.send!(stats);
      return;
    }
    if (message !== 'stop') return;
    for (const { server } of [baseline, running, straightforwardServer]) {
      server.close();
      (server as import('node:http').Server).closeAllConnections();
    }
    await signer.stop();
    await signerStore.close();
    await straightforward.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('message', (message) => void onMessage(message));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
