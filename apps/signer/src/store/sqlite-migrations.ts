/**
 * @module store/sqlite-migrations
 * The SQLite schema as numbered, append-only migrations. Never edit a released migration: add the next one.
 * Times are integer milliseconds since the epoch (UTC); money is integer fen.
 */

/** One schema step. `version` numbers are consecutive from 1. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration, oldest first.
 * @example
 * SQLITE_MIGRATIONS.at(-1)?.version; // the newest schema version
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'orders, notifications, anomalies, idempotency keys, outbox',
    sql: `
      CREATE TABLE orders (
        order_id        TEXT PRIMARY KEY,
        member_id       TEXT NOT NULL,
        amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
        bank_code       TEXT NOT NULL,
        product_name    TEXT NOT NULL,
        attach          TEXT,
        status          TEXT NOT NULL DEFAULT 'NOTPAY' CHECK (status IN ('NOTPAY', 'PAID')),
        transaction_id  TEXT,
        paid_via        TEXT CHECK (paid_via IN ('notify', 'query')),
        created_at      INTEGER NOT NULL,
        paid_at         INTEGER,
        next_query_at   INTEGER,
        query_attempts  INTEGER NOT NULL DEFAULT 0,
        lease_until     INTEGER,
        request_fields  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX orders_due ON orders (next_query_at) WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL;

      CREATE TABLE idempotency_keys (
        idempotency_key TEXT PRIMARY KEY,
        body_hash       TEXT NOT NULL,
        order_id        TEXT NOT NULL REFERENCES orders (order_id),
        created_at      INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE notifications (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id     TEXT,
        raw_body     TEXT NOT NULL,
        verdict      TEXT NOT NULL,
        received_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX notifications_order ON notifications (order_id);

      CREATE TABLE anomalies (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id  TEXT NOT NULL,
        kind      TEXT NOT NULL,
        detail    TEXT NOT NULL,
        at        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX anomalies_order ON anomalies (order_id);

      CREATE TABLE outbox (
        id               TEXT PRIMARY KEY,
        type             TEXT NOT NULL,
        order_id         TEXT NOT NULL REFERENCES orders (order_id),
        payload          TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        delivered_at     INTEGER,
        last_error       TEXT,
        lease_until      INTEGER
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_order ON outbox (order_id);
    `,
  },
  {
    version: 2,
    name: 'unverified notifications: claimed order id apart, truncation flag, retention index',
    sql: `
      ALTER TABLE notifications ADD COLUMN claimed_order_id TEXT;
      ALTER TABLE notifications ADD COLUMN body_truncated INTEGER NOT NULL DEFAULT 0 CHECK (body_truncated IN (0, 1));
      -- Unverified notifications were filed under the order id they claimed: move that claim to its own column.
      UPDATE notifications SET claimed_order_id = order_id, order_id = NULL
        WHERE verdict IN ('bad_signature', 'malformed') AND order_id IS NOT NULL;
      CREATE INDEX notifications_claimed ON notifications (claimed_order_id) WHERE claimed_order_id IS NOT NULL;
      CREATE INDEX notifications_unverified ON notifications (received_at) WHERE order_id IS NULL;
    `,
  },
  {
    version: 3,
    name: 'idempotency keys expire: index by age',
    sql: `
      -- Keys expire after 24 h and are pruned by age (store/retention.ts).
      CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
    `,
  },
  {
    version: 4,
    name: 'notification bodies as bytes',
    sql: `
      -- raw_body holds the body's UTF-8 bytes (a BLOB), as PostgreSQL's bytea does: every character survives, NUL
      -- included, and both stores keep the same thing. SQLite cannot change a column's type: the table is rebuilt.
      CREATE TABLE notifications_bytes (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id          TEXT,
        raw_body          BLOB NOT NULL,
        verdict           TEXT NOT NULL,
        received_at       INTEGER NOT NULL,
        claimed_order_id  TEXT,
        body_truncated    INTEGER NOT NULL DEFAULT 0 CHECK (body_truncated IN (0, 1))
      ) STRICT;
      INSERT INTO notifications_bytes (id, order_id, raw_body, verdict, received_at, claimed_order_id, body_truncated)
        SELECT id, order_id, CAST(raw_body AS BLOB), verdict, received_at, claimed_order_id, body_truncated
        FROM notifications;
      DROP TABLE notifications;
      ALTER TABLE notifications_bytes RENAME TO notifications;
      CREATE INDEX notifications_order ON notifications (order_id);
      CREATE INDEX notifications_claimed ON notifications (claimed_order_id) WHERE claimed_order_id IS NOT NULL;
      CREATE INDEX notifications_unverified ON notifications (received_at) WHERE order_id IS NULL;
    `,
  },
  {
    version: 5,
    name: 'query budget and reach of an order, gateway query slots',
    sql: `
      -- query_budget: how many scheduled queries an order gets before the shopper is seen to reach the gateway
      -- (NULL: the whole schedule); submitted_at / returned_at: when the widget reported the form POST and when a
      -- verified page return came back. Either signal lifts the budget (sets it NULL).
      ALTER TABLE orders ADD COLUMN query_budget INTEGER CHECK (query_budget >= 0);
      ALTER TABLE orders ADD COLUMN submitted_at INTEGER;
      ALTER TABLE orders ADD COLUMN returned_at INTEGER;
      -- The due index holds only the orders the loop may claim: one whose budget is spent leaves it (and the scan
      -- never walks over it again) until a signal lifts the budget.
      DROP INDEX orders_due;
      CREATE INDEX orders_due ON orders (next_query_at)
        WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
          AND (query_budget IS NULL OR query_attempts < query_budget);

      -- Queries started per gateway per second (epoch seconds), for the rate cap (reconcile/query-rate.ts). Rows
      -- older than a minute are deleted as new seconds are taken.
      CREATE TABLE query_slots (
        gateway_id    TEXT NOT NULL,
        epoch_second  INTEGER NOT NULL,
        used          INTEGER NOT NULL CHECK (used >= 0),
        PRIMARY KEY (gateway_id, epoch_second)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'gateway accounts: the account of each order, the accounts health shared by every instance',
    sql: `
      -- The gateway account an order was signed for (config/gateway-accounts.ts): its notifications, page returns and
      -- queries are verified with that account's key. Orders from before several accounts were the single one's.
      ALTER TABLE orders ADD COLUMN gateway_id TEXT NOT NULL DEFAULT 'default';

      -- Each account's health (gateways/health-state.ts) and its next active probe, kept in the file so it outlives
      -- a restart (gateways/sqlite-health-store.ts).
      CREATE TABLE gateway_health (
        gateway_id     TEXT PRIMARY KEY,
        healthy        INTEGER NOT NULL DEFAULT 1 CHECK (healthy IN (0, 1)),
        failures       INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        successes      INTEGER NOT NULL DEFAULT 0 CHECK (successes >= 0),
        changed_at     INTEGER,
        checked_at     INTEGER,
        last_error     TEXT,
        next_probe_at  INTEGER
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'the gateway queries of each order',
    sql: `
      -- One row per signed order query sent (reconcile/reconciler.ts), for the console's order page; pruned by age
      -- (store/retention.ts). trigger: scheduled (the loop), status (a shopper's status read), console.
      CREATE TABLE gateway_queries (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id     TEXT NOT NULL,
        gateway_id   TEXT NOT NULL,
        trigger      TEXT NOT NULL CHECK (trigger IN ('scheduled', 'status', 'console')),
        outcome      TEXT NOT NULL,
        detail       TEXT,
        at           INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL CHECK (duration_ms >= 0)
      ) STRICT;
      CREATE INDEX gateway_queries_order ON gateway_queries (order_id, id);
      CREATE INDEX gateway_queries_age ON gateway_queries (at);
    `,
  },
];
