/** @module store/sqlite-store.test — what the shared contract cannot see: migrations on disk and durability. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type NewOrder } from './order-store.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(options: Parameters<typeof openSqliteStore>[1] = {}): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-sqlite-'));
  dirs.push(dir);
  const store = openSqliteStore(join(dir, 'deep', 'signer.db'), options);
  stores.push(store);
  return store;
}

let n = 0;
function order(): NewOrder {
  n += 1;
  const orderId = `E${String(n).padStart(19, '0')}`;
  return {
    orderId,
    memberId: '10002',
    amountFen: 100,
    bankCode: '903',
    productName: 'x',
    attach: null,
    createdAt: new Date(0),
    nextQueryAt: null,
    requestFields: { pay_orderid: orderId },
  };
}

type Callback = (error: NodeJS.ErrnoException | null) => void;

describe('SqliteStore', () => {
  it('creates the directory, migrates to the newest version once, and records it', async () => {
    const store = open();
    expect(store.schemaVersion()).toBe(0);
    await store.migrate();
    await store.migrate();
    expect(store.schemaVersion()).toBe(SQLITE_MIGRATIONS.at(-1)!.version);
    expect(store.schemaVersion()).toBeGreaterThanOrEqual(2);
    expect(store.ownSync).toBe(true);
  });

  it('numbers its migrations exactly as the PostgreSQL store does', () => {
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    // From 2 on, each step is the same change in both dialects (version 1 predates the rule).
    expect(SQLITE_MIGRATIONS.slice(1).map((m) => m.name)).toEqual(
      POSTGRES_MIGRATIONS.slice(1).map((m) => m.name),
    );
  });

  it('migration 2 moves the order id of logged unverified notifications into claimed_order_id', async () => {
    const store = open();
    store.migrateSync(SQLITE_MIGRATIONS.filter((m) => m.version === 1));
    expect(store.schemaVersion()).toBe(1);
    const raw = new Database(store.path);
    const insert = raw.prepare(
      'INSERT INTO notifications (order_id, raw_body, verdict, received_at) VALUES (?, ?, ?, 0)',
    );
    insert.run('E1', 'forged', 'bad_signature');
    insert.run('E1', 'garbage', 'malformed');
    insert.run('E1', 'genuine', 'paid');
    raw.close();
    await store.migrate();
    expect(store.schemaVersion()).toBe(SQLITE_MIGRATIONS.at(-1)!.version);
    expect(
      (await store.listNotifications('E1')).map((n) => [n.verdict, n.orderId, n.claimedOrderId]),
    ).toEqual([
      ['bad_signature', null, 'E1'],
      ['malformed', null, 'E1'],
      ['paid', 'E1', null],
    ]);
  });

  it('resolves a write only after the WAL sync has returned', async () => {
    const calls: Callback[] = [];
    const store = open({ fdatasync: (_fd, cb) => calls.push(cb) });
    // migrate() waits for its own sync.
    const migrating = store.migrate();
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    calls.shift()!(null);
    await migrating;

    let done = false;
    const writes = Promise.all([store.createOrder(order()), store.createOrder(order())]).then(
      () => (done = true),
    );
    await new Promise((r) => setTimeout(r, 20));
    // Committed in one group, one sync requested, nobody answered yet.
    expect(calls).toHaveLength(1);
    expect(done).toBe(false);
    calls.shift()!(null);
    await writes;
    expect(done).toBe(true);
  });

  it('a failed sync rejects the waiting writes and fails the store for good', async () => {
    const calls: Callback[] = [];
    const store = open({ fdatasync: (_fd, cb) => calls.push(cb) });
    const migrating = store.migrate();
    await new Promise((r) => setImmediate(r));
    calls.shift()!(null);
    await migrating;

    const write = store.createOrder(order());
    await new Promise((r) => setTimeout(r, 20));
    calls.shift()!(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(write).rejects.toThrow('could not sync its journal');
    await expect(write).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
    await expect(store.createOrder(order())).rejects.toThrow('could not sync its journal');
  });

  it('durability "full" lets SQLite sync each commit itself', async () => {
    const calls: Callback[] = [];
    const store = open({ durability: 'full', fdatasync: (_fd, cb) => calls.push(cb) });
    expect(store.ownSync).toBe(false);
    await store.migrate();
    await store.createOrder(order());
    expect(calls).toHaveLength(0);
  });

  it('one failing write in a group rolls back alone', async () => {
    const store = open();
    await store.migrate();
    const first = order();
    const results = await Promise.allSettled([
      store.createOrder(first),
      store.createOrder({ ...order(), orderId: first.orderId }),
      store.createOrder(order()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.getOrder(first.orderId)).not.toBeNull();
  });
});
