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
import { Hono, type MiddlewareHandler } from 'hono';
import type { DestinationStream } from 'pino';
import type { SignerConfig } from './config/load-config.ts';
import { HttpError } from './errors.ts';
import { browserCors } from './http/cors.ts';
import { setResponseHeader } from './http/response-header.ts';
import { toHttpError } from './http/to-http-error.ts';
import { adminQueriesFor } from './admin/admin-queries.ts';
import { createLifecycle, type SignerService } from './lifecycle.ts';
import { createLogger, requestLogger, type Logger, type SignerEnv } from './log.ts';
import { instrumentStore } from './metrics/instrument-store.ts';
import { createMetrics, routeLabel, type SignerMetrics } from './metrics/metrics.ts';
import { createGateways, type Gateways } from './gateways/gateways.ts';
import { healthStoreFor } from './gateways/health-store-for.ts';
import type { RandomSource } from './gateways/route-account.ts';
import { createBackground } from './reconcile/background.ts';
import { checkoutRoute } from './routes/checkout.ts';
import { configRoute } from './routes/config.ts';
import { payRelayRoute } from './routes/pay-relay.ts';
import { adminRoute } from './routes/admin.ts';
import { healthRoute } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { notifyRoute } from './routes/notify.ts';
import { orderStatusRoute } from './routes/order-status.ts';
import { orderSubmittedRoute } from './routes/order-submitted.ts';
import { returnRoute } from './routes/return.ts';
import { createWidgetRoutes } from './routes/widget.ts';
import { lazyStore } from './store/lazy-store.ts';
import { openStore } from './store/open-store.ts';
import type { OrderRecord, OrderStore } from './store/order-store.ts';
import { createRetention, type RetentionOptions } from './store/retention.ts';
import { DEFAULT_WIDGET_FILE, widgetLoader } from './widget/widget-asset.ts';

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

/**
 * Creates the signer for a validated configuration (see `loadConfig`).
 * @example
 * const signer = createSigner(loadConfig(process.env));
 * await signer.start();
 * serve({ fetch: signer.app.fetch, port: signer.config.port });
 */
