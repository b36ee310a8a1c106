/**
 * @module store/postgres-migrations
 * The PostgreSQL schema, as numbered migrations. The versions and the columns mirror the SQLite store's, so
 * both stores hold the same data under the same names; only the SQL dialect differs.
 */

/** One schema step. Applied once, in order, inside the migration transaction. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration, oldest first. Never edit a released step: add a new one.
 *
 * @example
 * ```ts
 * const newest = POSTGRES_MIGRATIONS.at(-1)?.version;
 * ```
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'orders, outbox, notification log, anomalies',
    sql: `
      CREATE TABLE orders (
        order_id text PRIMARY KEY,
        member_id text NOT NULL,
        amount_fen bigint NOT NULL,
        bank_code text NOT NULL,
        product_name text NOT NULL,
        attach text,
        status text NOT NULL DEFAULT 'NOTPAY' CHECK (status IN ('NOTPAY', 'PAID')),
        transaction_id text,
        paid_via text CHECK (paid_via IN ('notify', 'query')),
        created_at timestamptz NOT NULL,
        paid_at timestamptz,
        next_query_at timestamptz,
        query_attempts integer NOT NULL DEFAULT 0,
        -- Row claim of the reconciliation loop: while it is in the future, no other instance queries this order.
        claimed_until timestamptz,
        request_fields jsonb NOT NULL,
        idempotency_key text UNIQUE,
        idempotency_body_hash text
      );
      -- The loop only ever scans unpaid orders that are due; a partial index keeps that scan small forever.
      CREATE INDEX orders_due_idx ON orders (next_query_at) WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL;

      CREATE TABLE outbox_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        order_id text NOT NULL REFERENCES orders (order_id),
        -- json, not jsonb: the payload keeps the key order it was written with.
        payload json NOT NULL,
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at timestamptz,
        last_error text,
        claimed_until timestamptz
      );
      CREATE INDEX outbox_due_idx ON outbox_events (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_order_idx ON outbox_events (order_id);

      CREATE TABLE notifications (
        id bigserial PRIMARY KEY,
        order_id text,
        raw_body text NOT NULL,
        verdict text NOT NULL,
        received_at timestamptz NOT NULL
      );
      CREATE INDEX notifications_order_idx ON notifications (order_id);

      CREATE TABLE anomalies (
        id bigserial PRIMARY KEY,
        order_id text NOT NULL,
        kind text NOT NULL,
        detail text NOT NULL,
        at timestamptz NOT NULL
      );
      CREATE INDEX anomalies_order_idx ON anomalies (order_id);
    `,
  },
  {
    version: 2,
    name: 'unverified notifications: claimed order id apart, truncation flag, retention index',
    sql: `
      ALTER TABLE notifications ADD COLUMN claimed_order_id text;
      ALTER TABLE notifications ADD COLUMN body_truncated boolean NOT NULL DEFAULT false;
      -- Unverified notifications were filed under the order id they claimed: move that claim to its own column.
      UPDATE notifications SET claimed_order_id = order_id, order_id = NULL
        WHERE verdict IN ('bad_signature', 'malformed') AND order_id IS NOT NULL;
      CREATE INDEX notifications_claimed_idx ON notifications (claimed_order_id) WHERE claimed_order_id IS NOT NULL;
      CREATE INDEX notifications_unverified_idx ON notifications (received_at) WHERE order_id IS NULL;
    `,
  },
  {
    version: 3,
    name: 'idempotency keys expire: index by age',
    sql: `
      -- Keys expire after 24 h and are released by age (store/retention.ts); only orders holding a key are indexed.
      CREATE INDEX orders_idempotency_age_idx ON orders (created_at) WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'notification bodies as bytes',
    sql: `
      -- A text column cannot hold NUL, which anyone can put in a notification: keep the body's bytes instead.
      ALTER TABLE notifications ALTER COLUMN raw_body TYPE bytea USING convert_to(raw_body, 'UTF8');
      COMMENT ON COLUMN notifications.raw_body IS
        'the notification body (or query string) as received, as its UTF-8 bytes: every character survives, NUL included';
    `,
  },
  {
    version: 5,
    name: 'query budget and reach of an order, gateway query slots',
    sql: `
      -- query_budget: how many scheduled queries an order gets before the shopper is seen to reach the gateway
      -- (NULL: the whole schedule); submitted_at / returned_at: when the widget reported the form POST and when a
      -- verified page return came back. Either signal lifts the budget (sets it NULL).
      ALTER TABLE orders
        ADD COLUMN query_budget integer CHECK (query_budget >= 0),
        ADD COLUMN submitted_at timestamptz,
        ADD COLUMN returned_at timestamptz;
      -- The due index holds only the orders the loop may claim: one whose budget is spent leaves it (and the scan
      -- never walks over it again) until a signal lifts the budget.
      DROP INDEX orders_due_idx;
      CREATE INDEX orders_due_idx ON orders (next_query_at)
        WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
          AND (query_budget IS NULL OR query_attempts < query_budget);

      -- Queries started per gateway per second (epoch seconds), shared by every instance, for the rate cap
      -- (reconcile/query-rate.ts). Rows older than a minute are deleted as new seconds are taken.
      CREATE TABLE query_slots (
        gateway_id text NOT NULL,
        epoch_second bigint NOT NULL,
        used integer NOT NULL CHECK (used >= 0),
        -- How many the last take of this row got: what the upsert answers with.
        taken integer NOT NULL DEFAULT 0,
        PRIMARY KEY (gateway_id, epoch_second)
      );
    `,
  },
  {
    version: 6,
    name: 'gateway accounts: the account of each order, the accounts health shared by every instance',
    sql: `
      -- The gateway account an order was signed for (config/gateway-accounts.ts): its notifications, page returns and
      -- queries are verified with that account's key. Orders from before several accounts were the single one's.
      ALTER TABLE orders ADD COLUMN gateway_id text NOT NULL DEFAULT 'default';

      -- Each account's health (gateways/health-state.ts) and its next active probe, so every instance routes by the
      -- same state and one of them probes each account per interval.
      CREATE TABLE gateway_health (
        gateway_id text PRIMARY KEY,
        healthy boolean NOT NULL DEFAULT true,
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        successes integer NOT NULL DEFAULT 0 CHECK (successes >= 0),
        changed_at timestamptz,
        checked_at timestamptz,
        last_error text,
        next_probe_at timestamptz
      );
    `,
  },
  {
    version: 7,
    name: 'the gateway queries of each order',
    sql: `
      -- One row per signed order query sent (reconcile/reconciler.ts), for the console's order page; pruned by age
      -- (store/retention.ts). trigger: scheduled (the loop), status (a shopper's status read), console.
      CREATE TABLE gateway_queries (
        id bigserial PRIMARY KEY,
        order_id text NOT NULL,
        gateway_id text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'status', 'console')),
        outcome text NOT NULL,
        detail text,
        at timestamptz NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0)
      );
      CREATE INDEX gateway_queries_order_idx ON gateway_queries (order_id, id);
      CREATE INDEX gateway_queries_age_idx ON gateway_queries (at);
    `,
  },
];
