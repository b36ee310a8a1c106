/**
 * @module routes/metrics
 * `GET /metrics`: the signer's metrics in the Prometheus text format. On the public port it needs
 * `Authorization: Bearer <JUPAY_ADMIN_TOKEN>` (a refusal is 401 and names nothing); on the admin port, bound to
 * 127.0.0.1, it is served without one. Never cached.
 */
import { Hono } from 'hono';
import { tokenMatches } from '../admin/token.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import type { SignerMetrics } from '../metrics/metrics.ts';

/** What {@link metricsRoute} needs. */
export interface MetricsRouteDeps {
  metrics: Pick<SignerMetrics, 'registry'>;
  /** The bearer token required; null: none (the admin port). */
  token: string | null;
}

/**
 * The metrics route, to mount at `/metrics`.
 * @example
 * app.route('/metrics', metricsRoute({ metrics, token: config.adminToken }));
 * // GET /metrics (Authorization: Bearer <token>) → 200 text/plain; version=0.0.4 ... jupay_checkouts_total ...
 */
export function metricsRoute(deps: MetricsRouteDeps): Hono<SignerEnv> {
  const { registry } = deps.metrics;
  return new Hono<SignerEnv>().get('/', async (c) => {
    setResponseHeader(c, 'Cache-Control', 'no-store');
    if (deps.token !== null) {
      const header = c.req.header('authorization') ?? '';
      const presented = /^Bearer [\x21-\x7e]+$/.test(header) ? header.slice('Bearer '.length) : null;
      if (!tokenMatches(presented, deps.token)) {
        return c.text('unauthorized\n', 401, { 'WWW-Authenticate': 'Bearer realm="jupay-signer metrics"' });
      }
    }
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
}
