/**
 * @module gateways/health-tracker
 * The health of each gateway account as this instance sees it, for routing: read from the health store
 * (gateways/health-store.ts, shared on PostgreSQL) at every tick, and updated by two kinds of evidence. Passive:
 * the outcome of each order query this instance makes ({@link HealthTracker.report}; checkout signs locally, so the
 * queries are the only traffic with the gateway). Active: every `JUPAY_HEALTH_INTERVAL`, one instance (the store
 * hands the probe out) asks the gateway about an order that cannot exist, the proof `jupay-signer check` uses
 * (check/probe-credentials.ts), so an idle account's health is known too, and a down one is seen coming back.
 * Routing reads {@link HealthTracker.isHealthy}, which never waits: a store that cannot be read leaves the last
 * state known.
 */
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import type { HealthSettings } from '../config/load-config.ts';
import { accountProbeSettings, probeCredentials } from '../check/probe-credentials.ts';
import { silentLogger, type WorkerLogger } from '../reconcile/polling-loop.ts';
import { initialHealth, type GatewayHealth } from './health-state.ts';
import type { HealthStore } from './health-store.ts';
import type { QueryHealth } from './query-health.ts';

/**
 * The active probe of one account: the gateway's verdict on a signed query of an order that cannot exist. `signal`
 * aborts when the tracker stops.
 */
export type AccountProbe = (
  account: GatewayAccount,
  timeoutMs: number,
  signal?: AbortSignal,
) => Promise<QueryHealth>;

/** Options of {@link createHealthTracker}. */
export interface HealthTrackerOptions {
  accounts: readonly GatewayAccount[];
  /** The store, or how to get it once the order store is open (see `healthStoreFor`). */
  store: HealthStore | (() => Promise<HealthStore>);
  settings: HealthSettings;
  clock?: () => Date;
  logger?: WorkerLogger;
  /** Default: {@link probeAccount}. */
  probe?: AccountProbe;
  /** How often the shared state is read and due probes are claimed; default 1 s (`JUPAY_WORKER_POLL_MS`). */
  tickMs?: number;
  /** Told each change of an account's health this instance sees (its own outcome, or another instance's). */
  onChange?: (health: GatewayHealth, account: GatewayAccount) => void;
}

