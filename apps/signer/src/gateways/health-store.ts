/**
 * @module gateways/health-store
 * Where the accounts' health is kept, so every signer instance routes by the same state: in the order store's
 * database (gateways/postgres-health-store.ts, shared by every instance; gateways/sqlite-health-store.ts), or in
 * this process ({@link memoryHealthStore}, for an order store of another kind). The store also hands out the active
 * probes, so several instances probe each account once per interval between them, not once each.
 */
import {
  initialHealth,
  nextHealth,
  type GatewayHealth,
  type HealthOutcome,
  type HealthThresholds,
} from './health-state.ts';

/** The health of the gateway accounts, shared by every instance that uses the same store. */
export interface HealthStore {
  /** Applies one outcome to the account's health (gateways/health-state.ts) in one step; answers the new state. */
  record(gatewayId: string, outcome: HealthOutcome, thresholds: HealthThresholds): Promise<GatewayHealth>;
  /**
   * The accounts something was recorded (or a probe claimed) for, by id; any other is as healthy as
   * {@link initialHealth} says.
   */
  list(): Promise<GatewayHealth[]>;
  /**
   * true for the one caller that should probe the account now: none was told so within the last `intervalMs`.
   * Whoever gets true probes and records the outcome.
   */
  claimProbe(gatewayId: string, now: Date, intervalMs: number): Promise<boolean>;
}

/**
 * The health store of one process.
 * @example
 * const store = memoryHealthStore();
 * await store.record('a', { ok: false, at: new Date(), detail: 'ECONNREFUSED' }, { failures: 3, successes: 2 });
 */
export function memoryHealthStore(): HealthStore {
  const states = new Map<string, GatewayHealth>();
  const nextProbe = new Map<string, number>();
  return {
    async record(gatewayId, outcome, thresholds) {
      const next = nextHealth(states.get(gatewayId) ?? initialHealth(gatewayId), outcome, thresholds);
      states.set(gatewayId, next);
      return { ...next };
    },
    async list() {
      return [...states.values()]
        .sort((x, y) => (x.gatewayId < y.gatewayId ? -1 : x.gatewayId > y.gatewayId ? 1 : 0))
        .map((s) => ({ ...s }));
    },
    async claimProbe(gatewayId, now, intervalMs) {
      const due = nextProbe.get(gatewayId);
      if (due !== undefined && due > now.getTime()) return false;
      nextProbe.set(gatewayId, now.getTime() + intervalMs);
      return true;
    },
  };
}
