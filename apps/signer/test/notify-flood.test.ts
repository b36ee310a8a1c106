/**
 * @module notify-flood.test
 * A 60 s flood of forged notifications (on the signer's clock, run 6x faster than the wall clock) over real HTTP,
 * from one source and from thousands, with genuine notifications sent all along: on SQLite and on PostgreSQL the
 * store grows by less than 10 MB (measured: the database and WAL files, or the schema's relation sizes), at most
 * the budget's rows of unverified notifications are kept, and every genuine notification is applied and answered
 * `OK`. The figures are printed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UNVERIFIED_PER_HOUR } from '../src/orders/unverified-budget.ts';
import type { OrderStore } from '../src/store/order-store.ts';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { notificationBody } from './helpers/notifications.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from './helpers/postgres.ts';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';

const SPEED = 6;
const FLOOD_MS = 60_000 / SPEED;
const WORKERS = 24;
const MB = 1024 * 1024;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** One POST over a keep-alive agent; resolves with the status and body. */
function post(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A forged notification: signed with another key, or garbage, up to 2 KB, claiming some order. */
function forgery(i: number): string {
  const claimed = `E${String(i).padStart(19, '0')}`;
  if (i % 3 === 0) return `memberid=10002&orderid=${claimed}&garbage=${'z'.repeat(i % 2000)}`;
  return `${notificationBody({ orderid: claimed, transaction_id: String(i) }, 'forger-key-0000')}${'&pad=x'.repeat(i % 300)}`;
}

/** Half the flood from one address, half from a new IPv4 address or IPv6 /64 each time. */
function source(i: number): string {
  if (i % 2 === 0) return '203.0.113.66';
  return i % 4 === 1
    ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    : `2001:db8:${(i >> 16) & 0xffff}:${i & 0xffff}::1`;
}

interface Store {
  store: OrderStore;
  bytes(): Promise<number>;
  unverifiedRows(): Promise<number>;
}

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-flood-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'signer.db');
  const store = openSqliteStore(path);
  await store.migrate();
  const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return {
    store,
    // What the store takes on disk: the database file and its write-ahead log.
    bytes: async () => size(path) + size(`${path}-wal`),
    unverifiedRows: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return (
          db.prepare('SELECT count(*) AS n FROM notifications WHERE order_id IS NULL').get() as { n: number }
        ).n;
      } finally {
        db.close();
      }
    },
  };
}

async function postgresStore(): Promise<Store> {
  const schema = freshSchemaName();
  cleanups.push(() => dropSchema(schema));
  const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 8 });
  await store.migrate();
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  cleanups.push(() => client.end());
  return {
    store,
    // Every table of the schema with its indexes and TOAST, as PostgreSQL stores them.
    bytes: async () => {
      const { rows } = await client.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schema],
      );
      return Number(rows[0]!.bytes);
    },
    unverifiedRows: async () => {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${schema}.notifications WHERE order_id IS NULL`,
      );
      return Number(rows[0]!.n);
    },
  };
}

describe.each([
  ['SQLite', sqliteStore],
  ['PostgreSQL', postgresStore],
] as const)('a 60 s flood of forged notifications on %s', (kind, open) => {
  it('grows the store by less than 10 MB, and every genuine notification is applied and acknowledged', async () => {
    const { store, bytes, unverifiedRows } = await open();
    const wallStart = Date.now();
    // The signer's clock runs SPEED times faster: 60 s of its minutes and hours pass in FLOOD_MS of wall time.
    const clock = () => new Date(wallStart + (Date.now() - wallStart) * SPEED);
    const t: TestSigner = await createTestSigner(
      {
        JUPAY_TRUSTED_PROXY_HEADER: 'x-forwarded-for',
        JUPAY_RATE_LIMIT_CHECKOUT: '0',
        JUPAY_RECONCILE_SCHEDULE: 'off',
        JUPAY_LOG_LEVEL: 'warn',
      },
      { store, clock },
    );
    cleanups.push(() => t.close());
    const http = await listen(t.fetch);
    cleanups.push(() => http.close());
    const agent = new Agent({ keepAlive: true, maxSockets: WORKERS + 2 });
    cleanups.push(async () => agent.destroy());
    const notifyUrl = new URL('/api/notify', http.url);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const before = await bytes();
    const deadline = Date.now() + FLOOD_MS;
    let forged = 0;
    let forgedRefused = 0;
    const flood = Array.from({ length: WORKERS }, async () => {
      while (Date.now() < deadline) {
        const i = forged++;
        const [status, text] = await post(agent, notifyUrl, forgery(i), {
          ...form,
          'x-forwarded-for': source(i),
        });
        if (status === 400 && text === 'FAIL') forgedRefused++;
      }
    });

    // Genuine payments all along: checkout, then the gateway's correctly signed notification.
    const genuine: { orderId: string; reply: string }[] = [];
    const payments = (async () => {
      for (let n = 0; Date.now() < deadline; n++) {
        const [status, text] = await post(
          agent,
          new URL('/api/checkout', http.url),
          JSON.stringify({ bankCode: '903', amount: '12.30' }),
          { 'content-type': 'application/json' },
        );
        expect(status).toBe(201);
        const { orderId } = JSON.parse(text) as { orderId: string };
        const body = notificationBody({ orderid: orderId, amount: '12.3000', transaction_id: `2026${n}` });
        const [code, reply] = await post(agent, notifyUrl, body, {
          ...form,
          'x-forwarded-for': '198.51.100.9',
        });
        genuine.push({ orderId, reply: `${code} ${reply}` });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await Promise.all([...flood, payments]);
    const wallMs = Date.now() - wallStart;
    const grown = (await bytes()) - before;
    const rows = await unverifiedRows();

    console.log(
      `[${kind}] flood of ${forged} forged notifications in ${(wallMs / 1000).toFixed(1)} s of wall time ` +
        `(${Math.round(forged / (wallMs / 1000))}/s; ${((wallMs * SPEED) / 1000).toFixed(0)} s on the signer's clock), ` +
        `${genuine.length} genuine: store grew ${(grown / MB).toFixed(2)} MB, ${rows} unverified rows kept`,
    );
    expect(forgedRefused).toBe(forged);
    expect(genuine.length).toBeGreaterThanOrEqual(10);
    expect(genuine.filter((g) => g.reply !== '200 OK')).toEqual([]);
    for (const { orderId } of genuine) expect((await t.store.getOrder(orderId))?.status).toBe('PAID');
    expect(rows).toBeLessThanOrEqual(UNVERIFIED_PER_HOUR);
    expect(grown).toBeLessThan(10 * MB);
    // The figures the summary lines report add up to what was not stored.
    const summaries = t.logs
      .filter((line) => line.includes('unverified notifications not stored'))
      .map((line) => JSON.parse(line) as { notStored: number });
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries.length).toBeLessThanOrEqual(Math.ceil((wallMs * SPEED) / 60_000) + 1);
  }, 120_000);
});
