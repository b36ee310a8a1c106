/**
 * @module gateways/health-state
 * An account's health as data, and the one rule that moves it: a healthy account becomes unhealthy after
 * `failures` failed queries in a row (its own reconciliation queries, or the active probe), an unhealthy one healthy
 * again after `successes` in a row. Every account starts healthy: routing must not wait for a first probe. The
 * PostgreSQL health store applies the same rule in SQL (gateways/postgres-health-store.ts); the contract suite
 * (gateways/health-store-suite.ts) checks both against this function.
 */

/** One account's health. */
export interface GatewayHealth {
  gatewayId: string;
  healthy: boolean;
  /** Failed outcomes in a row (0 after a success). */
  failures: number;
  /** Successful outcomes in a row (0 after a failure). */
  successes: number;
  /** When `healthy` last changed; null while it never has. */
  changedAt: Date | null;
  /** When the last outcome was recorded; null before the first. */
  checkedAt: Date | null;
  /** What the last failure was (`ECONNREFUSED`, `HTTP 503`, `timeout`, the gateway's message, ...). */
  lastError: string | null;
}

/** One query's outcome for the account's health. */
export interface HealthOutcome {
  ok: boolean;
  at: Date;
  /** For a failure: what happened, for the operator (never a key: the gateway's answer or a network code). */
  detail?: string;
}

/** How many outcomes in a row change the state (`JUPAY_HEALTH_FAILURES`, `JUPAY_HEALTH_SUCCESSES`). */
export interface HealthThresholds {
  failures: number;
  successes: number;
}

/** The longest `lastError` kept: enough to say what happened. */
export const MAX_HEALTH_DETAIL = 200;

/**
 * The health of an account nothing has been recorded for: healthy.
 * @example
 * initialHealth('a'); // { gatewayId: 'a', healthy: true, failures: 0, successes: 0, ... }
 */
export function initialHealth(gatewayId: string): GatewayHealth {
  return {
    gatewayId,
    healthy: true,
    failures: 0,
    successes: 0,
    changedAt: null,
    checkedAt: null,
    lastError: null,
  };
}

/**
 * The health after one more outcome.
 * @example
 * let h = initialHealth('a');
 * for (let i = 0; i < 3; i += 1) h = nextHealth(h, { ok: false, at, detail: 'ECONNREFUSED' }, { failures: 3, successes: 2 });
 * h.healthy; // false
 */
export function nextHealth(
  state: GatewayHealth,
  outcome: HealthOutcome,
  thresholds: HealthThresholds,
): GatewayHealth {
  const failures = outcome.ok ? 0 : state.failures + 1;
  const successes = outcome.ok ? state.successes + 1 : 0;
  const healthy = outcome.ok
    ? state.healthy || successes >= thresholds.successes
    : state.healthy && failures < thresholds.failures;
  return {
    gatewayId: state.gatewayId,
    healthy,
    failures,
    successes,
    changedAt: healthy !== state.healthy ? outcome.at : state.changedAt,
    checkedAt: outcome.at,
    lastError: outcome.ok ? state.lastError : healthDetail(outcome.detail),
  };
}

/**
 * A failure's detail as stored: one line, at most {@link MAX_HEALTH_DETAIL} characters.
 * @example
 * healthDetail('connect ECONNREFUSED 127.0.0.1:4101'); // the same
 */
export function healthDetail(detail: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- one line in the console and the log
  const line = (detail ?? 'failed').replace(/[\x00-\x1f\x7f]+/g, ' ').trim() || 'failed';
  // Cut by code points, never inside a surrogate pair.
  const chars = Array.from(line);
  return chars.length > MAX_HEALTH_DETAIL ? `${chars.slice(0, MAX_HEALTH_DETAIL - 3).join('')}...` : line;
}
