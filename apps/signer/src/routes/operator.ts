/**
 * @module routes/operator
 * Where the operator's routes (the console at `/admin`, `/metrics`) are served: on the signer's own port behind
 * `JUPAY_ADMIN_TOKEN`, and on `JUPAY_ADMIN_PORT` (bound to 127.0.0.1) in an app of their own. Neither without
 * metrics, which exist only when one of those settings is given (metrics/signer-metrics.ts).
 */
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import { requestLogger, type Logger, type SignerEnv } from '../log.ts';
import type { SignerMetrics } from '../metrics/metrics.ts';
import { adminRoute, type AdminRouteDeps } from './admin.ts';
import { metricsRoute } from './metrics.ts';

/** What {@link mountOperator} needs: the settings, the metrics, and what the console reads and does. */
export interface OperatorDeps {
  config: SignerConfig;
  metrics: SignerMetrics | null;
  logger: Logger;
  operator: Omit<AdminRouteDeps, 'config' | 'token' | 'where'>;
}

/**
 * Mounts the console and `/metrics` on `app` when an admin token is set, and returns the admin port's app (null
 * without `JUPAY_ADMIN_PORT`).
 * @example
 * const adminApp = mountOperator(app, { config, metrics, logger, operator });
 * if (adminApp) serve({ fetch: adminApp.fetch, hostname: '127.0.0.1', port: config.adminPort });
 */
export function mountOperator(app: Hono<SignerEnv>, deps: OperatorDeps): Hono<SignerEnv> | null {
  const { config, metrics, logger, operator } = deps;
  if (!metrics) return null;
  const consoleApp = (where: 'public' | 'port', token: string | null) =>
    adminRoute({ ...operator, config, token, where });
  if (config.adminToken) {
    app.route('/metrics', metricsRoute({ metrics, token: config.adminToken }));
    app.route('/admin', consoleApp('public', config.adminToken));
  }
  if (config.adminPort == null) return null;
  const adminApp = new Hono<SignerEnv>();
  adminApp.use(requestLogger(logger));
  adminApp.route('/metrics', metricsRoute({ metrics, token: null }));
  adminApp.route('/admin', consoleApp('port', config.adminToken ?? null));
  adminApp.notFound((c) => c.text('not found\n', 404));
  return adminApp;
}
