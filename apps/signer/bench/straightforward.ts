/**
 * @module bench/straightforward
 * The route a merchant would write instead of running the signer, as the bench's baseline for the stores: a Hono
 * `POST /order` that parses the JSON body, does one durable INSERT and answers `201` with the new id. No batching,
 * no group commit, and the same durability the signer keeps:
 * - SQLite: better-sqlite3 in WAL mode with `synchronous = FULL` (every commit synced before the call returns);
 * - PostgreSQL: a `pg` Pool of 10 with `synchronous_commit = on`, one `INSERT` per request (one round trip).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import pg from 'pg';

/** A running straightforward route: its app, how many round trips it made to PostgreSQL, and its cleanup. */
export interface Straightforward {
  app: Hono;
  /** Statements sent to PostgreSQL so far (one round trip each); null on SQLite. */
  readonly roundTrips: number | null;
  close(): Promise<void>;
}

interface OrderBody {
  bankCode?: unknown;
  amount?: unknown;
}

/** What the route stores of a request: an id, the two fields, the body as received, the time. */
function orderRow(body: OrderBody): [string, string, number, string, number] {
  return [
    randomUUID(),
    String(body.bankCode),
    Math.round(Number(body.amount) * 100),
    JSON.stringify(body),
    Date.now(),
  ];
}

/**
 * Opens the straightforward route on the same kind of store as `store` (`sqlite`, or a `postgres://` URL whose
 * `?schema=` names the bench's throw-away schema); SQLite files go in `dir`.
 * @example
 * const s = await openStraightforward('sqlite', tmpDir);
 * serve({ fetch: s.app.fetch, port: 0 });
 */
export async function openStraightforward(store: string, dir: string): Promise<Straightforward> {
  const app = new Hono();
  if (!/^postgres(ql)?:\/\//.test(store)) {
    const db = new Database(join(dir, 'straightforward.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE orders (order_id TEXT PRIMARY KEY, bank_code TEXT NOT NULL, amount_fen INTEGER NOT NULL,
               body TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT`);
    const insert = db.prepare(
      'INSERT INTO orders (order_id, bank_code, amount_fen, body, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    app.post('/order', async (c) => {
      const row = orderRow(await c.req.json<OrderBody>());
      insert.run(...row);
      return c.json({ orderId: row[0] }, 201);
    });
    return { app, roundTrips: null, close: async () => void db.close() };
  }
  const url = new URL(store);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: url.href,
    max: 10,
    options: ['-c synchronous_commit=on', ...(schema ? [`-c search_path=${schema}`] : [])].join(' '),
  });
  pool.on('error', () => {});
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await pool.query(`CREATE TABLE straightforward_orders (order_id text PRIMARY KEY, bank_code text NOT NULL,
                      amount_fen bigint NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL)`);
  let roundTrips = 0;
  app.post('/order', async (c) => {
    const [orderId, bankCode, amountFen, body, createdAt] = orderRow(await c.req.json<OrderBody>());
    roundTrips += 1;
    await pool.query(
      `INSERT INTO straightforward_orders (order_id, bank_code, amount_fen, body, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [orderId, bankCode, amountFen, body, new Date(createdAt)],
    );
    return c.json({ orderId }, 201);
  });
  return {
    app,
    get roundTrips() {
      return roundTrips;
    },
    close: () => pool.end(),
  };
}
