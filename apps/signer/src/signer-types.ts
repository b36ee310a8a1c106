/**
 * @module signer-types
 * The shapes of `createSigner` (app.ts): what a caller may inject, and the signer it gets back.
 */
import type { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import type { SignerConfig } from './config/load-config.ts';
import type { Gateways } from './gateways/gateways.ts';
import type { RandomSource } from './gateways/route-account.ts';
import type { SignerService } from './lifecycle.ts';
import type { Logger, SignerEnv } from './log.ts';
import type { SignerMetrics } from './metrics/metrics.ts';
import type { OrderRecord, OrderStore } from './store/order-store.ts';
import type { RetentionOptions } from './store/retention.ts';

/** What a caller may inject; every field is optional. */
export interface SignerDeps {
  /** A ready (migrated) store. Default: `openStore(config.store)` on first use, closed by `stop()`. */
  store?: OrderStore;
  /** The time source for orders, payments and rate limits. */
  clock?: () => Date;
  /** A pino logger; default: one at `config.logLevel` writing to `logDestination` or stdout. */
  logger?: Logger;
  /** Where the default logger writes (tests capture lines here). */
  logDestination?: DestinationStream;
  /** Order ids; default `newOrderId` of @jupay/core. */
  newOrderId?: (now: Date) => string;
  /** Background services started by `start()`. */
  services?: SignerService[];
  /**
   * Called once per order, in the instance that made it paid (notification or reconciliation), for merchants who
   * embed the app. Not awaited by the notify route; errors are logged. For delivery that survives restarts, use
   * the webhook (`JUPAY_WEBHOOK_URL`).
   */
  onPaid?: (order: OrderRecord) => void | Promise<void>;
  /** Retention of unverified notifications (default 30 days), of the gateway query log (90 days), and how often it is enforced (store/retention.ts). */
  retention?: RetentionOptions;
  /** The `<pay-button>` bundle served at `/pay-button.js` and reported by `/healthz`; default the built-in one. */
  widgetFile?: string;
  /** The weighted draw among gateway accounts of equal priority; default `Math.random`. */
  random?: RandomSource;
}

/** The signer: the app, its collaborators, and the lifecycle. */
export interface Signer {
  app: Hono<SignerEnv>;
  /** The operator's app for `JUPAY_ADMIN_PORT` (console and `/metrics`); null without that setting. */
  adminApp: Hono<SignerEnv> | null;
  /** The metrics, kept when an admin token or port is set; null otherwise. */
  metrics: SignerMetrics | null;
  config: SignerConfig;
  /** The gateway accounts, their health (a service started with the others) and the routing. */
  gateways: Gateways;
  store: OrderStore;
  logger: Logger;
  clock: () => Date;
  /** Started in order by `start()`, stopped in reverse by `stop()`. */
  services: SignerService[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
