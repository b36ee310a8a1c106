/**
 * @module store-unavailable.test
 * When the store cannot serve (PostgreSQL unreachable, an SQLite journal that could not be synced), the browser
 * routes answer `503 STORE_UNAVAILABLE` with `Retry-After`, the gateway gets `FAIL` (so it re-sends), `/healthz`
 * says degraded, the operator's log names the cause, and nothing in any answer names a host, a path or the key.
 * PostgreSQL is the real local server, reached through a TCP link the test cuts and restores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigner } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from './helpers/postgres.ts';
import { baseEnv, checkout, createTestSigner, type TestSigner } from './helpers/signer-harness.ts';
import { notificationBody, notificationFields } from './helpers/notifications.ts';
import { captureText } from './helpers/leak-log.ts';
import { startTcpLink } from './helpers/tcp-link.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const json = { 'content-type': 'application/json' };

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('STORE_UNAVAILABLE');
  // Where the store lives is the operator's business, not the caller's.
  expect(body.error.message).not.toMatch(/127\.0\.0\.1|postgres|sqlite|\/tmp|ECONN/i);
}

function checkoutRequest(t: TestSigner): Promise<Response> {
  return t.request('/api/checkout', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
  });
}

/** A migrated PostgreSQL store in a fresh schema of the local server, reached through a link the test controls. */
async function postgresThroughLink(options: { queryTimeoutMs?: number } = {}) {
  const schema = freshSchemaName();
  cleanups.push(() => dropSchema(schema));
  const pgUrl = new URL(TEST_PG_URL);
  const link = await startTcpLink({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  cleanups.push(() => link.close());
  const viaLink = new URL(TEST_PG_URL);
  viaLink.port = String(link.port);
  const store = createPostgresStore({ url: viaLink.href, schema, ...options });
  await store.migrate();
  return { link, store };
}

describe('store unavailable: PostgreSQL', () => {
  it('answers 503 while the server cannot be reached, and serves again once it can', async () => {
    const { link, store } = await postgresThroughLink();
    const t = await createTestSigner({}, { store });
    cleanups.push(() => t.close());

    const { orderId } = await checkout(t);
    await link.cut();

    await expectUnavailable(await checkoutRequest(t));
    await expectUnavailable(await t.request(`/api/orders/${orderId}`));
    const health = await t.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', store: false });
    // The gateway is told FAIL, so it re-sends (and reconciliation asks again later).
    const notify = await t.request('/api/notify', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: notificationBody({ orderid: orderId }),
    });
    expect(notify.status).toBeGreaterThanOrEqual(500);
    expect(await notify.text()).toBe('FAIL');

    const lines = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = lines.find((line) => line.msg === 'store unavailable');
    expect(logged, 'an error line for the operator').toBeDefined();
    expect(logged!.level).toBe(50);
    // The cause is in the line: what the driver said.
    expect(JSON.stringify(logged!.err)).toMatch(/ECONNREFUSED|ECONNRESET|Connection terminated/);

    await link.restore();
    const again = await checkoutRequest(t);
    expect(again.status).toBe(201);
    const status = await t.request(`/api/orders/${orderId}`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: string }).status).toBe('NOTPAY');
  });

  it('the shopper coming back from the gateway still lands on the shop page, not on a JSON error', async () => {
    const { link, store } = await postgresThroughLink();
    const t = await createTestSigner({ JUPAY_RETURN_URL: 'https://shop.example/thanks' }, { store });
    cleanups.push(() => t.close());
    const { orderId } = await checkout(t);
    await link.cut();
    const signed = new URLSearchParams(notificationFields({ orderid: orderId, amount: '12.3000' }));
    for (const request of [
      t.request('/api/return', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signed.toString(),
      }),
      t.request(`/api/return?${signed.toString()}`),
    ]) {
      const res = await request;
      expect(res.status).toBe(303);
      // Verified with our key and member id: the order id is passed on although the store could not confirm it.
      expect(res.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}`);
    }
    // A forged return during the outage: still the bare page.
    const forged = new URLSearchParams(notificationFields({ orderid: orderId }, 'forger-key-0000'));
    const res = await t.request(`/api/return?${forged.toString()}`);
    expect(res.headers.get('location')).toBe('https://shop.example/thanks');
    expect(t.logs.some((line) => line.includes('"msg":"return: order not checked, store unavailable"'))).toBe(
      true,
    );
  });

  it('a connection that stops answering fails the call after the query timeout, and is replaced', async () => {
    const { link, store } = await postgresThroughLink({ queryTimeoutMs: 1000 });
    // No background loop may hold the pool's idle connection when the status read asks for one: it must get a
    // frozen connection, not open a fresh one.
    const t = await createTestSigner(
      { JUPAY_RECONCILE_SCHEDULE: 'off', JUPAY_WORKER_POLL_MS: '60000' },
      { store },
    );
    cleanups.push(() => t.close());
    const { orderId } = await checkout(t);

    // The open connections go silent: no answer and no reset, as behind a dead NAT entry.
    link.freeze();
    const started = Date.now();
    await expectUnavailable(await t.request(`/api/orders/${orderId}`));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(
      t.logs.some((line) => line.includes('store unavailable') && line.includes('Query read timeout')),
    ).toBe(true);
    // The pool drops each silent connection as its query times out; new ones are opened through the link.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 201; attempt++) {
      status = (await checkoutRequest(t)).status;
    }
    expect(status).toBe(201);
  });

  it('a server that accepts connections but never answers fails the call after the connect timeout', async () => {
    // A black hole: connections are accepted and then nothing, as behind a dead NAT entry or a stuck server.
    const held: Socket[] = [];
    const blackHole = createServer((socket) => held.push(socket));
    await new Promise<void>((done) => blackHole.listen(0, '127.0.0.1', done));
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise((done) => blackHole.close(done));
    });
    const port = (blackHole.address() as AddressInfo).port;
    const store = createPostgresStore({
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      connectTimeoutMs: 300,
    });
    cleanups.push(() => store.close());
    const logs: string[] = [];
    // Not started: start() would migrate, which is what cannot happen here.
    const signer = createSigner(loadConfig(baseEnv()), {
      store,
      logDestination: {
        write: (line: string) => {
          logs.push(line);
          captureText('log', line);
        },
      },
    });
    const started = Date.now();
    await expectUnavailable(
      await signer.app.request('/api/checkout', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
      }),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(logs.some((line) => line.includes('store unavailable') && line.includes('timeout'))).toBe(true);
  });

  it('a signer whose store cannot be opened answers 503, not 500', async () => {
    // A free port that nothing listens on: the link's, cut before the first connection.
    const link = await startTcpLink({ host: '127.0.0.1', port: 9 });
    await link.cut();
    const config = loadConfig(
      baseEnv({ JUPAY_STORE: `postgres://postgres@127.0.0.1:${link.port}/test`, JUPAY_LOG_LEVEL: 'fatal' }),
    );
    // createSigner opens its own store lazily, on first use; start() (which would migrate) is not called.
    const signer = createSigner(config);
    cleanups.push(() => signer.stop());
    const response = await signer.app.request('/api/checkout', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
    });
    await expectUnavailable(response);
  });
});

describe('store unavailable: SQLite', () => {
  it('after a failed journal sync, writes answer 503 and reads still work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupay-unavailable-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    let failSync = false;
    const store = openSqliteStore(join(dir, 'signer.db'), {
      // The disk reports an I/O error on the next sync (what a failing device or a full thin volume does).
      fdatasync: (_fd, callback) =>
        failSync
          ? setImmediate(() => callback(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })))
          : setImmediate(() => callback(null)),
    });
    await store.migrate();
    const t = await createTestSigner({}, { store });
    cleanups.push(() => t.close());
    const { orderId } = await checkout(t);

    failSync = true;
    await expectUnavailable(await checkoutRequest(t));
    // The store now refuses every write until a restart, even with the disk back.
    failSync = false;
    await expectUnavailable(await checkoutRequest(t));
    const status = await t.request(`/api/orders/${orderId}`);
    expect(status.status).toBe(200);
    expect((await t.request('/healthz')).status).toBe(503);
    const logged = t.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'store unavailable');
    expect(JSON.stringify(logged?.err)).toContain('could not sync its journal');
  });
});
