/**
 * @module app
 * `createSigner(config, deps?)`: the signer's Hono app plus its lifecycle. This file composes; each route is its
 * own small Hono app in `routes/`, given only the store calls and settings it uses, and every thrown error becomes
 * JSON in the one `app.onError` (`http/to-http-error.ts`).
 *
 * - `signer.app` is a plain Hono app: mount it (`host.route('/', signer.app)`) or serve it (`server.ts`).
 * - The store is `deps.store` when given (tests, embedders), else opened lazily from `config.store` on first use.
 * - Background work (reconciliation, webhook outbox, retention) runs as {@link SignerService}s: `start()` migrates
 *   the store, then starts each service in order; `stop()` stops them in reverse order, then closes the store if
 *   the signer opened it. More may be passed in `deps.services` or pushed onto `signer.services` before `start()`.
 */
import { newOrderId } from '@jupay/core';
import { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import type { SignerConfig } from './config/load-config.ts';
import { HttpError } from './errors.ts';
import { browserCors } from './http/cors.ts';
import { setResponseHeader } from './http/response-header.ts';
import { toHttpError } from './http/to-http-error.ts';
import { createLifecycle, type SignerService } from './lifecycle.ts';
import { createLogger, requestLogger, type Logger, type SignerEnv } from './log.ts';
import { createBackground } from './reconcile/background.ts';
import { checkoutRoute } from './routes/checkout.ts';
import { configRoute } from './routes/config.ts';
import { healthRoute } from './routes/health.ts';
import { notifyRoute } from './routes/notify.ts';
import { orderStatusRoute } from './routes/order-status.ts';
import { returnRoute } from './routes/return.ts';
import { createWidgetRoutes } from './routes/widget.ts';
import { lazyStore } from './store/lazy-store.ts';
import { openStore } from './store/open-store.ts';
import type { OrderRecord, OrderStore } from './store/order-store.ts';
import { createRetention, type RetentionOptions } from './store/retention.ts';

export type { SignerService } from './lifecycle.ts';

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
  /** Retention of unverified notifications (default 30 days) and how often it is enforced (store/retention.ts). */
  retention?: RetentionOptions;
}

/** The signer: the app, its collaborators, and the lifecycle. */
export interface Signer {
  app: Hono<SignerEnv>;
  config: SignerConfig;
  store: OrderStore;
  logger: Logger;
  clock: () => Date;
  /** Started in order by `start()`, stopped in reverse by `stop()`. */
  services: SignerService[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates the signer for a validated configuration (see `loadConfig`).
 * @example
 * const signer = createSigner(loadConfig(process.env));
 * await signer.start();
 * serve({ fetch: signer.app.fetch, port: signer.config.port });
 */
export function createSigner(config: SignerConfig, deps: SignerDeps = {}): Signer {
  const clock = deps.clock ?? (() => new Date());
  const secrets = [config.key, config.webhookSecret];
  const destination = deps.logDestination ? { destination: deps.logDestination } : {};
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets, ...destination });
  const ownsStore = deps.store === undefined;
  const store = deps.store ?? lazyStore(() => openStore(config.store));
  const credentials = { memberId: config.memberId, key: config.key };
  const onPaid = deps.onPaid ? { onPaid: deps.onPaid } : {};
  const background = createBackground({ config, store, logger, clock, ...onPaid });
  const retentionDays = { unverifiedNotificationDays: config.unverifiedRetentionDays, ...deps.retention };
  const retention = createRetention({ store, clock, logger, ...retentionDays });
  const services: SignerService[] = [...(deps.services ?? []), ...background.services, retention];

  const app = new Hono<SignerEnv>();
  app.use(requestLogger(logger));
  app.use((c, next) => {
    // Before next(), never after: a header added to a finished response makes the Node adapter rebuild it as a
    // web Response (measured: about 4x slower on small routes). See http/response-header.ts.
    setResponseHeader(c, 'X-Content-Type-Options', 'nosniff');
    // Status and return URLs carry order ids: no page may pass them on as a referrer.
    setResponseHeader(c, 'Referrer-Policy', 'no-referrer');
    // No response of the signer is meant to be framed; an HTML route that sets its own Content-Security-Policy
    // must keep this directive in it.
    setResponseHeader(c, 'Content-Security-Policy', "frame-ancestors 'none'");
    return next();
  });
  // The browser routes: only the allowed origins. The gateway's routes (notify, return) are not browser calls.
  const cors = browserCors(config.allowedOrigins, { clock: () => clock().getTime() });
  for (const path of ['/api/config', '/api/checkout', '/api/orders/*']) app.use(path, cors);

  app.route('/api/config', configRoute(config));
  const makeOrderId = deps.newOrderId ?? newOrderId;
  app.route('/api/checkout', checkoutRoute({ config, store, clock, newOrderId: makeOrderId }));
  const { bodyLimitBytes, returnUrl, signDialect: dialect, trustedProxyHeader } = config;
  const { orderPaid, requestCheck } = background;
  const notifyDeps = { credentials, bodyLimitBytes, dialect, trustedProxyHeader, store, clock, orderPaid };
  app.route('/api/notify', notifyRoute(notifyDeps));
  app.route('/api/return', returnRoute({ credentials, bodyLimitBytes, dialect, returnUrl, store }));
  app.route('/api/orders', orderStatusRoute({ config, store, clock, requestCheck }));
  app.route('/healthz', healthRoute({ store }));
  // Mounted at the root: the widget route names its own path (/pay-button.js), as embedders mount it alone.
  app.route('/', createWidgetRoutes());

  app.notFound(() => {
    throw new HttpError('NOT_FOUND', 'no such route');
  });
  app.onError((error, c) => {
    const mapped = toHttpError(error);
    if (mapped.code === 'STORE_UNAVAILABLE') {
      // For the operator: the cause (connection refused, disk full, ...) is in `err`.
      c.get('log')?.error({ err: error }, 'store unavailable');
    } else if (mapped.status >= 500) {
      c.get('log')?.error({ err: error }, 'unhandled error');
    }
    // An error is about this request only: no cache or proxy may keep it (a 404 status read, a 429).
    return c.json({ error: { code: mapped.code, message: mapped.message } }, mapped.status, {
      'Cache-Control': 'no-store',
      ...mapped.headers,
    });
  });

  return {
    app,
    config,
    store,
    logger,
    clock,
    services,
    ...createLifecycle({ store, services, logger, ownsStore }),
  };
}
