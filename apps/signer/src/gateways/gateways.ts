/**
 * @module gateways/gateways
 * The signer's gateway accounts as one object for the routes and the background work: each account by id, its
 * health (gateways/health-tracker.ts), where its forms go (gateways/payment-target.ts), and the routing of a
 * checkout (gateways/route-account.ts).
 *
 * Health decides among accounts; it never refuses every checkout. While at least one account is healthy, an
 * unhealthy one takes no checkout and a method none of whose accounts is healthy is neither offered nor accepted.
 * When no account at all is healthy, health is set aside and every account is used as configured: refusing
 * everything gains nothing, and a check failing everywhere at once more often means the signer's own network (or a
 * gateway whose "no such order" answer the check does not know) than every provider down together. A single
 * account therefore always takes checkouts, as before there were several.
 */
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import type { HealthSettings } from '../config/load-config.ts';
import type { SignerService } from '../lifecycle.ts';
import type { WorkerLogger } from '../reconcile/polling-loop.ts';
import type { GatewayHealth } from './health-state.ts';
import type { HealthStore } from './health-store.ts';
import { createHealthTracker, type AccountProbe, type HealthTracker } from './health-tracker.ts';
import { paymentTargets, type PaymentTargets } from './payment-target.ts';
import { routeAccount, servedCodes, type RandomSource } from './route-account.ts';

/** Options of {@link createGateways}. */
export interface GatewaysOptions {
  accounts: readonly GatewayAccount[];
  /** The signer's public URL (the relay lives under it). */
  publicUrl: string;
  settings: HealthSettings;
  /** The health store, or how to get it once the order store is open. */
  store: HealthStore | (() => Promise<HealthStore>);
  clock?: () => Date;
  logger?: WorkerLogger;
  /** The weighted draw; default `Math.random`. */
  random?: RandomSource;
  probe?: AccountProbe;
  tickMs?: number;
  onChange?: (health: GatewayHealth, account: GatewayAccount) => void;
}

/** The accounts, their health and the routing. */
export interface Gateways {
  readonly accounts: readonly GatewayAccount[];
  readonly health: HealthTracker;
  /** The health tracker as a service of the signer's lifecycle (`gateway-health`): its probes and shared state. */
  readonly service: SignerService;
  readonly targets: PaymentTargets;
  /** The account with this id; undefined for one not (or no longer) configured. */
  account(id: string): GatewayAccount | undefined;
  /** Whether routing may use the account now: it is healthy, or no account is. */
  usable(id: string): boolean;
  /** The account a checkout for `bankCode` goes to; null when no usable account serves the code. */
  route(bankCode: string): GatewayAccount | null;
  /** The codes of `offered` a usable account serves, in that order. */
  offered(offered: readonly string[]): string[];
}

/**
 * Builds the gateways of one signer; start and stop `gateways.health` with the other services.
 * @example
 * const gateways = createGateways({ accounts: config.gateways, publicUrl: config.publicUrl, settings: config.health, store: memoryHealthStore() });
 * gateways.route('903')?.id; // 'a'
 */
export function createGateways(options: GatewaysOptions): Gateways {
  const { accounts } = options;
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const health = createHealthTracker({
    accounts,
    store: options.store,
    settings: options.settings,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.probe ? { probe: options.probe } : {}),
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
    ...(options.onChange ? { onChange: options.onChange } : {}),
  });
  const random = options.random ?? Math.random;
  const usable = (id: string) => health.isHealthy(id) || !accounts.some((a) => health.isHealthy(a.id));
  return {
    accounts,
    health,
    service: { name: 'gateway-health', start: () => health.start(), stop: () => health.stop() },
    targets: paymentTargets(accounts, options.publicUrl),
    account: (id) => byId.get(id),
    usable,
    route: (bankCode) => routeAccount(accounts, bankCode, usable, random),
    offered: (codes) => servedCodes(accounts, codes, usable),
  };
}
