/**
 * @module store/sqlite-store.test — what the shared contract cannot see: migrations on disk and the durability
 * setting (the group commit itself: sqlite-group-commit.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewOrder } from './order-store.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { CLAIM_DUE_ORDERS_SQL, openSqliteStore, type SqliteStore } from './sqlite-store.ts';

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

  it('the claim reads through the due index, which leaves out orders whose query budget is spent', async () => {
    const store = open();
    await store.migrate();
    const db = store.database;
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${CLAIM_DUE_ORDERS_SQL}`).all(0, 0, 0, '["b"]', 10) as {
      detail: string;
    }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING INDEX orders_due\b/);
    // Orders: one with a budget left, one spent (2 of 2), one without a budget.
    const [left, spent, open_] = [order(), order(), order()];
    for (const o of [left, spent, open_]) {
      await store.createOrder({ ...o, nextQueryAt: new Date(1_000), queryBudget: o === open_ ? null : 2 });
    }
    await store.scheduleNextQuery(left.orderId, new Date(1_000), 1);
    await store.scheduleNextQuery(spent.orderId, new Date(1_000), 2);
    const indexed = db
      .prepare(
        `SELECT order_id FROM orders INDEXED BY orders_due
          WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
            AND (query_budget IS NULL OR query_attempts < query_budget) ORDER BY order_id`,
      )
      .pluck()
      .all();
    expect(indexed).toEqual([left.orderId, open_.orderId]);
  });

  it('migration 5 keeps earlier orders on the whole schedule', async () => {
    const store = open();
    store.migrateSync(SQLITE_MIGRATIONS.filter((m) => m.version <= 4));
    const raw = new Database(store.path);
    raw
      .prepare(
        `INSERT INTO orders (order_id, member_id, amount_fen, bank_code, product_name, created_at, next_query_at,
           query_attempts, request_fields) VALUES ('E1', '10002', 100, '903', 'x', 0, 1000, 5, '{}')`,
      )
      .run();
    raw.close();
    await store.migrate();
    expect(store.schemaVersion()).toBe(SQLITE_MIGRATIONS.at(-1)!.version);
    expect((await store.claimDueOrders(new Date(2_000), 10, 1_000)).map((o) => o.orderId)).toEqual(['E1']);
  });

  it("migration 6 binds earlier orders to the single gateway's account, default", async () => {
    const store = open();
    store.migrateSync(SQLITE_MIGRATIONS.filter((m) => m.version <= 5));
    const raw = new Database(store.path);
    raw
      .prepare(
        `INSERT INTO orders (order_id, member_id, amount_fen, bank_code, product_name, created_at, request_fields)
           VALUES ('E6', '10002', 100, '903', 'x', 0, '{}')`,
      )
      .run();
    raw.close();
    await store.migrate();
    expect((await store.getOrder('E6'))?.gatewayId).toBe('default');
  });

  it('by default syncs the WAL itself: migrate and writes resolve only after their sync', async () => {
    const calls: Callback[] = [];
    const store = open({ fdatasync: (_fd, cb) => calls.push(cb) });
    expect(store.ownSync).toBe(true);
    const migrating = store.migrate();
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    calls.shift()!(null);
    await migrating;
    let done = false;
    const write = store.createOrder(order()).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    expect(done).toBe(false);
    calls.shift()!(null);
    await write;
  });

  it('durability "full" lets SQLite sync each commit itself', async () => {
    const calls: Callback[] = [];
    const store = open({ durability: 'full', fdatasync: (_fd, cb) => calls.push(cb) });
    expect(store.ownSync).toBe(false);
    await store.migrate();
    await store.createOrder(order());
    expect(calls).toHaveLength(0);
  });
});
