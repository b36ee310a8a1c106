/**
 * @module app
 * `createSigner(config, deps?)`: the signer's Hono app plus its lifecycle. This file composes; each route is its
 * own small Hono app in `routes/`, given only the store calls and settings it uses, and every thrown error becomes
 * JSON in the one `app.onError` (`http/json-error.ts`). Metrics and the operator console are wired in
 * `metrics/signer-metrics.ts` and `routes/operator.ts`.
 *
 * - `signer.app` is a plain Hono app: mount it (`host.route('/', signer.app)`) or serve it (`server.ts`).
 * - The store is `deps.store` when given (tests, embedders), else opened lazily from `config.store` on first use.
 * - Background work (reconciliation, webhook outbox, retention) runs as {@link SignerService}s: `start()` migrates
 *   the store, then starts each service in order; `stop()` stops them in reverse order, then closes the store if
 *   the signer opened it. More may be passed in `deps.services` or pushed onto `signer.services` before `start()`.
 */
import { newOrderId } from '@jupay/core';
import { Hono } from 'hono';
import { adminQueriesFor } from './admin/admin-queries.ts';
import type { SignerConfig } from './config/load-config.ts';
import { createGateways } from './gateways/gateways.ts';
import { healthStoreFor } from './gateways/health-store-for.ts';
import { browserCors } from './http/cors.ts';
import { jsonError, notFound } from './http/json-error.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createLifecycle } from './lifecycle.ts';
import { createLogger, requestLogger, type SignerEnv } from './log.ts';
import { instrumentStore } from './metrics/instrument-store.ts';
import { countPaid, measureRequests, signerMetrics } from './metrics/signer-metrics.ts';
import { createBackground } from './reconcile/background.ts';
import { checkoutRoute } from './routes/checkout.ts';
import { configRoute } from './routes/config.ts';
import { healthRoute } from './routes/health.ts';
import { notifyRoute } from './routes/notify.ts';
import { mountOperator } from './routes/operator.ts';
import { orderStatusRoute } from './routes/order-status.ts';
import { orderSubmittedRoute } from './routes/order-submitted.ts';
import { payRelayRoute } from './routes/pay-relay.ts';
import { returnRoute } from './routes/return.ts';
import { createWidgetRoutes } from './routes/widget.ts';
import type { Signer, SignerDeps } from './signer-types.ts';
import { lazyStore } from './store/lazy-store.ts';
import { openStore } from './store/open-store.ts';
import { createRetention } from './store/retention.ts';
import { DEFAULT_WIDGET_FILE, widgetLoader } from './widget/widget-asset.ts';

export type { SignerService } from './lifecycle.ts';
export type { Signer, SignerDeps } from './signer-types.ts';

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
  let adminQueries: ReturnType<typeof adminQueriesFor> | undefined;
  const queries = () => (adminQueries ??= adminQueriesFor(signerStore));
  const metrics = signerMetrics({ config, adminQueries: queries, gateways, clock });
  // What the routes and services use: the same store, its failures counted when there are metrics.
  const store = metrics ? instrumentStore(signerStore, metrics) : signerStore;
  const onPaid = countPaid(metrics, deps.onPaid);
  const background = createBackground({
    config,
    store,
    logger,
    clock,
    ...(onPaid ? { onPaid } : {}),
    ...(metrics ? { metrics } : {}),
    // Each order query's outcome is its gateway's passive health.
    onQueryHealth: (gatewayId, health) => void gateways.health.report(gatewayId, health),
  });
  for (const stats of background.queryStats)
    metrics?.gatewayRate(stats.gatewayId, stats.snapshot().perSecond);
  const retention = createRetention({
    store,
    clock,
    logger,
    unverifiedNotificationDays: config.unverifiedRetentionDays,
    gatewayQueryDays: config.queryLogRetentionDays,
    ...deps.retention,
  });
  const services = [...(deps.services ?? []), gateways.service, ...background.services, retention];

  const app = new Hono<SignerEnv>();
  if (metrics) app.use(measureRequests(metrics));
  app.use(requestLogger(logger), securityHeaders());
  // The browser routes: only the allowed origins. The gateway's routes (notify, return) are not browser calls.
  const cors = browserCors(config.allowedOrigins, { clock: () => clock().getTime() });
  for (const path of ['/api/config', '/api/checkout', '/api/orders/*']) app.use(path, cors);

  const { bodyLimitBytes, returnUrl, trustedProxyHeader, gateways: accounts } = config;
  const { orderPaid, requestCheck } = background;
  const newId = {
    newOrderId: deps.newOrderId ?? newOrderId,
    ...(metrics ? { onCheckout: metrics.checkout } : {}),
  };
  const onVerdict = metrics ? { onVerdict: metrics.notification } : {};
  app.route('/api/config', configRoute({ config, gateways }));
  app.route('/api/checkout', checkoutRoute({ config, store, clock, gateways, ...newId }));
  const notify = { accounts, bodyLimitBytes, trustedProxyHeader, store, clock, orderPaid, ...onVerdict };
  app.route('/api/notify', notifyRoute(notify));
  app.route('/api/return', returnRoute({ accounts, bodyLimitBytes, returnUrl, store, clock }));
  app.route('/api/orders', orderStatusRoute({ config, store, clock, requestCheck }));
  app.route('/api/orders', orderSubmittedRoute({ config, store, clock }));
  // Payment forms, when the accounts' pages are on several origins (gateways/payment-target.ts).
  app.route('/api/pay', payRelayRoute({ accounts }));
  const widgetFile = deps.widgetFile ?? DEFAULT_WIDGET_FILE;
  app.route('/healthz', healthRoute({ store, widget: widgetLoader(widgetFile), gateways }));
  // Mounted at the root: the widget route names its own path (/pay-button.js), as embedders mount it alone.
  app.route('/', createWidgetRoutes({ file: widgetFile }));
  const operator = { queries, store, gateways, clock, ...background.operator };
  const adminApp = mountOperator(app, { config, metrics, logger, operator });
  app.notFound(notFound);
  app.onError(jsonError);

  const lifecycle = createLifecycle({ store: signerStore, services, logger, ownsStore });
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
    ...lifecycle,
  };
}
