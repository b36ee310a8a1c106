/**
 * @module gateways/sqlite-health-store
 * The accounts' health in the SQLite store's file (the `gateway_health` table, migration 6), so it outlives a
 * restart and processes sharing the file share it. Written on the store's own connection, outside its group commit:
 * better-sqlite3 runs each statement to its end before anything else happens on the connection, and a group commit
 * never leaves a transaction open across turns of the event loop, so each statement here commits on its own. The
 * health needs no sync to disk: a lost outcome is only one less in a count. The rule of gateways/health-state.ts is
 * applied in SQL on the row as it is, as on PostgreSQL.
 */
import type Database from 'better-sqlite3';
import { healthDetail, initialHealth, nextHealth, type GatewayHealth } from './health-state.ts';
import type { HealthStore } from './health-store.ts';

interface HealthRow {
  gateway_id: string;
  healthy: number;
  failures: number;
  successes: number;
  changed_at: number | null;
  checked_at: number | null;
  last_error: string | null;
}

const COLUMNS = 'gateway_id, healthy, failures, successes, changed_at, checked_at, last_error';

// Named parameters: :ok (0 or 1), :at (ms), :detail, :failures and :successes (the thresholds), :healthy0,
// :failures0, :successes0, :changed0, :error0 (the first row, computed by nextHealth). On conflict every expression
// reads the stored row (gateway_health.*), so the new state is decided on it, never on a stale copy.
const RECORD = `
  INSERT INTO gateway_health (gateway_id, healthy, failures, successes, changed_at, checked_at, last_error)
  VALUES (:id, :healthy0, :failures0, :successes0, :changed0, :at, :error0)
  ON CONFLICT (gateway_id) DO UPDATE SET
    failures = CASE WHEN :ok THEN 0 ELSE gateway_health.failures + 1 END,
    successes = CASE WHEN :ok THEN gateway_health.successes + 1 ELSE 0 END,
    healthy = CASE WHEN :ok THEN (gateway_health.healthy OR gateway_health.successes + 1 >= :successes)
      ELSE (gateway_health.healthy AND gateway_health.failures + 1 < :failures) END,
    changed_at = CASE
      WHEN (CASE WHEN :ok THEN (gateway_health.healthy OR gateway_health.successes + 1 >= :successes)
        ELSE (gateway_health.healthy AND gateway_health.failures + 1 < :failures) END) <> gateway_health.healthy
      THEN :at ELSE gateway_health.changed_at END,
    checked_at = :at,
    last_error = CASE WHEN :ok THEN gateway_health.last_error ELSE :detail END
  RETURNING ${COLUMNS}`;

const CLAIM = `
  INSERT INTO gateway_health (gateway_id, next_probe_at) VALUES (:id, :next)
  ON CONFLICT (gateway_id) DO UPDATE SET next_probe_at = excluded.next_probe_at
    WHERE gateway_health.next_probe_at IS NULL OR gateway_health.next_probe_at <= :now
  RETURNING 1 AS claimed`;

function toHealth(row: HealthRow): GatewayHealth {
  return {
    gatewayId: row.gateway_id,
    healthy: row.healthy === 1,
    failures: row.failures,
    successes: row.successes,
    changedAt: row.changed_at === null ? null : new Date(row.changed_at),
    checkedAt: row.checked_at === null ? null : new Date(row.checked_at),
    lastError: row.last_error,
  };
}

/**
 * The health store on an SQLite store's connection (`SqliteStore.database`).
 * @example
 * const health = createSqliteHealthStore(store.database);
 */
export function createSqliteHealthStore(db: Database.Database): HealthStore {
  const record = db.prepare<Record<string, unknown>, HealthRow>(RECORD);
  const list = db.prepare<[], HealthRow>(`SELECT ${COLUMNS} FROM gateway_health ORDER BY gateway_id`);
  const claim = db.prepare<Record<string, unknown>, { claimed: number }>(CLAIM);
  return {
    async record(gatewayId, outcome, thresholds) {
      const first = nextHealth(initialHealth(gatewayId), outcome, thresholds);
      const row = record.get({
        id: gatewayId,
        ok: outcome.ok ? 1 : 0,
        at: outcome.at.getTime(),
        detail: outcome.ok ? null : healthDetail(outcome.detail),
        failures: thresholds.failures,
        successes: thresholds.successes,
        healthy0: first.healthy ? 1 : 0,
        failures0: first.failures,
        successes0: first.successes,
        changed0: first.changedAt?.getTime() ?? null,
        error0: first.lastError,
      })!;
      return toHealth(row);
    },
    async list() {
      return list.all().map(toHealth);
    },
    async claimProbe(gatewayId, now, intervalMs) {
      return claim.get({ id: gatewayId, now: now.getTime(), next: now.getTime() + intervalMs }) !== undefined;
    },
  };
}
