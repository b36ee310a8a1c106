/**
 * @module gateways/postgres-health-store
 * The accounts' health in PostgreSQL (the `gateway_health` table, migration 6), shared by every signer instance on
 * the database. An outcome is one upsert that applies the rule of gateways/health-state.ts in SQL on the row as it
 * is, so outcomes from several instances at once are each counted; a probe claim is one conditional upsert of the
 * account's next probe time.
 */
import type pg from 'pg';
import { healthDetail, initialHealth, nextHealth, type GatewayHealth } from './health-state.ts';
import type { HealthStore } from './health-store.ts';

interface HealthRow {
  gateway_id: string;
  healthy: boolean;
  failures: number;
  successes: number;
  changed_at: Date | null;
  checked_at: Date | null;
  last_error: string | null;
}

const COLUMNS = 'gateway_id, healthy, failures, successes, changed_at, checked_at, last_error';

// $1 id, $2 ok, $3 at, $4 detail, $5 failures threshold, $6 successes threshold; $7..$11 the first row's values
// (nextHealth of a healthy account, computed by the same function the memory store uses). On conflict every
// expression reads the row as it was (h.*), so the new state is decided on the stored one, never on a stale copy.
const RECORD = `
  INSERT INTO gateway_health AS h (gateway_id, healthy, failures, successes, changed_at, checked_at, last_error)
  VALUES ($1, $7, $8, $9, $10, $3, $11)
  ON CONFLICT (gateway_id) DO UPDATE SET
    failures = CASE WHEN $2 THEN 0 ELSE h.failures + 1 END,
    successes = CASE WHEN $2 THEN h.successes + 1 ELSE 0 END,
    healthy = CASE WHEN $2 THEN h.healthy OR h.successes + 1 >= $6 ELSE h.healthy AND h.failures + 1 < $5 END,
    changed_at = CASE
      WHEN (CASE WHEN $2 THEN h.healthy OR h.successes + 1 >= $6 ELSE h.healthy AND h.failures + 1 < $5 END)
        <> h.healthy THEN $3
      ELSE h.changed_at END,
    checked_at = $3,
    last_error = CASE WHEN $2 THEN h.last_error ELSE $4 END
  RETURNING ${COLUMNS}`;

// A row comes back only for the caller that moved next_probe_at: the first, or the first after it fell due.
const CLAIM = `
  INSERT INTO gateway_health AS h (gateway_id, next_probe_at) VALUES ($1, $2::timestamptz + $3 * interval '1 millisecond')
  ON CONFLICT (gateway_id) DO UPDATE SET next_probe_at = EXCLUDED.next_probe_at
    WHERE h.next_probe_at IS NULL OR h.next_probe_at <= $2
  RETURNING 1`;

function toHealth(row: HealthRow): GatewayHealth {
  return {
    gatewayId: row.gateway_id,
    healthy: row.healthy,
    failures: row.failures,
    successes: row.successes,
    changedAt: row.changed_at,
    checkedAt: row.checked_at,
    lastError: row.last_error,
  };
}

/**
 * The health store on a PostgreSQL pool whose connections use the store's schema (`PostgresOrderStore.pool`).
 * @example
 * const health = createPostgresHealthStore(store.pool);
 * await health.claimProbe('a', new Date(), 30_000); // true for one instance per 30 s
 */
export function createPostgresHealthStore(pool: pg.Pool): HealthStore {
  return {
    async record(gatewayId, outcome, thresholds) {
      const first = nextHealth(initialHealth(gatewayId), outcome, thresholds);
      const detail = outcome.ok ? null : healthDetail(outcome.detail);
      const { rows } = await pool.query<HealthRow>(RECORD, [
        gatewayId,
        outcome.ok,
        outcome.at,
        detail,
        thresholds.failures,
        thresholds.successes,
        first.healthy,
        first.failures,
        first.successes,
        first.changedAt,
        first.lastError,
      ]);
      return toHealth(rows[0]!);
    },
    async list() {
      const { rows } = await pool.query<HealthRow>(
        `SELECT ${COLUMNS} FROM gateway_health ORDER BY gateway_id COLLATE "C"`,
      );
      return rows.map(toHealth);
    },
    async claimProbe(gatewayId, now, intervalMs) {
      const { rowCount } = await pool.query(CLAIM, [gatewayId, now, intervalMs]);
      return rowCount === 1;
    },
  };
}
