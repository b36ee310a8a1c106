/**
 * @module store/postgres-store.contract.test
 * The shared `OrderStore` contract against the real PostgreSQL server, each test in its own schema, plus the
 * PostgreSQL-only connection settings.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { CLAIM_DUE_ORDERS_SQL, createPostgresStore } from './postgres-store.ts';
import { describeOrderStoreContract } from './store-suite.ts';

describeOrderStoreContract('postgres', async () => {
  const schema = freshSchemaName();
  const open = async () => {
    const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
    await store.migrate();
    return store;
  };
  return { store: await open(), openAnother: open, cleanup: () => dropSchema(schema) };
});

describe('PostgreSQL reconciliation claims', () => {
  it('read through the due index, however many orders wait with a spent query budget', async () => {
    const schema = freshSchemaName();
    const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 2 });
    try {
      await store.migrate();
      // 5,000 orders whose two-query budget is spent, 20 due with the whole schedule.
      await store.pool.query(
        `INSERT INTO orders (order_id, member_id, amount_fen, bank_code, product_name, created_at, next_query_at,
           query_attempts, query_budget, request_fields)
         SELECT 'P' || lpad(g::text, 19, '0'), '10002', 100, '903', 'x', now(), now() - interval '1 hour',
                2, CASE WHEN g <= 5000 THEN 2 END, '{}'
           FROM generate_series(1, 5020) g`,
      );
      await store.pool.query('ANALYZE orders');
      const { rows } = await store.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM_DUE_ORDERS_SQL}`, [
        new Date(),
        new Date(Date.now() + 60_000),
        20,
        ['b'],
      ]);
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan using orders_due_idx/);
      const claimed = await store.claimDueOrders(new Date(), 100, 60_000);
      expect(claimed).toHaveLength(20);
      expect(claimed.every((o) => o.orderId > 'P0000000000000005000')).toBe(true);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});

describe('PostgreSQL connection settings', () => {
  it('runs every connection with synchronous_commit=on, even when the database default is off', async () => {
    // A database whose default is `off` (a per-database setting an operator may have made) must not weaken the
    // store: the setting comes from the connection, so set the default to off on a throw-away database first.
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const db = `t_sync_${freshSchemaName().slice(2)}`;
    try {
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.query(`ALTER DATABASE ${db} SET synchronous_commit = off`);
      const url = new URL(TEST_PG_URL);
      url.pathname = `/${db}`;
      const plain = new pg.Client({ connectionString: url.toString() });
      await plain.connect();
      // The control: without the store's option, a connection to this database gets `off`.
      expect((await plain.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'off' });
      await plain.end();
      const store = createPostgresStore({ url: url.toString(), schema: freshSchemaName(), max: 3 });
      try {
        const seen = await Promise.all(Array.from({ length: 3 }, () => store.setting('synchronous_commit')));
        expect(seen).toEqual(['on', 'on', 'on']);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
      await admin.end();
    }
  });
});