export function createSigner(config: SignerConfig, deps: SignerDeps = {}): Signer {
  const clock = deps.clock ?? (() => new Date());
  const secrets = [...config.gateways.map((a) => a.key), config.webhookSecret, config.adminToken ?? null];
  const destination = deps.logDestination ? { destination: deps.logDestination } : {};
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets, ...destination });
  const ownsStore = deps.store === undefined;
  const signerStore = deps.store ?? lazyStore(() => openStore(config.store));
  // The gateway accounts: their health (kept beside the orders) and the routing of checkouts.
  const gateways = createGateways({
    accounts: config.gateways,
    publicUrl: config.publicUrl,
    settings: config.health,
    store: () => healthStoreFor(signerStore),
    clock,
    logger,
    tickMs: config.workerPollMs,
    ...(deps.random ? { random: deps.random } : {}),
  });
  // Metrics are kept where they can be read: with an admin token (/metrics on this port) or an admin port.
  const adminQueries = memo(() => adminQueriesFor(signerStore));
  const metrics =
    config.adminToken || config.adminPort != null
      ? createMetrics({
          queueDepth: async () => (await adminQueries())?.queueDepth() ?? 0,
          // Every configured account (0 when it has none due), and any other account orders are still bound to.
          dueBacklog: async () => {
            const queries = await adminQueries();
            if (!queries) return [];
            const at = clock();
            const backlog = new Map((await queries.dueOrders(at)).map((d) => [d.gatewayId, d]));
            const ids = [...new Set([...config.gateways.map((a) => a.id), ...backlog.keys()])];
            return ids.map((gatewayId) => {
              const oldestDueAt = backlog.get(gatewayId)?.oldestDueAt ?? null;
              return {
                gatewayId,
                due: backlog.get(gatewayId)?.due ?? 0,
                oldestDueSeconds: oldestDueAt ? (at.getTime() - oldestDueAt.getTime()) / 1000 : 0,
              };
            });
          },
          gatewayHealth: () => gateways.health.states(),
        })
      : null;
  // What the routes and services use: the same store, its failures counted when there are metrics.
  const store = metrics ? instrumentStore(signerStore, metrics) : signerStore;
  const paidHook = metrics
    ? (order: OrderRecord) => {
        metrics.orderPaid(order);
        return deps.onPaid?.(order);
      }
    : deps.onPaid;
  const onPaid = paidHook ? { onPaid: paidHook } : {};
  const counted = metrics ? { metrics } : {};
  const background = createBackground({
    config,
    store,
    logger,
    clock,
    ...onPaid,
    ...counted,
    // Each order query's outcome is its gateway's passive health.
    onQueryHealth: (gatewayId, health) => void gateways.health.report(gatewayId, health),
  });
  for (const stats of background.queryStats) {
    metrics?.gatewayRate(stats.gatewayId, stats.snapshot().perSecond);
  }
  const retentionDays = {
    unverifiedNotificationDays: config.unverifiedRetentionDays,
    gatewayQueryDays: config.queryLogRetentionDays,
    ...deps.retention,
  };
  const retention = createRetention({ store, clock, logger, ...retentionDays });
  const healthService: SignerService = {
    name: 'gateway-health',
    start: () => gateways.health.start(),
    stop: () => gateways.health.stop(),
  };
  const services: SignerService[] = [
    ...(deps.services ?? []),
    healthService,
    ...background.services,
    retention,
  ];

  const app = new Hono<SignerEnv>();
  if (metrics) app.use(measureRequests(metrics));
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

  app.route('/api/config', configRoute({ config, gateways }));
  const makeOrderId = deps.newOrderId ?? newOrderId;
  const onCheckout = metrics ? { onCheckout: metrics.checkout } : {};
  app.route(
    '/api/checkout',
    checkoutRoute({ config, store, clock, newOrderId: makeOrderId, gateways, ...onCheckout }),
  );
  const { bodyLimitBytes, returnUrl, trustedProxyHeader } = config;
  const { orderPaid, requestCheck, checkedAt } = background;
  const onVerdict = metrics ? { onVerdict: metrics.notification } : {};
  app.route(
    '/api/notify',
    notifyRoute({
      accounts: config.gateways,
      bodyLimitBytes,
      trustedProxyHeader,
      store,
      clock,
      orderPaid,
      ...onVerdict,
    }),
  );
  app.route(
    '/api/return',
    returnRoute({ accounts: config.gateways, bodyLimitBytes, returnUrl, store, clock }),
  );
  app.route('/api/orders', orderStatusRoute({ config, store, clock, requestCheck, checkedAt }));
  app.route('/api/orders', orderSubmittedRoute({ config, store, clock }));
  // Payment forms, when the accounts' pages are on several origins (gateways/payment-target.ts).
  app.route('/api/pay', payRelayRoute({ accounts: config.gateways }));
  const widgetFile = deps.widgetFile ?? DEFAULT_WIDGET_FILE;
  app.route('/healthz', healthRoute({ store, widget: widgetLoader(widgetFile), gateways }));
  // Mounted at the root: the widget route names its own path (/pay-button.js), as embedders mount it alone.
  app.route('/', createWidgetRoutes({ file: widgetFile }));
  // The operator's routes: on this port behind the admin token, and on the admin port (127.0.0.1) in an app of
  // their own.
  const operatorConsole = (where: 'public' | 'port', token: string | null) =>
    adminRoute({
      config,
      token,
      where,
      queries: adminQueries,
      store,
      askGateway: (order) => background.reconciler.checkNow(order),
      resend: background.sender ? (event) => background.sender!.deliver(event) : null,
      queryStats: () => background.queryStats.map((stats) => stats.snapshot()),
      gateways,
      clock,
    });
  if (metrics && config.adminToken) {
    app.route('/metrics', metricsRoute({ metrics, token: config.adminToken }));
    app.route('/admin', operatorConsole('public', config.adminToken));
  }
  let adminApp: Hono<SignerEnv> | null = null;
  if (metrics && config.adminPort != null) {
    adminApp = new Hono<SignerEnv>();
    adminApp.use(requestLogger(logger));
    adminApp.route('/metrics', metricsRoute({ metrics, token: null }));
    adminApp.route('/admin', operatorConsole('port', config.adminToken ?? null));
    adminApp.notFound((c) => c.text('not found\n', 404));
  }

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
    adminApp,
    metrics,
    config,
    gateways,
    store: signerStore,
    logger,
    clock,
    services,
    ...createLifecycle({ store: signerStore, services, logger, ownsStore }),
  };
}

/** A function that runs `make` once, on first call, and returns its promise ever after. */
function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

/** Middleware: each request's duration by route and status. */
function measureRequests(metrics: SignerMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    metrics.httpRequest(routeLabel(c.req.path), c.res.status, (performance.now() - started) / 1000);
  };
}