/** The health of the accounts, for routing, `/healthz`, the console and the metrics. */
export interface HealthTracker {
  /** The last state known; an account nothing is known of is healthy. */
  isHealthy(gatewayId: string): boolean;
  /** One state per configured account, in the configured order. */
  states(): GatewayHealth[];
  /** Records a query's outcome (passive health); resolves the new state, or null when the store failed. */
  report(gatewayId: string, outcome: QueryHealth): Promise<GatewayHealth | null>;
  /** Reads the shared state and starts the probes that are due; what the timer runs (tests call it directly). */
  tick(): Promise<void>;
  /** Resolves once the probes started so far have been recorded. */
  settled(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The active probe: `jupay-signer check`'s proof (check/probe-credentials.ts) on the account's query URL, in its
 * dialect; `ok` when the gateway verified our signature and answered.
 * @example
 * const health = await probeAccount(config.gateways[0], 5000); // { ok: false, detail: 'JUPAY_GATEWAY_A_QUERY_URL: cannot reach ...' }
 */
export async function probeAccount(
  account: GatewayAccount,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<QueryHealth> {
  const probe = await probeCredentials({
    credentials: { memberId: account.memberId, key: account.key },
    queryUrl: account.queryUrl,
    dialect: account.dialect,
    timeoutMs,
    settings: accountProbeSettings(account.id),
    ...(signal ? { signal } : {}),
  });
  return probe.ok
    ? { ok: true, detail: probe.detail }
    : { ok: false, detail: `${probe.setting}: ${probe.problem}` };
}

/**
 * Creates the tracker; `start()` runs its tick every `tickMs`.
 * @example
 * const health = createHealthTracker({ accounts: config.gateways, store: memoryHealthStore(), settings: config.health });
 * health.start();
 * routeAccount(config.gateways, '903', health.isHealthy);
 */
export function createHealthTracker(options: HealthTrackerOptions): HealthTracker {
  const { accounts, settings } = options;
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const probe = options.probe ?? probeAccount;
  const tickMs = options.tickMs ?? 1000;
  const thresholds = { failures: settings.failures, successes: settings.successes };
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const known = new Map<string, GatewayHealth>(accounts.map((a) => [a.id, initialHealth(a.id)]));
  const probing = new Map<string, Promise<void>>();
  let storePromise: Promise<HealthStore> | undefined;
  const store = (): Promise<HealthStore> => {
    if (!storePromise) {
      const given = options.store;
      storePromise = typeof given === 'function' ? given() : Promise.resolve(given);
      // A failed open is tried again at the next call.
      storePromise.catch(() => {
        storePromise = undefined;
      });
    }
    return storePromise;
  };

  /** Takes a state read or written, and says when it changes what routing does. */
  function learn(state: GatewayHealth): void {
    const account = byId.get(state.gatewayId);
    if (!account) return; // an account no longer configured
    const before = known.get(state.gatewayId)!;
    known.set(state.gatewayId, state);
    if (before.healthy === state.healthy) return;
    if (state.healthy) {
      logger.info({ gateway: account.id, successes: state.successes }, 'gateway account healthy again');
    } else {
      logger.warn(
        { gateway: account.id, failures: state.failures, lastError: state.lastError },
        'gateway account unhealthy: checkouts go to the other accounts',
      );
    }
    options.onChange?.({ ...state }, account);
  }

  async function report(gatewayId: string, outcome: QueryHealth): Promise<GatewayHealth | null> {
    if (!byId.has(gatewayId)) return null;
    try {
      const state = await (
        await store()
      ).record(
        gatewayId,
        { ok: outcome.ok, at: clock(), ...(outcome.ok ? {} : { detail: outcome.detail }) },
        thresholds,
      );
      learn(state);
      return state;
    } catch (error) {
      logger.error({ err: error, gateway: gatewayId }, 'could not record the gateway account health');
      return null;
    }
  }

  // Aborted by stop(): a probe in flight then ends at once and records nothing.
  let stopping = new AbortController();

  function startProbe(account: GatewayAccount): void {
    const { signal } = stopping;
    const run = (async () => {
      let outcome: QueryHealth;
      try {
        outcome = await probe(account, settings.timeoutMs, signal);
      } catch (error) {
        outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
      if (signal.aborted) return;
      if (!outcome.ok) logger.debug({ gateway: account.id, detail: outcome.detail }, 'gateway probe failed');
      await report(account.id, outcome);
    })().finally(() => probing.delete(account.id));
    probing.set(account.id, run);
  }

  async function tick(): Promise<void> {
    let shared: HealthStore;
    try {
      shared = await store();
      for (const state of await shared.list()) learn(state);
    } catch (error) {
      logger.error({ err: error }, 'could not read the gateway accounts health');
      return;
    }
    if (settings.intervalMs <= 0) return;
    const now = clock();
    for (const account of accounts) {
      // One probe of an account at a time here; the claim keeps other instances from probing it too.
      if (probing.has(account.id)) continue;
      try {
        if (await shared.claimProbe(account.id, now, settings.intervalMs)) startProbe(account);
      } catch (error) {
        logger.error({ err: error, gateway: account.id }, 'could not claim a gateway probe');
      }
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(loop, tickMs);
    });
  };

  return {
    isHealthy: (gatewayId) => known.get(gatewayId)?.healthy ?? true,
    states: () => accounts.map((a) => ({ ...known.get(a.id)! })),
    report,
    tick,
    async settled() {
      await Promise.all(probing.values());
    },
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = new AbortController();
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      stopping.abort();
      await running;
      await Promise.all(probing.values());
    },
  };
}
